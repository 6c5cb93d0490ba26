"""Backtest on DEU III: the published 23.68 check, golden figures, and out-of-sample guarantees.

Golden values were measured on the packaged copy of DEU III; tolerances are stated per test.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest

from accord import data as packaged
from accord.backtest import metrics as mt
from accord.backtest import run as bt
from accord.backtest.deu3 import ACTORS, capabilities, group_arrays, groups, load_deu3
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
    m = mt.error_measures(forecast, deu3.outcome)
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


@pytest.mark.parametrize("capability, options, mae", [
    ("equal", {}, 23.6808),
    ("gdp", {}, 23.9033),  # Commission and Parliament at the mean member state's GDP (0.699)
    ("council_votes", {}, 23.4662),  # the Council rule in force at adoption
    ("council_votes", {"council_date": "introduction"}, 23.4131),  # as before the fix
])
def test_compromise_mae_by_capability(deu3, capability, options, mae):
    forecast, _ = bt.model_forecasts(deu3, "compromise", capabilities(deu3, capability, **options))
    assert mt.error_measures(forecast, deu3.outcome).mae == pytest.approx(mae, abs=5e-4)


def test_gdp_with_the_institutions_at_germanys_gdp_gave_the_old_figure(deu3):
    """The old ``gdp`` option's 23.22 came from the file's 4.1 for the Commission and the Parliament."""
    cap = capabilities(deu3, "gdp")
    cap[:, :2] = deu3.gdp[:2]
    forecast, _ = bt.model_forecasts(deu3, "compromise", cap)
    assert mt.error_measures(forecast, deu3.outcome).mae == pytest.approx(23.2237, abs=5e-4)


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
    assert [iv["level"] for iv in c["intervals"]] == [0.8, 0.9]
    for iv in c["intervals"]:
        assert iv["coverage"] == pytest.approx(iv["level"], abs=0.03)
        assert 0 < iv["mean_width"] < 100
    assert c["intervals"][0]["mean_width"] < c["intervals"][1]["mean_width"]


def test_baselines_have_no_interval(full):
    for name in bt.BASELINES:
        row = full.summary[name]
        assert row["intervals"] is None and row["interval_note"].startswith("no interval")
        assert name not in full.intervals
    header, _ = bt.predictions_table(full)
    assert "always_50_lower_90" not in header and "median_lower_80" in header


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


def test_conformal_intervals_are_out_of_sample(deu3):
    forecast, _ = bt.model_forecasts(deu3, "compromise", capabilities(deu3, "equal"))
    folds = mt.grouped_folds(deu3.proposal_codes, 10, seed=0)
    base = mt.conformal_cv(deu3.outcome, folds, mt.fixed(forecast), 0.9)
    changed = deu3.outcome.copy()
    test = folds == 2
    changed[test] = 100.0 - changed[test]
    again = mt.conformal_cv(changed, folds, mt.fixed(forecast), 0.9)
    np.testing.assert_array_equal(base.lower[test], again.lower[test])
    np.testing.assert_array_equal(base.upper[test], again.upper[test])
    assert not np.array_equal(base.lower[~test], again.lower[~test])


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
    assert "compromise_lower_80" in header and "compromise_upper_90" in header


def test_json_shape(full):
    data = bt.backtest_to_json(full)
    assert data["issues"] == 353 and data["proposals"] == 136 and len(data["excluded"]) == 11
    row = data["models"]["compromise"]
    for key in ("n", "proposals", "mae", "rmse", "median_ae", "within10", "intervals", "by_procedure", "seconds"):
        assert key in row
    assert (row["n"], row["proposals"]) == (353, 136)
    assert data["models"]["reference_point"]["proposals"] < 136
    notes = data["data_notes"]
    assert notes["positions_without_salience"]["count"] == 54
    assert len(notes["positions_without_salience"]["where"]) == 54
    assert notes["proposal_corrections"] == [
        {"issue": "d04167i1", "file": "a04163", "used": "d04167"},
        {"issue": "d04167i2", "file": "a04163", "used": "d04167"}]
    assert notes["reference_points"] == {**notes["reference_points"], "recorded": 253, "missing": 100,
                                         "status_quo_when_missing": 0.0}
    assert data["capability_note"].startswith("every actor 1")


def test_erdf_issues_are_one_cluster(deu3):
    erdf = [k for k, i in enumerate(deu3.issue_ids) if i.startswith("d04167")]
    assert len(erdf) == 4
    assert len(set(deu3.proposal_codes[erdf])) == 1
    assert np.unique(deu3.proposal_codes).size == len(deu3.proposals) == 136
    folds = mt.grouped_folds(deu3.proposal_codes, 10, seed=0)
    assert len(set(folds[erdf])) == 1
    boot = mt.cluster_bootstrap(np.ones((1, deu3.n_issues)), deu3.proposal_codes, n_boot=1)
    assert boot.shape == (1, 1)
    assert any(list(g) == erdf for g in groups(deu3, capabilities(deu3, "equal")))


def test_missing_reference_point_is_not_a_status_quo_of_50(deu3):
    missing = np.flatnonzero(np.isnan(deu3.reference))
    assert missing.size == 100
    known = deu3.reference[~np.isnan(deu3.reference)]
    assert np.mean(known == 0) == pytest.approx(198 / 253)
    assert deu3.reference_fill == 0.0
    np.testing.assert_array_equal(deu3.status_quo[missing], 0.0)
    k = deu3.issue_ids.index("d00032i2")
    assert np.isnan(deu3.reference[k])
    arrays = group_arrays(deu3, [0, 1, 2, 3], capabilities(deu3, "equal"))
    assert arrays.status_quo[1] == 0.0 and arrays.status_quo[0] == deu3.reference[0]
    assert bt.baseline_forecasts(deu3)["reference_point"][k] != bt.baseline_forecasts(deu3)["reference_point"][k]


@pytest.fixture(scope="module")
def calibrated(deu3):
    return bt.backtest_deu3(deu3, ["compromise"], capability="calibrated", n_boot=200)


def test_calibrated_capability_is_reported_out_of_fold(deu3, calibrated):
    row = calibrated.summary["compromise"]
    assert row["kind"] == "fitted" and row["n"] == 353
    fits = row["fitted"]["by_fold"]
    assert len(fits) == 10
    assert all(f["alpha"] in mt.ALPHA_GRID and f["beta"] in mt.BETA_GRID for f in fits)
    folds = mt.grouped_folds(deu3.proposal_codes, 10, seed=0)
    cal = bt.Calibration(deu3)
    for k, fit in enumerate(fits):
        a, b = cal.fit(np.flatnonzero(folds != k))
        assert fit == {"alpha": a, "beta": b}
        test = folds == k
        f, _ = cal.forecasts("compromise", a, b)
        np.testing.assert_array_equal(calibrated.forecast["compromise"][test], f[test])
    assert [iv["level"] for iv in row["intervals"]] == [0.8, 0.9]
    # the independent re-analysis reached 23.14 with GDP^0.5 x salience^beta; this grid and this
    # treatment of the Commission and Parliament give 23.34 (see CHANGELOG)
    assert row["mae"] == pytest.approx(23.3417, abs=5e-4)


def test_calibrated_fit_never_sees_its_test_fold(deu3, calibrated):
    """Permuting the held-out fold's outcomes leaves every fitted parameter and forecast of that fold unchanged."""
    folds = mt.grouped_folds(deu3.proposal_codes, 10, seed=0)
    rng = np.random.default_rng(7)
    for k in (0, 3, 9):
        test = np.flatnonzero(folds == k)
        outcome = deu3.outcome.copy()
        outcome[test] = rng.permutation(outcome[test])[::-1]
        outcome[test[0]] = 100.0 - outcome[test[0]]
        assert not np.array_equal(outcome, deu3.outcome)
        changed = replace(deu3, outcome=outcome)
        again = bt.backtest_deu3(changed, ["compromise"], capability="calibrated", n_boot=0)
        before = calibrated.summary["compromise"]["fitted"]["by_fold"]
        after = again.summary["compromise"]["fitted"]["by_fold"]
        assert after[k] == before[k]
        np.testing.assert_array_equal(again.forecast["compromise"][test], calibrated.forecast["compromise"][test])
        for level in (0.8, 0.9):
            np.testing.assert_array_equal(again.intervals["compromise"][level].lower[test],
                                          calibrated.intervals["compromise"][level].lower[test])
        assert bt.Calibration(changed).fit(np.flatnonzero(folds != k)) == \
            bt.Calibration(deu3).fit(np.flatnonzero(folds != k))


