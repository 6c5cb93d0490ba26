"""Readers of the file formats of the established tools: each returns plain scenario data.

- ``bdm``: :mod:`accord.scenario.formats.bdm`;
- ``decide``: :mod:`accord.scenario.formats.decide`;
- ``ktab``: :mod:`accord.scenario.formats.ktab`.

Names in the file become ids, and the file's row order the actor order. Imported
stances carry an ``assumption`` naming the file, since there is no quoted source.
The readers return a plain document; :func:`accord.scenario.io.convert` validates it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

from accord.errors import ImportFormatError
from accord.scenario.formats import bdm, decide, ktab
from accord.scenario.formats.common import Lines, is_int

__all__ = ["FORMATS", "detect_format", "read_format"]

FORMATS = ("bdm", "decide", "ktab")
READERS: dict[str, Callable[..., dict]] = {"bdm": bdm.read, "decide": decide.read, "ktab": ktab.read}


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
    if head[:4] == ["actor", "capability", "position", "salience"] or (
            {"actor", "capability", "position", "salience", "issue"} <= set(head)):
        return "bdm"
    if len(lines) > 1:
        second = [c.strip().lower() for c in parsed[1]]
        first = [c.strip() for c in parsed[0]]
        if second[:1] == ["actor"] and len(first) >= 4 and is_int(first[2]) and is_int(first[3]):
            return "ktab"
    return None


def read_format(text: str, fmt: str, name: str = "imported", lines: Lines | None = None) -> dict:
    """Plain scenario data from ``text`` in format ``fmt`` (not yet validated).

    ``lines``, when given, receives the line in ``text`` of each actor, issue and stance.

    Raises
    ------
    ImportFormatError
        An unknown format, or a file that does not follow it.
    """
    if fmt not in READERS:
        raise ImportFormatError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return READERS[fmt](text, name, lines)
