"""A case with veto players, levers and a timeline: the agreement analysis on the results page."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("accord.agreement", reason="the agreement analysis is not part of this installation")

CASE = """\
id: strike
title: A strike
as_of: 2025-03-01
actors:
  - {id: union, name: Union, capability: 50, no_deal_cost: 0.1}
  - {id: firm, name: Firm, capability: 50, no_deal_cost: [0.05, 0.15]}
issues:
  - id: pay
    name: Pay rise
    scale: {min: 0, max: 10, anchors: {0: none, 5: half, 10: full}}
    status_quo: 0
    veto: [union, firm]
stances:
  - {actor: union, issue: pay, position: 9, salience: 0.9, assumption: stated}
  - {actor: firm, issue: pay, position: 2, salience: 0.8, assumption: stated}
levers:
  - id: mediation
    name: Mediation
    edits: [{field: no_deal_cost, actor: firm, add: 0.2}]
    assumption: a mediator raises the cost of holding out
timeline:
  - date: 2025-04-01
    label: Strike begins
    edits: [{field: no_deal_cost, actor: firm, add: 0.3}]
    assumption: lost production
"""


def save_and_run(client, csrf) -> int:
    token = csrf(client.get("/scenarios/new?tab=yaml").text)
    saved = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": CASE},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    version = saved.headers["location"].split("?")[0]
    ran = client.post(f"{version}/run", data={"csrf_token": token, "models": ["compromise"],
                                              "analyses": ["agreement"]}, follow_redirects=False)
    assert ran.status_code == 303, ran.text[:3000]
    return int(ran.headers["location"].rsplit("/", 1)[1])


def test_agreement_results_render(client, app, csrf):
    run_id = save_and_run(client, csrf)
    record = app.state.store.get_run(run_id)
    agreement = record.analyses["agreement"]
    assert "error" not in agreement and isinstance(agreement["verdict"], str)
    page = client.get(f"/runs/{run_id}").text
    assert 'id="verdict"' in page and agreement["verdict"].split(":")[0] in page
    assert 'id="chart-agreement"' in page
    if agreement.get("timeline"):
        assert 'id="chart-agreement-timeline"' in page
    report = client.get(f"/runs/{run_id}/report").text
    assert 'class="verdict' in report and "Zone of agreement" in report


@pytest.mark.slow
def test_agreement_charts_in_the_browser(live_server, page, artifacts):
    page.goto(live_server.url + "/scenarios/new?tab=yaml")
    page.fill("#yaml-editor", CASE)
    with page.expect_navigation():
        page.click("#save-yaml")
    for box in page.locator('input[name="models"]').all():
        if box.get_attribute("value") != "compromise":
            box.uncheck()
    with page.expect_navigation():
        page.click("#run-button")
    assert re.search(r"/runs/\d+$", page.url)
    page.wait_for_selector("#chart-agreement .main-svg")
    if page.locator("#chart-agreement-timeline").count():
        page.wait_for_selector("#chart-agreement-timeline .main-svg")
    page.locator("#analysis-agreement").screenshot(path=str(artifacts / "10-agreement.png"))
    assert [p for p in page.accord_problems if "status of 422" not in p] == []
