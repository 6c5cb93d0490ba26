"""Database URLs, engines and migrations.

SQLite is opened in WAL mode with a busy timeout, so that readers never block and
writers from several processes queue instead of failing. Python's ``sqlite3``
starts transactions lazily, which lets two writers both read and then collide;
here every transaction is begun explicitly, and write transactions with
``BEGIN IMMEDIATE`` so that they take the write lock before reading anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

BUSY_TIMEOUT_MS = 60_000
MIGRATIONS = Path(__file__).with_name("migrations")
WRITE = {"accord_write": True}


def default_url() -> str:
    """``ACCORD_DB`` if set, else a SQLite file in the user's data directory."""
    env = os.environ.get("ACCORD_DB", "").strip()
    if env:
        return normalise_url(env)
    import platformdirs

    return normalise_url(str(Path(platformdirs.user_data_dir("accord")) / "accord.db"))


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (read as a SQLite file)."""
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser().resolve()}"


def describe_url(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode, a busy timeout and explicit transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if memory:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                               pool_size=10, max_overflow=20, pool_timeout=120)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        write = conn.get_execution_options().get("accord_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config():  # noqa: ANN202
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The revision the shipped migrations lead to."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the latest), once, even with concurrent callers."""
    from alembic import command

    if revision == "head" and current_revision(engine) == head_revision():
        return
    cfg = _alembic_config()
    with engine.execution_options(**WRITE).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7263011)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
