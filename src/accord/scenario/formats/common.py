"""Shared pieces of the foreign-format readers: CSV rows, numbers, ids, scales."""

from __future__ import annotations

import csv
import io
import math
import re

from accord.errors import ImportFormatError

__all__ = ["assumption", "is_int", "number", "read_rows", "scale_for", "slug"]


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
    lo, hi = min([0.0, *values]), max([100.0, *values])
    return {"min": lo, "max": hi}
