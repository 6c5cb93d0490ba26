"""Sobol and Morris sensitivity against analytic answers, grouping, tornado data and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.experiments.sensitivity import METHODS, sensitivity, sensitivity_many
from accord.experiments.sensitivity.sobol import Sobol
from accord.scenario.io import scenario_from_data


def linear(distribution: str = "uniform", **extra):
    """Compromise forecast on issue x = (p_a + p_b) / 2 with p_a in [0, 100], p_b in [0, 50].

    Equal capabilities and saliences (points), so the forecast is linear: the variance
    shares are 100^2 : 50^2, i.e. S1 = ST = 0.8 and 0.2. Issue y has no range at all.
    """
    data = {
        "id": "linear",
        "title": "Linear",
        "distribution": distribution,
        "actors": [
            {"id": "a", "name": "A", "capability": 1, "no_deal_cost": [0, 5]},
            {"id": "b", "name": "B", "capability": 1},
        ],
        "issues": [{"id": "x", "name": "X", "aliases": ["ex"]}, {"id": "y", "name": "Y"}],
        "stances": [
            {"actor": "a", "issue": "x", "position": [0, 100], "salience": 1, "assumption": "t"},
            {"actor": "b", "issue": "x", "position": [0, 50], "salience": 1, "assumption": "t"},
            {"actor": "a", "issue": "y", "position": 20, "salience": 1, "assumption": "t"},
        ],
        **extra,
    }
    return scenario_from_data(data)


def test_sobol_matches_the_analytic_indices():
    res = sensitivity(linear(), "x", method="sobol", n=1024, seed=3)
    assert [r.name for r in res.rows] == ["stances[0].position", "stances[1].position"]
    first, second = res.rows
    assert first.indices["S1"] == pytest.approx(0.8, abs=0.05)
    assert first.indices["ST"] == pytest.approx(0.8, abs=0.05)
    assert second.indices["S1"] == pytest.approx(0.2, abs=0.05)
    assert second.indices["ST"] == pytest.approx(0.2, abs=0.05)
    assert 0 < first.indices["S1_conf"] < 0.2 and 0 < first.indices["ST_conf"] < 0.2
    assert res.evaluations == 1024 * (2 + 2) + 4
    assert res.baseline == pytest.approx(37.5)
    # Tornado: one factor at an end, the other at its midpoint.
    assert (first.low, first.high) == pytest.approx((12.5, 62.5))
    assert (second.low, second.high) == pytest.approx((25.0, 50.0))
    assert first.label == "a: position on x"


def test_morris_elementary_effects_of_a_linear_output_are_exact():
    res = sensitivity(linear(), "x", method="morris", n=30, seed=1)
    first, second = res.rows
    # Effects are per unit of the standardised range: 100/2 and 50/2.
    assert first.indices["mu_star"] == pytest.approx(50) and first.indices["mu"] == pytest.approx(50)
    assert second.indices["mu_star"] == pytest.approx(25)
    assert first.indices["sigma"] == pytest.approx(0, abs=1e-9)
    assert res.evaluations == 30 * 3 + 4


def test_pert_ranges_change_the_spread_not_the_ranking():
    uni = sensitivity(linear(), "x", n=512, seed=2)
    pert = sensitivity(linear("pert"), "x", n=512, seed=2)
    assert pert.output_sd < uni.output_sd
    assert pert.output_sd == pytest.approx(uni.output_sd * np.sqrt(12 / 28), rel=0.1)
    assert pert.rows[0].indices["S1"] == pytest.approx(0.8, abs=0.06)
    assert (pert.rows[0].low, pert.rows[0].high) == (uni.rows[0].low, uni.rows[0].high)


def test_same_seed_same_indices_including_confidence():
    a = sensitivity(linear(), "x", n=256, seed=0)
    b = sensitivity(linear(), "x", n=256, seed=0)
    assert [r.indices for r in a.rows] == [r.indices for r in b.rows]


def test_grouping_by_actor_and_issue():
    sc = linear()
    by_actor = sensitivity(sc, "x", method="morris", n=20, group="actor", factors="all")
    assert {r.name for r in by_actor.rows} == {"a", "b"}
    a = next(r for r in by_actor.rows if r.name == "a")
    assert set(a.factors) == {"actors[0].no_deal_cost", "stances[0].position"}
    assert a.label.startswith("a: 2 judgements")
    by_issue = sensitivity(sc, "x", method="sobol", n=256, group="issue", factors="all")
    assert {r.name for r in by_issue.rows} == {"x", "actor:a"}
    x = next(r for r in by_issue.rows if r.name == "x")
    assert x.indices["ST"] == pytest.approx(1, abs=0.05)
    assert (x.low, x.high) == pytest.approx((0, 75))


def test_relevant_factors_only_by_default_and_all_on_request():
    sc = linear()
    assert [r.name for r in sensitivity(sc, "x", method="morris", n=10).rows] == [
        "stances[0].position",
        "stances[1].position",
    ]
    every = sensitivity(sc, "x", method="morris", n=10, factors="all")
    cost = next(r for r in every.rows if r.name == "actors[0].no_deal_cost")
    assert cost.indices["mu_star"] == 0 and every.rows[-1] is cost
    chosen = sensitivity(sc, "x", method="morris", n=10, factors=["stances[1].position"])
    assert [r.name for r in chosen.rows] == ["stances[1].position"]


def test_constant_output_gives_zero_indices_without_warnings():
    res = sensitivity(linear(), "y", method="sobol", n=64)
    assert all(r.indices["ST"] == 0 and r.indices["S1"] == 0 for r in res.rows)
    assert any("does not vary" in n for n in res.notes)
    assert any(n.startswith("no range of the scenario can move the forecast of y") for n in res.notes)


def with_uncertain_y():
    """:func:`linear` with a range on a's position on y and on b's capability (b holds no stance on y)."""
    sc = linear()
    data = sc.model_dump(mode="json", exclude_none=True)
    data["stances"][2]["position"] = [10, 30]
    data["actors"][1]["capability"] = [0.5, 1.5]
    return scenario_from_data(data)


def test_an_issue_by_issue_model_studies_only_the_ranges_that_can_move_the_issue():
    sc = with_uncertain_y()
    on_y = sensitivity(sc, "y", method="morris", n=10)
    # y's forecast: a's position on y; b has no stance on y, so neither its capability nor x's ranges count
    assert [r.name for r in on_y.rows] == ["stances[2].position"]
    assert on_y.notes[0].startswith("1 of the 4 ranges the compromise model reads can move the forecast of y")
    on_x = sensitivity(sc, "x", method="morris", n=10)
    assert {r.name for r in on_x.rows} == {"stances[0].position", "stances[1].position", "actors[1].capability"}
    both = sensitivity_many(sc, ["x", "y"], method="morris", n=10)
    assert len(both["x"].rows) == 4 and not any("can move" in n for n in both["x"].notes)


def test_a_model_that_links_issues_studies_every_range_it_reads():
    sc = with_uncertain_y()
    res = sensitivity(sc, "y", method="morris", n=10, model="exchange")
    assert len(res.rows) == 4 and not any("can move" in n for n in res.notes)
    every = sensitivity(sc, "y", method="morris", n=10, factors="all")
    assert len(every.rows) == 5


def test_many_outputs_from_one_design_equal_single_runs():
    sc = linear()
    many = sensitivity_many(sc, None, n=128, seed=4)
    assert list(many) == ["x", "y"]
    single = sensitivity(sc, "ex", n=128, seed=4)  # an alias names the issue too
    assert single.output == "x"
    assert [r.indices for r in many["x"].rows] == [r.indices for r in single.rows]


def test_frame_json_and_tornado():
    res = sensitivity(linear(), "x", n=128)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "rank",
        "name",
        "label",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
        "low",
        "high",
        "swing",
    ]
    assert list(frame["rank"]) == [1, 2] and frame.loc[0, "swing"] == pytest.approx(50)
    data = json.loads(json.dumps(res.to_json(), allow_nan=False))
    assert data["ranking"][0]["name"] == "stances[0].position" and data["model"] == "compromise"
    assert data["tornado"][0] == {
        "name": "stances[0].position",
        "label": "a: position on x",
        "low": 12.5,
        "high": 62.5,
        "baseline": 37.5,
    }
    morris = sensitivity(linear(), "x", method="morris", n=10).to_frame()
    assert list(morris.columns)[3:7] == ["mu_star", "mu_star_conf", "mu", "sigma"]


def test_expected_utility_forecast_is_analysable():
    pytest.importorskip("accord.models.expected_utility")
    res = sensitivity(linear(), "x", model="expected_utility", method="morris", n=8, params={"rounds": 3})
    assert res.model == "expected_utility" and len(res.rows) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1000}, "power of two.*try 512 or 1024"),
        ({"method": "fast"}, "method must be one of"),
        ({"group": "colour"}, "group must be one of"),
        ({"method": "morris", "levels": 3}, "levels"),
        ({"factors": ["stances[9].position"]}, "not a range"),
        ({"conf_level": 1.5}, "conf_level"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        sensitivity(linear(), "x", **kwargs)


def test_unknown_output_names_the_issues():
    with pytest.raises(ParameterError, match="issues: x, y"):
        sensitivity(linear(), "z")


def test_no_uncertain_input_is_an_error():
    sc = scenario_from_data(
        {
            "id": "p",
            "title": "P",
            "actors": [{"id": "a", "name": "A", "capability": 1}],
            "issues": [{"id": "x", "name": "X"}],
            "stances": [{"actor": "a", "issue": "x", "position": 1, "salience": 1, "assumption": "t"}],
        }
    )
    with pytest.raises(ParameterError, match="nothing is uncertain"):
        sensitivity(sc, "x")


def test_progress_reaches_the_total():
    seen = []
    sensitivity(linear(), "x", n=64, chunk_size=100, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == 64 * 4 + 4 and len(seen) == 3


def test_results_do_not_depend_on_the_chunk_size_or_the_executor():
    sc = linear()
    one = sensitivity_many(sc, ["x"], n=64, seed=3)["x"]
    seen = []

    def reversed_order(func, plan, indices):
        seen.append(len(indices))
        for i in reversed(list(indices)):
            yield func(plan, i)

    chunked = sensitivity_many(sc, ["x"], n=64, seed=3, chunk_size=7, executor=reversed_order)["x"]
    assert seen == [-(-(64 * 4 + 4) // 7)]
    assert one.rows == chunked.rows
    assert (one.output_mean, one.output_sd) == (chunked.output_mean, chunked.output_sd)


def test_agreement_gap_sensitivity_with_the_real_analysis():
    pytest.importorskip("accord.agreement")
    sc = scenario_from_data(
        {
            "id": "expectations",
            "title": "E",
            "actors": [{"id": "a", "name": "A", "capability": 1}, {"id": "b", "name": "B", "capability": 1}],
            "issues": [{"id": "x", "name": "X", "veto": ["a", "b"]}],
            "stances": [
                {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": [20, 60], "assumption": "t"},
                {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": [40, 80], "assumption": "t"},
            ],
        }
    )
    res = sensitivity(sc, "agreement", n=256)
    assert res.model is None and {r.name for r in res.rows} == {"stances[0].expects", "stances[1].expects"}
    # The score is the margin (e_a - e_b) / 200 where e_b <= e_a, minus the gap (e_b - e_a) / 100
    # elsewhere: it depends on the two expectations symmetrically.
    st = [r.indices["ST"] for r in res.rows]
    assert st[0] == pytest.approx(st[1], abs=0.15) and sum(st) > 0.9
    a = next(r for r in res.rows if r.name == "stances[0].expects")
    # a's expectation at 20 and at 60, b's at its midpoint 60: gap 0.4, then a zone of one point.
    assert (a.low, a.high) == pytest.approx((-0.4, 0.0), abs=1e-6)


def test_methods_are_registered_objects():
    assert list(METHODS) == ["sobol", "morris"]
    for name, method in METHODS.items():
        assert method.name == name and method.rank_by in method.keys
        assert sorted(method.index_names) == sorted(method.keys)


def test_a_registered_method_is_used_by_name(monkeypatch):
    class Halved(Sobol):
        """Sobol with a different name: the study reaches it only through the registry."""

        name = "halved"
        default_n = 64

    monkeypatch.setitem(METHODS, "halved", Halved())
    res = sensitivity(linear(), "x", method="halved", seed=3)
    same = sensitivity(linear(), "x", method="sobol", n=64, seed=3)
    assert res.method == "halved" and res.n == 64 and res.index_names == same.index_names
    assert [r.indices for r in res.rows] == [r.indices for r in same.rows]
