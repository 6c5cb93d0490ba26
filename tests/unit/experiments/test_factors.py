"""Factors: every range of a scenario, named by its path."""

from __future__ import annotations

from accord.experiments.factors import scenario_factors


def test_every_range_is_a_factor_named_by_its_path(small):
    sc = small(
        levers=[
            {
                "id": "sanction",
                "name": "S",
                "assumption": "t",
                "edits": [{"field": "salience", "actor": "a", "issue": "x", "add": [0.1, 0.2]}],
            }
        ],
        types=[
            {
                "actor": "a",
                "id": "hawk",
                "name": "Hawk",
                "prior": 0.5,
                "stances": [{"issue": "x", "position": [0, 5], "assumption": "t"}],
            },
            {"actor": "a", "id": "dove", "name": "Dove", "prior": 0.5},
        ],
    )
    paths = [f.path for f in scenario_factors(sc)]
    assert paths == [
        "actors[0].capability",
        "actors[0].no_deal_cost",
        "actors[0].no_deal_cost_path[0].value",
        "issues[0].hold_probability",
        "hold_probability",
        "stances[0].position",
        "stances[0].salience",
        "stances[0].expects",
        "stances[2].position",
        "levers[0].edits[0].add",
        "types[0].stances[0].position",
    ]
    f = scenario_factors(sc)[5]
    assert (f.low, f.high, f.kind, f.actor, f.issue) == (10, 30, "position", "a", "x")
    assert f.label == "a: position on x" and f.mid == 20


def count_red_lines(scenario):
    """Red lines set anywhere in the scenario: each adds its ``real`` draw as a factor."""
    edits = [e for group in (*scenario.levers, *scenario.timeline) for e in group.edits if e.edits_red_line]
    typed = [ts for t in scenario.types for ts in t.stances if ts.red_line is not None]
    return sum(st.red_line is not None for st in scenario.stances) + len(typed) + len(edits)


def test_every_range_of_the_builtin_case_is_a_factor(ukraine, ranges_in):
    factors = scenario_factors(ukraine)
    expected = ranges_in(ukraine)
    assert count_red_lines(ukraine) == 25
    assert len(factors) == len(expected) + count_red_lines(ukraine) > 0
    assert sum(f.kind == "red_line" for f in factors) == 25
    assert all(f.path.endswith(".real") and (f.low, f.high) == (0, 1) for f in factors if f.kind == "red_line")
    assert {"position", "salience", "capability"} <= {f.kind for f in factors}
