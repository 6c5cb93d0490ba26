"""Red lines, indivisible issues, requirements and commitment, on cases worked by hand.

Every issue runs from 0 to 100; ``a = x / 100``. With the linear form and hold
probability 1, actor i's surplus on one issue is ``s (|e − p| − |x − p|) + c``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agreement import Problem, agreement_arrays, analyse_agreement
from accord.agreement.bargaining import Deal
from accord.agreement.conflict import conflict_set, openings
from accord.agreement.probability import zone_probability
from accord.errors import ScenarioError
from accord.scenario.io import scenario_from_data
from accord.scenario.values import Uncertain


def case(stances, issues=None, actors=None, **extra):
    """Actors a and b (capability 1, no-deal cost 0.2 each), issues x (and y) vetoed by both."""
    return scenario_from_data({
        "id": "case",
        "title": "Case",
        "actors": actors or [{"id": k, "name": k.upper(), "capability": 1, "no_deal_cost": 0.2} for k in "ab"],
        "issues": issues or [{"id": "x", "name": "X", "veto": ["a", "b"]}],
        "stances": [{"assumption": "test", **s} for s in stances],
        **extra,
    })


def two_actors(line_a=None, line_b=None):
    """A at 0, B at 100 on x, both expecting 50: zone [30, 70] by surplus alone."""
    sa = {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": 50}
    sb = {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 50}
    if line_a:
        sa["red_line"] = {**line_a, "assumption": "test"}
    if line_b:
        sb["red_line"] = {**line_b, "assumption": "test"}
    return case([sa, sb])


def test_overlapping_red_lines_cut_the_zone_to_their_overlap():
    """Surplus zone [30, 70]; A at most 60, B at least 40: zone [40, 60]."""
    report = analyse_agreement(two_actors({"at_most": 60}, {"at_least": 40}), partial=False)
    assert report.deal.zone_exists
    assert report.deal.zone["x"] == pytest.approx((40, 60), abs=1e-6)
    assert report.deal.nash["x"] == pytest.approx(50, abs=1e-6)
    assert not report.conflict and not report.openings
    binds = {(r["actor"], r["bound"]): r["binds"] for r in report.red_lines}
    assert binds == {("a", "at_most"): True, ("b", "at_least"): True}


def test_red_line_outside_the_surplus_zone_does_not_bind():
    """A at most 80 leaves the surplus zone [30, 70] as it is."""
    report = analyse_agreement(two_actors({"at_most": 80}), partial=False)
    assert report.deal.zone["x"] == pytest.approx((30, 70), abs=1e-6)
    assert [r["binds"] for r in report.red_lines] == [False]


def test_disjoint_red_lines_leave_no_zone_and_name_the_pair():
    """A at most 40, B at least 60: no package; the conflict is exactly these two bounds."""
    report = analyse_agreement(two_actors({"at_most": 40}, {"at_least": 60}), partial=False)
    assert not report.deal.zone_exists
    conflict = report.to_json()["conflict"]
    assert [(c["actor"], c["bound"], c["value"]) for c in conflict] == [("a", "at_most", 40.0),
                                                                          ("b", "at_least", 60.0)]
    assert "cannot all hold" in report.verdict
    first = report.openings[0]
    assert len(first.changes) == 1 and first.changes[0].size == pytest.approx(20, abs=1e-6)


def test_a_red_line_forbids_a_compensation_the_additive_model_accepts():
    """A cares about x (s 0.5) and y (s 1); B about x only. Without red lines A gives x for y.

    B at 100 on x expects 50 (cost 0.2): needs x ≥ 0.3. A at 0 on both, expects 50 on both,
    cost 0.2: G_A = 0.5 (0.5 − a) + (0.5 − b) + 0.2 ≥ 0, with y = 0 (b = 0): a ≤ 1.4, so any x.
    With A's red line x at most 20, B's x ≥ 30 fails: no zone, although A would accept x = 30.
    """
    stances = [
        {"actor": "a", "issue": "x", "position": 0, "salience": 0.5, "expects": 50},
        {"actor": "a", "issue": "y", "position": 0, "salience": 1, "expects": 50},
        {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 50},
    ]
    issues = [{"id": "x", "name": "X", "veto": ["a", "b"]}, {"id": "y", "name": "Y", "veto": ["a"]}]
    free = analyse_agreement(case(stances, issues), partial=False)
    assert free.deal.zone_exists and free.deal.zone["x"][1] == pytest.approx(100, abs=1e-6)
    stances[0]["red_line"] = {"at_most": 20, "assumption": "test"}
    bound = analyse_agreement(case(stances, issues), partial=False)
    assert not bound.deal.zone_exists
    kinds = {(c["actor"], c["bound"]) for c in bound.to_json()["conflict"]}
    assert kinds == {("a", "at_most"), ("b", "surplus")}


def test_indivisible_issue_takes_its_only_feasible_option():
    """Surplus zone [30, 70]; options 0, 25, 50, 75, 100: only 50 is inside."""
    sc = two_actors()
    issue = sc.issues[0].model_copy(update={"options": (0.0, 25.0, 50.0, 75.0, 100.0)})
    report = analyse_agreement(sc.model_copy(update={"issues": (issue,)}), partial=False)
    assert report.deal.zone_exists
    assert report.deal.zone["x"] == pytest.approx((50, 50), abs=1e-6)
    assert report.deal.nash["x"] == pytest.approx(50, abs=1e-6)
    assert report.deal.kalai_smorodinsky["x"] == pytest.approx(50, abs=1e-6)


def test_indivisible_issue_with_no_option_in_the_zone():
    """Options 0 and 100 only, outside [30, 70]: no zone."""
    sc = two_actors()
    issue = sc.issues[0].model_copy(update={"options": (0.0, 100.0)})
    report = analyse_agreement(sc.model_copy(update={"issues": (issue,)}), partial=False)
    assert not report.deal.zone_exists


def three_issue_requirement(k):
    """B must see at least k of x, y, z at most 40; A has red lines x, y, z at least 60, 30, 50.

    Both care little (salience 0.1) and lose 0.5 without a deal, so only the limits bind.
    Conditions met within A's red lines: y ≤ 40 only (x ≥ 60 > 40, z ≥ 50 > 40).
    """
    issues = [{"id": q, "name": q.upper(), "veto": ["a", "b"]} for q in "xyz"]
    actors = [{"id": k_, "name": k_.upper(), "capability": 1, "no_deal_cost": 0.5} for k_ in "ab"]
    actors[1]["requires"] = [{"at_least_k": k, "of": [{"issue": q, "at_most": 40} for q in "xyz"],
                              "assumption": "test"}]
    lines = {"x": 60, "y": 30, "z": 50}
    stances = [{"actor": "a", "issue": q, "position": 100, "salience": 0.1,
                "red_line": {"at_least": lines[q], "assumption": "test"}} for q in "xyz"]
    stances += [{"actor": "b", "issue": q, "position": 0, "salience": 0.1} for q in "xyz"]
    return case(stances, issues, actors)


def test_requirement_at_least_one_of_three():
    report = analyse_agreement(three_issue_requirement(1), partial=False)
    assert report.deal.zone_exists
    assert report.deal.zone["y"] == pytest.approx((30, 40), abs=1e-6)
    assert report.deal.zone["x"][0] == pytest.approx(60, abs=1e-6)
    assert 30 - 1e-6 <= report.deal.nash["y"] <= 40 + 1e-6


def test_requirement_at_least_two_of_three_is_not_met():
    report = analyse_agreement(three_issue_requirement(2), partial=False)
    assert not report.deal.zone_exists
    conflict = report.to_json()["conflict"]
    assert ("b", "requires") in {(c["actor"], c["bound"]) for c in conflict}
    assert {c["issue"] for c in conflict if c["bound"] == "at_least"} == {"x", "z"}


def test_zero_hold_probability_gives_no_gain_from_signing():
    """h = 0: every surplus is identically 0; the margin is 0 and the verdict says so."""
    report = analyse_agreement(two_actors().model_copy(update={"hold_probability": Uncertain(0.0)}), partial=False)
    assert report.deal.zone_exists
    assert report.deal.margin == pytest.approx(0.0, abs=1e-12)
    assert "gains anything from signing" in report.verdict


def test_carry_over_keeps_part_of_a_concession_after_a_collapse():
    """h = 0.5, κ = 1 on x: a collapse keeps x, and only half the cost of war is saved.

    G_A = 0.5 (0.5 − a) + 0.5 (0.5 − a) + 0.5 · 0.2 = 0.6 − a ≥ 0, and by symmetry
    G_B = a − 0.4 ≥ 0: zone [40, 60] (with κ = 0 it would be [30, 70]: G_A = 0.5 (0.5 − a) + 0.1).
    """
    sc = two_actors()
    issue = sc.issues[0].model_copy(update={"carry_over": 1.0})
    sc = sc.model_copy(update={"issues": (issue,), "hold_probability": Uncertain(0.5)})
    report = analyse_agreement(sc, partial=False)
    assert report.deal.zone["x"] == pytest.approx((40, 60), abs=1e-6)


def test_p_zone_with_two_independent_red_lines_matches_the_exact_value():
    """Each red line alone leaves a zone; both together do not. P(zone) = 1 − p q."""
    p, q = 0.7, 0.4
    sc = two_actors({"at_most": 40, "credibility": p}, {"at_least": 60, "credibility": q})
    n = 4000
    rng = np.random.default_rng(11)
    drawn = agreement_arrays(sc, value_of=lambda path, v: np.full(n, v.mid), real_of=lambda path: rng.random(n))
    result = zone_probability(drawn)
    exact = 1 - p * q
    assert abs(result.p_zone - exact) < 4 * math.sqrt(exact * (1 - exact) / n)
    assert result.p_zone_se == pytest.approx(math.sqrt(result.p_zone * (1 - result.p_zone) / n))
    assert result.pivotal == pytest.approx([1 - result.p_zone] * 2)
    assert result.held == pytest.approx([p, q], abs=0.03)


@pytest.mark.parametrize("bad, where, message", [
    ({"red_line": {"at_least": 120, "assumption": "t"}}, "stances[0].red_line.at_least", "between 0 and 100"),
    ({"red_line": {"at_least": 60, "at_most": 40, "assumption": "t"}}, "stances[0].red_line", "must not be above"),
    ({"red_line": {"at_least": 60, "credibility": 1.5, "assumption": "t"}}, "stances[0].red_line.credibility",
     "between 0 and 1"),
    ({"red_line": {"credibility": 0.5, "assumption": "t"}}, "stances[0].red_line", "needs at_least, at_most"),
    ({"red_line": {"at_least": 50}}, "stances[0].red_line.evidence", "needs evidence"),
])
def test_bad_red_lines_get_located_errors(bad, where, message):
    with pytest.raises(ScenarioError) as err:
        case([{"actor": "a", "issue": "x", "position": 0, "salience": 1, **bad}])
    assert any(p.path == where and message in p.message for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("req, where, message", [
    ({"at_least_k": 1, "of": [{"issue": "nope", "at_most": 40}]}, "actors[1].requires[0].of[0].issue",
     "unknown issue 'nope'"),
    ({"at_least_k": 3, "of": [{"issue": "x", "at_most": 40}]}, "actors[1].requires[0].at_least_k", "only 1"),
    ({"at_least_k": 1, "of": [{"issue": "x", "at_most": 140}]}, "actors[1].requires[0].of[0].at_most",
     "between 0 and 100"),
])
def test_bad_requirements_get_located_errors(req, where, message):
    actors = [{"id": k, "name": k, "capability": 1} for k in "ab"]
    actors[1]["requires"] = [{**req, "assumption": "t"}]
    with pytest.raises(ScenarioError) as err:
        case([{"actor": "a", "issue": "x", "position": 0, "salience": 1}], actors=actors)
    assert any(p.path == where and message in p.message for p in err.value.problems), err.value.problems


def test_a_lever_can_soften_a_red_line():
    sc = two_actors({"at_most": 40}, {"at_least": 60})
    lever = {"id": "soften", "name": "Soften", "assumption": "test",
             "edits": [{"field": "red_line", "actor": "b", "issue": "x", "at_least": 35}]}
    data = sc.model_dump(mode="json", exclude_none=True)
    data["levers"] = [lever]
    softened = scenario_from_data(data)
    assert not analyse_agreement(softened, partial=False).deal.zone_exists
    report = analyse_agreement(softened, levers=["soften"], partial=False)
    assert report.deal.zone["x"] == pytest.approx((35, 40), abs=1e-6)


# --------------------------------------------------------------------------- property: the conflict set


def _random_problem(draw_values):
    n_a, n_i, lines = draw_values
    rng = np.random.default_rng(abs(hash(str(draw_values))) % 2**32)
    actors = [{"id": f"a{k}", "name": f"A{k}", "capability": 1, "no_deal_cost": float(rng.uniform(0, 0.3))}
              for k in range(n_a)]
    issues = [{"id": f"i{q}", "name": f"I{q}", "veto": [a["id"] for a in actors]} for q in range(n_i)]
    stances = []
    for k, q in itertools.product(range(n_a), range(n_i)):
        s = {"actor": f"a{k}", "issue": f"i{q}", "position": float(rng.uniform(0, 100)),
             "salience": float(rng.uniform(0.1, 1))}
        if (k, q) in lines:
            s["red_line"] = {lines[(k, q)][0]: lines[(k, q)][1], "assumption": "t"}
        stances.append(s)
    return Problem.from_arrays(agreement_arrays(case(stances, issues, actors)))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 3), st.integers(1, 3),
       st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from(["at_least", "at_most"]),
                          st.integers(0, 100)), min_size=1, max_size=5))
def test_conflict_set_is_infeasible_and_irreducible(n_a, n_i, raw):
    lines = {(k % n_a, q % n_i): (kind, v) for k, q, kind, v in raw}
    problem = _random_problem((n_a, n_i, lines))
    conflict = conflict_set(problem)
    if Deal(problem).feasible():
        assert conflict == ()
        return
    assert conflict

    def feasible(kept):
        surplus = np.zeros(n_a, dtype=bool)
        keep_lines = np.zeros(problem.n_lines, dtype=bool)
        for lim in kept:
            if lim.kind == "surplus":
                surplus[lim.index] = True
            else:
                keep_lines[lim.index] = True
        return Deal(problem, surplus=surplus, lines=keep_lines).feasible()

    assert not feasible(conflict)
    for k in range(len(conflict)):
        assert feasible(conflict[:k] + conflict[k + 1:])
    for o in openings(problem):
        assert o.changes or o.levers
