"""A disposable PostgreSQL server for the store tests.

``ACCORD_TEST_POSTGRES_URL`` names a server to use instead (its user must be allowed
to create databases). Otherwise :func:`start` runs ``initdb`` and ``pg_ctl`` from the
PostgreSQL binaries (on the PATH, or Debian's ``/usr/lib/postgresql/*/bin``) into a
temporary folder, listening on 127.0.0.1 on a free port, as an unprivileged user when
run as root (``initdb`` refuses root), and :meth:`Server.stop` stops it and removes
the folder. Each test gets a database of its own (:meth:`Server.new_database`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path


class Unavailable(RuntimeError):
    """No PostgreSQL server can be given to the tests (the message says why and how to fix it)."""


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@dataclass
class Server:
    """A PostgreSQL server: ``admin_url`` reaches its maintenance database."""

    admin_url: str
    data_dir: Path | None = None
    bindir: Path | None = None
    user: str | None = None
    databases: list[str] = field(default_factory=list)

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"accord_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        self.databases.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        """Stop a server this module started and remove its folder (a given server is left running)."""
        if self.data_dir is None or self.bindir is None:
            return
        subprocess.run(_as_user([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                                 "-w", "stop"], self.user), capture_output=True, timeout=60)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start() -> Server:
    """A running server: the one ``ACCORD_TEST_POSTGRES_URL`` names, or a new one in a temporary folder.

    Raises
    ------
    Unavailable
        No binaries, no psycopg, or the server does not start.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed: pip install 'accord[postgres]'") from None
    given = os.environ.get("ACCORD_TEST_POSTGRES_URL")
    if given:
        return Server(given)
    bindir = _bindir()
    if bindir is None:
        raise Unavailable("no PostgreSQL binaries (initdb, pg_ctl): install Debian's postgresql package "
                          "(python3 scripts/bootstrap.py test does) or set ACCORD_TEST_POSTGRES_URL")
    user = None
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
    root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
    data = root / "data"
    data.mkdir()
    if user:
        shutil.chown(root, user)
        shutil.chown(data, user)
    port = _free_port()
    init = subprocess.run(_as_user([str(bindir / "initdb"), "-D", str(data), "-U", "accord", "--auth=trust",
                                    "-E", "UTF8", "--no-sync"], user),
                          capture_output=True, text=True, timeout=180)
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    started = subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                       str(root / "server.log"), "-w", "-t", "60", "start"], user),
                             capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        log = (root / "server.log").read_text(errors="replace")[-1000:] if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"the PostgreSQL server did not start: {started.stderr.strip()[-500:]} {log}")
    return Server(f"postgresql+psycopg://accord@127.0.0.1:{port}/postgres", data, bindir, user)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
