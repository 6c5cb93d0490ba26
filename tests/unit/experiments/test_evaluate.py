"""One plan and chunk for every experiment: chunks in any order, inputs computed once per chunk."""

from __future__ import annotations

import numpy as np
import pytest

from accord.experiments.evaluate import Evaluation, Plan, agreement_outputs, run_chunk, run_plan, sequential
from accord.experiments.montecarlo import monte_carlo
from accord.experiments.sampling import FixedSample, Sampler
from accord.experiments.sensitivity import sensitivity_many
from accord.scenario.values import Uncertain


def reversed_order(func, plan, indices):
    for index in reversed(list(indices)):
        yield func(plan, index)


def test_chunks_in_any_order_gather_to_the_same_outputs(small):
    sc = small()
    evaluation = Evaluation(sc, ("compromise",), {}, {"at": None, "levers": (), "types": None})
    plan = Plan(evaluation, Sampler(sc, 2), 2500, 1024)
    one = run_plan(plan)
    two = run_plan(plan, reversed_order)
    assert plan.n_chunks == 3 and one.forecasts["compromise"].shape == (2500, 2)
    assert np.array_equal(one.forecasts["compromise"], two.forecasts["compromise"])
    assert set(one.agreement) == {"zone_exists", "gap", "actor_gap", "score", "held"}
    for key, value in one.agreement.items():
        assert value.shape[0] == 2500 and np.array_equal(value, two.agreement[key])


def test_a_chunk_equals_the_same_rows_of_one_big_chunk(small):
    sc = small()
    evaluation = Evaluation(sc, ("compromise",))
    whole = run_chunk(Plan(evaluation, Sampler(sc, 4), 3000, 3072), 0)
    part = run_chunk(Plan(evaluation, Sampler(sc, 4), 3000, 1024), 1)
    assert (part.start, part.stop) == (1024, 2048)
    assert np.array_equal(part.outputs.forecasts["compromise"], whole.outputs.forecasts["compromise"][1024:2048])


def test_an_input_asked_twice_in_a_chunk_is_computed_once_and_read_only(small):
    draws = Sampler(small(), 0, noise={"position": 2}).draws(0, 50)
    first = draws.value_of("stances[0].position", Uncertain(10, 30))
    assert draws.value_of("stances[0].position", Uncertain(10, 30)) is first
    assert not first.flags.writeable
    other = draws.value_of("stances[0].position", Uncertain(20, 40))
    assert other is not first and not np.array_equal(other, first)


def test_fixed_sample_hands_out_its_rows():
    unit = np.linspace(0, 1, 12).reshape(6, 2)
    source = FixedSample({"p": 0, "q": 1}, unit, seed=3)
    draws = source.draws(2, 5)
    assert np.array_equal(draws.value_of("q", Uncertain(0, 10)), 10 * unit[2:5, 1])
    assert np.array_equal(draws.value_of("r", Uncertain(0, 10)), np.full(3, 5.0))
    assert source.model_rng("x").random() == np.random.default_rng(3).random()


def test_agreement_outputs_have_a_leading_draw_axis(small):
    sc = small()
    draws = Sampler(sc, 1).draws(0, 40)
    out = agreement_outputs(sc, draws.value_of, 40, {})
    assert out["zone_exists"].shape == (40,) and out["zone_exists"].dtype == bool
    assert out["gap"].shape == (40,) and out["actor_gap"].shape == (40, 2)
    assert np.all(out["zone_exists"] == (out["gap"] <= 1e-9))


@pytest.mark.parametrize("study", ["monte_carlo", "sensitivity"])
def test_monte_carlo_and_sensitivity_run_the_same_chunks(small, study):
    seen = []

    def recording(func, plan, indices):
        seen.append((func, type(plan)))
        yield from sequential(func, plan, indices)

    sc = small()
    if study == "monte_carlo":
        monte_carlo(sc, ["compromise"], draws=100, executor=recording)
        # the models' plan, then the agreement analysis's (the scenario has veto players)
        assert seen == [(run_chunk, Plan)] * 2
    else:
        sensitivity_many(sc, ["x"], n=8, executor=recording)
        assert seen == [(run_chunk, Plan)]
