"""Factors, reproducible block sampling, noise and chunked Monte Carlo."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord.errors import ParameterError, UnknownModelError
from accord.experiments import evaluate
from accord.experiments.evaluate import default_chunk_size
from accord.experiments.factors import parse_noise, scenario_factors
from accord.experiments.montecarlo import describe, monte_carlo
from accord.experiments.sampling import BLOCK, Sampler, sample_arrays
from accord.models import get_model
from accord.scenario import builtin
from accord.scenario.arrays import arrays_from_scenario
from accord.scenario.io import load_scenario, scenario_from_data


def small(distribution: str = "uniform", **extra) -> object:
    """Two actors, two issues, a range of every kind."""
    data = {
        "id": "small",
        "title": "Small",
        "distribution": distribution,
        "hold_probability": [0.6, 0.9],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": [1, 3],
                "no_deal_cost": [0, 10],
                "no_deal_cost_path": [{"date": "2025-01-01", "value": [1, 2]}],
            },
            {"id": "b", "name": "B", "capability": 2},
        ],
        "issues": [
            {"id": "x", "name": "X", "veto": ["a", "b"], "hold_probability": [0.5, 1]},
            {"id": "y", "name": "Y", "scale": {"min": -10, "max": 10}},
        ],
        "stances": [
            {
                "actor": "a",
                "issue": "x",
                "position": [10, 30],
                "salience": [0.2, 0.6],
                "expects": [40, 60],
                "assumption": "test",
            },
            {"actor": "b", "issue": "x", "position": 90, "salience": 0.5, "assumption": "test"},
            {"actor": "a", "issue": "y", "position": [-5, 5], "salience": 1, "assumption": "test"},
        ],
        **extra,
    }
    return scenario_from_data(data)


@pytest.fixture(scope="module")
def ukraine():
    return load_scenario(builtin.DEFAULT)


# --------------------------------------------------------------------------- factors


def test_every_range_is_a_factor_named_by_its_path():
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


def _ranges_in(obj) -> list[str]:
    """Names of the fields holding a true range, found by walking the scenario objects."""
    from pydantic import BaseModel

    from accord.scenario.values import Uncertain

    found: list[str] = []
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, Uncertain):
                if value.is_range:
                    found.append(name)
            else:
                found += _ranges_in(value)
    elif isinstance(obj, tuple | list):
        for item in obj:
            found += _ranges_in(item)
    return found


def test_every_range_of_the_builtin_case_is_a_factor(ukraine):
    factors = scenario_factors(ukraine)
    expected = _ranges_in(ukraine)
    assert len(factors) == len(expected) > 0
    assert {"position", "salience", "capability"} <= {f.kind for f in factors}


# --------------------------------------------------------------------------- sampling


def test_uniform_draws_cover_the_range_and_points_stay_put():
    arrays = sample_arrays(small(), 4000, seed=1)
    pos = arrays.position[:, 0, 0]
    assert arrays.position.shape == (4000, 2, 2) and arrays.capability.shape == (4000, 2)
    assert pos.min() >= 10 and pos.max() <= 30
    assert pos.mean() == pytest.approx(20, abs=0.5) and pos.var() == pytest.approx(400 / 12, rel=0.1)
    assert np.all(arrays.position[:, 1, 0] == 90) and np.all(arrays.capability[:, 1] == 2)
    assert np.all(np.isnan(arrays.position[:, 1, 1]))


def test_pert_draws_have_the_midpoint_as_mode_and_lambda_4():
    pos = sample_arrays(small("pert"), 8000, seed=1).position[:, 0, 0]
    assert pos.min() >= 10 and pos.max() <= 30
    # PERT with mode at the midpoint and lambda 4 is Beta(3, 3): variance (b - a)^2 / 28.
    assert pos.mean() == pytest.approx(20, abs=0.3) and pos.var() == pytest.approx(400 / 28, rel=0.08)


def test_same_seed_same_draws_different_seed_different():
    a = sample_arrays(small(), 3000, seed=7).position
    b = sample_arrays(small(), 3000, seed=7).position
    c = sample_arrays(small(), 3000, seed=8).position
    assert np.array_equal(a, b, equal_nan=True)
    assert not np.array_equal(a, c, equal_nan=True)


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (5, 2100), (1024, 2048), (1500, 1500), (3000, 4097)])
def test_any_slice_of_draws_equals_the_same_rows_of_one_long_run(start, stop):
    sampler = Sampler(small("pert"), 3, noise={"position": 2})
    whole = sampler.draws(0, 5000)
    part = sampler.draws(start, stop)
    assert np.array_equal(part.unit, whole.unit[start:stop])
    assert np.array_equal(part.noise["position"], whole.noise["position"][start:stop])
    assert np.array_equal(part.extra("not.a.factor"), whole.extra("not.a.factor")[start:stop])


def test_a_range_that_is_not_a_listed_factor_still_gets_reproducible_draws():
    sc = small()
    from accord.scenario.values import Uncertain

    d1 = Sampler(sc, 5).draws(0, 3000).value_of("somewhere[0].else", Uncertain(2, 4))
    d2 = Sampler(sc, 5).draws(1000, 3000).value_of("somewhere[0].else", Uncertain(2, 4))
    assert d1.min() >= 2 and d1.max() <= 4 and np.array_equal(d1[1000:], d2)


def test_an_edited_range_moves_with_its_draws():
    from accord.scenario.values import Uncertain

    d = Sampler(small(), 0).draws(0, 100)
    base = d.value_of("stances[0].position", Uncertain(10, 30))
    assert np.allclose(d.value_of("stances[0].position", Uncertain(20, 40)), base + 10)


def test_noise_is_added_clipped_and_applies_to_points():
    sc = small()
    plain = sample_arrays(sc, 2000, seed=4)
    noisy = sample_arrays(sc, 2000, seed=4, noise=["position=40", "salience=0.5", "capability=2"])
    x = noisy.position[:, 1, 0]  # b's point position 90 on a 0-100 scale
    assert x.min() >= 0 and x.max() == 100 and np.std(x) > 10
    y = noisy.position[:, 0, 1]  # scale -10..10
    assert y.min() == -10 and y.max() == 10
    s = noisy.salience[noisy.salience > 0]
    assert s.min() >= 0 and s.max() <= 1
    assert noisy.capability.min() == 0 and not np.array_equal(noisy.capability, plain.capability)
    # The factor draws are the same: noise comes after them in each block.
    assert np.array_equal(Sampler(sc, 4).draws(0, 2000).unit, Sampler(sc, 4, noise={"position": 1}).draws(0, 2000).unit)


def test_noise_zero_changes_nothing():
    sc = small()
    assert np.array_equal(
        sample_arrays(sc, 500, seed=1).position,
        sample_arrays(sc, 500, seed=1, noise={"position": 0}).position,
        equal_nan=True,
    )


@pytest.mark.parametrize(
    ("noise", "message"),
    [
        (["position"], "KIND=SIGMA"),
        (["weight=1"], "noise kind must be one of"),
        (["position=abc"], "must be a number"),
        ({"salience": -1}, ">= 0"),
    ],
)
def test_bad_noise_is_a_parameter_error(noise, message):
    with pytest.raises(ParameterError, match=message):
        parse_noise(noise)


def test_parse_noise_orders_kinds():
    assert list(parse_noise(["salience=0.1", "position=5"])) == ["position", "salience"]


@pytest.mark.parametrize("seed", [-1, 1.5, "x"])
def test_bad_seed(seed):
    with pytest.raises(ParameterError, match="seed"):
        Sampler(small(), seed)


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("chunk", [1, 1024, 3000, 5000, None])
def test_results_do_not_depend_on_chunk_size(ukraine, chunk):
    ref = monte_carlo(ukraine, ["compromise", "median"], draws=5000, seed=11, chunk_size=BLOCK, agreement=False)
    res = monte_carlo(ukraine, ["compromise", "median"], draws=5000, seed=11, chunk_size=chunk, agreement=False)
    assert res.chunk_size % BLOCK == 0
    for m in ("compromise", "median"):
        assert np.array_equal(res.forecasts[m], ref.forecasts[m], equal_nan=True)


def test_batch_equals_a_loop_of_single_draws(ukraine):
    res = monte_carlo(ukraine, ["compromise", "median"], draws=40, seed=2, agreement=False)
    arrays = sample_arrays(ukraine, 40, seed=2)
    for m in ("compromise", "median"):
        loop = np.stack([get_model(m).run(arrays.draw(d)).forecast for d in range(40)])
        assert np.allclose(res.forecasts[m], loop, rtol=0, atol=1e-12, equal_nan=True)


def test_summaries_and_frame(ukraine):
    res = monte_carlo(ukraine, ["compromise"], draws=3000, seed=0, agreement=False)
    f = res.forecasts["compromise"]
    assert f.shape == (3000, len(ukraine.issues))
    stats = res.summary()["compromise"]["territory"]
    assert stats["mean"] == pytest.approx(f[:, 0].mean())
    assert stats["sd"] == pytest.approx(f[:, 0].std(ddof=1))
    assert stats["p10"] < stats["p50"] < stats["p90"]
    frame = res.to_frame()
    assert list(frame.columns) == ["model", "issue", "mean", "sd", "p10", "p50", "p90"]
    assert len(frame) == len(ukraine.issues)
    assert frame.loc[0, "mean"] == pytest.approx(stats["mean"])
    assert res.draws_frame("compromise").shape == (3000, len(ukraine.issues))
    data = json.loads(json.dumps(res.to_json(), allow_nan=False))
    assert data["models"]["compromise"]["issues"]["territory"]["p50"] == pytest.approx(stats["p50"])
    assert data["factors"] == len(_ranges_in(ukraine)) and data["block_size"] == BLOCK and data["agreement"] is None


def test_forecasts_stay_within_the_ranges_of_positions():
    res = monte_carlo(small(), ["compromise"], draws=2000, seed=3, agreement=False)
    x = res.forecasts["compromise"][:, 0]
    assert x.min() >= 10 and x.max() <= 90


def test_model_parameters_and_aliases(ukraine):
    res = monte_carlo(ukraine, ["weighted_mean"], draws=10, params={"weighted_mean": {}}, agreement=False)
    assert list(res.forecasts) == ["compromise"]
    with pytest.raises(UnknownModelError):
        monte_carlo(ukraine, ["oracle"], draws=10, agreement=False)


def test_progress_is_reported_per_chunk(ukraine):
    seen = []
    monte_carlo(
        ukraine,
        ["compromise"],
        draws=2500,
        chunk_size=1024,
        agreement=False,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(1024, 2500), (2048, 2500), (2500, 2500)]


def test_executor_gets_every_chunk_and_order_does_not_matter(ukraine):
    def backwards(func, plan, indices):
        for i in reversed(list(indices)):
            yield func(plan, i)

    ref = monte_carlo(ukraine, ["median"], draws=3000, seed=5, chunk_size=1024, agreement=False)
    res = monte_carlo(ukraine, ["median"], draws=3000, seed=5, chunk_size=1024, agreement=False, executor=backwards)
    assert np.array_equal(res.forecasts["median"], ref.forecasts["median"], equal_nan=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 0}, "draws must be a positive integer"),
        ({"draws": 10, "chunk_size": 0}, "chunk_size"),
        ({"draws": 10, "models": [], "agreement": False}, "nothing to evaluate"),
    ],
)
def test_bad_arguments(ukraine, kwargs, message):
    kwargs = {"models": ["compromise"], "agreement": False, **kwargs}
    with pytest.raises(ParameterError, match=message):
        monte_carlo(ukraine, **kwargs)


def test_describe_handles_nan_and_single_values():
    assert describe(np.array([np.nan, np.nan]))["mean"] is None
    one = describe(np.array([3.0, np.nan]))
    assert one["mean"] == 3 and one["sd"] is None and one["p90"] == 3


def test_default_chunk_size_is_whole_blocks_and_shrinks_with_size(ukraine):
    small_chunk = default_chunk_size(ukraine, {"expected_utility": {"rounds": 10}})
    big_chunk = default_chunk_size(ukraine, {"compromise": {}})
    assert small_chunk % BLOCK == 0 and big_chunk % BLOCK == 0 and small_chunk < big_chunk


# --------------------------------------------------------------------------- agreement


def _fake_agreement(monkeypatch):
    """A stand-in agreement analysis: a zone exists when a's capability is below 2; a blocks then."""

    def agreement_arrays(scenario, *, at=None, levers=(), types=None, value_of=None):
        return value_of("actors[0].capability", scenario.actors[0].capability)

    def zone_batch(cap):
        gap = np.asarray(cap) - 2.0
        actor_gap = np.stack([gap, np.full_like(gap, -1.0)], axis=-1)
        return gap <= 0, gap, actor_gap

    monkeypatch.setattr(evaluate, "agreement_arrays", agreement_arrays)
    monkeypatch.setattr(evaluate, "zone_batch", zone_batch)


