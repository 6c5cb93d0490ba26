"""Invariants of the zone of agreement on random small cases."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.agreement import Deal, Problem, agreement_arrays, analyse_deal, partial_deals
from accord.scenario.io import scenario_from_data

EPS = 1e-6


@st.composite
def cases(draw, max_issues=3):
    n_actors = draw(st.integers(2, 3))
    n_issues = draw(st.integers(1, max_issues))
    actors = [f"a{k}" for k in range(n_actors)]
    issues = [f"i{k}" for k in range(n_issues)]
    data = {
        "id": "h",
        "title": "H",
        "actors": [
            {"id": a, "name": a, "capability": draw(st.integers(1, 5)),
             "no_deal_cost": draw(st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.4]))}
            for a in actors
        ],
        "issues": [
            {"id": i, "name": i, "status_quo": draw(st.integers(0, 100)),
             "veto": draw(st.lists(st.sampled_from(actors), min_size=1, max_size=n_actors, unique=True))}
            for i in issues
        ],
        "stances": [],
    }
    for a in actors:
        for i in issues:
            if draw(st.booleans()) or i == issues[0] or a == actors[0]:
                stance = {"actor": a, "issue": i, "position": draw(st.integers(0, 100)),
                          "salience": draw(st.sampled_from([0.1, 0.3, 0.5, 0.8, 1.0])), "assumption": "h"}
                if draw(st.booleans()):
                    stance["expects"] = draw(st.integers(0, 100))
                data["stances"].append(stance)
    return data


def deal_of(data, utility="linear"):
    return analyse_deal(Problem.from_arrays(agreement_arrays(scenario_from_data(data)), utility))


def contains(outer, inner):
    return all(outer[k][0] <= inner[k][0] + EPS and inner[k][1] <= outer[k][1] + EPS for k in inner)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), st.data())
def test_adding_cost_never_shrinks_the_zone(data, extra):
    before = deal_of(data)
    k = extra.draw(st.integers(0, len(data["actors"]) - 1))
    data["actors"][k]["no_deal_cost"] += extra.draw(st.sampled_from([0.01, 0.1, 0.3]))
    after = deal_of(data)
    assert after.gap <= before.gap + EPS
    if before.zone_exists:
        assert after.zone_exists and contains(after.zone, before.zone)


@SETTINGS
@given(cases(), st.data())
def test_adding_a_veto_player_never_enlarges_the_zone(data, extra):
    before = deal_of(data)
    issue = extra.draw(st.sampled_from(data["issues"]))
    missing = [a["id"] for a in data["actors"] if a["id"] not in issue["veto"]]
    if not missing:
        return
    issue["veto"].append(extra.draw(st.sampled_from(missing)))
    after = deal_of(data)
    assert after.gap >= before.gap - EPS
    if after.zone_exists:
        assert before.zone_exists and contains(before.zone, after.zone)


@SETTINGS
@given(cases(), st.sampled_from(["linear", "quadratic"]))
def test_bargaining_solutions_lie_in_the_zone(data, utility):
    deal = deal_of(data, utility)
    if not deal.zone_exists:
        assert deal.gap > 0 and deal.blockers and abs(sum(b.gap for b in deal.blockers) - deal.gap) < EPS
        return
    for package in (deal.nash, deal.kalai_smorodinsky):
        for issue, (lo, hi) in deal.zone.items():
            assert lo - EPS <= package[issue] <= hi + EPS
    assert min(deal.nash_surplus.values()) >= -1e-7
    assert min(deal.ks_surplus.values()) >= -1e-7
    assert deal.margin is not None and deal.margin >= -1e-9


@SETTINGS
@given(cases(max_issues=4), st.sampled_from(["linear", "quadratic"]))
def test_partial_deal_search_matches_brute_force(data, utility):
    problem = Problem.from_arrays(agreement_arrays(scenario_from_data(data)), utility)
    n_i = len(problem.issue_ids)
    found = partial_deals(problem, limit=100, detail=False)
    best, count = 0, 0
    for size in range(n_i - 1, 0, -1):
        for combo in itertools.combinations(range(n_i), size):
            cover = np.zeros(n_i, dtype=bool)
            cover[list(combo)] = True
            if Deal(problem, cover).relax().zone_exists:
                count += 1
        if count:
            best = size
            break
    assert (found.size, found.n_feasible) == (best, count)
