"""Chunked Monte Carlo: results independent of chunking, summaries, the agreement draws."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from accord.errors import ParameterError, UnknownModelError
from accord.experiments import evaluate
from accord.experiments.evaluate import default_chunk_size
from accord.experiments.montecarlo import describe, monte_carlo
from accord.experiments.sampling import BLOCK, sample_arrays
from accord.models import get_model
from accord.scenario.arrays import arrays_from_scenario
from accord.scenario.io import scenario_from_data

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


def test_summaries_and_frame(ukraine, ranges_in):
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
    red_lines = sum(f.kind == "red_line" for f in res.factors)
    assert red_lines == 25
    assert data["factors"] == len(ranges_in(ukraine)) + red_lines
    assert data["block_size"] == BLOCK and data["agreement"] is None


def test_forecasts_stay_within_the_ranges_of_positions(small):
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

    def agreement_outputs(scenario, value_of, n, options):
        gap = np.asarray(value_of("actors[0].capability", scenario.actors[0].capability)) - 2.0
        actor_gap = np.stack([gap, np.full_like(gap, -1.0)], axis=-1)
        return {"zone_exists": gap <= 0, "gap": gap, "actor_gap": actor_gap, "score": -gap,
                "held": np.zeros((n, 0), dtype=bool)}

    monkeypatch.setattr(evaluate, "agreement_outputs", agreement_outputs)


def test_agreement_draws_with_a_stand_in_analysis(small, monkeypatch):
    _fake_agreement(monkeypatch)
    sc = small()
    res = monte_carlo(sc, ["compromise"], draws=4000, seed=1)  # veto players: on by default
    ag = res.agreement
    assert ag is not None and ag.zone_exists.shape == (4000,) and ag.actor_gap.shape == (4000, 2)
    assert ag.p_zone == pytest.approx(0.5, abs=0.03)
    assert ag.block_rate[0] == pytest.approx(1 - ag.p_zone) and ag.block_rate[1] == 0
    data = json.loads(json.dumps(res.to_json(), allow_nan=False))
    assert set(data["agreement"]) == {"p_zone", "p_zone_se", "draws", "gap", "blocks", "red_lines"}
    assert data["agreement"]["blocks"]["b"] == 0 and data["agreement"]["red_lines"] == []
    assert data["agreement"]["p_zone_se"] == pytest.approx(math.sqrt(ag.p_zone * (1 - ag.p_zone) / 4000))
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


def test_the_agreement_analysis_may_run_on_the_first_draws_only(small, monkeypatch):
    _fake_agreement(monkeypatch)
    sc = small()
    full = monte_carlo(sc, ["compromise"], draws=3000, seed=2, agreement=True)
    capped = monte_carlo(sc, ["compromise"], draws=3000, seed=2, agreement=True, agreement_draws=1100)
    assert np.array_equal(capped.forecasts["compromise"], full.forecasts["compromise"])
    assert capped.agreement.zone_exists.shape == (1100,)
    assert np.array_equal(capped.agreement.gap, full.agreement.gap[:1100])
    assert capped.to_json()["agreement"]["draws"] == 1100
