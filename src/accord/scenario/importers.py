"""Convert the file formats of the established tools into scenarios.

- ``bdm``: the expected-utility CSV of Bueno de Mesquita replications, one issue:
  ``Actor,Capability,Position,Salience``. Saliences above 1 are read as percentages.
- ``decide``: the Decide exchange-model input: rows ``#A`` (actor id, name, description),
  ``#P`` (issue id, name, description), ``#M`` (issue, value[, label]: scale points;
  the lowest and highest give the scale) and ``#D`` (actor, issue, position, salience,
  power); fields separated by tabs, semicolons or commas, optionally quoted.
- ``ktab``: KTAB's spatial-model CSV: line 1 name, description, actor count, dimension
  count; line 2 a header; then Actor, Description, Power and a Position, Salience
  pair per dimension (salience 0–100).

Names in the file become ids, and the file's row order the actor order. Imported
stances carry an ``assumption`` naming the file, since there is no quoted source.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable

from accord.errors import ImportFormatError, ScenarioError
from accord.scenario.io import scenario_from_data

FORMATS = ("bdm", "decide", "ktab")


def detect_format(text: str) -> str | None:
    """The foreign format ``text`` is in, or None when it looks like none of them."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    if any(re.match(r"""^\s*['"]?#[APDM]['"]?\s*[\t;,]""", ln) for ln in lines[:50]):
        return "decide"
    try:
        parsed = [next(csv.reader([ln]), []) for ln in lines[:2]]
    except csv.Error:
        return None
    head = [c.strip().lower() for c in parsed[0]]
    if head[:4] == ["actor", "capability", "position", "salience"]:
        return "bdm"
    if len(lines) > 1:
        second = [c.strip().lower() for c in parsed[1]]
        first = [c.strip() for c in parsed[0]]
        if second[:1] == ["actor"] and len(first) >= 4 and _is_int(first[2]) and _is_int(first[3]):
            return "ktab"
    return None


def convert(text: str, fmt: str, *, name: str = "imported", file: str | None = None) -> object:
    """Convert ``text`` in format ``fmt`` to a validated :class:`~accord.scenario.schema.Scenario`."""
    readers: dict[str, Callable[[str, str], dict]] = {"bdm": _bdm, "decide": _decide, "ktab": _ktab}
    if fmt not in readers:
        raise ImportFormatError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    where = file or name
    try:
        data = readers[fmt](text, name)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{where}: {exc}") from None
    try:
        return scenario_from_data(data, file=where)
    except ScenarioError as exc:
        raise ImportFormatError(f"{where}: the {fmt} file converts to an invalid scenario:\n{exc}") from None


def _rows(text: str, delimiter: str = ",", quotechar: str = '"') -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar))
    except csv.Error as exc:
        raise ImportFormatError(f"not a readable CSV: {exc}") from None


