"""The workbench in a real headless browser: create, fix, run, chart, history, diff, report."""

from __future__ import annotations

import re

import pytest

from accord.report.analyses import AGREEMENT_DRAWS

pytestmark = pytest.mark.slow

SOURCE_TEXT = ("The union demands a raise of eight percent. The employers say four percent is the most they can "
               "pay. The ministry wants a deal below six percent.")


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def fill_new_scenario(page, salience: str) -> None:
    page.fill('[name="id"]', "wage-talks")
    page.fill('[name="title"]', "Wage talks 2025")
    page.fill('[name="as_of"]', "2025-03-01")
    rows = [("union", "Union", "40"), ("employers", "Employers", "[40, 60]"), ("ministry", "Ministry", "20")]
    page.click('button.add-row[data-section="actors"]')
    for k, (ident, name, cap) in enumerate(rows):
        page.fill(f'[name="actors[{k}].id"]', ident)
        page.fill(f'[name="actors[{k}].name"]', name)
        page.fill(f'[name="actors[{k}].capability"]', cap)
    page.fill('[name="issues[0].id"]', "raise")
    page.fill('[name="issues[0].name"]', "Pay raise (%)")
    page.fill('[name="issues[0].scale.min"]', "0")
    page.fill('[name="issues[0].scale.max"]', "10")
    page.fill('[name="issues[0].status_quo"]', "0")
    page.fill('[name="issues[0].veto"]', "union, employers")
    page.fill('[name="issues[0].scale.anchors"]', "0: no raise\n4: employers' offer\n8: union demand")
    page.fill('[name="sources[0].id"]', "news")
    page.fill('[name="sources[0].title"]', "Talks open")
    page.fill('[name="sources[0].date"]', "2025-02-27")
    page.fill('[name="sources[0].text"]', SOURCE_TEXT)
    stances = [("union", "8", "0.9", "news: The union demands a raise of eight percent"),
               ("employers", "4", salience, "news: four percent is the most they can pay"),
               ("ministry", "5.5", "0.6", "news: The ministry wants a deal below six percent")]
    for k, (actor, pos, sal, evidence) in enumerate(stances):
        page.fill(f'[name="stances[{k}].actor"]', actor)
        page.fill(f'[name="stances[{k}].issue"]', "raise")
        page.fill(f'[name="stances[{k}].position"]', pos)
        page.fill(f'[name="stances[{k}].salience"]', sal)
        page.fill(f'[name="stances[{k}].evidence"]', evidence)


