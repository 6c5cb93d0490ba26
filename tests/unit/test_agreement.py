"""Zones of agreement, bargaining solutions and the gap on cases worked by hand.

Notation: every issue runs from 0 to 100; ``a = x_p / 100`` etc. are positions on
[0, 1]. ``G_i`` is actor i's surplus over its reservation value (accept when
``G_i ≥ 0``); with the linear form, an issue term is ``s (|e − p| − |x − p|)`` and the
comprehensive deal adds the full no-deal cost ``c``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.agreement import (
    Problem,
    agreement_arrays,
    analyse_agreement,
    analyse_deal,
    nash_of,
    partial_deals,
    relax_arrays,
    zone_batch,
)
from accord.scenario.io import scenario_from_data
from accord.scenario.values import Uncertain


def scenario(actors, issues, stances, **extra):
    """A scenario from compact tuples.

    actors: (id, capability, no_deal_cost); issues: (id, veto, status_quo or None);
    stances: (actor, issue, position, salience, expects or None).
    """
    return scenario_from_data(
        {
            "id": "case",
            "title": "Case",
            "actors": [{"id": a, "name": a.upper(), "capability": cap, "no_deal_cost": c} for a, cap, c in actors],
            "issues": [
                {"id": i, "name": i.upper(), "veto": list(veto), **({"status_quo": sq} if sq is not None else {})}
                for i, veto, sq in issues
            ],
            "stances": [
                {"actor": a, "issue": i, "position": p, "salience": s, "assumption": "test",
                 **({"expects": e} if e is not None else {})}
                for a, i, p, s, e in stances
            ],
            **extra,
        }
    )


def one_issue(ea=50, eb=50, ca=0.1, cb=0.2, **extra):
    """A at 0 and B at 100 on one issue, salience 1, equal capability."""
    return scenario(
        [("a", 1, ca), ("b", 1, cb)],
        [("x", "ab", None)],
        [("a", "x", 0, 1, ea), ("b", "x", 100, 1, eb)],
        **extra,
    )


def test_one_issue_zone_and_nash():
    """A accepts ``−a ≥ −0.5 − 0.1``, i.e. a ≤ 0.6; B accepts ``−(1 − a) ≥ −0.5 − 0.2``, i.e. a ≥ 0.3.

    Zone [30, 60]. Nash: max log(0.6 − a) + log(a − 0.3), so 0.6 − a = a − 0.3, a = 0.45.
    Kalai–Smorodinsky: each ideal is 0.3, so G_A = G_B, the same point 45.
    """
    deal = analyse_agreement(one_issue()).deal
    assert deal.zone_exists and deal.gap == 0
    assert deal.zone["x"] == pytest.approx((30, 60), abs=1e-6)
    assert deal.nash["x"] == pytest.approx(45, abs=1e-6)
    assert deal.kalai_smorodinsky["x"] == pytest.approx(45, abs=1e-6)
    assert deal.nash_surplus == pytest.approx({"a": 0.15, "b": 0.15}, abs=1e-8)
    assert deal.margin == pytest.approx(0.15, abs=1e-9)
    assert deal.reservation["a"]["reservation"] == pytest.approx(-0.6)


def test_one_issue_no_zone_smallest_relaxation():
    """A expects 20 and B 70: A accepts a ≤ 0.2 + 0.1 = 0.3, B accepts a ≥ 0.7 − 0.2 = 0.5.

    min e_A + e_B with a ≤ 0.3 + e_A and a ≥ 0.5 − e_B gives 0.2; the most even split is
    0.1 each, at a = 0.4. A's term at a = 0.4 is −0.4 + 0.2 = −0.2; moving its position to
    0.25 makes it −0.15 + 0.05 = −0.1, closing its 0.1. B's term −0.6 + 0.3 = −0.3 becomes
    −0.25 + 0.05 = −0.2 at position 0.65.
    """
    report = analyse_agreement(one_issue(20, 70))
    deal = report.deal
    assert not deal.zone_exists
    assert deal.gap == pytest.approx(0.2, abs=1e-6)
    assert deal.actor_gap == pytest.approx({"a": 0.1, "b": 0.1}, abs=1e-6)
    assert deal.relaxed["x"] == pytest.approx(40, abs=1e-6)
    a, b = sorted(deal.blockers, key=lambda bl: bl.actor)
    assert a.extra_no_deal_cost == pytest.approx(0.1, abs=1e-6)
    assert a.binding[0].issue == "x" and a.binding[0].loss == pytest.approx(0.2, abs=1e-6)
    assert a.binding[0].shift_to == pytest.approx(25, abs=1e-6)
    assert b.binding[0].shift_to == pytest.approx(65, abs=1e-6)
    assert deal.zone == {} and deal.nash == {} and deal.kalai_smorodinsky == {}
    assert report.verdict.startswith("No agreement is attainable")
    assert "0.200" in report.verdict


def test_logrolling_two_issues():
    """A wants p (salience 1) and cares little for q (0.2); B the reverse. Both expect 50, no costs.

    G_A = a + 0.2 b − 0.6 and G_B = 0.6 − 0.2 a − b. Zone on p: max a = 1; min a takes b as
    large as B allows, b = 0.6 − 0.2 a, so a ≥ 0.6 − 0.12 + 0.04 a, a ≥ 0.5: p in [50, 100];
    symmetrically q in [0, 50]. Nash: ∂/∂a = 1/G_A − 0.2/G_B = 2 > 0 and ∂/∂b = −2 < 0 at
    (1, 0), where G_A = G_B = 0.4: each side gets the issue it cares about, (100, 0).
    Kalai–Smorodinsky: ideals 0.48 each (a = 1, b = 0.4 for A); G_A + G_B = 0.8 (a − b) ≤ 0.8,
    so t = 0.4 / 0.48 at the same point.
    """
    sc = scenario(
        [("a", 1, 0), ("b", 1, 0)],
        [("p", "ab", 50), ("q", "ab", 50)],
        [("a", "p", 100, 1, None), ("a", "q", 100, 0.2, None), ("b", "p", 0, 0.2, None), ("b", "q", 0, 1, None)],
    )
    deal = analyse_agreement(sc, partial=False).deal
    assert deal.zone["p"] == pytest.approx((50, 100), abs=1e-6)
    assert deal.zone["q"] == pytest.approx((0, 50), abs=1e-6)
    assert deal.nash == pytest.approx({"p": 100, "q": 0}, abs=1e-6)
    assert deal.kalai_smorodinsky == pytest.approx({"p": 100, "q": 0}, abs=1e-6)
    assert deal.nash_surplus == pytest.approx({"a": 0.4, "b": 0.4}, abs=1e-8)


def linked_three():
    """The logrolling case plus r, where A (at 100, expects 90) and B (at 0, expects 40) clash."""
    return scenario(
        [("a", 1, 0), ("b", 1, 0)],
        [("p", "ab", 50), ("q", "ab", 50), ("r", "ab", 50)],
        [
            ("a", "p", 100, 1, None), ("a", "q", 100, 0.2, None), ("a", "r", 100, 1, 90),
            ("b", "p", 0, 0.2, None), ("b", "q", 0, 1, None), ("b", "r", 0, 1, 40),
        ],
    )


def test_three_issues_linkage_opens_a_zone():
    """Comprehensive: G_A = a + 0.2 b + r − 1.5, G_B = 1 − 0.2 a − b − r.

    Zone on r: the lowest r has a = 1 and B's constraint tight, r = 0.8 − b, with A's
    0.5 − 0.2 b ≤ r, so b = 0.375 and r = 0.425; the highest has b = 0 and both tight,
    1.5 − a = 1 − 0.2 a, a = 0.625 and r = 0.875: r in [42.5, 87.5]. Nash: ∂/∂r gives
    G_A = G_B, and as before a = 1, b = 0, so r − 0.5 = 0.8 − r, r = 0.65. G_A + G_B =
    0.8 a − 0.8 b − 0.5 ≤ 0.3, so each ideal is 0.3 and Kalai–Smorodinsky is the same point.

    Alone, r has no zone (A needs r ≥ 0.9, B r ≤ 0.4). Partial deals: {p, r} has
    G_A + G_B = 0.8 a − 0.9 < 0 and {q, r} has −0.8 b − 0.1 < 0, no zone; {p, q} is the
    logrolling case, so it is the only partial deal of the largest size with a zone.
    """
    report = analyse_agreement(linked_three())
    deal = report.deal
    assert deal.zone["r"] == pytest.approx((42.5, 87.5), abs=1e-6)
    assert deal.zone["p"][1] == pytest.approx(100, abs=1e-6)
    assert deal.nash == pytest.approx({"p": 100, "q": 0, "r": 65}, abs=1e-6)
    assert deal.kalai_smorodinsky == pytest.approx({"p": 100, "q": 0, "r": 65}, abs=1e-6)
    part = report.partial
    assert part.size == 2 and part.n_feasible == 1
    (pq,) = part.deals
    assert pq.issues == ("p", "q")
    assert pq.zone["p"] == pytest.approx((50, 100), abs=1e-6)
    assert pq.nash == pytest.approx({"p": 100, "q": 0, "r": 50}, abs=1e-6)


def test_partial_deal_when_the_comprehensive_one_fails():
    """The one-issue gap case (x) plus y, on which both want to move up from 20 (salience 0.1).

    Comprehensive: G_A = 0.28 − a + 0.1 y and G_B = a − 0.44 − 0.1 |y − 0.8|; their sum is
    at most −0.08 (for y ≥ 0.8), so the gap is 0.08. A deal on y alone relieves the share of
    each cost that y carries in salience, 0.1 / 1.1: G_A = 0.1 y − 0.02 + 0.1/11 ≥ 0 gives
    y ≥ 0.2 − 1/11; B accepts every y ≥ 0.8 − 0.78..., so the zone is [100 (0.2 − 1/11), 100].
    """
    sc = scenario(
        [("a", 1, 0.1), ("b", 1, 0.2)],
        [("x", "ab", 50), ("y", "ab", 20)],
        [("a", "x", 0, 1, 20), ("b", "x", 100, 1, 70), ("a", "y", 100, 0.1, None), ("b", "y", 80, 0.1, None)],
    )
    report = analyse_agreement(sc)
    assert not report.deal.zone_exists
    assert report.deal.gap == pytest.approx(0.08, abs=1e-6)
    part = report.partial
    assert part.size == 1 and part.deals[0].issues == ("y",)
    assert part.deals[0].zone["y"] == pytest.approx((100 * (0.2 - 1 / 11), 100), abs=1e-6)
    assert part.deals[0].nash["x"] == 50


def test_hold_probability_discounts_the_terms_and_the_cost_saved():
    """Half a chance the deal holds; when it fails the war resumes and its cost is borne again.

    G_A = 0.5 (0.5 − a) + 0.5 · 0.1 and G_B = 0.5 (a − 0.5) + 0.5 · 0.2: zone a in
    [0.3, 0.6]; Nash: 0.3 − 0.5 a = 0.5 a − 0.15, a = 0.45. The same with the deal's hold
    probability instead of the issue's.
    """
    for where in ("issue", "deal"):
        if where == "issue":
            base = one_issue()
            issue = base.issues[0].model_copy(update={"hold_probability": Uncertain(0.5)})
            sc = base.model_copy(update={"issues": (issue,)})
        else:
            sc = one_issue(hold_probability=0.5)
        deal = analyse_agreement(sc, partial=False).deal
        assert deal.zone["x"] == pytest.approx((30, 60), abs=1e-6), where
        assert deal.nash["x"] == pytest.approx(45, abs=1e-6), where


def test_a_third_veto_player():
    """C (at 100, expects 40, no cost) accepts a ≥ 0.4: the zone shrinks to [40, 60].

    Nash (equal capabilities): −1/(0.6 − a) + 1/(a − 0.3) + 1/(a − 0.4) = 0, i.e.
    −3 a² + 2.6 a − 0.54 = 0, a = (2.6 + √0.28) / 6 inside the zone.
    """
    sc = scenario(
        [("a", 1, 0.1), ("b", 1, 0.2), ("c", 1, 0)],
        [("x", "abc", None)],
        [("a", "x", 0, 1, 50), ("b", "x", 100, 1, 50), ("c", "x", 100, 1, 40)],
    )
    deal = analyse_agreement(sc).deal
    assert deal.veto == ("a", "b", "c")
    assert deal.zone["x"] == pytest.approx((40, 60), abs=1e-6)
    assert deal.nash["x"] == pytest.approx(100 * (2.6 + math.sqrt(0.28)) / 6, abs=1e-6)


def test_capability_weights_the_nash_solution():
    """Weights 3 : 1 for A: max 0.75 log(0.6 − a) + 0.25 log(a − 0.3), so a = 0.3 + 0.25 · 0.3 = 0.375."""
    sc = scenario(
        [("a", 3, 0.1), ("b", 1, 0.2)],
        [("x", "ab", None)],
        [("a", "x", 0, 1, 50), ("b", "x", 100, 1, 50)],
    )
    assert analyse_agreement(sc).deal.nash["x"] == pytest.approx(37.5, abs=1e-6)


def test_non_veto_actors_do_not_constrain():
    sc = scenario(
        [("a", 1, 0.1), ("b", 1, 0.2), ("c", 1, 0)],
        [("x", "ab", None)],
        [("a", "x", 0, 1, 50), ("b", "x", 100, 1, 50), ("c", "x", 100, 1, 100)],
    )
    deal = analyse_agreement(sc).deal
    assert deal.zone["x"] == pytest.approx((30, 60), abs=1e-6)
    assert "c" not in deal.veto


def test_quadratic_utility():
    """A accepts a² ≤ 0.35, B accepts (1 − a)² ≤ 0.45: zone [100 (1 − √0.45), 100 √0.35].

    Nash: 2a / (0.35 − a²) = 2 (1 − a) / (0.45 − (1 − a)²), solved numerically below.
    """
    report = analyse_agreement(one_issue(), utility="quadratic")
    deal = report.deal
    assert deal.zone["x"] == pytest.approx((100 * (1 - math.sqrt(0.45)), 100 * math.sqrt(0.35)), abs=1e-6)
    a = deal.nash["x"] / 100
    assert 2 * a / (0.35 - a * a) == pytest.approx(2 * (1 - a) / (0.45 - (1 - a) ** 2), rel=1e-6)
    gap = analyse_agreement(one_issue(20, 70), utility="quadratic").deal
    # A accepts a ≤ √(0.04 + 0.1) and B a ≥ 1 − √(0.09 + 0.2): no zone
    assert not gap.zone_exists and gap.gap > 0


def test_no_veto_listed_means_unanimity():
    data = {
        "id": "u", "title": "U",
        "actors": [{"id": "a", "name": "A", "capability": 1, "no_deal_cost": 0.1},
                   {"id": "b", "name": "B", "capability": 1, "no_deal_cost": 0.2}],
        "issues": [{"id": "x", "name": "X"}],
        "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 1, "assumption": "t"},
                    {"actor": "b", "issue": "x", "position": 100, "salience": 1, "assumption": "t"}],
    }
    deal = analyse_agreement(scenario_from_data(data)).deal
    assert deal.veto == ("a", "b") and deal.zone["x"] == pytest.approx((30, 60), abs=1e-6)


def test_zone_batch_equals_a_loop_of_single_draws():
    sc = one_issue(ea=[10, 40], eb=[60, 80], ca=[0.0, 0.3])
    rng = np.random.default_rng(3)
    u = {}

    def value_of(path, value):
        if path not in u:
            u[path] = rng.random(40)
        return value.low + (value.high - value.low) * u[path]

    arrays = agreement_arrays(sc, value_of=value_of)
    assert arrays.batched and arrays.position.shape == (40, 2, 1)
    zone, gap, actor_gap = zone_batch(arrays)
    assert zone.shape == (40,) and gap.shape == (40,) and actor_gap.shape == (40, 2)
    for d in range(40):
        ea = 10 + 30 * u["stances[0].expects"][d]
        eb = 60 + 20 * u["stances[1].expects"][d]
        ca = 0.3 * u["actors[0].no_deal_cost"][d]
        # A accepts a ≤ ea/100 + ca, B accepts a ≥ eb/100 − 0.2
        expected = max(0.0, (eb / 100 - 0.2) - (ea / 100 + ca))
        assert gap[d] == pytest.approx(expected, abs=1e-7)
        assert zone[d] == (expected <= 1e-9)
        assert actor_gap[d].sum() == pytest.approx(expected, abs=1e-7)
        assert actor_gap[d] == pytest.approx([expected / 2] * 2, abs=1e-7)
    single = zone_batch(agreement_arrays(sc))
    assert single[0].shape == () and single[2].shape == (2,)


@pytest.mark.parametrize("utility", ["linear", "quadratic"])
def test_zone_batch_shortcuts_agree_with_the_programs(utility):
    """Draws decided by a known package must match the relaxation program draw by draw."""
    sc = scenario(
        [("a", [1, 3], [0, 0.2]), ("b", 1, [0, 0.2])],
        [("p", "ab", 50), ("q", "ab", 50), ("r", "ab", 50)],
        [
            ("a", "p", [80, 100], 1, None), ("a", "q", 100, [0.1, 0.4], None), ("a", "r", 100, 1, [75, 100]),
            ("b", "p", 0, [0.1, 0.4], None), ("b", "q", [0, 20], 1, None), ("b", "r", 0, 1, [10, 60]),
        ],
    )
    rng = np.random.default_rng(7)
    u = {}

    def value_of(path, value):
        if path not in u:
            u[path] = rng.random(60)
        return value.low + (value.high - value.low) * u[path]

    arrays = agreement_arrays(sc, value_of=value_of)
    zone, gap, actor_gap = zone_batch(arrays, utility)
    assert 0 < zone.sum() < 60
    for d in range(60):
        r = relax_arrays(arrays.draw(d), utility)
        assert zone[d] == r.zone_exists and gap[d] == pytest.approx(r.gap, abs=1e-7)
        assert actor_gap[d] == pytest.approx(r.actor_gap, abs=1e-6)


def test_partial_deals_are_decided_mostly_without_programs():
    deal = analyse_deal(Problem.from_arrays(agreement_arrays(linked_three())))
    assert deal.zone_exists
    part = partial_deals(Problem.from_arrays(agreement_arrays(linked_three())))
    assert part.subsets_checked == 3 and part.lps <= 3


def test_nash_of_matches_the_report():
    x = nash_of(Problem.from_arrays(agreement_arrays(one_issue())))
    assert x == pytest.approx([45.0], abs=1e-6)
    assert nash_of(Problem.from_arrays(agreement_arrays(one_issue(20, 70)))) is None


def test_report_json_has_the_top_level_keys():
    data = analyse_agreement(one_issue()).to_json()
    for key in ("zone_exists", "zone", "nash", "kalai_smorodinsky", "gap", "blockers", "verdict", "reasons",
                "issues", "partial_deals", "levers", "timeline", "types"):
        assert key in data
    assert data["zone"] == {"x": pytest.approx([30, 60], abs=1e-6)}
    assert data["issues"]["x"]["zone"] == pytest.approx([30, 60], abs=1e-6)
    none = analyse_agreement(one_issue(20, 70)).to_json()
    assert none["zone"] == {} and none["nash"] == {} and none["gap"] == pytest.approx(0.2, abs=1e-6)
    assert {b["actor"] for b in none["blockers"]} == {"a", "b"}
