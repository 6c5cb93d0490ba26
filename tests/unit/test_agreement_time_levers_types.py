"""Levers, timeline snapshots and cost paths, actor types and diagnostic proposals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accord.agreement import agreement_arrays, analyse_agreement, relax_arrays
from accord.agreement.levers import rank_levers
from accord.agreement.timeline import monthly_grid
from accord.agreement.types import analyse_types
from accord.errors import ParameterError
from accord.scenario.case import interpolate_cost, parse_date, resolve_types, snapshot_at
from accord.scenario.edits import edit_scenario
from accord.scenario.io import scenario_from_data
from accord.scenario.schema import Edit


def case(**extra):
    """The one-issue gap case: A (0, expects 20, cost 0.1) and B (100, expects 70, cost 0.2), gap 0.2."""
    data = {
        "id": "gap",
        "title": "Gap",
        "actors": [
            {"id": "a", "name": "A", "capability": 1, "no_deal_cost": 0.1},
            {"id": "b", "name": "B", "capability": 1, "no_deal_cost": 0.2},
        ],
        "issues": [{"id": "x", "name": "X", "veto": ["a", "b"],
                    "scale": {"anchors": {0: "nothing", 50: "half", 100: "everything"}}}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": 20, "assumption": "t"},
            {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 70, "assumption": "t"},
        ],
        "levers": [
            {"id": "stick", "name": "Stick", "edits": [{"field": "no_deal_cost", "actor": "b", "add": 0.15}]},
            {"id": "carrot", "name": "Carrot", "edits": [{"field": "expects", "actor": "b", "issue": "x", "add": -10}]},
            {"id": "useless", "name": "Useless", "edits": [{"field": "capability", "actor": "a", "multiply": 2}]},
        ],
        "timeline": [
            {"date": "2025-02-12", "label": "call", "edits": []},
            {"date": "2025-03-18", "label": "truce",
             "edits": [{"field": "no_deal_cost", "actor": "a", "add": 0.05}]},
            {"date": "2025-05-02", "label": "withdrawal",
             "edits": [{"field": "expects", "actor": "a", "issue": "x", "set": 40}]},
        ],
    }
    data.update(extra)
    return scenario_from_data(data)


# ---------------------------------------------------------------------------- levers


def test_levers_ranked_by_gap_closed():
    """Stick: B's cost 0.35, B accepts a ≥ 0.35, gap 0.05 (75% closed). Carrot: B expects 60,
    accepts a ≥ 0.4, gap 0.1. Both: a ≥ 0.25 ≤ 0.3, a zone. Capability changes nothing."""
    ranked = rank_levers(case())
    assert ranked[0].levers == ("stick", "carrot") and ranked[0].zone_exists
    assert ranked[0].nash is not None
    by = {e.levers: e for e in ranked}
    assert by[("stick",)].gap == pytest.approx(0.05, abs=1e-6)
    assert by[("stick",)].share_closed == pytest.approx(0.75, abs=1e-6)
    assert by[("carrot",)].gap == pytest.approx(0.1, abs=1e-6)
    assert by[("useless",)].gap_closed == pytest.approx(0.0, abs=1e-9)
    assert len(ranked) == 3 + 3
    assert [e.levers for e in rank_levers(case(), pairs=False)] == [("stick",), ("carrot",), ("useless",)]


def test_levers_applied_in_the_case_and_ranked_on_top():
    report = analyse_agreement(case(), levers=["stick"])
    assert report.levers == ("stick",)
    assert report.deal.gap == pytest.approx(0.05, abs=1e-6)
    assert all("stick" not in e.levers for e in report.levers_ranked)
    assert report.levers_ranked[0].levers == ("carrot",) and report.levers_ranked[0].zone_exists


def test_lever_ranking_by_nash_shift_when_a_zone_exists():
    sc = case(stances=[
        {"actor": "a", "issue": "x", "position": 0, "salience": 1, "assumption": "t"},
        {"actor": "b", "issue": "x", "position": 100, "salience": 1, "assumption": "t"},
    ])
    ranked = rank_levers(sc, pairs=False)
    # with the stick B's reservation falls: Nash moves from 45 toward A, to (0.6 + 0.15) / 2 = 0.375 ... 37.5
    stick = next(e for e in ranked if e.levers == ("stick",))
    assert stick.nash == pytest.approx({"x": 37.5}, abs=1e-6)
    assert stick.nash_shift == pytest.approx(7.5, abs=1e-6)
    assert ranked[0].levers == ("stick",)


def test_unknown_lever_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown lever 'nope'.*stick, carrot, useless"):
        analyse_agreement(case(), levers=["nope"])


def test_edit_scenario_combines_ranges():
    sc = case()
    out = edit_scenario(sc, [
        Edit(field="no_deal_cost", actor="b", add=[0.1, 0.2]),
        Edit(field="position", actor="a", issue="x", add=-5),
        Edit(field="salience", actor="b", issue="x", multiply=[0.5, 2]),
        Edit(field="hold_probability", issue="x", set=0.8),
        Edit(field="hold_probability", multiply=0.5),
    ])
    assert (out.actor("b").no_deal_cost.low, out.actor("b").no_deal_cost.high) == pytest.approx((0.3, 0.4))
    assert out.stance("a", "x").position.low == 0  # clipped to the scale
    assert (out.stance("b", "x").salience.low, out.stance("b", "x").salience.high) == (0.5, 1.0)
    assert out.issue("x").hold_probability.low == 0.8 and out.hold_probability.low == 0.5
    with pytest.raises(ParameterError, match="unknown issue .y."):
        edit_scenario(sc, [Edit(field="position", actor="a", issue="y", set=1)])


def test_lever_draws_follow_the_value_of_paths():
    sc = case(levers=[{"id": "r", "name": "R", "edits": [{"field": "no_deal_cost", "actor": "b", "add": [0.0, 0.4]}]}])
    seen = []

    def value_of(path, value):
        seen.append(path)
        return np.linspace(value.low, value.high, 5)

    arrays = agreement_arrays(sc, levers=["r"], value_of=value_of)
    assert "levers[0].edits[0].add" in seen
    assert arrays.no_deal_cost[:, 1] == pytest.approx(0.2 + np.linspace(0, 0.4, 5))


# ---------------------------------------------------------------------------- time


def test_parse_date_and_errors():
    assert parse_date("2025-03") == dt.date(2025, 3, 1)
    assert parse_date(dt.datetime(2025, 3, 4, 12)) == dt.date(2025, 3, 4)
    for bad in ("2025-13-01", "yesterday", 5):
        with pytest.raises(ParameterError, match="YYYY-MM-DD"):
            parse_date(bad)


def test_snapshots_are_not_cumulative():
    sc = case()
    assert snapshot_at(sc, dt.date(2025, 1, 1)) is None
    assert snapshot_at(sc, dt.date(2025, 4, 1))[1].label == "truce"
    truce = agreement_arrays(sc, at="2025-04-01")
    assert truce.snapshot == "truce" and truce.no_deal_cost[0] == pytest.approx(0.15)
    later = agreement_arrays(sc, at="2025-06-01")
    assert later.snapshot == "withdrawal"
    assert later.no_deal_cost[0] == pytest.approx(0.1)  # the truce's edit is not carried over
    assert later.expects[0, 0] == 40
    # A expects 40 and bears 0.1: accepts a ≤ 0.5; B a ≥ 0.5: a single point
    assert relax_arrays(later).zone_exists


def test_cost_path_interpolation():
    d = [dt.date(2025, 1, 1), dt.date(2025, 1, 11)]
    assert interpolate_cost(d, [0.0, 1.0], dt.date(2024, 12, 1)) == 0.0
    assert interpolate_cost(d, [0.0, 1.0], dt.date(2025, 1, 6)) == pytest.approx(0.5)
    assert interpolate_cost(d, [0.0, 1.0], dt.date(2026, 1, 1)) == 1.0
    sc = case(actors=[
        {"id": "a", "name": "A", "capability": 1, "no_deal_cost": 0.1},
        {"id": "b", "name": "B", "capability": 1, "no_deal_cost": 0.2,
         "no_deal_cost_path": [{"date": "2025-01-01", "value": 0.2}, {"date": "2025-07-01", "value": 0.38}]},
    ])
    base = agreement_arrays(sc)
    assert base.no_deal_cost[1] == 0.2 and base.date is None
    mid = agreement_arrays(sc, at="2025-04-01")
    assert mid.no_deal_cost[1] == pytest.approx(0.2 + 0.18 * 90 / 181)


def test_monthly_grid():
    grid = monthly_grid(dt.date(2025, 1, 31), dt.date(2025, 5, 10))
    assert grid == [dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 30),
                    dt.date(2025, 5, 10)]
    assert monthly_grid(dt.date(2025, 1, 1), dt.date(2025, 1, 1)) == [dt.date(2025, 1, 1)]


def test_timeline_report():
    """Before the truce the gap is 0.2; the truce raises A's cost by 0.05 (gap 0.15); after the
    withdrawal A expects 40 (gap 0). The grid runs monthly from 12 February to 2 May."""
    report = analyse_agreement(case())
    points = {(t.date.isoformat(), t.kind): t for t in report.timeline}
    assert points[("2025-02-12", "snapshot")].gap == pytest.approx(0.2, abs=1e-6)
    assert points[("2025-03-12", "month")].label == "call"
    assert points[("2025-03-18", "snapshot")].gap == pytest.approx(0.15, abs=1e-6)
    assert points[("2025-04-12", "month")].gap == pytest.approx(0.15, abs=1e-6)
    assert points[("2025-05-02", "snapshot")].zone_exists
    assert [t.date for t in report.timeline] == sorted(t.date for t in report.timeline)
    at = analyse_agreement(case(), at="2025-03-20", timeline=False)
    assert at.snapshot == "truce" and at.deal.gap == pytest.approx(0.15, abs=1e-6)
    assert "2025-03-20" in at.verdict


# ---------------------------------------------------------------------------- types


def typed_case():
    """R's type is either security-driven (position 60, expects 50) or expansionist (100, expects 60).

    U (at 0, expects 50, cost 0.05) accepts a ≤ 0.55. Security-driven R accepts |a − 0.6| ≤ 0.1,
    so a zone [50, 55]; expansionist R accepts a ≥ 0.6, no zone. The probe maximises m with
    a − 0.5 ≥ m (security accepts), a − 0.6 ≤ −m (expansionist refuses), a ≤ 0.55: m = 0.05 at 55.
    """
    return scenario_from_data({
        "id": "types",
        "title": "Types",
        "actors": [{"id": "r", "name": "R", "capability": 1}, {"id": "u", "name": "U", "capability": 1,
                                                               "no_deal_cost": 0.05}],
        "issues": [{"id": "g", "name": "Guarantees", "veto": ["r", "u"], "status_quo": 50,
                    "scale": {"anchors": {40: "monitors", 60: "paper"}}}],
        "stances": [
            {"actor": "r", "issue": "g", "position": 80, "salience": 1, "assumption": "t"},
            {"actor": "u", "issue": "g", "position": 0, "salience": 1, "assumption": "t"},
        ],
        "types": [
            {"actor": "r", "id": "security", "name": "Security-driven", "prior": 0.7,
             "stances": [{"issue": "g", "position": 60, "assumption": "t"}]},
            {"actor": "r", "id": "expansionist", "name": "Expansionist", "prior": 0.3,
             "stances": [{"issue": "g", "position": 100, "expects": 60, "assumption": "t"}]},
        ],
    })


def test_types_verdicts_and_probability_of_a_zone():
    (rt,) = analyse_types(typed_case())
    assert rt.actor == "r"
    verdicts = {v.type: v for v in rt.verdicts}
    assert verdicts["security"].zone_exists and not verdicts["expansionist"].zone_exists
    assert verdicts["expansionist"].gap == pytest.approx(0.05, abs=1e-6)
    assert rt.p_zone == pytest.approx(0.7)


def test_separating_proposal():
    (rt,) = analyse_types(typed_case())
    assert len(rt.proposals) == 1
    p = rt.proposals[0]
    assert (p.accepted_by, p.rejected_by) == ("security", "expansionist")
    assert p.margin == pytest.approx(0.05, abs=1e-6)
    assert p.package == pytest.approx({"g": 55.0}, abs=1e-6)
    assert p.anchors["g"].startswith("60")
    assert p.surplus["r:security"] == pytest.approx(0.05, abs=1e-6)
    assert p.surplus["r:expansionist"] == pytest.approx(-0.05, abs=1e-6)
    assert p.surplus["u"] >= -1e-9
    assert "Security-driven" not in p.describe({"g": "Guarantees"})
    assert "Guarantees at 55" in p.describe({"g": "Guarantees"})


def test_chosen_type_in_the_main_analysis():
    report = analyse_agreement(typed_case(), types=["r=expansionist"])
    assert report.types == {"r": "expansionist"} and not report.deal.zone_exists
    assert analyse_agreement(typed_case(), types={"r": "security"}).deal.zone["g"] == pytest.approx(
        (50, 55), abs=1e-6)
    data = report.to_json()
    assert data["types"][0]["p_zone"] == pytest.approx(0.7)
    assert data["types"][0]["proposals"][0]["description"].startswith("Guarantees at 55")


@pytest.mark.parametrize(
    ("choice", "message"),
    [(["r"], "ACTOR=TYPE"), (["x=security"], "unknown actor 'x'"), (["r=hawk"], "unknown type 'hawk'.*security")],
)
def test_bad_type_choices(choice, message):
    with pytest.raises(ParameterError, match=message):
        resolve_types(typed_case(), choice)