def test_agreement_draws_with_a_stand_in_analysis(monkeypatch):
    _fake_agreement(monkeypatch)
    sc = small()
    res = monte_carlo(sc, ["compromise"], draws=4000, seed=1)  # veto players: on by default
    ag = res.agreement
    assert ag is not None and ag.zone_exists.shape == (4000,) and ag.actor_gap.shape == (4000, 2)
    assert ag.p_zone == pytest.approx(0.5, abs=0.03)
    assert ag.block_rate[0] == pytest.approx(1 - ag.p_zone) and ag.block_rate[1] == 0
    data = json.loads(json.dumps(res.to_json(), allow_nan=False))
    assert set(data["agreement"]) == {"p_zone", "gap", "blocks"} and data["agreement"]["blocks"]["b"] == 0
    frame = ag.to_frame()
    assert list(frame["actor"]) == ["a", "b"] and frame.attrs["p_zone"] == ag.p_zone
    # Chunking does not change the agreement draws either.
    again = monte_carlo(sc, [], draws=4000, seed=1, chunk_size=1024, agreement=True)
    assert np.array_equal(again.agreement.gap, ag.gap)


def test_midpoint_arrays_are_unchanged_by_the_sampler_module(ukraine):
    # arrays_from_scenario keeps its default: midpoints, no draw axis.
    assert not arrays_from_scenario(ukraine).batched


