"""The run form's analysis options: agreement date, levers, actor types, utility form, Monte Carlo draws."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("accord.agreement", reason="the agreement analysis is not part of this installation")

CASE = "/builtin/ukraine-2025"
DATE = "2025-03-18"
LEVER = "us_energy_sanctions"


def post_run(client, csrf, **fields):
    page = client.get(CASE)
    data = {"csrf_token": csrf(page.text), "models": ["compromise"], "analyses": ["agreement"], **fields}
    return client.post(f"{CASE}/run", data=data, follow_redirects=False)


def recorded(client, app, csrf, **fields):
    response = post_run(client, csrf, **fields)
    assert response.status_code == 303, response.text[:3000]
    return app.state.store.get_run(int(response.headers["location"].rsplit("/", 1)[1]))


def alert(page_html: str) -> str:
    match = re.search(r'role="alert">([^<]*)<', page_html)
    assert match, "no error shown on the page"
    return html.unescape(match.group(1))


def test_form_offers_the_options_of_the_scenario(client):
    page = client.get(CASE).text
    assert '<select name="at">' in page and '<option value="">scenario as written</option>' in page
    assert f'<option value="{DATE}" >{DATE} · Trump-Putin call; 30-day energy truce</option>' in page
    assert f'name="levers" value="{LEVER}"' in page and "US sanctions on Russian energy" in page
    assert '<select name="type:russia">' in page and 'value="expansionist"' in page
    assert '<select name="type:usa">' not in page
    assert '<select name="utility">' in page and 'name="draws" inputmode="numeric" value="1000"' in page


def test_scenario_without_timeline_levers_or_types_offers_none_of_them(client, csrf):
    token = csrf(client.get("/scenarios/new?tab=yaml").text)
    case = ("id: plain\ntitle: Plain\nactors:\n  - {id: a, name: A, capability: 50}\n  - {id: b, name: B, "
            "capability: 50}\nissues:\n  - {id: p, name: P, status_quo: 50}\nstances:\n"
            "  - {actor: a, issue: p, position: 20, salience: 0.5, assumption: x}\n"
            "  - {actor: b, issue: p, position: 80, salience: 0.5, assumption: x}\n")
    saved = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": case},
                        follow_redirects=False)
    page = client.get(saved.headers["location"].split("?")[0]).text
    assert 'id="analysis-options"' in page and '<select name="utility">' in page
    assert 'name="at"' not in page and 'name="levers"' not in page and 'name="type:' not in page


def test_date_and_lever_reach_the_agreement_analysis(client, app, csrf):
    from accord.agreement import analyse_agreement

    default = recorded(client, app, csrf).analyses["agreement"]
    run = recorded(client, app, csrf, at=DATE, levers=[LEVER])
    chosen = run.analyses["agreement"]

    assert default["at"] is None and default["levers_applied"] == [] and default["snapshot"] is None
    assert chosen["at"] == DATE and chosen["levers_applied"] == [LEVER]
    assert chosen["snapshot"] == "Trump-Putin call; 30-day energy truce"
    expected = analyse_agreement(app.state.store.get_run(run.id).version.scenario(), at=DATE,
                                 levers=[LEVER]).to_json()
    assert chosen["reservation"] == expected["reservation"]
    assert chosen["nash"] == pytest.approx(expected["nash"])
    russia_cost = chosen["reservation"]["russia"]["no_deal_cost"]
    assert russia_cost > default["reservation"]["russia"]["no_deal_cost"]
    assert chosen["reservation"]["russia"]["reservation"] < default["reservation"]["russia"]["reservation"]

    assert run.params["analysis_options"] == {"at": DATE, "levers": [LEVER], "types": {}, "utility": "linear"}
    page = client.get(f"/runs/{run.id}").text
    shown = html.unescape(re.search(r'id="analysis-options">([^<]*)<', page).group(1))
    assert f"as of {DATE} (Trump-Putin call; 30-day energy truce)" in shown
    assert "levers: US sanctions on Russian energy" in shown and "draws" not in shown
    history = client.get("/runs").text
    cells = re.findall(r'<td class="options">([^<]*)</td>', history)
    assert f"as of {DATE} · levers: {LEVER}" in cells and "defaults" in cells


def test_type_and_utility_are_applied_and_recorded(client, app, csrf):
    run = recorded(client, app, csrf, **{"type:russia": "security", "type:europe": "", "utility": "quadratic"})
    agreement = run.analyses["agreement"]
    assert agreement["types_applied"] == {"russia": "security"} and agreement["utility"] == "quadratic"
    assert run.params["analysis_options"]["types"] == {"russia": "security"}
    assert "Russia: Russia driven by security concerns · quadratic utility" in html.unescape(
        client.get(f"/runs/{run.id}").text)


def test_draws_set_the_monte_carlo_draw_count(client, app, csrf):
    run = recorded(client, app, csrf, analyses=["uncertainty"], draws="40")
    assert run.analyses["uncertainty"]["draws"] == 40
    assert run.params["analysis_options"]["draws"] == 40 and "utility" not in run.params["analysis_options"]
    page = client.get(f"/runs/{run.id}").text
    assert "over 40 draws" in page and "40 Monte Carlo draws" in page
    default = recorded(client, app, csrf, analyses=["uncertainty"])
    assert default.analyses["uncertainty"]["draws"] == 1000


def test_unknown_lever_is_refused_and_the_form_keeps_its_values(client, app, csrf):
    response = post_run(client, csrf, at=DATE, levers=[LEVER, "no_such_lever"], draws="2000", seed="7",
                        **{"type:russia": "expansionist"})
    assert response.status_code == 400
    assert alert(response.text).startswith("unknown lever 'no_such_lever'; levers of 'ukraine-2025': "
                                           "us_energy_sanctions, patriot_deliveries")
    assert "Traceback" not in response.text
    assert f'<option value="{DATE}" selected>' in response.text
    assert f'name="levers" value="{LEVER}" checked' in response.text
    assert '<option value="expansionist" selected>' in response.text
    assert 'name="draws" inputmode="numeric" value="2000"' in response.text
    assert 'name="seed" inputmode="numeric" value="7"' in response.text
    assert re.search(r'<div class="levers invalid" id="levers">', response.text)
    assert app.state.store.count_runs() == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"at": "2024-01-01"}, "the agreement date '2024-01-01' is not a date of the timeline of 'ukraine-2025'; "
                           "its dates: 2025-02-12, 2025-03-18"),
    ({"at": "18 March"}, "the agreement date '18 March' is not a date of the timeline"),
    ({"type:russia": "dove"}, "unknown type 'dove' of 'russia'; its types: security, expansionist"),
    ({"type:usa": "hawk"}, "unknown type 'hawk' of 'usa'; its types: none"),
    ({"utility": "cubic"}, "the utility form must be linear or quadratic, got 'cubic'"),
    ({"draws": "many"}, "Monte Carlo draws must be a whole number, got 'many'"),
    ({"draws": "5"}, "Monte Carlo draws must be at least 10, got 5"),
    ({"draws": "500000"}, "Monte Carlo draws must be at most 200,000, got 500,000"),
])
def test_invalid_options_are_refused_with_a_message(client, app, csrf, fields, message):
    response = post_run(client, csrf, **fields)
    assert response.status_code == 400
    assert alert(response.text).startswith(message)
    assert "Traceback" not in response.text
    assert app.state.store.count_runs() == 0
