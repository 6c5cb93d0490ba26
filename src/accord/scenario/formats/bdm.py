"""The expected-utility CSV of Bueno de Mesquita replications: ``Actor,Capability,Position,Salience``.

An ``Issue`` column (anywhere in the header) puts each row on the issue it names, so one
file can hold any number of issues; without it the file is one issue named after the
file. The salience scale is decided once for the file: 0–100 (divided by 100) when any
salience exceeds 1, else 0–1; a file mixing both is refused, and the scale used is stated
in the scenario's description. Each issue's scale runs from its lowest to its highest
position, and its description says so.
"""

from __future__ import annotations

import math

from accord.errors import ImportFormatError
from accord.scenario.formats.common import (
    Lines,
    assumption,
    check_limit,
    number,
    percent_scale,
    read_rows,
    scale_for,
    scale_note,
    slug,
)

__all__ = ["read"]

REQUIRED = ("actor", "capability", "position", "salience")


def read(text: str, name: str, lines: Lines | None = None) -> dict:
    """Plain scenario data from a BDM CSV; ``lines`` receives the line of each actor and stance."""
    lines = {} if lines is None else lines
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if not rows:
        raise ImportFormatError("the file is empty")
    header = [c.strip().lower() for c in rows[0]]
    if header[:4] != list(REQUIRED) and not (set(REQUIRED) <= set(header) and "issue" in header):
        raise ImportFormatError(
            "line 1 must be 'Actor,Capability,Position,Salience' (and optionally 'Issue'), "
            f"got {','.join(rows[0])[:80]!r}"
        )
    check_limit("stances", len(rows) - 1, "the file has")
    col = {key: header.index(key) for key in (*REQUIRED, "issue") if key in header}
    width = max(col.values()) + 1
    capability: dict[str, float] = {}
    actor_line: dict[str, int] = {}
    issue_names: dict[str, str] = {}
    parsed = []
    seen: set[tuple[str, str]] = set()
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) < width:
            raise ImportFormatError(f"line {lineno}: expected {width} fields, got {len(row)}")
        actor = row[col["actor"]].strip()
        issue_name = row[col["issue"]].strip() if "issue" in col else name
        if not issue_name:
            raise ImportFormatError(f"line {lineno}: the Issue column is empty")
        issue = issue_names.setdefault(issue_name, slug(issue_name))
        if (actor, issue) in seen:
            where = f" on issue {issue_name!r}" if "issue" in col else ""
            raise ImportFormatError(f"line {lineno}: actor {actor!r} appears twice{where}")
        seen.add((actor, issue))
        cap = number(row[col["capability"]], f"line {lineno}: capability")
        if actor in capability and not math.isclose(capability[actor], cap, rel_tol=1e-12, abs_tol=1e-12):
            raise ImportFormatError(
                f"line {lineno}: actor {actor!r} has capability {cap:g} here but {capability[actor]:g} on "
                "another issue; accord gives each actor one capability"
            )
        capability[actor] = cap
        actor_line.setdefault(actor, lineno)
        pos = number(row[col["position"]], f"line {lineno}: position")
        sal = number(row[col["salience"]], f"line {lineno}: salience")
        parsed.append((lineno, actor, issue, pos, sal))
    if not parsed:
        raise ImportFormatError("the file has a header but no actors")
    check_limit("actors", len(capability), "the file has")
    percent = percent_scale([(p[0], p[4]) for p in parsed])
    issues = []
    for issue_name, issue in issue_names.items():
        positions = [p[3] for p in parsed if p[2] == issue]
        scale = scale_for(positions)
        issues.append({"id": issue, "name": issue_name, "scale": scale, "description": scale_note(scale, positions)})
    stances = []
    for k, (lineno, actor, issue, pos, sal) in enumerate(parsed):
        lines[("stances", k)] = lineno
        stances.append({"actor": actor, "issue": issue, "position": pos, "salience": sal / 100 if percent else sal,
                        "assumption": assumption("bdm", name)})
    for k, actor in enumerate(capability):
        lines[("actors", k)] = actor_line[actor]
    return {
        "id": slug(name),
        "title": f"{name} (imported BDM file)",
        "description": ("Saliences read on a 0–100 scale and divided by 100." if percent
                        else "Saliences read on a 0–1 scale."),
        "actors": [{"id": a, "name": a, "capability": c} for a, c in capability.items()],
        "issues": issues,
        "stances": stances,
    }
