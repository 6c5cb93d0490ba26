"""Render any analysis JSON as readable HTML: mappings as tables, lists of records as tables.

This is how analyses appear in reports and in the workbench without code of
their own: whatever fields an analysis returns are shown, labelled by their keys.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

MAX_ROWS = 200
MAX_DEPTH = 6


def humanise(key: str) -> str:
    """``"p_zone"`` -> ``"P zone"``; ``"mu_star_conf"`` -> ``"Mu star conf"``."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else text


def scalar(value: Any) -> Markup:
    """One value as HTML text: numbers rounded for reading, None as a dash."""
    if value is None:
        return Markup('<span class="none">–</span>')
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    if isinstance(value, int):
        return escape(f"{value:,}" if abs(value) >= 10_000 else str(value))
    if isinstance(value, float):
        if value != 0 and (abs(value) < 0.001 or abs(value) >= 1e6):
            return escape(f"{value:.3g}")
        return escape(f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}")
    return escape(str(value))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _compact(value: Any) -> Markup:
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, list) and all(_is_scalar(v) for v in value) and len(value) <= 12:
        return Markup(", ").join(scalar(v) for v in value)
    text = json.dumps(value, ensure_ascii=False)
    return Markup('<code class="json">{}</code>').format(text if len(text) <= 160 else text[:157] + "…")


def _records_table(rows: list[dict[str, Any]], depth: int, max_rows: int) -> Markup:
    columns: list[str] = []
    for row in rows[:max_rows]:
        columns += [k for k in row if k not in columns]
    def numeric(c: str) -> bool:
        values = [row.get(c) for row in rows[:max_rows] if row.get(c) is not None]
        return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)

    head = Markup("").join(Markup('<th class="{}">{}</th>').format("num" if numeric(c) else "", humanise(c))
                           for c in columns)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(
            Markup('<td class="{}">{}</td>').format(
                "num" if isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool) else "",
                _compact(row.get(c)) if depth >= MAX_DEPTH or not isinstance(row.get(c), dict | list)
                else render(row.get(c), depth + 1, max_rows))
            for c in columns))
        for row in rows[:max_rows]
    )
    more = (Markup('<p class="note">{} more rows not shown.</p>').format(len(rows) - max_rows)
            if len(rows) > max_rows else Markup(""))
    return Markup('<table class="data"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}').format(
        head, body, more)


def render(value: Any, depth: int = 0, max_rows: int = MAX_ROWS) -> Markup:
    """``value`` (JSON data) as HTML; lists longer than ``max_rows`` are cut, with a note."""
    if _is_scalar(value):
        return scalar(value)
    if depth >= MAX_DEPTH:
        return _compact(value)
    if isinstance(value, dict):
        if not value:
            return Markup('<span class="none">none</span>')
        if set(value) == {"error"}:
            return Markup('<p class="error-box">{}</p>').format(value["error"])
        simple = {k: v for k, v in value.items() if _is_scalar(v) or (
            isinstance(v, list) and len(v) <= 12 and all(_is_scalar(x) for x in v))}
        nested = {k: v for k, v in value.items() if k not in simple}
        parts = []
        if simple:
            rows = Markup("").join(
                Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(humanise(k), _compact(v))
                for k, v in simple.items())
            parts.append(Markup('<table class="kv">{}</table>').format(rows))
        for k, v in nested.items():
            parts.append(Markup('<section class="json-section depth-{}"><h{}>{}</h{}>{}</section>').format(
                depth, min(6, 4 + depth), humanise(k), min(6, 4 + depth), render(v, depth + 1, max_rows)))
        return Markup("").join(parts)
    if isinstance(value, list):
        if not value:
            return Markup('<span class="none">none</span>')
        if all(isinstance(v, dict) for v in value):
            return _records_table(value, depth, max_rows)
        if all(_is_scalar(v) for v in value):
            if all(isinstance(v, str) for v in value) and any(len(v) > 40 for v in value):
                return Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(v) for v in value))
            return _compact(value) if len(value) <= 12 else Markup("<p>{}</p>").format(
                Markup(", ").join(scalar(v) for v in value[:max_rows]))
        return Markup("<ol>{}</ol>").format(Markup("").join(
            Markup("<li>{}</li>").format(render(v, depth + 1, max_rows)) for v in value[:max_rows]))
    return escape(str(value))
