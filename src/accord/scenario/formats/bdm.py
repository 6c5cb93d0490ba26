"""The expected-utility CSV of Bueno de Mesquita replications: ``Actor,Capability,Position,Salience``, one issue.

Saliences above 1 are read as percentages.
"""

from __future__ import annotations

from accord.errors import ImportFormatError
from accord.scenario.formats.common import assumption, number, read_rows, scale_for, slug

__all__ = ["read"]


def read(text: str, name: str) -> dict:
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if not rows:
        raise ImportFormatError("the file is empty")
    header = [c.strip().lower() for c in rows[0]]
    if header[:4] != ["actor", "capability", "position", "salience"]:
        raise ImportFormatError(f"line 1 must be 'Actor,Capability,Position,Salience', got {','.join(rows[0])!r}")
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
        parsed.append((actor, cap, pos, sal))
    if not parsed:
        raise ImportFormatError("the file has a header but no actors")
    percent = any(p[3] > 1 for p in parsed)
    issue = slug(name)
    for actor, cap, pos, sal in parsed:
        actors.append({"id": actor, "name": actor, "capability": cap})
        stances.append({"actor": actor, "issue": issue, "position": pos,
                        "salience": sal / 100 if percent else sal, "assumption": assumption("bdm", name)})
    return {
        "id": slug(name),
        "title": f"{name} (imported BDM file)",
        "actors": actors,
        "issues": [{"id": issue, "name": name, "scale": scale_for([p[2] for p in parsed])}],
        "stances": stances,
    }
