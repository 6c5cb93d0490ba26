"""The expected-utility CSV of Bueno de Mesquita replications: ``Actor,Capability,Position,Salience``.

An ``Issue`` column (anywhere in the header) puts each row on the issue it names, so one
file can hold any number of issues; without it the file is one issue named after the
file. Saliences above 1 are read as percentages. Each issue's scale runs from its lowest
to its highest position, and its description says so.
"""

from __future__ import annotations

import math

from accord.errors import ImportFormatError
from accord.scenario.formats.common import assumption, number, read_rows, scale_for, scale_note, slug

__all__ = ["read"]

REQUIRED = ("actor", "capability", "position", "salience")


def read(text: str, name: str) -> dict:
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if not rows:
        raise ImportFormatError("the file is empty")
    header = [c.strip().lower() for c in rows[0]]
    if header[:4] != list(REQUIRED) and not (set(REQUIRED) <= set(header) and "issue" in header):
        raise ImportFormatError(
            f"line 1 must be 'Actor,Capability,Position,Salience' (and optionally 'Issue'), got {','.join(rows[0])!r}"
        )
    col = {key: header.index(key) for key in (*REQUIRED, "issue") if key in header}
    width = max(col.values()) + 1
    capability: dict[str, float] = {}
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
        pos = number(row[col["position"]], f"line {lineno}: position")
        sal = number(row[col["salience"]], f"line {lineno}: salience")
        parsed.append((actor, issue, pos, sal))
    if not parsed:
        raise ImportFormatError("the file has a header but no actors")
    percent = any(p[3] > 1 for p in parsed)
    issues = []
    for issue_name, issue in issue_names.items():
        positions = [p[2] for p in parsed if p[1] == issue]
        scale = scale_for(positions)
        issues.append({"id": issue, "name": issue_name, "scale": scale, "description": scale_note(scale, positions)})
    stances = [{"actor": actor, "issue": issue, "position": pos, "salience": sal / 100 if percent else sal,
                "assumption": assumption("bdm", name)} for actor, issue, pos, sal in parsed]
    return {
        "id": slug(name),
        "title": f"{name} (imported BDM file)",
        "actors": [{"id": a, "name": a, "capability": c} for a, c in capability.items()],
        "issues": issues,
        "stances": stances,
    }
