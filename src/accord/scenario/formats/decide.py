"""The Decide exchange-model input.

Rows ``#A`` (actor id, name, description), ``#P`` (issue id, name, description), ``#M``
(issue, value[, label]: scale points; the lowest and highest give the scale) and ``#D``
(actor, issue, position, salience, power); fields separated by tabs, semicolons or
commas, optionally quoted.
"""

from __future__ import annotations

import math
from typing import Any

from accord.errors import ImportFormatError
from accord.scenario.formats.common import (
    Lines,
    assumption,
    check_limit,
    number,
    read_rows,
    scale_for,
    scale_note,
    slug,
)

__all__ = ["read"]


def _split(line: str) -> list[str]:
    delim = "\t" if "\t" in line else (";" if ";" in line else ",")
    fields = (read_rows(line, delimiter=delim, quotechar="'") or [[""]])[0]
    return [f.strip().strip("'\"").strip() for f in fields]


def read(text: str, name: str, lines: Lines | None = None) -> dict:
    """Plain scenario data from a Decide file; ``lines`` receives the line of each actor, issue and stance."""
    lines = {} if lines is None else lines
    actor_lines: dict[str, int] = {}
    issue_lines: dict[str, int] = {}
    point_lines: dict[str, int] = {}
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    points: dict[str, list[tuple[float, str | None]]] = {}
    data: list[tuple[int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        f = _split(line)
        tag = f[0]
        if tag == "#A":
            if len(f) < 2:
                raise ImportFormatError(f"line {lineno}: #A needs an actor id")
            actors.setdefault(f[1], {"id": f[1], "name": f[2] if len(f) > 2 and f[2] else f[1]})
            actor_lines.setdefault(f[1], lineno)
            check_limit("actors", len(actors), "the file has more than")
        elif tag == "#P":
            if len(f) < 2:
                raise ImportFormatError(f"line {lineno}: #P needs an issue id")
            issues.setdefault(f[1], {"id": f[1], "name": f[2] if len(f) > 2 and f[2] else f[1],
                                     **({"description": f[3]} if len(f) > 3 and f[3] else {})})
            issue_lines.setdefault(f[1], lineno)
            check_limit("issues", len(issues), "the file has more than")
        elif tag == "#M":
            if len(f) < 3:
                raise ImportFormatError(f"line {lineno}: #M needs an issue and a value")
            label = f[3] if len(f) > 3 and f[3] else None
            points.setdefault(f[1], []).append((number(f[2], f"line {lineno}: scale value"), label))
            point_lines.setdefault(f[1], lineno)
        elif tag == "#D":
            if len(f) < 6:
                raise ImportFormatError(f"line {lineno}: #D needs actor, issue, position, salience, power")
            data.append((lineno, f))
            check_limit("stances", len(data), "the file has more than")
        elif tag.startswith("#"):
            continue
        else:
            raise ImportFormatError(f"line {lineno}: expected a row starting with #A, #P, #M or #D, got {tag!r}")
    if not actors or not issues:
        raise ImportFormatError("a Decide file needs #A (actor) and #P (issue) rows")
    for issue_id, lineno in point_lines.items():
        if issue_id not in issues:
            raise ImportFormatError(f"line {lineno}: #M row for unknown issue {issue_id!r} (no #P row)")
    power: dict[str, float] = {}
    stances: list[dict[str, Any]] = []
    for lineno, f in data:
        actor, issue = f[1], f[2]
        if actor not in actors:
            raise ImportFormatError(f"line {lineno}: unknown actor {actor!r} (no #A row)")
        if issue not in issues:
            raise ImportFormatError(f"line {lineno}: unknown issue {issue!r} (no #P row)")
        pos = number(f[3], f"line {lineno}: position")
        sal = number(f[4], f"line {lineno}: salience")
        pw = number(f[5], f"line {lineno}: power")
        if actor in power and not math.isclose(power[actor], pw, rel_tol=1e-12, abs_tol=1e-12):
            raise ImportFormatError(
                f"line {lineno}: actor {actor!r} has power {pw:g} here but {power[actor]:g} on another issue; "
                "accord gives each actor one capability"
            )
        power[actor] = pw
        lines[("stances", len(stances))] = lineno
        stances.append({"actor": actor, "issue": issue, "position": pos, "salience": sal,
                        "assumption": assumption("decide", name)})
    for issue_id, entry in issues.items():
        values = [p for p, _ in points.get(issue_id, [])]
        values += [s["position"] for s in stances if s["issue"] == issue_id]
        if points.get(issue_id):
            lo, hi = min(values), max(values)
            entry["scale"] = {"min": lo, "max": hi,
                              "anchors": {p: (label or f"{p:g}") for p, label in points[issue_id]}}
        else:
            entry["scale"] = scale_for(values)
            entry["description"] = scale_note(entry["scale"], values)
    for k, actor_id in enumerate(actors):
        lines[("actors", k)] = actor_lines[actor_id]
    for k, issue_id in enumerate(issues):
        lines[("issues", k)] = issue_lines[issue_id]
    return {
        "id": slug(name),
        "title": f"{name} (imported Decide file)",
        "actors": [{**a, "capability": power.get(a["id"], 0.0)} for a in actors.values()],
        "issues": list(issues.values()),
        "stances": stances,
    }
