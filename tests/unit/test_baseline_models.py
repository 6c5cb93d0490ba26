"""The compromise and median models against hand computations and brute force."""

from __future__ import annotations

import numpy as np
import pytest

from accord.models import get_model
from accord.models.median import weighted_median
from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
from accord.scenario.io import load_scenario
from accord.testing import random_arrays


def one_issue(positions, saliences, capabilities, present=None):
    n = len(positions)
    present = np.ones((n, 1), bool) if present is None else np.asarray(present, bool)[:, None]
    return ScenarioArrays(
        actor_ids=tuple(f"a{k}" for k in range(n)), issue_ids=("i",),
        position=np.where(present, np.asarray(positions, float)[:, None], np.nan),
        salience=np.where(present, np.asarray(saliences, float)[:, None], 0.0),
        capability=np.asarray(capabilities, float), present=present,
        scale_min=np.zeros(1), scale_max=np.full(1, 100.0), status_quo=np.full(1, 50.0),
    )


def test_compromise_ec_car_emissions(data_dir):
    arrays = arrays_from_scenario(load_scenario(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert get_model("compromise").run(arrays).forecast[0] == pytest.approx(7.38996, abs=5e-6)


def test_compromise_formula():
    res = get_model("compromise").run(one_issue([0, 100, 40], [1, 0.5, 0.2], [1, 2, 5]))
    assert res.forecast[0] == pytest.approx((0 * 1 + 100 * 1 + 40 * 1) / (1 + 1 + 1))


def test_absent_actor_is_ignored_not_zero():
    res = get_model("compromise").run(one_issue([80, 90, 0], [1, 1, 1], [1, 1, 100], present=[1, 1, 0]))
    assert res.forecast[0] == pytest.approx(85)


def test_zero_weight_falls_back_to_plain_mean_and_empty_issue_is_nan():
    res = get_model("compromise").run(one_issue([10, 30], [0, 0], [1, 1]))
    assert res.forecast[0] == pytest.approx(20)
    empty = one_issue([10, 30], [1, 1], [1, 1], present=[0, 0])
    assert np.isnan(get_model("compromise").run(empty).forecast[0])
    assert np.isnan(get_model("median").run(empty).forecast[0])


@pytest.mark.parametrize(
    ("positions", "weights", "expected"),
    [([10, 20, 30], [1, 1, 1], 20), ([10, 20, 30], [5, 1, 1], 10), ([10, 20, 30, 40], [1, 1, 1, 1], 25),
     ([40, 10, 30, 20], [1, 1, 1, 1], 25), ([0, 100], [3, 1], 0), ([0, 50, 100], [1, 0, 1], 50)],
)
def test_weighted_median_cases(positions, weights, expected):
    arrays = one_issue(positions, weights, np.ones(len(positions)))
    assert get_model("median").run(arrays).forecast[0] == pytest.approx(expected)


def test_weighted_median_minimises_weighted_absolute_deviation():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = rng.integers(1, 9)
        x = rng.integers(0, 20, n).astype(float)
        w = rng.random(n) + 0.01
        m = weighted_median(x[:, None], w[:, None], np.ones((n, 1), bool))[0]
        grid = np.linspace(x.min(), x.max(), 401)
        costs = np.abs(x[None, :] - grid[:, None]) @ w
        assert np.sum(w * np.abs(x - m)) <= costs.min() + 1e-9


def test_batched_draws_through_value_of(data_dir):
    sc = load_scenario(data_dir / "ktab" / "SOE-Pol-Comp.csv")
    rng = np.random.default_rng(0)
    arrays = arrays_from_scenario(sc, lambda path, u: u.mid + rng.normal(0, 1, size=4))
    res = get_model("compromise").run(arrays)
    assert res.forecast.shape == (4, 2)
    for d in range(4):
        np.testing.assert_allclose(get_model("compromise").run(arrays.draw(d)).forecast, res.forecast[d])


def test_random_cases_have_forecasts_between_extreme_positions():
    arrays = random_arrays(np.random.default_rng(11), n_actors=9, n_issues=6)
    for name in ("compromise", "median"):
        f = get_model(name).run(arrays).forecast
        lo = np.nanmin(arrays.position, axis=0)
        hi = np.nanmax(arrays.position, axis=0)
        assert np.all((f >= lo - 1e-9) & (f <= hi + 1e-9))
