"""The exchange model: parameters, hand-worked cases, edge cases, the oracle, batches, events."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.models.base import get_model
from accord.models.exchange import Exchange, ExchangeParams
from accord.scenario.arrays import ScenarioArrays
from accord.testing import check_model
from oracles.exchange_loop import run_exchange_loop

MODEL = Exchange()


def make(position, salience, capability, present=None, lo=None, hi=None, ids=None) -> ScenarioArrays:
    position = np.asarray(position, dtype=float)
    n_a, n_i = position.shape
    present = np.ones((n_a, n_i), dtype=bool) if present is None else np.asarray(present, dtype=bool)
    lo = np.zeros(n_i) if lo is None else np.asarray(lo, dtype=float)
    hi = np.full(n_i, 100.0) if hi is None else np.asarray(hi, dtype=float)
    return ScenarioArrays(
        actor_ids=tuple(ids or (f"A{a:02d}" for a in range(n_a))),
        issue_ids=tuple(f"I{k:02d}" for k in range(n_i)),
        position=np.where(present, position, np.nan),
        salience=np.where(present, np.asarray(salience, dtype=float), 0.0),
        capability=np.asarray(capability, dtype=float),
        present=present, scale_min=lo, scale_max=hi, status_quo=0.5 * (lo + hi),
    )


def random_case(seed: int, n_actors: int = 8, n_issues: int = 4, missing: float = 0.2,
                n_draws: int | None = None) -> ScenarioArrays:
    """Positions and saliences rounded to 2 decimals, as in real data (so ties occur)."""
    rng = np.random.default_rng(seed)
    lead = () if n_draws is None else (n_draws,)
    lo = rng.choice([0.0, -50.0, 10.0], size=n_issues)
    hi = lo + rng.choice([100.0, 10.0, 250.0], size=n_issues)
    present = rng.random((n_actors, n_issues)) >= missing
    present[:2] = True
    position = lo + (hi - lo) * np.round(rng.random((*lead, n_actors, n_issues)), 2)
    salience = np.round(rng.uniform(0.05, 1.0, (*lead, n_actors, n_issues)), 2)
    capability = np.round(rng.uniform(0.05, 1.0, (*lead, n_actors)), 2)
    return ScenarioArrays(
        tuple(f"A{a:02d}" for a in range(n_actors)), tuple(f"I{k:02d}" for k in range(n_issues)),
        np.where(present, position, np.nan), np.where(present, salience, 0.0), capability, present,
        lo, hi, 0.5 * (lo + hi),
    )


def oracle(arrays: ScenarioArrays, seed: int = 0, **params):
    """The loop oracle with the generator the model derives from ``default_rng(seed)``."""
    draw_seed = int(np.random.default_rng(seed).integers(0, 2**63 - 1))
    return run_exchange_loop(
        arrays.position.tolist(), arrays.salience.tolist(), arrays.capability.tolist(),
        arrays.present.tolist(), arrays.scale_min.tolist(), arrays.scale_max.tolist(),
        rng=np.random.default_rng(draw_seed), actor_ids=arrays.actor_ids, issue_ids=arrays.issue_ids,
        **{"iterations": 10, **params},
    )


def weighted_mean(arrays: ScenarioArrays) -> np.ndarray:
    w = np.where(arrays.present, arrays.salience * arrays.capability[:, None], 0.0)
    return (w * np.nan_to_num(arrays.position)).sum(0) / w.sum(0)


# --- parameters and registry -----------------------------------------------------------------------


def test_registered_and_works_in_rounds():
    model = get_model("exchange")
    assert isinstance(model, Exchange) and model.works_in_rounds
    assert get_model("decide").name == "exchange"


def test_default_parameters():
    p = ExchangeParams()
    assert (p.iterations, p.randomized_value, p.random_rate) == (10, 0.0, False)
    assert (p.salience_weight, p.fixed_weight) == (0.4, 0.1)


@pytest.mark.parametrize("bad", [
    {"iterations": 0}, {"randomized_value": -0.1}, {"randomized_value": 1.5},
    {"salience_weight": 0.8, "fixed_weight": 0.3}, {"random_rate": True, "randomized_value": 0.2},
    {"rounds": 3},
])
def test_invalid_parameters_are_refused(bad):
    with pytest.raises(ParameterError):
        MODEL.parse_params(bad)


def test_passes_the_conformance_suite():
    check_model(MODEL)
    for seed in range(3):
        check_model(MODEL, random_case(seed))
        check_model(MODEL, random_case(seed, n_actors=6, n_issues=3, n_draws=3))


# --- a case worked by hand -------------------------------------------------------------------------


def test_two_actors_two_issues_by_hand():
    # X cares about I00 (0.8) and sits at 0 on both issues; Y cares about I01 and sits at 100.
    # Outcomes start at 20 and 80. At the equal-gain rate 1 (= (0.8 + 0.2) / (0.2 + 0.8)) Y moves
    # to 0 on I00 and X to 100 on I01: each outcome moves 20, each gains 20·0.8 − 20·0.2 = 12.
    # Both start the next iteration (1 − 0.2)·0.4 + 0.1 = 0.42 of the way to their voting positions.
    arrays = make([[0, 0], [100, 100]], [[0.8, 0.2], [0.2, 0.8]], [1.0, 1.0], ids=["X", "Y"])
    result = MODEL.run(arrays, {"iterations": 2})
    np.testing.assert_allclose(result.trajectory, [[0, 100], [0, 100]], atol=1e-9)
    np.testing.assert_allclose(result.rounds[0], [[0, 100], [0, 100]], atol=1e-9)
    x_next = 0.42 * 100
    y_next = 100 - 0.42 * 100
    second = [e for e in result.events if e.round == 2]
    starts = {(e.actor, e.issue): round(e.old, 9) for e in second}
    assert starts == {("X", "I01"): x_next, ("Y", "I00"): y_next}
    first = [e for e in result.events if e.round == 1]
    assert len(first) == 2 and first[0].text == first[1].text
    assert first[0].text == ("X and Y exchange: X moves on I01 0.0 → 100.0, "
                             "Y moves on I00 100.0 → 0.0 (gain 12 each)")
    assert {(e.actor, e.other, e.issue, e.old, e.new) for e in first} == {
        ("X", "Y", "I01", 0.0, 100.0), ("Y", "X", "I00", 100.0, 0.0)}


def test_outcome_stops_at_the_demanders_position():
    # Z (on I00 only, at 10, weight 0.5) puts I00's outcome at (24 + 20 + 5) / 1.5 = 32.67, just above
    # X's 30. Y moving all the way to 30 would carry it to 23.33, past X, so Y's move shrinks to the
    # outcome shift 2.67 that lands it on 30: Y moves 2.67 · 1.5 / 0.2 = 20, and at rate 1 the I01
    # outcome moves 2.67 too: X moves 2.67 / 0.2 = 13.33. Each gains 2.67 · (0.8 − 0.2) = 1.6.
    present = [[True, True], [True, True], [True, False]]
    arrays = make([[30, 0], [100, 100], [10, 0]], [[0.8, 0.2], [0.2, 0.8], [0.5, 0.0]], [1.0, 1.0, 1.0],
                  present=present, ids=["X", "Y", "Z"])
    result = MODEL.run(arrays, {"iterations": 1})
    np.testing.assert_allclose(result.trajectory[0], [30.0, 80 + 0.2 * 40 / 3], rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.rounds[0], [[30, 40 / 3], [80, 100], [10, np.nan]], rtol=0, atol=1e-9)
    assert [e.text for e in result.events][::2] == [
        "X and Y exchange: X moves on I01 0.0 → 13.3, Y moves on I00 100.0 → 80.0 (gain 1.6 each)"]


# --- edge cases ------------------------------------------------------------------------------------


def test_one_actor_makes_no_exchange():
    arrays = make([[20, 70, 40]], [[0.5, 0.9, 0.1]], [2.0])
    result = MODEL.run(arrays)
    assert result.events == ()
    np.testing.assert_allclose(result.trajectory, np.tile([20, 70, 40], (10, 1)), atol=1e-12)
    np.testing.assert_allclose(result.rounds[:, 0], np.tile([20, 70, 40], (10, 1)), atol=1e-12)


def test_one_issue_makes_no_exchange_and_gives_the_weighted_mean():
    arrays = make([[10], [90], [40]], [[0.5], [0.9], [0.3]], [1.0, 0.5, 2.0])
    result = MODEL.run(arrays, {"iterations": 3})
    assert result.events == ()
    np.testing.assert_allclose(result.trajectory, np.tile(weighted_mean(arrays), (3, 1)), atol=1e-12)


def test_actors_at_one_position_make_no_exchange():
    arrays = make(np.full((5, 3), 37.0), np.random.default_rng(1).uniform(0.1, 1, (5, 3)), np.ones(5))
    result = MODEL.run(arrays)
    assert result.events == ()
    np.testing.assert_allclose(result.trajectory, 37.0, atol=1e-12)


def test_zero_salience_stance_takes_no_part():
    base = random_case(4, n_actors=7, n_issues=4, missing=0.0)
    zero = replace(base, salience=np.where(np.arange(7)[:, None] == 2, 0.0, base.salience))
    absent_present = base.present.copy()
    absent_present[2] = False
    absent = replace(base, present=absent_present, position=np.where(absent_present, base.position, np.nan),
                     salience=np.where(absent_present, base.salience, 0.0))
    with_zero, without = MODEL.run(zero), MODEL.run(absent)
    assert all(e.actor != "A02" and e.other != "A02" for e in with_zero.events)
    np.testing.assert_allclose(with_zero.trajectory, without.trajectory, rtol=0, atol=1e-12)
    others = np.arange(7) != 2
    np.testing.assert_allclose(with_zero.rounds[:, others], without.rounds[:, others], rtol=0, atol=1e-12)
    np.testing.assert_allclose(with_zero.rounds[:, 2], np.tile(base.position[2], (10, 1)), atol=1e-9)


def test_issue_where_every_salience_is_zero_gets_the_plain_mean():
    salience = [[0.5, 0.0, 0.9], [0.9, 0.0, 0.3], [0.3, 0.0, 0.6]]
    arrays = make([[10, 20, 80], [90, 60, 20], [40, 50, 50]], salience, [1.0, 1.0, 1.0])
    result = MODEL.run(arrays)
    assert all(e.issue != "I01" for e in result.events)
    np.testing.assert_allclose(result.trajectory[:, 1], np.mean([20, 60, 50]), atol=1e-12)


def tied_case(ids=("P", "Q", "R")) -> ScenarioArrays:
    # P and Q are the same actor twice: their exchanges with R have exactly equal gains.
    position = [[10, 20], [10, 20], [90, 80]]
    salience = [[0.9, 0.2], [0.9, 0.2], [0.1, 0.7]]
    return make(position, salience, [1.0, 1.0, 1.5], ids=list(ids))


def test_ties_are_broken_at_random_and_reproducibly():
    arrays = tied_case()
    movers = set()
    for seed in range(12):
        first = MODEL.run(arrays, {"iterations": 1}, np.random.default_rng(seed))
        again = MODEL.run(arrays, {"iterations": 1}, np.random.default_rng(seed))
        np.testing.assert_array_equal(first.rounds, again.rounds)
        movers.add(first.events[0].actor if first.events[0].actor != "R" else first.events[0].other)
        reference = MODEL.run(arrays, {"iterations": 1}).trajectory
        np.testing.assert_allclose(first.trajectory, reference, atol=1e-9)
    assert movers == {"P", "Q"}


def test_ties_do_not_depend_on_the_order_actors_are_listed():
    arrays = tied_case()
    order = np.array([2, 1, 0])
    for seed in range(6):
        base = MODEL.run(arrays, None, np.random.default_rng(seed))
        listed = MODEL.run(arrays.take_actors(order), None, np.random.default_rng(seed))
        np.testing.assert_array_equal(base.rounds[:, order], listed.rounds)


def test_results_do_not_depend_on_the_issue_scale():
    arrays = random_case(2, n_actors=7, n_issues=3)
    span = arrays.scale_max - arrays.scale_min
    unit = replace(arrays, position=(arrays.position - arrays.scale_min) / span,
                   scale_min=np.zeros(3), scale_max=np.ones(3), status_quo=np.full(3, 0.5))
    a, b = MODEL.run(arrays), MODEL.run(unit)
    np.testing.assert_allclose(b.trajectory * span + arrays.scale_min, a.trajectory, rtol=0, atol=1e-9)
    assert [e.text.split(" (")[0].split(":")[0] for e in a.events] == [e.text.split(" (")[0].split(":")[0]
                                                                       for e in b.events]


# --- agreement with the loop oracle, batches -------------------------------------------------------

VARIANTS = [{}, {"randomized_value": 0.5}, {"randomized_value": 1.0}, {"random_rate": True},
            {"salience_weight": 0.7, "fixed_weight": 0.3}]


def _name(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items()) or "default"


@pytest.mark.parametrize("params", VARIANTS, ids=_name)
@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_the_loop_oracle(params, seed):
    arrays = random_case(seed, n_actors=6 + seed, n_issues=3 + seed % 3)
    result = MODEL.run(arrays, params, np.random.default_rng(seed))
    trajectory, rounds, exchanges = oracle(arrays, seed, **params)
    np.testing.assert_allclose(result.trajectory, trajectory, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.rounds, rounds, rtol=0, atol=1e-9)
    assert len(result.events) == 2 * sum(len(e) for e in exchanges)


def test_agrees_with_the_loop_oracle_on_a_larger_case():
    arrays = random_case(11, n_actors=12, n_issues=6, missing=0.1)
    result = MODEL.run(arrays, {"iterations": 4})
    trajectory, rounds, _ = oracle(arrays, 0, iterations=4)
    np.testing.assert_allclose(result.trajectory, trajectory, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.rounds, rounds, rtol=0, atol=1e-9)


@pytest.mark.parametrize("params", VARIANTS[:4], ids=["default", "p=0.5", "p=1", "random_rate"])
def test_batch_equals_loop_of_single_runs(params):
    batch = random_case(5, n_actors=7, n_issues=4, n_draws=4)
    together = MODEL.run(batch, params, np.random.default_rng(3))
    assert together.rounds.shape == (4, 10, 7, 4) and together.events == ()
    for d in range(4):
        alone = MODEL.run(batch.draw(d), params, np.random.default_rng(3))
        np.testing.assert_allclose(together.trajectory[d], alone.trajectory, rtol=0, atol=1e-12)
        np.testing.assert_allclose(together.rounds[d], alone.rounds, rtol=0, atol=1e-12)


def test_randomised_variants_are_reproducible_and_vary_with_the_seed():
    arrays = random_case(6, n_actors=9, n_issues=4)
    plain = MODEL.run(arrays).trajectory
    for params in ({"randomized_value": 0.8}, {"random_rate": True}):
        a = MODEL.run(arrays, params, np.random.default_rng(1)).trajectory
        b = MODEL.run(arrays, params, np.random.default_rng(1)).trajectory
        c = MODEL.run(arrays, params, np.random.default_rng(2)).trajectory
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c) and not np.allclose(a, plain)


# --- result shape and events -----------------------------------------------------------------------


def test_result_shapes_and_absent_stances():
    arrays = random_case(7, n_actors=6, n_issues=4, missing=0.3)
    result = MODEL.run(arrays, {"iterations": 3})
    assert result.forecast.shape == (4,) and result.trajectory.shape == (3, 4)
    assert result.rounds.shape == (3, 6, 4)
    assert np.all(np.isnan(result.rounds[:, ~arrays.present]))
    assert not np.any(np.isnan(result.rounds[:, arrays.present]))
    w = np.where(arrays.present, arrays.salience * arrays.capability[:, None], 0.0)
    for r in range(3):
        mean = (w * np.nan_to_num(result.rounds[r])).sum(0) / w.sum(0)
        np.testing.assert_allclose(result.trajectory[r], mean, rtol=0, atol=1e-9)


def test_events_describe_each_exchange_from_both_sides():
    arrays = random_case(8, n_actors=6, n_issues=3)
    result = MODEL.run(arrays, {"iterations": 2})
    assert result.events and len(result.events) % 2 == 0
    for a, b in zip(result.events[::2], result.events[1::2], strict=True):
        assert a.text == b.text and a.kind == b.kind == "exchange" and a.round == b.round
        assert (a.actor, a.other) == (b.other, b.actor) and a.issue != b.issue
        assert a.text.startswith(f"{a.actor} and {b.actor} exchange: {a.actor} moves on {a.issue} ")
        assert f", {b.actor} moves on {b.issue} " in a.text and a.text.endswith(" each)")
        lo = arrays.scale_min[arrays.issue_ids.index(a.issue)]
        hi = arrays.scale_max[arrays.issue_ids.index(a.issue)]
        assert lo - 1e-9 <= a.new <= hi + 1e-9 and a.old != a.new
    unequal = MODEL.run(arrays, {"random_rate": True, "iterations": 1}).events
    assert unequal and "gains " in unequal[0].text and " for " in unequal[0].text
