"""The workbench's pages, in process: scenarios, runs, results, history, diff, reports."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def run_id(client, csrf):
    page = client.get("/builtin/ukraine-2025")
    response = client.post("/builtin/ukraine-2025/run", data={
        "csrf_token": csrf(page.text), "models": ["compromise", "median"], "analyses": ["uncertainty"],
        "seed": "3",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_index_lists_builtins(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "/builtin/ukraine-2025" in page.text
    assert "US-Russia talks" in page.text


def test_scenario_page_shows_evidence_next_to_stances(client):
    page = client.get("/builtin/ukraine-2025")
    assert page.status_code == 200
    assert "<blockquote>" in page.text
    assert "Why the Russia-US agreement is currently unattainable" in page.text
    assert 'name="models" value="compromise"' in page.text


def test_run_is_recorded_and_shows_the_cli_numbers(client, app, run_id):
    from accord.runner import run_models, run_to_json
    from accord.scenario.io import load_scenario

    record = app.state.store.get_run(run_id)
    assert record.origin == "web" and record.seed == 3 and record.models == ["compromise", "median"]
    expected = run_to_json(run_models(load_scenario("ukraine-2025"), ["compromise", "median"], seed=3))
    for model in expected["models"]:
        for issue, entry in expected["models"][model]["issues"].items():
            assert record.results["models"][model]["issues"][issue]["forecast"] == entry["forecast"]
    assert "uncertainty" in record.analyses and "histograms" in record.analyses["uncertainty"]
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200
    first = expected["models"]["compromise"]["issues"]["territory"]
    assert f"{first['forecast']:,.2f}" in page.text
    assert first["anchor"]["label"] in page.text
    assert 'id="chart-forecast"' in page.text and 'id="chart-data"' in page.text
    assert "/vendor/plotly.min.js" in page.text


def test_history_json_report_and_diff(client, run_id):
    history = client.get("/runs")
    assert history.status_code == 200 and f'href="/runs/{run_id}"' in history.text
    data = client.get(f"/runs/{run_id}/json").json()
    assert data["id"] == run_id and data["results"]["scenario"] == "ukraine-2025"
    report = client.get(f"/runs/{run_id}/report")
    assert report.status_code == 200 and "<svg" in report.text and "<script" not in report.text
    download = client.get(f"/runs/{run_id}/report?download=1")
    assert "attachment" in download.headers["content-disposition"]
    diff = client.get(f"/runs/diff?a={run_id}&b={run_id}")
    assert diff.status_code == 200 and "Identical scenario content" in diff.text


def test_download_yaml_is_self_contained(client):
    response = client.get("/builtin/ukraine-2025/download")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="ukraine-2025.yaml"'
    assert "file:" not in response.text and "text:" in response.text
    from accord.store.content import scenario_from_document

    assert scenario_from_document(response.text).id == "ukraine-2025"


def test_plotly_is_served_locally(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000
    assert response.headers["content-type"].startswith("text/javascript")
    for asset in ("/static/app.css", "/static/app.js", "/static/charts.js"):
        assert client.get(asset).status_code == 200
    page = client.get("/").text
    assert not re.search(r'(src|href)="https?://', page)


@pytest.mark.parametrize("path", ["/nope", "/builtin/nope", "/builtin/..%2F..%2Fetc%2Fpasswd", "/versions/abc",
                                  "/versions/999", "/runs/999", "/runs/abc", "/builtin/ukraine-2025/nope"])
def test_missing_things_are_error_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>" in response.text and "Traceback" not in response.text


def test_bad_run_settings_are_shown_on_the_page(client, csrf):
    page = client.get("/builtin/ukraine-2025")
    response = client.post("/builtin/ukraine-2025/run", data={
        "csrf_token": csrf(page.text), "models": ["compromise"], "seed": "-1"})
    assert response.status_code == 400
    assert "seed must be at least 0" in response.text and 'class="notice error"' in response.text
    response = client.post("/builtin/ukraine-2025/run", data={
        "csrf_token": csrf(page.text), "models": ["nope"]})
    assert response.status_code == 400 and "unknown model" in response.text


def test_unexpected_errors_are_pages_without_tracebacks(client, monkeypatch, csrf):
    from accord.web import services

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(services, "run_and_record", broken)
    page = client.get("/builtin/ukraine-2025")
    response = client.post("/builtin/ukraine-2025/run", data={"csrf_token": csrf(page.text),
                                                              "models": ["compromise"]})
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text and "internal detail" not in response.text
