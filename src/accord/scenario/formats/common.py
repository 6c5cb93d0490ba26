"""Shared pieces of the foreign-format readers: CSV rows, numbers, ids, scales."""

from __future__ import annotations

import csv
import io
import math
import re

from accord.errors import ImportFormatError
from accord.scenario.limits import check_count

__all__ = [
    "Lines",
    "assumption",
    "check_limit",
    "is_int",
    "number",
    "percent_scale",
    "read_rows",
    "scale_for",
    "scale_note",
    "slug",
]

Lines = dict[tuple[str | int | float, ...], int]
"""Document path -> line in the imported file, so that problems found after conversion are located."""


def read_rows(text: str, delimiter: str = ",", quotechar: str = '"') -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar))
    except csv.Error as exc:
        raise ImportFormatError(f"not a readable CSV: {exc}") from None


def is_int(s: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+\s*", s))


def _shown(value: str) -> str:
    text = value.strip()
    return repr(text) if len(text) <= 40 else f"{text[:20]!r}... ({len(text):,} characters)"


def number(value: str, what: str) -> float:
    """``value`` as a finite float, or an :class:`ImportFormatError` saying ``what`` it was and what was found."""
    try:
        x = float(value.strip().strip("'\""))
    except ValueError:
        raise ImportFormatError(f"{what} must be a number, got {_shown(value)}") from None
    if not math.isfinite(x):
        raise ImportFormatError(f"{what} must be finite, got {_shown(value)}")
    return x


def slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", name.strip()).strip("-")
    return slug or "issue"


def assumption(fmt: str, name: str) -> str:
    return f"imported from the {fmt} file {name!r}, which records no source"


def scale_for(values: list[float]) -> dict:
    """The scale of data that give none: from the lowest to the highest value.

    When every value is the same, the scale is 0–100 widened to hold it. The issue's
    ``description`` (see :func:`scale_note`) says how the scale was chosen.
    """
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    if lo < hi:
        return {"min": lo, "max": hi}
    return {"min": min(0.0, lo), "max": max(100.0, hi)}


def scale_note(scale: dict, values: list[float]) -> str:
    """One sentence saying how :func:`scale_for` chose ``scale``."""
    span = f"{scale['min']:g}–{scale['max']:g}"
    if values and min(values) < max(values):
        return (f"Scale {span} inferred from the lowest and highest positions in the file; "
                "edit the issue's scale if the data use a wider one.")
    return f"Scale {span} assumed: the positions in the file do not span a range."


def check_limit(name: str, got: int, context: str) -> None:
    """Raise :class:`ImportFormatError` when ``got`` exceeds the limit ``name`` of :mod:`accord.scenario.limits`."""
    message = check_count(name, got, context)
    if message is not None:
        raise ImportFormatError(message)


def percent_scale(saliences: list[tuple[int, float]]) -> bool:
    """Whether the file's saliences (``(line, value)`` pairs) are on a 0–100 scale rather than 0–1.

    The scale is decided once for the whole file: 0–100 when any salience exceeds 1.
    A file that mixes the two (``50`` on one line, ``0.9`` on another) is refused, as is
    any salience outside 0–100.

    Raises
    ------
    ImportFormatError
        A negative salience, one above 100, or saliences on both scales.
    """
    for line, value in saliences:
        if not 0 <= value <= 100:
            raise ImportFormatError(f"line {line}: salience must be between 0 and 1 (or 0 and 100), got {value:g}")
    above = next(((line, v) for line, v in saliences if v > 1), None)
    if above is None:
        return False
    fraction = next(((line, v) for line, v in saliences if 0 < v < 1 and not v.is_integer()), None)
    if fraction is not None:
        raise ImportFormatError(
            f"line {fraction[0]}: salience {fraction[1]:g} reads as a 0–1 value, but {above[1]:g} on line "
            f"{above[0]} needs the 0–100 scale; write every salience on one scale"
        )
    return True