def test_capability_comparison_is_paired(deu3, full, calibrated):
    equal = bt.backtest_deu3(deu3, ["compromise"], n_boot=0)
    comp = bt.compare_capabilities({"equal": equal, "calibrated": calibrated}, n_boot=300)
    assert comp["equal"]["compromise"]["diff_vs_reference"] is None
    c = comp["calibrated"]["compromise"]
    assert c["diff_vs_reference"] == pytest.approx(calibrated.summary["compromise"]["mae"] - 23.6808, abs=5e-4)
    assert c["ci"][0] <= c["diff_vs_reference"] <= c["ci"][1]
    assert c["diff_vs_weighted_mean"] == c["diff_vs_reference"]


def test_track_record_sentence_is_computed(full):
    report = bt.backtest_to_json(full)
    mae = report["models"]["compromise"]["mae"]
    width = report["models"]["compromise"]["intervals"][0]["mean_width"]
    assert report["track_record"] == (
        f"On 353 real EU decisions no model beats the weighted mean by a clear margin; the typical error is "
        f"about {mae:.0f} points of a 100-point scale; an 80% interval is about {width:.0f} points wide.")
    assert "about 24 points" in report["track_record"]
    better = json.loads(json.dumps(report))
    better["models"]["median"]["mae_diff_vs_compromise"]["ci"] = [-3.0, -0.5]
    assert bt.track_record_sentence(better).startswith("On 353 real EU decisions median beat the weighted mean")


