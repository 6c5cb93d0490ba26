"""Out-of-range ids, oversized bodies, loopback hosts and off-site redirects."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from accord.web import create_app
from accord.web.security import MAX_BODY

HUGE = "9" * 25
ID_ROUTES = [
    f"/runs/{HUGE}",
    f"/runs/{HUGE}/json",
    f"/runs/{HUGE}/report",
    f"/versions/{HUGE}",
    f"/versions/{HUGE}/edit",
    f"/versions/{HUGE}/download",
    f"/runs/diff?a={HUGE}&b=1",
    f"/runs/diff?a=1&b={HUGE}",
    f"/runs?page={HUGE}",
    "/runs?page=2",
    "/runs/2147483648",
    "/versions/2147483648",
]


@pytest.mark.parametrize("path", ID_ROUTES)
def test_ids_out_of_range_answer_404(client, path):
    response = client.get(path)
    assert response.status_code == 404, response.text[:300]


@pytest.mark.parametrize("path", [f"/versions/{HUGE}/edit", f"/versions/{HUGE}/run"])
def test_posts_to_ids_out_of_range_answer_404(client, csrf, path):
    token = csrf(client.get("/scenarios/new").text)
    response = client.post(path, data={"csrf_token": token, "mode": "yaml", "yaml": "id: x", "models": "median"})
    assert response.status_code == 404


def test_a_seed_beyond_64_bits_is_a_form_error(client, csrf):
    token = csrf(client.get("/builtin/ukraine-2025").text)
    response = client.post("/builtin/ukraine-2025/run",
                           data={"csrf_token": token, "models": ["median"], "seed": str(10**26)})
    assert response.status_code == 400
    assert "seed must be at most 9,223,372,036,854,775,807" in response.text
    assert client.get("/runs").text.count('href="/runs/') == 0


def _yaml_text(size: int) -> str:
    head = "id: big\ntitle: Big\ndescription: |\n"
    line = "  " + "x" * 98 + "\n"
    return head + line * (size // len(line))


@pytest.mark.parametrize("chunked", [False, True])
def test_a_6_mb_editor_post_answers_413_and_the_editor_keeps_its_text(client, csrf, chunked):
    token = csrf(client.get("/scenarios/new").text)
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token, "mode": "yaml", "yaml": _yaml_text(6_000_000)}).encode()
    assert len(body) > 6_000_000
    headers = {"content-type": "application/x-www-form-urlencoded"}
    content = (body[k:k + 65536] for k in range(0, len(body), 65536)) if chunked else body
    response = client.post("/scenarios/new", content=content, headers=headers)
    assert response.status_code == 413
    assert "larger than the 5 MiB limit" in response.text and "still in the editor" in response.text
    assert 'id="yaml-editor"' in response.text and "data-restore-draft" in response.text
    assert f'data-max-bytes="{MAX_BODY}"' in response.text


def test_a_4_mb_scenario_within_the_limit_is_read(client, csrf):
    token = csrf(client.get("/scenarios/new").text)
    response = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": _yaml_text(4_000_000)})
    assert response.status_code == 422 and "the scenario needs at least one actor" in response.text


def test_a_6_mb_upload_answers_413(client, csrf):
    token = csrf(client.get("/scenarios/new").text)
    response = client.post("/scenarios/import", data={"csrf_token": token, "format": "auto"},
                           files={"file": ("big.csv", b"a" * 6_000_000)})
    assert response.status_code == 413 and "5 MiB" in response.text


def test_any_loopback_host_is_accepted_when_served_on_it(tmp_path):
    from accord.web.server import LOOPBACK_HOSTS

    app = create_app(f"sqlite:///{tmp_path / 'w.db'}", secret="s", allowed_hosts=[*LOOPBACK_HOSTS, "127.0.0.2"])
    with TestClient(app, base_url="http://127.0.0.2:8000") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "evil.example"}).status_code == 400


def test_serve_allows_the_host_it_binds(monkeypatch):
    import uvicorn

    from accord.web import server

    seen = {}

    def fake_run(app, **kwargs):
        seen["app"] = app
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    server.serve("127.0.0.2", 8123, "sqlite://")
    with TestClient(seen["app"], base_url="http://127.0.0.2:8123") as c:
        assert c.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["//evil.example/x", "///evil.example/x", "/\\evil.example/x"])
def test_the_token_redirect_never_leaves_the_site(tmp_path, path):
    token = "a-long-random-access-token-123456"
    app = create_app(f"sqlite:///{tmp_path / 'w.db'}", secret="s", token=token)
    with TestClient(app) as c:
        response = c.get(f"{path}?token={token}", follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
