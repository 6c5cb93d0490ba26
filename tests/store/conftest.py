"""Fixtures for the run-history tests: a fresh SQLite database and a small scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the run history needs: pip install 'accord[store]'")

SMALL = """\
schema_version: 1
id: small
title: A small case
actors:
  - {id: a, name: Alpha, capability: 50}
  - {id: b, name: Beta, capability: 30}
  - {id: c, name: Gamma, capability: [10, 20]}
issues:
  - id: x
    name: Issue X
    scale: {min: 0, max: 100, anchors: {0: none, 50: half, 100: all}}
    status_quo: 40
  - id: y
    name: Issue Y
stances:
  - {actor: a, issue: x, position: 80, salience: 0.9, assumption: stated}
  - {actor: b, issue: x, position: 20, salience: 0.5, assumption: stated}
  - {actor: c, issue: x, position: 50, salience: 0.7, assumption: stated}
  - {actor: a, issue: y, position: 10, salience: 0.4, assumption: stated}
  - {actor: b, issue: y, position: 90, salience: 0.8, assumption: stated}
"""


@pytest.fixture
def small_text() -> str:
    return SMALL


@pytest.fixture
def small():
    from accord.scenario.io import scenario_from_text

    return scenario_from_text(SMALL)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture
def store(db_url: str):
    from accord.store import open_store

    with open_store(db_url) as opened:
        yield opened


@pytest.fixture
def record(store):
    """Run the models on a scenario and store the run: ``record(scenario, seed=0) -> RunRecord``."""
    from accord.runner import run_models, run_to_json

    def _record(scenario, seed: int = 0, **kwargs):
        run = run_models(scenario, seed=seed)
        return store.record(run_to_json(run), scenario, seed=seed, **kwargs)

    return _record
