"""Run history: every run and the exact scenario version it ran on, in a database.

The default database is a SQLite file in the user's data directory
(``platformdirs.user_data_dir("accord")``); ``ACCORD_DB`` or an explicit URL
selects another one (``sqlite:///path.db``, ``postgresql+psycopg://...``, or a
plain file path). The schema is created and upgraded by Alembic migrations that
ship inside this package and run the first time a database is opened.

Public API
----------
- :func:`open_store` / :class:`Store`: open a database, record and read runs.
- :func:`record_run`: store one run (``runner.run_to_json`` output and its scenario).
- :func:`default_url`: the database used when none is given.
- :func:`diff_runs`, :func:`diff_scenarios`: what changed between two runs.
- :func:`scenario_document`, :func:`content_hash`: a scenario's stored text and identity.
"""

from __future__ import annotations

try:
    import alembic  # noqa: F401
    import platformdirs  # noqa: F401
    import sqlalchemy  # noqa: F401
except ImportError as _exc:
    raise ImportError(
        f"the run history needs the 'store' extra ({_exc.name or _exc} is missing): "
        "pip install 'accord[store]'"
    ) from None

from accord.store.content import content_hash, scenario_document  # noqa: E402
from accord.store.diff import diff_results, diff_runs, diff_scenarios  # noqa: E402
from accord.store.engine import default_url  # noqa: E402
from accord.store.repository import (  # noqa: E402
    RunRecord,
    RunSummary,
    ScenarioSummary,
    Store,
    VersionRecord,
    open_store,
    record_run,
)

__all__ = [
    "RunRecord",
    "RunSummary",
    "ScenarioSummary",
    "Store",
    "VersionRecord",
    "content_hash",
    "default_url",
    "diff_results",
    "diff_runs",
    "diff_scenarios",
    "open_store",
    "record_run",
    "scenario_document",
]
