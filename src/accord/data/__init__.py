"""Data tables shipped with accord; each folder has a README stating the source and licence."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def path(*parts: str) -> Path:
    """Path of a packaged data file, e.g. ``path("deu3", "deu3.csv")``."""
    return Path(str(files(__name__).joinpath(*parts)))
