"""A scenario's stored text and its identity.

A stored version is self-contained: every source carries its text inline (a
``file`` reference is resolved and dropped), so the version can be read back
without any file next to it. Two scenarios with the same content, whatever file
they were loaded from, have the same :func:`content_hash`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from accord.scenario.io import dump_scenario, scenario_from_text, scenario_to_data
from accord.scenario.schema import Scenario


def inline_sources(scenario: Scenario) -> Scenario:
    """``scenario`` with every source's ``file`` reference dropped (its text is already loaded)."""
    if not any(src.file is not None for src in scenario.sources):
        return scenario
    sources = tuple(src.model_copy(update={"file": None}) for src in scenario.sources)
    return scenario.model_copy(update={"sources": sources})


def scenario_document(scenario: Scenario) -> str:
    """The scenario as self-contained YAML (sources inline), as stored in a version."""
    return dump_scenario(inline_sources(scenario), "yaml")


def content_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (sources inline, defaults omitted, keys sorted)."""
    data = scenario_to_data(inline_sources(scenario))
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def scenario_from_document(document: str) -> Scenario:
    """Read a stored version's YAML back into a :class:`Scenario` (cached by text)."""
    return scenario_from_text(document, file="stored scenario", require_data=False)
