"""Fixtures for the run-history tests: a fresh database on each backend, and a small scenario.

Every test that takes ``db_url`` (or ``store``) runs twice: on SQLite and on PostgreSQL.
The PostgreSQL server is started once per session (see :mod:`pgserver`); when none can
be started the PostgreSQL half skips with the reason, unless ``ACCORD_REQUIRE_POSTGRES=1``
(set by CI) makes that an error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import pgserver  # noqa: E402

BACKENDS = ("sqlite", "postgresql")

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


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL server, or a skip (an error under ACCORD_REQUIRE_POSTGRES=1)."""
    try:
        server = pgserver.start()
    except pgserver.Unavailable as exc:
        if os.environ.get("ACCORD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (ACCORD_REQUIRE_POSTGRES=1) but unavailable: {exc}")
        pytest.skip(f"PostgreSQL tests need a server: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request) -> str:
    """A new, empty run-history database on ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
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
