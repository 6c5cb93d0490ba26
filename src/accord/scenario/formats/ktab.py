"""KTAB's spatial-model CSV.

Line 1 name, description, actor count, dimension count; line 2 a header; then Actor,
Description, Power and a Position, Salience pair per dimension (salience 0–100).
The counts line 1 announces are checked against the file before anything is built.
"""

from __future__ import annotations

import re
from typing import Any

from accord.errors import ImportFormatError
from accord.scenario.formats.common import (
    Lines,
    assumption,
    check_limit,
    is_int,
    number,
    read_rows,
    slug,
)

__all__ = ["read"]


def read(text: str, name: str, lines: Lines | None = None) -> dict:
    """Plain scenario data from a KTAB CSV; ``lines`` receives the line of each actor and stance."""
    lines = {} if lines is None else lines
    rows = [r for r in read_rows(text) if any(c.strip() for c in r)]
    if len(rows) < 3:
        raise ImportFormatError("a KTAB file needs a title line, a header line and at least one actor")
    first = [c.strip() for c in rows[0]]
    if len(first) < 4 or not (is_int(first[2]) and is_int(first[3])):
        raise ImportFormatError("line 1 must be: name, description, number of actors, number of dimensions")
    if len(first[2]) > 12 or len(first[3]) > 12:
        raise ImportFormatError("line 1: the number of actors or dimensions is too long to be a count")
    n_actors, n_dims = int(first[2]), int(first[3])
    header = [c.strip() for c in rows[1]]
    body = rows[2:]
    check_limit("actors", n_actors, "line 1 announces")
    check_limit("issues", n_dims, "line 1 announces")
    if n_dims < 1:
        raise ImportFormatError("line 1 announces 0 dimensions: a KTAB file needs at least one")
    if len(body) != n_actors:
        raise ImportFormatError(f"line 1 announces {n_actors} actors but the file has {len(body)}")
    widest = max(len([c for c in row if c.strip()]) for row in body)
    if 3 + 2 * n_dims > max(widest, len(header)):
        room = max(0, (max(widest, len(header)) - 3) // 2)
        raise ImportFormatError(
            f"line 1 announces {n_dims:,} dimensions, but no line has the {3 + 2 * n_dims:,} fields they need "
            f"(the widest has room for {room})"
        )
    check_limit("stances", n_actors * n_dims, "the file holds")
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
        lines[("actors", len(actors))] = k
        actors.append({"id": actor, "name": cells[1] or actor, "capability": number(cells[2], f"line {k}: power")})
        for d, (issue_id, _) in enumerate(dims):
            pos = number(cells[3 + 2 * d], f"line {k}: position")
            sal = number(cells[4 + 2 * d], f"line {k}: salience")
            if not 0 <= sal <= 100:
                raise ImportFormatError(f"line {k}: salience must be between 0 and 100, got {sal:g}")
            lines[("stances", len(stances))] = k
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
    """An issue on KTAB's own position scale, 0–100 (widened only if a position lies outside it)."""
    lo, hi = min([0.0, *positions]), max([100.0, *positions])
    note = ("Scale 0–100: KTAB's position scale." if (lo, hi) == (0.0, 100.0)
            else f"Scale {lo:g}–{hi:g}: KTAB's 0–100 widened to hold every position in the file.")
    return {"id": issue_id, "name": label, "scale": {"min": lo, "max": hi}, "description": note}
