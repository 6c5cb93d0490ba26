"""Backtest on DEU III: the published 23.68 check, golden figures, and out-of-sample guarantees.

Golden values were measured on the packaged copy of DEU III; tolerances are stated per test.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.backtest import run as bt
from accord.backtest.deu3 import capabilities, groups, load_deu3
from accord.errors import ModelError
from accord.models.base import Model, ModelResult, get_model, model_names
from accord.runner import run_models

BASE_MODELS = ["compromise", "median"]


@pytest.fixture(scope="module")
def deu3():
    return load_deu3()


@pytest.fixture(scope="module")
def full(deu3):
    return bt.backtest_deu3(deu3, BASE_MODELS, n_boot=400)


def test_salience_weighted_mean_reproduces_23_68(deu3):
    forecast, failed = bt.model_forecasts(deu3, "compromise", capabilities(deu3, "equal"))
    m = bt.error_measures(forecast, deu3.outcome)
    assert failed == 0 and m.n == 353
    assert abs(m.mae - 23.68) < 0.005


def test_scenario_path_gives_the_same_forecasts(deu3):
    cap = capabilities(deu3, "equal")
    direct, _ = bt.model_forecasts(deu3, "compromise", cap)
    from accord.backtest.deu3 import group_scenario

    via = np.full(deu3.n_issues, np.nan)
    for idx in groups(deu3, cap):
        via[idx] = run_models(group_scenario(deu3, idx, cap), ["compromise"]).results["compromise"].forecast
    np.testing.assert_allclose(via, direct, rtol=0, atol=1e-12)


@pytest.mark.parametrize("capability, mae",
                         [("equal", 23.6808), ("gdp", 23.2237), ("council_votes", 23.4131)])
def test_compromise_mae_by_capability(deu3, capability, mae):
    forecast, _ = bt.model_forecasts(deu3, "compromise", capabilities(deu3, capability))
    assert bt.error_measures(forecast, deu3.outcome).mae == pytest.approx(mae, abs=5e-4)


def test_golden_table(full):
    s = full.summary
    assert list(s) == ["compromise", "median", "reference_point", "always_50", "commission_position"]
    assert (s["median"]["n"], s["median"]["mae"]) == (353, pytest.approx(28.4377, abs=5e-4))
    assert (s["reference_point"]["n"], s["reference_point"]["mae"]) == (253, pytest.approx(51.1107, abs=5e-4))
    assert (s["always_50"]["n"], s["always_50"]["mae"]) == (353, pytest.approx(28.0170, abs=5e-4))
    commission = s["commission_position"]
    assert (commission["n"], commission["mae"]) == (348, pytest.approx(37.6983, abs=5e-4))
    c = s["compromise"]
    assert c["rmse"] == pytest.approx(30.3121, abs=5e-4)
    assert c["median_ae"] == pytest.approx(18.5135, abs=5e-4)
    assert c["within10"] == pytest.approx(109 / 353)
    assert c["by_procedure"]["COD"]["n"] + c["by_procedure"]["CNS"]["n"] == 353
    assert c["interval"]["coverage"] == pytest.approx(0.9, abs=0.03)


def test_differences_and_intervals_are_consistent(full):
    s = full.summary
    for name, entry in s.items():
        lo, hi = entry["mae_ci"]
        assert lo <= entry["mae"] <= hi
        if name == "compromise":
            assert "mae_diff_vs_compromise" not in entry
            continue
        d = entry["mae_diff_vs_compromise"]
        assert d["ci"][0] <= d["diff"] <= d["ci"][1]
        assert d["n"] == entry["n"]
    gap = s["median"]["mae"] - s["compromise"]["mae"]
    assert s["median"]["mae_diff_vs_compromise"]["diff"] == pytest.approx(gap)


def test_bootstrap_is_seeded(deu3):
    part = deu3.first_proposals(30)
    a = bt.backtest_deu3(part, BASE_MODELS, n_boot=200, seed=3).summary["median"]["mae_diff_vs_compromise"]
    b = bt.backtest_deu3(part, BASE_MODELS, n_boot=200, seed=3).summary["median"]["mae_diff_vs_compromise"]
    c = bt.backtest_deu3(part, BASE_MODELS, n_boot=200, seed=4).summary["median"]["mae_diff_vs_compromise"]
    assert a == b and a["ci"] != c["ci"]


def test_every_registered_model_is_backtested(deu3):
    result = bt.backtest_deu3(deu3.first_proposals(8), n_boot=50, n_folds=4)
    assert set(model_names()) | set(bt.BASELINES) == set(result.summary)
    for name in model_names():
        assert result.kinds[name] == "model"


def test_error_measures():
    m = bt.error_measures(np.array([0.0, 10.0, 50.0, np.nan]), np.array([5.0, 30.0, 50.0, 1.0]))
    assert m == bt.Measures(3, 25 / 3, np.sqrt((25 + 400) / 3), 5.0, 2 / 3)
    assert bt.error_measures(np.array([np.nan]), np.array([1.0])).n == 0


def test_grouped_folds_keep_groups_together():
    group = np.repeat(np.arange(23), 3)
    folds = bt.grouped_folds(group, 5, seed=1)
    for g in range(23):
        assert len(set(folds[group == g])) == 1
    assert set(folds) == set(range(5))
    assert bt.grouped_folds(np.array([1, 1, 2]), 10).max() == 1


def test_cluster_bootstrap_resamples_whole_groups():
    values = np.array([[1.0, 1.0, 5.0, np.nan]])
    group = np.array([0, 0, 1, 1])
    means = bt.cluster_bootstrap(values, group, n_boot=500, seed=0)[:, 0]
    assert set(np.round(means, 12)) <= {1.0, 5.0, round(7 / 3, 12)}
    assert np.isclose(bt.cluster_bootstrap(values, group, 50, seed=0),
                      bt.cluster_bootstrap(values, group, 50, seed=0)).all()


def test_conformal_quantile_finite_sample_rank():
    r = np.arange(1.0, 20.0)
    assert bt.conformal_quantile(r, 0.9) == 18.0
    assert bt.conformal_quantile(r[:5], 0.9) == np.inf


def test_conformal_intervals_are_out_of_sample(deu3):
    forecast, _ = bt.model_forecasts(deu3, "compromise", capabilities(deu3, "equal"))
    folds = bt.grouped_folds(deu3.proposal_codes, 10, seed=0)
    base = bt.conformal_cv(deu3.outcome, folds, bt.fixed(forecast), 0.9)
    changed = deu3.outcome.copy()
    test = folds == 2
    changed[test] = 100.0 - changed[test]
    again = bt.conformal_cv(changed, folds, bt.fixed(forecast), 0.9)
    np.testing.assert_array_equal(base.lower[test], again.lower[test])
    np.testing.assert_array_equal(base.upper[test], again.upper[test])
    assert not np.array_equal(base.lower[~test], again.lower[~test])


def test_shrinkage_weight_is_fitted_out_of_fold():
    rng = np.random.default_rng(0)
    n = 200
    anchor = rng.uniform(0, 100, n)
    forecast = rng.uniform(0, 100, n)
    outcome = 0.3 * forecast + 0.7 * anchor
    folds = bt.grouped_folds(np.arange(n) // 4, 5, seed=0)
    weights: list[float] = []
    fit = bt.shrinkage(forecast, anchor, outcome, fitted=weights)
    out = bt.conformal_cv(outcome, folds, fit, 0.9)
    assert weights == pytest.approx([0.7] * len(weights))
    np.testing.assert_allclose(out.point, outcome)
    changed = outcome.copy()
    changed[folds == 0] = forecast[folds == 0]
    again = bt.conformal_cv(changed, folds, bt.shrinkage(forecast, anchor, changed), 0.9)
    np.testing.assert_allclose(again.point[folds == 0], out.point[folds == 0])


def test_shrunk_row_reports_fold_weights(deu3):
    result = bt.backtest_deu3(deu3.first_proposals(40), ["compromise"], n_boot=0, shrink=True)
    row = result.summary[bt.SHRUNK]
    assert row["kind"] == "fitted"
    assert len(row["fitted"]["by_fold"]) == result.settings["folds"]
    assert row["mae_ci"] is None


class _Probe(Model):
    name = "probe"
    calls: list[tuple[str, ...]] = []

    def simulate(self, arrays, params, rng, explain):
        type(self).calls.append(arrays.issue_ids)
        if "d00060i1" in arrays.issue_ids:
            raise ModelError("cannot run")
        forecast = np.nanmean(np.where(arrays.present, arrays.position, np.nan), axis=-2)
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, forecast)


def test_multi_issue_grouping_and_failures(deu3, monkeypatch):
    monkeypatch.setattr(bt, "get_model", lambda name: _Probe() if name == "probe" else get_model(name))
    part = deu3.first_proposals(3)
    _Probe.calls = []
    forecast, failed = bt.model_forecasts(part, "probe", capabilities(part, "equal"))
    assert _Probe.calls == [("d00032i1", "d00032i2", "d00032i3", "d00032i4"), ("d00060i1", "d00060i2"),
                            ("d00062i1", "d00062i2", "d00062i3")]
    assert failed == 1 and np.isnan(forecast[4:6]).all()
    assert np.isfinite(forecast[[0, 1, 2, 3, 6, 7, 8]]).all()
    _Probe.calls = []
    bt.model_forecasts(part, "probe", capabilities(part, "equal"), grouping="issue")
    assert all(len(c) == 1 for c in _Probe.calls) and len(_Probe.calls) == 9


def test_predictions_table(full):
    header, rows = bt.predictions_table(full)
    assert header[:7] == ["issue", "proposal", "procedure", "voting_rule", "introduced", "outcome",
                          "reference"]
    assert len(rows) == 353 and len(rows[0]) == len(header)
    assert "compromise_lower" in header and "commission_position_upper" in header


def test_json_shape(full):
    data = bt.backtest_to_json(full)
    assert data["issues"] == 353 and data["proposals"] == 137 and len(data["excluded"]) == 11
    row = data["models"]["compromise"]
    for key in ("n", "mae", "rmse", "median_ae", "within10", "interval", "by_procedure", "seconds"):
        assert key in row
