"""Record and read runs and scenario versions.

Every write happens in one transaction: a version and the run that uses it are
committed together or not at all. Writers that collide (a locked SQLite file past
its busy timeout, two PostgreSQL sessions numbering the same version) retry the
whole transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from accord.errors import RunNotFoundError, StoreError
from accord.scenario.schema import Scenario
from accord.store.content import content_hash, scenario_document, scenario_from_document
from accord.store.engine import WRITE, default_url, describe_url, make_engine, migrate, normalise_url
from accord.store.models import RunRow, ScenarioRow, VersionRow, utcnow

T = TypeVar("T")
RETRIES = 8


@dataclass(frozen=True)
class VersionRecord:
    """One stored version of a scenario.

    Attributes
    ----------
    id : int
        Database id of the version (unique across scenarios).
    scenario_id : str
        The scenario's own ``id``.
    number : int
        1, 2, ... within the scenario, in the order versions were first stored.
    content_hash : str
        SHA-256 of the scenario's canonical content.
    title, document, origin : str
        Title, self-contained YAML, and where the version came from
        (``builtin``, ``cli``, ``form``, ``yaml``, ``import:bdm``, ...).
    """

    id: int
    scenario_id: str
    number: int
    content_hash: str
    title: str
    document: str
    origin: str
    note: str | None
    accord_version: str
    created_at: dt.datetime

    def scenario(self) -> Scenario:
        """The version read back into a :class:`Scenario`."""
        return scenario_from_document(self.document)

    def to_json(self, *, with_document: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = _iso(self.created_at)
        if not with_document:
            data.pop("document")
        return data


@dataclass(frozen=True)
class RunSummary:
    """A stored run without its results, for listings.

    Attributes
    ----------
    params : dict
        What the run was asked for (``rounds``, ``settings``, ``analysis_options``, ...);
        the parameters each model actually ran with are in the run's results.
    """

    id: int
    created_at: dt.datetime
    scenario_id: str
    scenario_title: str
    version_id: int
    version_number: int
    content_hash: str
    models: list[str]
    seed: int
    seconds: float | None
    origin: str
    note: str | None
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = _iso(self.created_at)
        return data


@dataclass(frozen=True)
class RunRecord(RunSummary):
    """A stored run with everything needed to show or reproduce it.

    Attributes
    ----------
    results : dict
        The output of :func:`accord.runner.run_to_json`.
    analyses : dict
        JSON of each analysis run with it, by name.
    timings : dict
        Seconds per model and per analysis.
    """

    accord_version: str = ""
    results: dict[str, Any] = field(default_factory=dict)
    analyses: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, Any] = field(default_factory=dict)
    version: VersionRecord | None = None

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("version", None)
        if self.version is not None:
            data["version"] = self.version.to_json()
        return data


@dataclass(frozen=True)
class ScenarioSummary:
    """A stored scenario and its latest version."""

    scenario_id: str
    title: str
    versions: int
    latest_version_id: int
    latest_number: int
    latest_origin: str
    updated_at: dt.datetime
    runs: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["updated_at"] = _iso(self.updated_at)
        return data


def _iso(t: dt.datetime) -> str:
    return t.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def _version_record(row: VersionRow) -> VersionRecord:
    return VersionRecord(row.id, row.scenario.key, row.number, row.content_hash, row.title, row.document,
                         row.origin, row.note, row.accord_version, row.created_at)


def _run_record(row: RunRow) -> RunRecord:
    v = row.version
    return RunRecord(
        id=row.id, created_at=row.created_at, scenario_id=v.scenario.key, scenario_title=v.title,
        version_id=v.id, version_number=v.number, content_hash=v.content_hash, models=list(row.models),
        seed=row.seed, seconds=row.seconds, origin=row.origin, note=row.note, params=dict(row.params),
        accord_version=row.accord_version, results=dict(row.results), analyses=dict(row.analyses),
        timings=dict(row.timings), version=_version_record(v),
    )


def _accord_version() -> str:
    from accord import __version__

    return __version__


class Store:
    """A run-history database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL or SQLite file path; default :func:`default_url`.
    migrate_schema : bool
        Create or upgrade the schema on opening (default True).
    """

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True) -> None:
        self.url = normalise_url(url) if url else default_url()
        try:
            self.engine: Engine = make_engine(self.url)
            self._writer = self.engine.execution_options(**WRITE)
            if migrate_schema:
                self._retry(lambda: migrate(self.engine))
        except ImportError as exc:
            raise StoreError(f"cannot open the run history at {_safe(self.url)}: the database driver is not "
                             f"installed ({exc}); for PostgreSQL: pip install 'psycopg[binary]'") from None
        except (OSError, SQLAlchemyError, ArgumentError, ValueError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"cannot open the run history at {_safe(self.url)}: {reason}") from None

    def __repr__(self) -> str:
        return f"Store({describe_url(self.url)!r})"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _retry(self, fn: Callable[[], T]) -> T:
        delay = 0.05
        for attempt in range(RETRIES):
            try:
                return fn()
            except (OperationalError, IntegrityError) as exc:
                if attempt == RETRIES - 1 or not _transient(exc):
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def _write(self, fn: Callable[[Session], T]) -> T:
        def attempt() -> T:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                return fn(session)

        return self._retry(attempt)

    def _version_in(self, session: Session, scenario: Scenario, origin: str, note: str | None) -> VersionRow:
        digest = content_hash(scenario)
        row = session.scalars(
            select(VersionRow).options(joinedload(VersionRow.scenario)).where(VersionRow.content_hash == digest)
        ).first()
        if row is not None:
            return row
        parent = session.scalars(select(ScenarioRow).where(ScenarioRow.key == scenario.id)).first()
        now = utcnow()
        if parent is None:
            parent = ScenarioRow(key=scenario.id, title=scenario.title, created_at=now, updated_at=now)
            session.add(parent)
            session.flush()
        number = (session.scalar(select(func.max(VersionRow.number)).where(VersionRow.scenario_pk == parent.id))
                  or 0) + 1
        parent.title = scenario.title
        parent.updated_at = now
        row = VersionRow(scenario=parent, number=number, content_hash=digest, title=scenario.title,
                         document=scenario_document(scenario), origin=origin, note=note,
                         accord_version=_accord_version(), created_at=now)
        session.add(row)
        session.flush()
        return row

    def save_version(self, scenario: Scenario, *, origin: str = "cli", note: str | None = None) -> VersionRecord:
        """Store ``scenario`` as a version of its scenario; identical content returns the existing version."""
        return self._write(lambda s: _version_record(self._version_in(s, scenario, origin, note)))

    def record(
        self,
        run_json: dict[str, Any],
        scenario: Scenario,
        *,
        params: dict[str, Any] | None = None,
        seed: int = 0,
        analyses: dict[str, Any] | None = None,
        timings: dict[str, Any] | None = None,
        seconds: float | None = None,
        origin: str = "cli",
        note: str | None = None,
        version_origin: str | None = None,
    ) -> RunRecord:
        """Store one run and the scenario version it ran on, in one transaction; return the stored run."""
        models = list(run_json.get("models", {}))
        per_model = {name: m.get("seconds") for name, m in run_json.get("models", {}).items()}
        all_timings = {"models": per_model, **(timings or {})}
        if seconds is None:
            known = [v for v in per_model.values() if isinstance(v, int | float)]
            seconds = sum(known) if known else None

        if not 0 <= int(seed) <= MAX_SEED:
            raise StoreError(f"a stored seed must be between 0 and {MAX_SEED:,} (2**63 - 1), got {seed}")

        def write(session: Session) -> RunRecord:
            version = self._version_in(session, scenario, version_origin or origin, None)
            row = RunRow(version=version, models=models, params=dict(params or {}), seed=int(seed),
                         accord_version=_accord_version(), results=run_json, analyses=dict(analyses or {}),
                         timings=all_timings, seconds=seconds, origin=origin, note=note, created_at=utcnow())
            session.add(row)
            session.flush()
            return _run_record(row)

        return self._write(write)

    def get_run(self, run_id: int | str) -> RunRecord:
        """The run ``run_id`` (an integer, or ``latest``)."""
        with self._read() as session:
            query = select(RunRow).options(joinedload(RunRow.version).joinedload(VersionRow.scenario))
            if str(run_id) == "latest":
                row = session.scalars(query.order_by(RunRow.id.desc()).limit(1)).first()
            else:
                row = session.get(RunRow, _as_id(run_id, "run"),
                                  options=[joinedload(RunRow.version).joinedload(VersionRow.scenario)])
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r} in the run history ({describe_url(self.url)})")
            return _run_record(row)

    def list_runs(self, *, scenario_id: str | None = None, limit: int | None = 50,
                  offset: int = 0) -> list[RunSummary]:
        """Stored runs, newest first."""
        query = (
            select(RunRow.id, RunRow.created_at, ScenarioRow.key, VersionRow.title, VersionRow.id,
                   VersionRow.number, VersionRow.content_hash, RunRow.models, RunRow.seed, RunRow.seconds,
                   RunRow.origin, RunRow.note, RunRow.params)
            .join(VersionRow, RunRow.version_pk == VersionRow.id)
            .join(ScenarioRow, VersionRow.scenario_pk == ScenarioRow.id)
            .order_by(RunRow.id.desc())
            .offset(offset)
        )
        if scenario_id is not None:
            query = query.where(ScenarioRow.key == scenario_id)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [RunSummary(*row[:7], list(row[7]), *row[8:12], params=dict(row[12] or {}))
                    for row in session.execute(query)]

    def count_runs(self, *, scenario_id: str | None = None) -> int:
        query = select(func.count(RunRow.id))
        if scenario_id is not None:
            query = (query.join(VersionRow, RunRow.version_pk == VersionRow.id)
                     .join(ScenarioRow, VersionRow.scenario_pk == ScenarioRow.id)
                     .where(ScenarioRow.key == scenario_id))
        with self._read() as session:
            return int(session.scalar(query) or 0)

    def get_version(self, version_id: int | str) -> VersionRecord:
        """The scenario version with database id ``version_id``."""
        with self._read() as session:
            row = session.get(VersionRow, _as_id(version_id, "scenario version"),
                              options=[joinedload(VersionRow.scenario)])
            if row is None:
                raise RunNotFoundError(f"no scenario version {version_id!r} in the run history")
            return _version_record(row)

    def latest_version(self, scenario_id: str) -> VersionRecord | None:
        """The newest stored version of scenario ``scenario_id``, or None."""
        with self._read() as session:
            row = session.scalars(
                select(VersionRow).options(joinedload(VersionRow.scenario)).join(ScenarioRow)
                .where(ScenarioRow.key == scenario_id).order_by(VersionRow.number.desc()).limit(1)
            ).first()
            return _version_record(row) if row is not None else None

    def versions(self, scenario_id: str) -> list[VersionRecord]:
        """Every stored version of ``scenario_id``, newest first."""
        with self._read() as session:
            rows = session.scalars(
                select(VersionRow).options(joinedload(VersionRow.scenario)).join(ScenarioRow)
                .where(ScenarioRow.key == scenario_id).order_by(VersionRow.number.desc())
            ).all()
            return [_version_record(r) for r in rows]

    def list_scenarios(self) -> list[ScenarioSummary]:
        """Stored scenarios, most recently changed first."""
        latest = (select(VersionRow.scenario_pk, func.max(VersionRow.number).label("n"),
                         func.count(VersionRow.id).label("count"))
                  .group_by(VersionRow.scenario_pk).subquery())
        runs = (select(VersionRow.scenario_pk, func.count(RunRow.id).label("runs"))
                .join(RunRow, RunRow.version_pk == VersionRow.id).group_by(VersionRow.scenario_pk).subquery())
        query = (
            select(ScenarioRow.key, ScenarioRow.title, latest.c.count, VersionRow.id, VersionRow.number,
                   VersionRow.origin, ScenarioRow.updated_at, func.coalesce(runs.c.runs, 0))
            .join(latest, latest.c.scenario_pk == ScenarioRow.id)
            .join(VersionRow, (VersionRow.scenario_pk == ScenarioRow.id) & (VersionRow.number == latest.c.n))
            .outerjoin(runs, runs.c.scenario_pk == ScenarioRow.id)
            .order_by(ScenarioRow.updated_at.desc(), ScenarioRow.id.desc())
        )
        with self._read() as session:
            return [ScenarioSummary(*row) for row in session.execute(query)]


def _safe(url: str) -> str:
    try:
        return describe_url(url)
    except (ArgumentError, ValueError):
        return "the given URL"


def _transient(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, IntegrityError):
        return "unique" in text or "duplicate" in text
    return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text


MAX_ID = 2**31 - 1
"""The largest id a run or a scenario version can have (a 32-bit integer column on every backend)."""

MAX_SEED = 2**63 - 1
"""The largest seed a run can store (a signed 64-bit column)."""


def _as_id(value: int | str, what: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12:
        raise RunNotFoundError(f"{what} ids are whole numbers from 1 to {MAX_ID:,}, got {text[:40]!r}")
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise RunNotFoundError(f"no {what} {number} (ids run from 1 to {MAX_ID:,})")
    return number


def open_store(url: str | None = None) -> Store:
    """Open (and if needed create or upgrade) the run history at ``url`` (default :func:`default_url`)."""
    return Store(url)


def record_run(
    run_json: dict[str, Any],
    scenario: Scenario,
    *,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    analyses: dict[str, Any] | None = None,
    timings: dict[str, Any] | None = None,
    origin: str = "cli",
    note: str | None = None,
    url: str | None = None,
    store: Store | None = None,
) -> RunRecord:
    """Store one run in the run history, with the exact scenario version it ran on.

    Parameters
    ----------
    run_json : dict
        The output of :func:`accord.runner.run_to_json`.
    scenario : Scenario
        The scenario the run was made on; its content is stored as a version
        (identical content reuses the existing version).
    params : dict, optional
        What was asked for: ``{"rounds": ..., "settings": {...}}``.
    seed : int
        The seed the models ran with.
    analyses : dict, optional
        JSON of the analyses made with the run, by name.
    timings : dict, optional
        Extra timings (seconds) to keep beside the per-model ones.
    origin : str
        Where the run came from: ``cli``, ``web``, ``api``.
    url : str, optional
        Database URL or SQLite path; default :func:`default_url`.
    store : Store, optional
        An open store to use instead of opening ``url``.

    Returns
    -------
    RunRecord
        The stored run, with its id.
    """
    if store is not None:
        return store.record(run_json, scenario, params=params, seed=seed, analyses=analyses, timings=timings,
                            origin=origin, note=note)
    with Store(url) as opened:
        return opened.record(run_json, scenario, params=params, seed=seed, analyses=analyses, timings=timings,
                             origin=origin, note=note)
