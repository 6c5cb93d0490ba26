"""Set up a development environment from nothing and run accord or its tests.

    python3 scripts/bootstrap.py run    # venv, install accord, brief on the built-in case
    python3 scripts/bootstrap.py test   # venv, every extra, ruff and mypy, browser, whole test suite

Needs only Python 3.11 or newer. The virtual environment lives in ``.venv`` next to
this folder and is reused when present. The ``test`` step first runs ruff (with the
docstring rules on the public API) and mypy (``[tool.mypy]`` in ``pyproject.toml``)
and stops when either fails. For the browser tests the ``test`` step
looks for Chromium (``ACCORD_CHROMIUM`` or ``chromium`` on the PATH) and, when it is
missing and this user may use apt-get, installs Debian's ``chromium`` package;
otherwise the browser tests are skipped with a message, unless
``ACCORD_REQUIRE_BROWSER=1`` makes them mandatory. Likewise for PostgreSQL: the store
tests start a disposable server from the PostgreSQL binaries (``initdb``, ``pg_ctl``),
and the ``test`` step installs Debian's ``postgresql`` package when they are missing;
without them the PostgreSQL half of the store tests skips, unless
``ACCORD_REQUIRE_POSTGRES=1`` makes it mandatory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def sh(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def ensure_venv() -> Path:
    python = BIN / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    return python


def install(python: Path, extras: str | None) -> None:
    target = f".[{extras}]" if extras else "."
    sh(python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target)


def find_chromium() -> str | None:
    given = os.environ.get("ACCORD_CHROMIUM")
    if given and Path(given).exists():
        return given
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def apt_install(package: str) -> bool:
    """Install a Debian package when this user may use apt-get; whether it was installed."""
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (apt and is_root):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run([apt, "update", "-q"], env=env).returncode == 0 and subprocess.run(
        [apt, "install", "-y", "-q", "--no-install-recommends", package], env=env
    ).returncode == 0


def find_postgres() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return str(versions[-1]) if versions else None


def ensure_postgres() -> None:
    if os.environ.get("ACCORD_TEST_POSTGRES_URL") or find_postgres():
        return
    print("PostgreSQL not found: installing Debian's postgresql package for the store tests", flush=True)
    if apt_install("postgresql") and find_postgres():
        return
    print("PostgreSQL is not available: the PostgreSQL store tests will be skipped. To run them, install "
          "Debian's 'postgresql' package or set ACCORD_TEST_POSTGRES_URL.", flush=True)


def ensure_chromium() -> None:
    if find_chromium():
        return
    print("Chromium not found: installing Debian's chromium package for the browser tests", flush=True)
    if apt_install("chromium") and find_chromium():
        return
    print("Chromium is not available: browser tests will be skipped. To run them, install Debian's "
          "'chromium' package or set ACCORD_CHROMIUM to a Chromium binary.", flush=True)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036  (the script may be started by an older Python)
        print("accord needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_venv()
    if argv[0] == "run":
        install(python, None)
        return sh(BIN / "accord", "brief", *argv[1:], check=False)
    install(python, "test")
    for check in (("ruff", "check", "src", "tests", "benchmarks", "scripts"), ("mypy",)):
        code = sh(python, "-m", *check, check=False)
        if code:
            return code
    ensure_chromium()
    ensure_postgres()
    code = sh(python, "-m", "pytest", *argv[1:], check=False)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
