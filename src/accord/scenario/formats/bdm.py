"""The expected-utility CSV of Bueno de Mesquita replications: ``Actor,Capability,Position,Salience``, one issue.

The salience scale is decided once for the file: 0–100 (divided by 100) when any
salience exceeds 1, else 0–1; a file mixing both is refused. The scale used is stated
in the scenario's description.
"""

from __future__ import annotations

from accord.errors import ImportFormatError
from accord.scenario.formats.common import (
    Lines,
    assumption,
    check_limit,
    number,
    percent_scale,
    read_rows,
    scale_for,
    slug,
)

__all__ = ["read"]


def read(text: str, name: str, lines: Lines | None = None) -> dict:
    """Plain scenario data from a BDM CSV; ``lines`` receives the line of each actor and stance."""
    lines = {} if lines is None else lines
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if not rows:
        raise ImportFormatError("the file is empty")
    header = [c.strip().lower() for c in rows[0]]
    if header[:4] != ["actor", "capability", "position", "salience"]:
        raise ImportFormatError(f"line 1 must be 'Actor,Capability,Position,Salience', got {','.join(rows[0])[:80]!r}")
    check_limit("actors", len(rows) - 1, "the file has")
    actors, stances, seen = [], [], set()
    parsed = []
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) < 4:
            raise ImportFormatError(f"line {lineno}: expected 4 fields, got {len(row)}")
        actor = row[0].strip()
        if actor in seen:
            raise ImportFormatError(f"line {lineno}: actor {actor!r} appears twice")
        seen.add(actor)
        cap = number(row[1], f"line {lineno}: capability")
        pos = number(row[2], f"line {lineno}: position")
        sal = number(row[3], f"line {lineno}: salience")
        parsed.append((lineno, actor, cap, pos, sal))
    if not parsed:
        raise ImportFormatError("the file has a header but no actors")
    percent = percent_scale([(p[0], p[4]) for p in parsed])
    issue = slug(name)
    for k, (lineno, actor, cap, pos, sal) in enumerate(parsed):
        lines[("actors", k)] = lines[("stances", k)] = lineno
        actors.append({"id": actor, "name": actor, "capability": cap})
        stances.append({"actor": actor, "issue": issue, "position": pos,
                        "salience": sal / 100 if percent else sal, "assumption": assumption("bdm", name)})
    return {
        "id": slug(name),
        "title": f"{name} (imported BDM file)",
        "actors": actors,
        "description": ("Saliences read on a 0–100 scale and divided by 100." if percent
                        else "Saliences read on a 0–1 scale."),
        "issues": [{"id": issue, "name": name, "scale": scale_for([p[3] for p in parsed])}],
        "stances": stances,
    }
