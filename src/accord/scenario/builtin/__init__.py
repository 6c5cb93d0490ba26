"""Scenarios shipped with accord: one folder each, holding ``scenario.yaml`` and its ``sources/``."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _root() -> Path:
    return Path(str(files(__name__)))


def names() -> list[str]:
    """Ids of the built-in scenarios, sorted."""
    return sorted(p.name for p in _root().iterdir() if (p / "scenario.yaml").is_file())


def path(name: str) -> Path:
    """Path of the built-in scenario file ``name``."""
    target = _root() / name / "scenario.yaml"
    if name not in names():
        raise KeyError(name)
    return target


DEFAULT = "ukraine-2025"