def _is_int(s: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+\s*", s))


def _number(value: str, what: str) -> float:
    try:
        x = float(value.strip().strip("'\""))
    except ValueError:
        raise ImportFormatError(f"{what} must be a number, got {value.strip()!r}") from None
    if not math.isfinite(x):
        raise ImportFormatError(f"{what} must be finite, got {value.strip()!r}")
    return x


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", name.strip()).strip("-")
    return slug or "issue"


def _assumption(fmt: str, name: str) -> str:
    return f"imported from the {fmt} file {name!r}, which records no source"


def _scale_for(values: list[float]) -> dict:
    lo, hi = min([0.0, *values]), max([100.0, *values])
    return {"min": lo, "max": hi}


def _bdm(text: str, name: str) -> dict:
    rows = [r for r in _rows(text) if any(c.strip() for c in r)]
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
        cap = _number(row[1], f"line {lineno}: capability")
        pos = _number(row[2], f"line {lineno}: position")
        sal = _number(row[3], f"line {lineno}: salience")
        parsed.append((actor, cap, pos, sal))
    if not parsed:
        raise ImportFormatError("the file has a header but no actors")
    percent = any(p[3] > 1 for p in parsed)
    issue = _slug(name)
    for actor, cap, pos, sal in parsed:
        actors.append({"id": actor, "name": actor, "capability": cap})
        stances.append({"actor": actor, "issue": issue, "position": pos,
                        "salience": sal / 100 if percent else sal, "assumption": _assumption("bdm", name)})
    return {
        "id": _slug(name),
        "title": f"{name} (imported BDM file)",
        "actors": actors,
        "issues": [{"id": issue, "name": name, "scale": _scale_for([p[2] for p in parsed])}],
        "stances": stances,
    }


def _split(line: str) -> list[str]:
    delim = "\t" if "\t" in line else (";" if ";" in line else ",")
    fields = (_rows(line, delimiter=delim, quotechar="'") or [[""]])[0]
    return [f.strip().strip("'\"").strip() for f in fields]


def _decide(text: str, name: str) -> dict:
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
        elif tag == "#P":
            if len(f) < 2:
                raise ImportFormatError(f"line {lineno}: #P needs an issue id")
            issues.setdefault(f[1], {"id": f[1], "name": f[2] if len(f) > 2 and f[2] else f[1],
                                     **({"description": f[3]} if len(f) > 3 and f[3] else {})})
        elif tag == "#M":
            if len(f) < 3:
                raise ImportFormatError(f"line {lineno}: #M needs an issue and a value")
            label = f[3] if len(f) > 3 and f[3] else None
            points.setdefault(f[1], []).append((_number(f[2], f"line {lineno}: scale value"), label))
        elif tag == "#D":
            if len(f) < 6:
                raise ImportFormatError(f"line {lineno}: #D needs actor, issue, position, salience, power")
            data.append((lineno, f))
        elif tag.startswith("#"):
            continue
        else:
            raise ImportFormatError(f"line {lineno}: expected a row starting with #A, #P, #M or #D, got {tag!r}")
    if not actors or not issues:
        raise ImportFormatError("a Decide file needs #A (actor) and #P (issue) rows")
    power: dict[str, float] = {}
    stances = []
    for lineno, f in data:
        actor, issue = f[1], f[2]
        if actor not in actors:
            raise ImportFormatError(f"line {lineno}: unknown actor {actor!r} (no #A row)")
        if issue not in issues:
            raise ImportFormatError(f"line {lineno}: unknown issue {issue!r} (no #P row)")
        pos = _number(f[3], f"line {lineno}: position")
        sal = _number(f[4], f"line {lineno}: salience")
        pw = _number(f[5], f"line {lineno}: power")
        if actor in power and not math.isclose(power[actor], pw, rel_tol=1e-12, abs_tol=1e-12):
            raise ImportFormatError(
                f"line {lineno}: actor {actor!r} has power {pw:g} here but {power[actor]:g} on another issue; "
                "accord gives each actor one capability"
            )
        power[actor] = pw
        stances.append({"actor": actor, "issue": issue, "position": pos, "salience": sal,
                        "assumption": _assumption("decide", name)})
    for issue_id, issue in issues.items():
        values = [p for p, _ in points.get(issue_id, [])]
        values += [s["position"] for s in stances if s["issue"] == issue_id]
        if points.get(issue_id):
            lo, hi = min(values), max(values)
            issue["scale"] = {"min": lo, "max": hi,
                              "anchors": {p: (label or f"{p:g}") for p, label in points[issue_id]}}
        else:
            issue["scale"] = _scale_for(values)
    return {
        "id": _slug(name),
        "title": f"{name} (imported Decide file)",
        "actors": [{**a, "capability": power.get(a["id"], 0.0)} for a in actors.values()],
        "issues": list(issues.values()),
        "stances": stances,
    }


def _ktab(text: str, name: str) -> dict:
    rows = [r for r in _rows(text) if any(c.strip() for c in r)]
    if len(rows) < 3:
        raise ImportFormatError("a KTAB file needs a title line, a header line and at least one actor")
    first = [c.strip() for c in rows[0]]
    if len(first) < 4 or not (_is_int(first[2]) and _is_int(first[3])):
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
        dims.append((_slug(label), label))
    actors, stances = [], []
    for k, row in enumerate(body, start=3):
        cells = [c.strip() for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) < 3 + 2 * n_dims:
            raise ImportFormatError(f"line {k}: expected {3 + 2 * n_dims} fields, got {len(cells)}")
        actor = cells[0]
        actors.append({"id": actor, "name": cells[1] or actor, "capability": _number(cells[2], f"line {k}: power")})
        for d, (issue_id, _) in enumerate(dims):
            pos = _number(cells[3 + 2 * d], f"line {k}: position")
            sal = _number(cells[4 + 2 * d], f"line {k}: salience")
            stances.append({"actor": actor, "issue": issue_id, "position": pos, "salience": sal / 100,
                            "assumption": _assumption("ktab", name)})
    return {
        "id": _slug(first[0]) if first[0] else _slug(name),
        "title": first[0] or name,
        "description": first[1] or None,
        "actors": actors,
        "issues": [{"id": i, "name": label, "scale": {"min": 0, "max": 100}} for i, label in dims],
        "stances": stances,
    }
