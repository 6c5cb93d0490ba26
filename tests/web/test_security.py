"""Access token, CSRF, request size, host checks, headers, and refusing unsafe settings."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from accord.errors import ServeError
from accord.web import create_app
from accord.web.security import CSRF, CSRF_COOKIE
from accord.web.server import check_settings, is_loopback

TOKEN = "a-long-random-access-token-123456"


def test_csrf_is_required_and_checked(client, csrf):
    token = csrf(client.get("/builtin/ukraine-2025").text)
    data = {"models": ["compromise"], "seed": "0"}
    missing = client.post("/builtin/ukraine-2025/run", data=data)
    assert missing.status_code == 403 and "Form expired" in missing.text
    wrong = client.post("/builtin/ukraine-2025/run", data={**data, "csrf_token": token + "x"})
    assert wrong.status_code == 403
    forged = CSRF("another-secret").new_token()
    client.cookies.set(CSRF_COOKIE, forged)
    both_forged = client.post("/builtin/ukraine-2025/run", data={**data, "csrf_token": forged})
    assert both_forged.status_code == 403
    client.cookies.set(CSRF_COOKIE, token)
    ok = client.post("/builtin/ukraine-2025/run", data={**data, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303


def test_csrf_cookie_is_strict_and_http_only(app):
    with TestClient(app) as fresh:
        response = fresh.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(CSRF_COOKIE) and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_a_cross_site_post_without_the_cookie_fails(app, csrf):
    with TestClient(app) as victim, TestClient(app) as attacker:
        token = csrf(attacker.get("/scenarios/new").text)
        victim.get("/")
        response = victim.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": "id: x"})
    assert response.status_code == 403


def test_request_size_is_limited(db_url):
    app = create_app(db_url, secret="s", max_body=10_000)
    with TestClient(app) as small:
        big = "x" * 20_000
        declared = small.post("/scenarios/new", content=f"yaml={big}",
                              headers={"content-type": "application/x-www-form-urlencoded"})
        assert declared.status_code == 413 and "larger than" in declared.text

        def chunks():
            for _ in range(5):
                yield b"a" * 5000

        streamed = small.post("/scenarios/new", content=chunks(),
                              headers={"content-type": "application/x-www-form-urlencoded"})
        assert streamed.status_code == 413 and "Request too large" in streamed.text


def test_token_is_required_when_configured(db_url):
    app = create_app(db_url, secret="s", token=TOKEN)
    with TestClient(app) as c:
        for path in ("/", "/static/app.css", "/vendor/plotly.min.js", "/runs"):
            denied = c.get(path)
            assert denied.status_code == 401 and "Access token needed" in denied.text
        assert c.get("/?token=wrong").status_code == 401
        entry = c.get(f"/runs?token={TOKEN}&page=2", follow_redirects=False)
        assert entry.status_code == 303 and entry.headers["location"] == "/runs?page=2"
        assert "HttpOnly" in entry.headers["set-cookie"]
        assert c.get("/runs").status_code == 200
    with TestClient(app) as api:
        assert api.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_host_header_is_checked_on_loopback(db_url):
    app = create_app(db_url, secret="s", allowed_hosts=["127.0.0.1", "localhost", "::1"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "[::1]:8000"}).status_code == 200
        assert c.get("/healthz", headers={"host": "localhost"}).status_code == 200
        rebound = c.get("/healthz", headers={"host": "evil.example:8000"})
        assert rebound.status_code == 400 and "Unexpected host" in rebound.text


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("[::1]", True), ("127.0.0.2", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False)])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


def test_refuses_to_listen_beyond_loopback_without_a_token():
    check_settings("127.0.0.1", None)
    check_settings("0.0.0.0", TOKEN)
    with pytest.raises(ServeError, match="ACCORD_TOKEN"):
        check_settings("0.0.0.0", None)
    with pytest.raises(ServeError, match="too short"):
        check_settings("0.0.0.0", "short")


def test_serve_command_refuses_without_a_token(monkeypatch, cli):
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    out = cli("serve", "--host", "0.0.0.0", "--port", "9")
    assert out.returncode == 1
    assert "refusing to listen on 0.0.0.0 without an access token" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_extra_gives_a_one_line_hint():
    code = ("import sys; sys.modules['fastapi'] = None; sys.argv = ['accord', 'serve'];"
            "from accord.cli.app import main; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'accord[web]'" in lines[0]
