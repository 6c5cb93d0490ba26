"""KTAB's spatial-model CSV.

Line 1 name, description, actor count, dimension count; line 2 a header; then Actor,
Description, Power and a Position, Salience pair per dimension (salience 0–100).
"""

from __future__ import annotations

import re
from typing import Any

from accord.errors import ImportFormatError
from accord.scenario.formats.common import assumption, is_int, number, read_rows, scale_for, scale_note, slug

__all__ = ["read"]


def read(text: str, name: str) -> dict:
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if len(rows) < 3:
        raise ImportFormatError("a KTAB file needs a title line, a header line and at least one actor")
    first = [c.strip() for c in rows[0]]
    if len(first) < 4 or not (is_int(first[2]) and is_int(first[3])):
        raise ImportFormatError("line 1 must be: name, description, number of actors, number of dimensions")
    n_actors, n_dims = int(first[2]), int(first[3])
    header = [c.strip() for c in rows[1]]
    body = rows[2:]
    if len(body) != n_actors:
        raise ImportFormatError(f"line 1 announces {n_actors} actors but the file has {len(body)}")
    dims = []
    for d in range(n_dims):
        label = header[3 + 2 * d] if len(header) > 3 + 2 * d else f"Dimension {d + 1}"
        label = re.sub(r"\s*(position|pstn)\s*", " ", label, flags=re.I).strip()
        label = f"Dimension {label or d + 1}" if not label or label.isdigit() else label
        dims.append((slug(label), label))
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    for k, row in enumerate(body, start=3):
        cells = [c.strip() for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) < 3 + 2 * n_dims:
            raise ImportFormatError(f"line {k}: expected {3 + 2 * n_dims} fields, got {len(cells)}")
        actor = cells[0]
        actors.append({"id": actor, "name": cells[1] or actor, "capability": number(cells[2], f"line {k}: power")})
        for d, (issue_id, _) in enumerate(dims):
            pos = number(cells[3 + 2 * d], f"line {k}: position")
            sal = number(cells[4 + 2 * d], f"line {k}: salience")
            stances.append({"actor": actor, "issue": issue_id, "position": pos, "salience": sal / 100,
                            "assumption": assumption("ktab", name)})
    return {
        "id": slug(first[0]) if first[0] else slug(name),
        "title": first[0] or name,
        "description": first[1] or None,
        "actors": actors,
        "issues": [_issue(i, label, [st["position"] for st in stances if st["issue"] == i]) for i, label in dims],
        "stances": stances,
    }


def _issue(issue_id: str, label: str, positions: list[float]) -> dict:
    scale = scale_for(positions)
    return {"id": issue_id, "name": label, "scale": scale, "description": scale_note(scale, positions)}
