"""The shared design of a sensitivity study: chosen factors, groups, SALib's problem, tornado rows."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.experiments.factors import Factor
from accord.experiments.sensitivity.design import Grouping, bootstrap_seed, choose_factors

FACTORS = (
    Factor("actors[0].capability", 1, 3, "capability", "a", None, "a: capability"),
    Factor("stances[0].position", 10, 30, "position", "a", "x", "a: position on x"),
    Factor("stances[2].position", -5, 5, "position", "b", "y", "b: position on y"),
    Factor("hold_probability", 0.6, 0.9, "hold_probability", None, None, "chance the deal holds"),
)


def test_grouping_by_actor_keeps_first_appearance_order():
    g = Grouping.of(FACTORS, "actor")
    assert g.names == ("a", "a", "b", "deal") and g.order == ("a", "b", "deal")
    assert [f.path for f in g.members("a")] == ["actors[0].capability", "stances[0].position"]
    problem = g.problem()
    assert problem["num_vars"] == 4 and problem["groups"] == ["a", "a", "b", "deal"]
    assert Grouping.of(FACTORS, "issue").order == ("actor:a", "x", "y", "deal")
    assert "groups" not in Grouping.of(FACTORS, None).problem()


def test_tornado_moves_one_group_at_a_time():
    rows = Grouping.of(FACTORS, "actor").tornado()
    expected = np.full((6, 4), 0.5)
    expected[0, :2], expected[1, :2] = 0.0, 1.0
    expected[2, 2], expected[3, 2] = 0.0, 1.0
    expected[4, 3], expected[5, 3] = 0.0, 1.0
    assert np.array_equal(rows, expected)


def test_choose_factors():
    read = {"stances[0].position", "actors[0].capability"}
    relevant = choose_factors(FACTORS, "relevant", read)
    assert [f.path for f in relevant] == ["actors[0].capability", "stances[0].position"]
    assert len(choose_factors(FACTORS, "all", set())) == 4
    assert [f.path for f in choose_factors(FACTORS, ["hold_probability", "hold_probability"], set())] == [
        "hold_probability"
    ]
    with pytest.raises(ParameterError, match="not a range in the scenario: nope"):
        choose_factors(FACTORS, ["nope"], set())
    with pytest.raises(ParameterError, match="nothing is uncertain"):
        choose_factors(FACTORS, "relevant", set())


def test_bootstrap_seed_is_never_zero_and_depends_on_the_seed():
    seeds = {bootstrap_seed(s) for s in range(50)}
    assert 0 not in seeds and len(seeds) == 50
