"""Limits on the size of the work a scenario asks for, checked before any of it is allocated.

Each limit has a default and an environment variable that raises (or lowers) it:

============================  ==============  ==============================
limit                         default         environment variable
============================  ==============  ==============================
scenario or imported file     20 MiB          ``ACCORD_MAX_FILE_MIB``
actors                        2,000           ``ACCORD_MAX_ACTORS``
issues                        1,000           ``ACCORD_MAX_ISSUES``
stances                       200,000         ``ACCORD_MAX_STANCES``
draws × actors × issues       500,000,000     ``ACCORD_MAX_DRAW_CELLS``
============================  ==============  ==============================

The messages name the limit, the size asked for and the variable to set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["LIMITS", "Limit", "check_count", "limit"]


@dataclass(frozen=True)
class Limit:
    """One limit: ``what`` it counts, its ``default`` and the environment variable ``env`` that overrides it."""

    what: str
    default: int
    env: str
    unit: str = ""

    @property
    def value(self) -> int:
        """The limit in force: ``env`` when set to a positive integer, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
        return self.default

    def message(self, got: int | float, context: str = "") -> str:
        """``context`` (e.g. "the file announces") with the size ``got``, the limit and how to raise it."""
        unit = f" {self.unit}" if self.unit else ""
        head = f"{context} " if context else ""
        got_text = f"{got:,.1f}" if isinstance(got, float) else f"{got:,}"
        return (f"{head}{got_text}{unit} {self.what}, more than the limit of {self.value:,}{unit}; "
                f"set {self.env} to raise it")


LIMITS: dict[str, Limit] = {
    "file": Limit("", 20, "ACCORD_MAX_FILE_MIB", "MiB"),
    "actors": Limit("actors", 2_000, "ACCORD_MAX_ACTORS"),
    "issues": Limit("issues", 1_000, "ACCORD_MAX_ISSUES"),
    "stances": Limit("stances", 200_000, "ACCORD_MAX_STANCES"),
    "draw_cells": Limit("draws × actors × issues", 500_000_000, "ACCORD_MAX_DRAW_CELLS"),
}


def limit(name: str) -> int:
    """The limit in force for ``name`` (a key of :data:`LIMITS`)."""
    return LIMITS[name].value


def check_count(name: str, got: int, context: str = "") -> str | None:
    """The message when ``got`` exceeds the limit ``name``, else None."""
    lim = LIMITS[name]
    return lim.message(got, context) if got > lim.value else None