def run_models(page) -> int:
    with page.expect_navigation():
        page.click("#run-button")
    page.wait_for_selector("#chart-forecast .main-svg", timeout=60_000)
    match = re.search(r"/runs/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def test_create_fix_run_and_review(live_server, page, artifacts):
    page.goto(live_server.url + "/scenarios/new")
    shot(page, artifacts, "01-new-scenario")
    fill_new_scenario(page, salience="1.4")
    with page.expect_navigation():
        page.click("#save-form")
    error = page.locator('label.field.invalid:has([name="stances[1].salience"]) .field-error')
    assert "salience must be between 0 and 1, got 1.4" in error.inner_text()
    assert page.locator('[name="stances[1].salience"]').get_attribute("aria-invalid") == "true"
    shot(page, artifacts, "02-validation-error")

    page.fill('[name="stances[1].salience"]', "0.7")
    with page.expect_navigation():
        page.click("#save-form")
    assert "Saved as version 1" in page.inner_text(".notice")
    assert "The union demands a raise of eight percent" in page.inner_text("#main")
    shot(page, artifacts, "03-scenario")

    first = run_models(page)
    assert page.locator("table.forecast tbody tr").count() == 1
    assert "employers' offer" in page.inner_text("table.forecast") or "union demand" in page.inner_text(
        "table.forecast")
    shot(page, artifacts, "04-results")

    page.goto(live_server.url + "/")
    page.click("#stored-scenarios a")
    page.click("a.button:has-text('Edit YAML')")
    editor = page.locator("#yaml-editor")
    editor.fill(editor.input_value().replace("position: 5.5", "position: 7"))
    with page.expect_navigation():
        page.click("#save-yaml")
    assert "Saved as version 2" in page.inner_text(".notice")
    second = run_models(page)

    page.click("nav >> text=Run history")
    page.wait_for_selector("table.runs")
    assert page.locator(f'table.runs a[href="/runs/{first}"]').count() == 1
    assert page.locator(f'table.runs a[href="/runs/{second}"]').count() == 1
    shot(page, artifacts, "05-history")
    with page.expect_navigation():
        page.click("#compare-button")
    text = page.inner_text("#main")
    assert "ministry / raise" in text and "position" in text
    lead = page.inner_text("#diff-lead")
    assert "The verdict" in lead and "Pay raise (%)" in lead and "of the scale" in lead
    assert page.locator("#main h2").first.inner_text() == "What changed"
    assert not re.search(r"[+-]\d\.\d+e-1\d", text)
    if page.locator("#diff-analyses").count():
        assert "kalai_smorodinsky" not in page.inner_text("#diff-analyses")
    shot(page, artifacts, "06-diff")

    page.goto(live_server.url + f"/runs/{second}/report")
    assert page.locator("svg").count() >= 1
    shot(page, artifacts, "07-report")
    unexpected = [p for p in page.accord_problems if "status of 422" not in p]
    assert unexpected == [], unexpected


def test_builtin_case_results_with_rounds_and_analyses(live_server, page, artifacts):
    page.goto(live_server.url + "/builtin/ukraine-2025")
    shot(page, artifacts, "08-builtin-scenario")
    page.check('input[name="levers"][value="us_energy_sanctions"]')
    run_models(page)
    assert "levers: US sanctions on Russian energy" in page.inner_text("#analysis-options")
    if page.locator(".rounds-chart").count():
        page.wait_for_selector(".rounds-chart .main-svg")
        select = page.locator("select.issue-select").first
        select.select_option(index=4)
        page.wait_for_timeout(300)
    if page.locator("#chart-uncertainty").count():
        page.wait_for_selector("#chart-uncertainty .main-svg")
    shot(page, artifacts, "09-builtin-results")
    assert page.accord_problems == [], page.accord_problems


def test_validation_without_javascript(live_server, browser, artifacts):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/scenarios/new")
        assert page.locator("button.add-row").first.is_hidden()
        page.fill('[name="id"]', "x")
        page.fill('[name="title"]', "X")
        page.fill('[name="actors[0].id"]', "a")
        page.fill('[name="actors[0].name"]', "A")
        page.fill('[name="actors[0].capability"]', "lots")
        with page.expect_navigation():
            page.click("#save-form")
        error = page.locator('label.field.invalid:has([name="actors[0].capability"]) .field-error')
        assert "must be a number" in error.inner_text()
        assert "needs at least one issue" in page.inner_text("#section-issues")
    finally:
        context.close()


def test_the_run_page_shows_progress_from_the_server(live_server, page, artifacts):
    page.goto(live_server.url + "/builtin/ukraine-2025")
    for box in page.locator('input[name="models"]').all():
        if box.get_attribute("value") != "compromise":
            box.uncheck()
    for box in page.locator('input[name="analyses"]').all():
        if box.get_attribute("value") != "uncertainty":
            box.uncheck()
    page.fill('input[name="draws"]', "200000")
    page.fill('input[name="note"]', "many draws, compromise only")
    page.click("#run-button")
    seen = []
    for _ in range(1800):
        text = page.inner_text("#run-progress") if "/runs/" not in page.url else ""
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        if re.search(r"Uncertainty \(Monte Carlo\): [1-9][\d,]* of 201,024", text):
            break
        page.wait_for_timeout(100)
    # the models' 200,000 draws, then the agreement analysis on the first 1,024 (AGREEMENT_DRAWS)
    assert any(re.search(r"Uncertainty \(Monte Carlo\): [1-9][\d,]* of 201,024", t) for t in seen), seen
    assert page.locator("#run-progress progress").get_attribute("max") == str(200_000 + AGREEMENT_DRAWS)
    shot(page, artifacts, "10-run-progress")
    page.wait_for_url(re.compile(r"/runs/\d+$"), timeout=300_000)
    page.wait_for_selector("#chart-forecast .main-svg", timeout=60_000)
    assert page.inner_text("#run-note") == "Note: many draws, compromise only"
    with page.expect_download(timeout=300_000) as download:
        page.click("#download-pdf")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    page.click("nav >> text=Run history")
    row = page.locator("table.runs tbody tr").first.inner_text()
    assert "many draws, compromise only" in row and "200,000 Monte Carlo draws" in row
    shot(page, artifacts, "11-history-options")
    unexpected = [p for p in page.accord_problems if not p.endswith("/report.pdf")]  # a download ends its request
    assert unexpected == [], unexpected


def test_a_run_with_an_error_posted_in_the_background_shows_the_form_again(live_server, page):
    page.goto(live_server.url + "/builtin/ukraine-2025")
    page.fill('input[name="seed"]', "-1")
    page.click("#run-button")
    page.wait_for_selector(".run-panel .notice.error", timeout=60_000)
    assert "seed" in page.inner_text(".run-panel .notice.error").lower()


def test_progress_endpoint(client):
    board = client.app.state.progress
    assert client.get("/progress/nosuchjob123").status_code == 404
    assert client.get("/progress/bad").status_code == 404
    board.update("abcdefgh1234", "Uncertainty (Monte Carlo)", 2048, 10000)
    assert client.get("/progress/abcdefgh1234").json() == {
        "step": "Uncertainty (Monte Carlo)", "done": 2048, "total": 10000, "finished": False}
    assert board.reporter("../etc") is None


def test_the_editor_keeps_a_text_over_the_size_limit(live_server, page):
    page.goto(live_server.url + "/scenarios/new?tab=yaml")
    editor = page.locator("#yaml-editor")
    big = "id: big\ntitle: Big\ndescription: |\n" + ("  " + "x" * 98 + "\n") * 60_000
    page.evaluate("text => { document.getElementById('yaml-editor').value = text; }", big)
    page.click("#save-yaml")
    note = page.locator("#yaml-size-error")
    note.wait_for(state="visible")
    assert "larger than the 5 MiB" in note.inner_text() and "still in the editor" in note.inner_text()
    assert page.url.endswith("/scenarios/new?tab=yaml")
    assert len(editor.input_value()) == len(big)
