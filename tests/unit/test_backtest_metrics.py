"""The backtest's pure measures: errors, folds, cluster bootstrap, conformal intervals, fitted weights."""

from __future__ import annotations

import numpy as np
import pytest

from accord.backtest import metrics as mt


def test_error_measures():
    m = mt.error_measures(np.array([0.0, 10.0, 50.0, np.nan]), np.array([5.0, 30.0, 50.0, 1.0]))
    assert m == mt.Measures(3, 25 / 3, np.sqrt((25 + 400) / 3), 5.0, 2 / 3)
    assert mt.error_measures(np.array([np.nan]), np.array([1.0])).n == 0


def test_grouped_folds_keep_groups_together():
    group = np.repeat(np.arange(23), 3)
    folds = mt.grouped_folds(group, 5, seed=1)
    for g in range(23):
        assert len(set(folds[group == g])) == 1
    assert set(folds) == set(range(5))
    assert mt.grouped_folds(np.array([1, 1, 2]), 10).max() == 1


def test_cluster_bootstrap_resamples_whole_groups():
    values = np.array([[1.0, 1.0, 5.0, np.nan]])
    group = np.array([0, 0, 1, 1])
    means = mt.cluster_bootstrap(values, group, n_boot=500, seed=0)[:, 0]
    assert set(np.round(means, 12)) <= {1.0, 5.0, round(7 / 3, 12)}
    assert np.isclose(mt.cluster_bootstrap(values, group, 50, seed=0),
                      mt.cluster_bootstrap(values, group, 50, seed=0)).all()


def test_conformal_quantile_finite_sample_rank():
    r = np.arange(1.0, 20.0)
    assert mt.conformal_quantile(r, 0.9) == 18.0
    assert mt.conformal_quantile(r[:5], 0.9) == np.inf


def test_shrinkage_weight_is_fitted_out_of_fold():
    rng = np.random.default_rng(0)
    n = 200
    anchor = rng.uniform(0, 100, n)
    forecast = rng.uniform(0, 100, n)
    outcome = 0.3 * forecast + 0.7 * anchor
    folds = mt.grouped_folds(np.arange(n) // 4, 5, seed=0)
    weights: list[float] = []
    fit = mt.shrinkage(forecast, anchor, outcome, fitted=weights)
    out = mt.conformal_cv(outcome, folds, fit, 0.9)
    assert weights == pytest.approx([0.7] * len(weights))
    np.testing.assert_allclose(out.point, outcome)
    changed = outcome.copy()
    changed[folds == 0] = forecast[folds == 0]
    again = mt.conformal_cv(changed, folds, mt.shrinkage(forecast, anchor, changed), 0.9)
    np.testing.assert_allclose(again.point[folds == 0], out.point[folds == 0])




def test_power_weights_keep_zero_at_zero():
    w = mt.power_weights(np.array([4.0, 0.0, 1.0]), np.array([0.25, 0.5, 0.0]), 0.5, 0.0)
    np.testing.assert_allclose(w, [2.0, 0.0, 0.0])


def test_weighted_mean_grid_at_alpha_0_beta_1_is_the_salience_weighted_mean():
    position = np.array([[0.0, 100.0, np.nan], [20.0, 40.0, 60.0]])
    salience = np.array([[0.5, 0.25, 0.0], [1.0, 1.0, 0.5]])
    gdp = np.array([1.0, 4.0, 9.0])
    grid = mt.weighted_mean_grid(position, salience, np.array([gdp**0.0, gdp**0.5]), betas=(0.0, 1.0))
    assert grid.shape == (2, 2, 2)
    np.testing.assert_allclose(grid[0, 1], [100 * 0.25 / 0.75, (20 + 40 + 30) / 2.5])
    np.testing.assert_allclose(grid[0, 0], [50.0, 40.0])
    np.testing.assert_allclose(grid[1, 0], [200 / 3, (20 + 80 + 180) / 6])


def test_fit_power_weights_recovers_the_exponents_from_the_training_issues_only():
    rng = np.random.default_rng(1)
    n_issues, n_actors = 120, 8
    position = rng.uniform(0, 100, (n_issues, n_actors))
    salience = rng.uniform(0.1, 1.0, (n_issues, n_actors))
    gdp = rng.uniform(0.05, 4.0, n_actors)
    alphas, betas = mt.ALPHA_GRID, mt.BETA_GRID
    grid = mt.weighted_mean_grid(position, salience, np.array([gdp**a for a in alphas]), betas)
    truth = grid[alphas.index(0.75), betas.index(1.5)]
    train = np.arange(80)
    assert mt.fit_power_weights(grid, truth, train, alphas, betas)[:2] == (0.75, 1.5)
    scrambled = truth.copy()
    scrambled[80:] = rng.uniform(0, 100, 40)
    assert mt.fit_power_weights(grid, scrambled, train, alphas, betas) == \
        mt.fit_power_weights(grid, truth, train, alphas, betas)