def test_models_in_rounds_and_random_tie_breaks_do_not_depend_on_chunk_size(ukraine):
    pytest.importorskip("accord.models.exchange")  # registers the model on import
    models = ["expected_utility", "exchange"]
    params = {"expected_utility": {"rounds": 4}, "exchange": {"iterations": 3, "randomized_value": 0.5}}
    kwargs = dict(draws=1030, seed=6, params=params, agreement=False)
    one = monte_carlo(ukraine, models, chunk_size=2048, **kwargs)
    two = monte_carlo(ukraine, models, chunk_size=1024, **kwargs)
    for m in models:
        assert np.array_equal(one.forecasts[m], two.forecasts[m], equal_nan=True)


def expectations():
    """Two veto players on one issue who each expect to do well without a deal.

    a (at 0) expects U(20, 60), b (at 100) expects U(40, 80), saliences 1, no cost: a
    zone exists iff a's expectation is at least b's, probability 1/8; the gap is
    max(e_b - e_a, 0) / 100 with mean 20.833 / 100, shared by both.
    """
    return scenario_from_data(
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


def test_agreement_sampling_matches_the_analytic_answer():
    pytest.importorskip("accord.agreement")
    res = monte_carlo(expectations(), ["compromise"], draws=1500, seed=1)  # veto players: on by default
    ag = res.agreement
    # Tolerances: about 3.5 standard errors at 1,500 draws.
    assert ag.p_zone == pytest.approx(1 / 8, abs=0.03)
    assert ag.gap.mean() == pytest.approx(0.20833, abs=0.014)
    assert np.all(ag.zone_exists == (ag.gap <= 1e-9))
    assert ag.block_rate == pytest.approx([1 - ag.p_zone] * 2, abs=1e-9)
    again = monte_carlo(expectations(), [], draws=1500, seed=1, chunk_size=1024, agreement=True)
    assert np.array_equal(again.agreement.gap, ag.gap)
