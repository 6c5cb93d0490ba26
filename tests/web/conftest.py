"""Fixtures for the workbench tests: an in-process client, a live server, and a headless browser.

Browser tests drive Debian's Chromium through Playwright. Without a Chromium they
skip, saying how to enable them, unless ``ACCORD_REQUIRE_BROWSER=1`` (set in CI),
in which case they fail. Screenshots go to ``ACCORD_TEST_ARTIFACTS`` when set,
else to the test's temporary directory.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workbench needs: pip install 'accord[web]'")

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEST_SECRET = "test-secret-for-csrf-signing"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'workbench.db'}"


@pytest.fixture
def app(db_url):
    from accord.web import create_app

    return create_app(db_url, secret=TEST_SECRET)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


class _FormReader(HTMLParser):
    """Collect the fields of one form, as a browser would submit them (templates excluded)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.template = 0
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action and a.get("class", "").startswith(("scenario-form",
                                                                                              "yaml-form"))
            self._kind = a.get("class", "")
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if self.template:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "file":
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._buffer = a["name"], ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._chosen = None
        elif tag == "option" and self._select is not None and "selected" in a:
            self._chosen = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template" and self.template:
            self.template -= 1
        elif tag == "textarea" and self._textarea is not None:
            text = self._buffer[1:] if self._buffer.startswith("\n") else self._buffer
            self.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._chosen or ""))
            self._select = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._buffer += data


def form_fields(html: str, action: str, kind: str = "scenario-form") -> dict[str, str]:
    """The fields of the scenario form (``kind="scenario-form"``) or YAML form posted to ``action``."""
    reader = _FormReader(action)
    parts = re.split(r"(?=<form )", html)
    chosen = next(p for p in parts if p.startswith("<form ") and f'action="{action}"' in p.split(">", 1)[0]
                  and kind in p.split(">", 1)[0])
    reader.feed(chosen)
    return dict(reader.fields)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``accord serve`` in a subprocess on a free loopback port, with its own database."""

    def __init__(self, tmp: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = tmp / "live.db"
        self.log = tmp / "server.log"
        environ = {**os.environ, "ACCORD_DB": str(self.db), "ACCORD_SECRET": TEST_SECRET}
        environ.pop("ACCORD_TOKEN", None)
        environ.update(env or {})
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "accord", "serve", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=environ,
            )
        self._wait()

    def _wait(self) -> None:
        import urllib.request

        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def artifacts(tmp_path, request) -> Path:
    root = os.environ.get("ACCORD_TEST_ARTIFACTS")
    base = Path(root) if root else tmp_path / "artifacts"
    out = base / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    out.mkdir(parents=True, exist_ok=True)
    return out


def chromium_path() -> str | None:
    candidate = os.environ.get("ACCORD_CHROMIUM") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium") if not os.environ.get("ACCORD_CHROMIUM") else None


def _unavailable(reason: str) -> None:
    hint = f"{reason}; to run the browser tests: apt-get install chromium (or set ACCORD_CHROMIUM to a Chromium binary)"
    if os.environ.get("ACCORD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"ACCORD_REQUIRE_BROWSER=1 but {hint}", pytrace=False)
    pytest.skip(hint)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("no Chromium found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=BROWSER_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    pg.on("request", lambda r: problems.append(f"external request: {r.url}")
          if not r.url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")) else None)
    pg.accord_problems = problems
    yield pg
    context.close()


@pytest.fixture
def csrf():
    """``csrf(html) -> token``: the CSRF token of a page's forms."""
    return csrf_of


@pytest.fixture
def fields():
    """``fields(html, action, kind) -> dict``: what a browser would post from a form."""
    return form_fields