def test_imputing_the_missing_saliences_would_barely_move_the_weighted_mean(deu3):
    """The documented sensitivity: the 54 positions without a salience, given their issue's mean salience."""
    path = packaged.path("deu3", "deu3.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    col = {c: k for k, c in enumerate(rows[0])}
    by_id = {r[col["isnr"]]: r for r in rows[2:] if len(r) > col["isnr"]}
    raw = np.array([[float(by_id[i][col[f"p{a}"]] or "nan") for a in ACTORS] for i in deu3.issue_ids])
    missing = np.isfinite(raw) & ~deu3.present
    assert missing.sum() == len(deu3.missing_salience) == 54
    issue_mean = np.nanmean(np.where(deu3.present, deu3.salience, np.nan), axis=1)
    salience = np.where(missing, issue_mean[:, None], deu3.salience)
    grid = mt.weighted_mean_grid(raw, salience, np.ones((1, len(ACTORS))), betas=(1.0,))
    assert mt.error_measures(grid[0, 0], deu3.outcome).mae == pytest.approx(23.6465, abs=5e-4)
    dropped = mt.weighted_mean_grid(deu3.position, deu3.salience, np.ones((1, len(ACTORS))), betas=(1.0,))
    assert mt.error_measures(dropped[0, 0], deu3.outcome).mae == pytest.approx(23.6808, abs=5e-4)


def test_the_shipped_track_record_is_the_computed_one():
    from accord.backtest.run import packaged_track_record, track_record_sentence

    assert packaged_track_record() == track_record_sentence()
