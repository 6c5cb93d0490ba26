"""Shared pieces of the foreign-format readers: CSV rows, numbers, ids, scales."""

from __future__ import annotations

import csv
import io
import math
import re

from accord.errors import ImportFormatError

__all__ = ["assumption", "is_int", "number", "read_rows", "scale_for", "scale_note", "slug"]


def read_rows(text: str, delimiter: str = ",", quotechar: str = '"') -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar))
    except csv.Error as exc:
        raise ImportFormatError(f"not a readable CSV: {exc}") from None


def is_int(s: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+\s*", s))


def number(value: str, what: str) -> float:
    try:
        x = float(value.strip().strip("'\""))
    except ValueError:
        raise ImportFormatError(f"{what} must be a number, got {value.strip()!r}") from None
    if not math.isfinite(x):
        raise ImportFormatError(f"{what} must be finite, got {value.strip()!r}")
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
