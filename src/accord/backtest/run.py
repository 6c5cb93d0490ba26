"""Backtest the models on DEU III: forecasts, fitted options out of fold, summaries, the track record.

:func:`backtest_deu3` runs every registered model (and three baselines: the reference
point, the middle of the scale, the Commission's position) over the DEU III issues
(:mod:`accord.backtest.deu3`) and summarises the errors overall and per legislative
procedure, each row's difference in MAE from the compromise model with a cluster
bootstrap confidence interval, and the out-of-sample coverage and width of each model's
80% and 90% conformal prediction intervals. The measures themselves are the pure
functions of :mod:`accord.backtest.metrics`.

Rows with fitted parameters are reported out of fold only (folds grouped by proposal):

- ``--shrink``: the compromise forecast moved toward the reference point by a fitted weight;
- ``capability="calibrated"``: every model runs with capability ``GDP^α`` and saliences
  raised to ``β``, α and β chosen on the training folds only (the least MAE of the
  weighted mean ``GDP^α × salience^β``, :func:`accord.backtest.metrics.fit_power_weights`);
  the issues of a fold are forecast with the exponents fitted without them.

:func:`compare_capabilities` gives each model's paired MAE difference between a
capability option and ``equal``; :func:`track_record_sentence` says in one sentence what
the backtest shows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np

from accord.backtest.deu3 import (
    ACTORS,
    Capability,
    Deu3,
    capabilities,
    capability_note,
    group_arrays,
    groups,
    load_deu3,
)
from accord.backtest.metrics import (
    ALPHA_GRID,
    BETA_GRID,
    FitPredict,
    Intervals,
    as_json_number,
    cluster_bootstrap,
    conformal_cv,
    error_measures,
    fit_power_weights,
    fixed,
    grouped_folds,
    percentile_interval,
    power_weights,
    shrinkage,
    weighted_mean_grid,
)
from accord.backtest.record import TRACK_RECORD_FILE as TRACK_RECORD_FILE
from accord.backtest.record import packaged_track_record as packaged_track_record
from accord.errors import ModelError
from accord.models.base import get_model, model_names

REFERENCE_MODEL = "compromise"
SHRUNK = "compromise_rp_cv"
BASELINES: dict[str, str] = {
    "reference_point": "the reference point (the outcome without a new act)",
    "always_50": "the middle of the 0-100 scale",
    "commission_position": "the Commission's position",
}
NO_INTERVAL = "no interval: a baseline is a fixed rule, not a forecast with an error model"
PROCEDURES = ("COD", "CNS")
LEVELS = (0.8, 0.9)
MISSING_SALIENCE_NOTE = ("left out: the actor takes no part in that issue, since every model weighs an actor "
                         "by its salience and the file gives none")

def model_forecasts(data: Deu3, model: str, capability: np.ndarray, *, grouping: str = "proposal",
                    params: dict[str, Any] | None = None, seed: int = 0,
                    only: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Run ``model`` on every scenario of ``data`` and collect one forecast per issue.

    Each scenario (a proposal's issues, or one issue; see :func:`accord.backtest.deu3.groups`)
    gets its own generator, seeded with ``[seed, scenario number]``, so a scenario's
    forecast does not depend on which other scenarios are run.

    Parameters
    ----------
    data : Deu3
    model : str
    capability : ndarray, shape (I, A)
    grouping : {"proposal", "issue"}
    params : dict, optional
    seed : int
    only : ndarray of bool, shape (I,), optional
        Run only the scenarios holding at least one of these issues (the others stay NaN).

    Returns
    -------
    forecast : ndarray, shape (I,)
        NaN where the model gave none.
    failed : int
        Scenarios on which the model raised :class:`~accord.errors.ModelError`.
    """
    m = get_model(model)
    p = m.parse_params(params)
    out = np.full(data.n_issues, np.nan)
    failed = 0
    for g, idx in enumerate(groups(data, capability, grouping)):  # type: ignore[arg-type]
        if only is not None and not only[idx].any():
            continue
        arrays = group_arrays(data, idx, capability)
        try:
            result = m.run(arrays, p, np.random.default_rng([seed, g]))
        except ModelError:
            failed += 1
            continue
        out[idx] = result.forecast
    return out, failed


def baseline_forecasts(data: Deu3) -> dict[str, np.ndarray]:
    """The naive forecasts: reference point, 50, the Commission's position (NaN where unknown)."""
    return {
        "reference_point": np.array(data.reference, dtype=float),
        "always_50": np.full(data.n_issues, 50.0),
        "commission_position": np.array(data.position[:, ACTORS.index("com")], dtype=float),
    }


def scaled_salience(data: Deu3, beta: float) -> Deu3:
    """``data`` with every salience raised to ``beta`` (0 stays 0)."""
    if beta == 1.0:
        return data
    s = power_weights(1.0, data.salience, 0.0, beta)
    s.flags.writeable = False
    return replace(data, salience=s)


class Calibration:
    """The ``calibrated`` capability: exponents fitted on training issues, forecasts at fitted exponents.

    Parameters
    ----------
    data : Deu3
    alphas, betas : sequence of float
        The grid (:data:`accord.backtest.metrics.ALPHA_GRID`, :data:`~accord.backtest.metrics.BETA_GRID`).

    Notes
    -----
    :meth:`fit` reads only the outcomes of the training issues it is given; every model
    runs once per distinct pair of fitted exponents (cached), on every scenario.
    """

    def __init__(self, data: Deu3, alphas: Sequence[float] = ALPHA_GRID, betas: Sequence[float] = BETA_GRID,
                 *, grouping: str = "proposal", params: Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.data = data
        self.alphas = tuple(float(a) for a in alphas)
        self.betas = tuple(float(b) for b in betas)
        self.grouping = grouping
        self.params = dict(params or {})
        self.seed = seed
        cap = np.array([capabilities(data, "calibrated", alpha=a)[0] for a in self.alphas])
        self.grid = weighted_mean_grid(data.position, data.salience, cap, self.betas)
        self._fits: dict[bytes, tuple[float, float]] = {}
        self._runs: dict[tuple[str, float, float], tuple[np.ndarray, np.ndarray, list[int]]] = {}

    def fit(self, train: np.ndarray) -> tuple[float, float]:
        """(α, β) with the least MAE of the weighted mean on the issues ``train`` (ties: smallest α, then β)."""
        train = np.asarray(train, dtype=np.int64)
        key = train.tobytes()
        if key not in self._fits:
            a, b, _ = fit_power_weights(self.grid, self.data.outcome, train, self.alphas, self.betas)
            self._fits[key] = (a, b)
        return self._fits[key]

    def forecasts(self, model: str, alpha: float, beta: float,
                  need: np.ndarray | None = None) -> tuple[np.ndarray, int]:
        """Forecasts by ``model`` at the exponents ``(alpha, beta)``, and the failed scenarios so far.

        Parameters
        ----------
        need : ndarray of int, optional
            The issues wanted (default all); the scenarios holding them are run, once.

        Returns
        -------
        forecast : ndarray, shape (I,)
            NaN on issues not (yet) run and where the model gave none.
        failed : int
        """
        key = (model, alpha, beta)
        if key not in self._runs:
            self._runs[key] = (np.full(self.data.n_issues, np.nan), np.zeros(self.data.n_issues, dtype=bool), [0])
        out, done, failed = self._runs[key]
        want = np.ones(self.data.n_issues, dtype=bool) if need is None else np.isin(
            np.arange(self.data.n_issues), need)
        todo = want & ~done
        if todo.any():
            cap = capabilities(self.data, "calibrated", alpha=alpha)
            f, n_failed = model_forecasts(scaled_salience(self.data, beta), model, cap, grouping=self.grouping,
                                          params=self.params.get(model), seed=self.seed, only=todo)
            ran = np.zeros(self.data.n_issues, dtype=bool)
            for idx in groups(self.data, cap, self.grouping):  # type: ignore[arg-type]
                if todo[idx].any():
                    ran[idx] = True
            out[ran] = f[ran]
            done |= ran
            failed[0] += n_failed
        return out, failed[0]

    def fit_predict(self, model: str) -> FitPredict:
        """A forecaster for :func:`~accord.backtest.metrics.conformal_cv`: fit on ``train``, forecast ``test``."""
        def fp(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            a, b = self.fit(train)
            return self.forecasts(model, a, b, test)[0][test]
        return fp


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Forecasts, intervals and summary measures of a backtest.

    Attributes
    ----------
    data : Deu3
    names : tuple of str
        Rows in order: the compromise model, the other models, the cross-validated
        shrinkage, the baselines.
    kinds : dict of str to str
        ``model``, ``fitted`` (parameters fitted by grouped cross-validation; reported
        out of fold) or ``baseline``.
    forecast : dict of str to ndarray, shape (I,)
        Forecasts (out of fold for fitted rows).
    intervals : dict of str to dict of float to Intervals
        Each row's prediction intervals by level (none for baselines).
    summary : dict of str to dict
        The measures per row, as in :func:`backtest_to_json`.
    seconds : dict of str to float
        Time to produce each row's forecasts.
    settings : dict
    """

    data: Deu3
    names: tuple[str, ...]
    kinds: dict[str, str]
    forecast: dict[str, np.ndarray]
    intervals: dict[str, dict[float, Intervals]]
    summary: dict[str, dict[str, Any]]
    seconds: dict[str, float]
    settings: dict[str, Any] = field(default_factory=dict)


def _stratum_summary(names: Sequence[str], forecast: dict[str, np.ndarray], outcome: np.ndarray,
                     group: np.ndarray, mask: np.ndarray, n_boot: int, ci: float,
                     seed: int) -> dict[str, Any]:
    idx = np.flatnonzero(mask)
    y = outcome[idx]
    abs_err = np.array([np.abs(forecast[n][idx] - y) for n in names])
    ref = abs_err[list(names).index(REFERENCE_MODEL)]
    diffs = abs_err - ref
    boot = cluster_bootstrap(np.vstack([abs_err, diffs]), group[idx], n_boot, seed) if n_boot > 0 else None
    out: dict[str, Any] = {}
    for r, name in enumerate(names):
        entry = error_measures(forecast[name][idx], y).to_dict()
        has = np.isfinite(forecast[name][idx])
        entry["proposals"] = int(np.unique(group[idx][has]).size)
        entry["mae_ci"] = ([as_json_number(v) for v in percentile_interval(boot[:, r], ci)]
                           if boot is not None else None)
        if name != REFERENCE_MODEL:
            both = np.isfinite(diffs[r])
            entry["mae_diff_vs_compromise"] = {
                "n": int(both.sum()),
                "diff": as_json_number(float(diffs[r][both].mean())) if both.any() else None,
                "ci": ([as_json_number(v) for v in percentile_interval(boot[:, len(names) + r], ci)]
                       if boot is not None else None),
            }
        out[name] = entry
    return out


def backtest_deu3(
    data: Deu3 | None = None,
    models: Sequence[str] | None = None,
    *,
    capability: Capability = "equal",
    council_date: str = "adoption",
    grouping: str = "proposal",
    params: dict[str, dict[str, Any]] | None = None,
    n_boot: int = 2000,
    n_folds: int = 10,
    levels: Sequence[float] = LEVELS,
    ci: float = 0.95,
    seed: int = 0,
    shrink: bool = False,
) -> BacktestResult:
    """Backtest models and baselines on DEU III.

    Parameters
    ----------
    data : Deu3, optional
        Default: the packaged copy (:func:`accord.backtest.deu3.load_deu3`).
    models : sequence of str, optional
        Registered model names or aliases; default every registered model. The
        compromise model is always included, first: it is the reference of the differences.
    capability : {"equal", "gdp", "council_votes", "calibrated"}
        See :func:`accord.backtest.deu3.capabilities`. Under ``calibrated`` every model
        row is fitted: the issues of each fold are forecast at the exponents fitted on
        the other folds (:class:`Calibration`).
    council_date : {"adoption", "introduction"}
        The date that picks the Council's voting rule under ``council_votes``.
    grouping : {"proposal", "issue"}
        One scenario per proposal (its issues together) or per issue.
    params : dict of model name to parameters, optional
    n_boot : int
        Bootstrap resamples of proposals (0: no confidence intervals).
    n_folds : int
        Grouped cross-validation folds (by proposal) for the intervals and the fitted rows.
    levels : sequence of float
        Target coverages of the prediction intervals (default 0.8 and 0.9).
    ci : float
        Level of the bootstrap confidence intervals.
    seed : int
        Seeds the models' generators, the folds and the bootstrap.
    shrink : bool
        Add the compromise forecast shrunk toward the reference point, with the
        weight fitted by grouped cross-validation (reported out of fold only; the
        weight fitted in each fold is in the row's ``fitted`` entry).

    Returns
    -------
    BacktestResult
    """
    data = load_deu3() if data is None else data
    if data.n_issues == 0:
        raise ValueError(f"{data.source}: no issue with a valid outcome")
    levels = tuple(float(v) for v in levels)
    if not levels or not all(0.0 < v < 1.0 for v in levels):
        raise ValueError(f"interval levels must be between 0 and 1, got {levels}")
    names = [REFERENCE_MODEL]
    for name in models if models else model_names():
        canonical = get_model(name).name
        if canonical not in names:
            names.append(canonical)
    y = data.outcome
    group = data.proposal_codes
    folds = grouped_folds(group, n_folds, seed)
    fold_ids = np.unique(folds)
    calibrated = capability == "calibrated"
    kinds = {n: "fitted" if calibrated else "model" for n in names}
    forecast: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    failed: dict[str, int] = {}
    fitters: dict[str, FitPredict] = {}
    fitted: dict[str, dict[str, Any]] = {}
    if calibrated:
        cal = Calibration(data, grouping=grouping, params=params, seed=seed)
        by_fold = [cal.fit(np.flatnonzero(folds != k)) for k in fold_ids]
        for name in names:
            start = time.perf_counter()
            out = np.full(data.n_issues, np.nan)
            for k, (a, b) in zip(fold_ids, by_fold, strict=True):
                test = np.flatnonzero(folds == k)
                f, _ = cal.forecasts(name, a, b, test)
                out[test] = f[test]
            scenarios = groups(data, capabilities(data, "calibrated", alpha=1.0), grouping)  # type: ignore[arg-type]
            forecast[name] = out
            failed[name] = sum(bool(np.isnan(out[idx]).all()) for idx in scenarios)
            fitters[name] = cal.fit_predict(name)
            fitted[name] = {"parameter": "exponents (alpha on GDP, beta on salience) of the weights",
                            "by_fold": [{"alpha": a, "beta": b} for a, b in by_fold]}
            seconds[name] = time.perf_counter() - start
    else:
        cap = capabilities(data, capability, council_date=council_date)
        for name in names:
            start = time.perf_counter()
            forecast[name], failed[name] = model_forecasts(
                data, name, cap, grouping=grouping, params=(params or {}).get(name), seed=seed)
            seconds[name] = time.perf_counter() - start
            fitters[name] = fixed(forecast[name])

    if shrink:
        kinds[SHRUNK] = "fitted"
        names.append(SHRUNK)
        weights: list[float] = []
        if calibrated:
            def base_at(train: np.ndarray) -> np.ndarray:
                return cal.forecasts(REFERENCE_MODEL, *cal.fit(train))[0]  # the weighted mean: cheap
        else:
            def base_at(train: np.ndarray) -> np.ndarray:
                return forecast[REFERENCE_MODEL]
        fitters[SHRUNK] = _shrunk(base_at, data.reference, y)
        record = _shrunk(base_at, data.reference, y, weights)
        start = time.perf_counter()
        out = np.full(data.n_issues, np.nan)
        for k in fold_ids:
            test = np.flatnonzero(folds == k)
            out[test] = record(np.flatnonzero(folds != k), test)
        forecast[SHRUNK] = out
        seconds[SHRUNK] = time.perf_counter() - start
        fitted[SHRUNK] = {"parameter": "weight on the reference point", "by_fold": weights}
    for name, f in baseline_forecasts(data).items():
        kinds[name] = "baseline"
        names.append(name)
        forecast[name] = f
        seconds[name] = 0.0

    intervals: dict[str, dict[float, Intervals]] = {}
    for name in names:
        if kinds[name] == "baseline":
            continue
        start = time.perf_counter()
        intervals[name] = {v: conformal_cv(y, folds, fitters[name], v) for v in levels}
        if not all(np.array_equal(iv.point, forecast[name], equal_nan=True) for iv in intervals[name].values()):
            raise RuntimeError(f"{name}: the intervals are not centred on the out-of-fold forecasts")
        seconds[name] += time.perf_counter() - start

    strata = {"all": np.ones(data.n_issues, dtype=bool)}
    strata.update({p: np.array([x == p for x in data.procedure]) for p in PROCEDURES})
    per_stratum = {
        label: _stratum_summary(names, forecast, y, group, mask, n_boot, ci, seed + s)
        for s, (label, mask) in enumerate(strata.items()) if mask.any()
    }
    summary: dict[str, dict[str, Any]] = {}
    for name in names:
        entry: dict[str, Any] = {"kind": kinds[name], **per_stratum["all"][name]}
        if name in intervals:
            entry["intervals"] = [{"level": v, "coverage": as_json_number(intervals[name][v].coverage(y)),
                                   "mean_width": as_json_number(intervals[name][v].mean_width())}
                                  for v in levels]
        else:
            entry["intervals"] = None
            entry["interval_note"] = NO_INTERVAL
        entry["by_procedure"] = {p: per_stratum[p][name] for p in PROCEDURES if p in per_stratum}
        entry["seconds"] = seconds.get(name)
        if name in failed:
            entry["failed_scenarios"] = failed[name]
        if name in fitted:
            entry["fitted"] = fitted[name]
        summary[name] = entry
    settings = {"capability": capability,
                "capability_note": capability_note(data, capability, council_date=council_date),
                "council_date": council_date, "grouping": grouping, "seed": seed,
                "bootstrap": n_boot, "ci": ci, "folds": int(fold_ids.size), "levels": list(levels)}
    return BacktestResult(
        data=data, names=tuple(names), kinds=kinds, forecast=forecast, intervals=intervals,
        summary=summary, seconds=seconds, settings=settings,
    )


def _shrunk(base_at: Callable[[np.ndarray], np.ndarray], anchor: np.ndarray, outcome: np.ndarray,
            record: list[float] | None = None) -> FitPredict:
    """:func:`~accord.backtest.metrics.shrinkage` of the forecasts ``base_at(train)`` (fitted on ``train``)."""
    def fp(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        return shrinkage(base_at(train), anchor, outcome, fitted=record)(train, test)
    return fp


def compare_capabilities(results: Mapping[str, BacktestResult], *, reference: str = "equal",
                         n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Each row's MAE under every capability option, and its paired difference from ``reference``.

    Parameters
    ----------
    results : mapping of capability option to BacktestResult
        Backtests of the same data; must include ``reference``.
    reference : str
    n_boot, ci, seed
        The cluster bootstrap over proposals (the same resamples for every row).

    Returns
    -------
    dict
        ``{capability: {row: {"mae", "n", "diff_vs_reference", "ci", "diff_vs_weighted_mean",
        "ci_vs_weighted_mean"}}}`` for the rows that are not baselines and are in both
        backtests: the paired MAE difference from the same row under ``reference``
        (None for the reference itself), and from the compromise model under
        ``reference`` (the weighted mean when ``reference`` is ``equal``).
    """
    base = results[reference]
    y = base.data.outcome
    group = base.data.proposal_codes
    out: dict[str, dict[str, Any]] = {}
    for cap, res in results.items():
        if res.data.n_issues != base.data.n_issues or res.data.issue_ids != base.data.issue_ids:
            raise ValueError("capability comparisons need backtests of the same issues")
        rows = [n for n in res.names if res.kinds[n] != "baseline" and n in base.forecast]
        ref_err = np.abs(base.forecast[REFERENCE_MODEL] - y)
        diffs = np.array([np.abs(res.forecast[n] - y) - np.abs(base.forecast[n] - y) for n in rows]
                         + [np.abs(res.forecast[n] - y) - ref_err for n in rows])
        boot = cluster_bootstrap(diffs, group, n_boot, seed) if n_boot > 0 else None

        entry: dict[str, Any] = {}
        for r, name in enumerate(rows):
            d, d_ci = _mean_ci(diffs, boot, r, ci, cap == reference)
            w, w_ci = _mean_ci(diffs, boot, len(rows) + r, ci, cap == reference and name == REFERENCE_MODEL)
            entry[name] = {"mae": res.summary[name]["mae"], "n": int(np.isfinite(diffs[r]).sum()),
                           "diff_vs_reference": d, "ci": d_ci, "diff_vs_weighted_mean": w, "ci_vs_weighted_mean": w_ci}
        out[cap] = entry
    return out


def _mean_ci(diffs: np.ndarray, boot: np.ndarray | None, r: int, ci: float, skip: bool) -> tuple[Any, Any]:
    both = np.isfinite(diffs[r])
    if skip or not both.any():
        return None, None
    return (as_json_number(float(diffs[r][both].mean())),
            None if boot is None else [as_json_number(v) for v in percentile_interval(boot[:, r], ci)])


def backtest_to_json(result: BacktestResult) -> dict[str, Any]:
    """The backtest as plain JSON data.

    Shape: ``{"dataset", "issues", "proposals", "excluded": [{"issue", "proposal", "reason"}],
    "data_notes": {...}, settings..., "models": {NAME: {"kind", "n", "proposals", "mae", "rmse",
    "median_ae", "within10", "mae_ci", "mae_diff_vs_compromise": {"n", "diff", "ci"},
    "intervals": [{"level", "coverage", "mean_width"}] or null (baselines, with "interval_note"),
    "by_procedure": {"COD": {...}, "CNS": {...}}, "seconds", "fitted"?}}, "track_record"}``.
    ``proposals`` counts the proposals (the clusters of the folds and of the bootstrap).
    Missing values are null.
    """
    data = result.data
    report = {
        "dataset": data.source,
        "issues": data.n_issues,
        "proposals": len(data.proposals),
        "excluded": [{"issue": i, "proposal": p, "reason": r} for i, p, r in data.excluded],
        "data_notes": data_notes(data),
        **result.settings,
        "reference_model": REFERENCE_MODEL,
        "models": result.summary,
    }
    report["track_record"] = track_record_sentence(report)
    return report


def data_notes(data: Deu3) -> dict[str, Any]:
    """What the loader did with the file's gaps and inconsistencies, with counts."""
    missing_rp = int(np.isnan(data.reference).sum())
    return {
        "positions_without_salience": {"count": len(data.missing_salience), "treatment": MISSING_SALIENCE_NOTE,
                                       "where": [{"issue": i, "actor": a} for i, a in data.missing_salience]},
        "proposal_corrections": [{"issue": i, "file": f, "used": u} for i, f, u in data.corrections],
        "reference_points": {
            "recorded": int(data.n_issues - missing_rp), "missing": missing_rp,
            "status_quo_when_missing": as_json_number(data.reference_fill),
            "treatment": ("the reference-point baseline skips issues without one; a scenario's status quo is the "
                          "most common recorded reference point of the file"),
        },
    }


def track_record(report: Mapping[str, Any], level: float = 0.8,
                 comparison: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The figures behind :func:`track_record_sentence`.

    Parameters
    ----------
    report : mapping
        A :func:`backtest_to_json` result (its compromise row is "the weighted mean").
    level : float
        The interval whose width is quoted.
    comparison : mapping, optional
        A :func:`compare_capabilities` result: its rows under every capability option
        are checked against the weighted mean too.

    Returns
    -------
    dict
        ``issues``; ``mae`` and ``width`` (the mean width of the ``level`` interval) of the
        compromise model; ``better``: the rows (not baselines) whose paired MAE difference
        from the compromise model has a confidence interval entirely below 0.
    """
    rows = report["models"]
    ref = rows[REFERENCE_MODEL]
    width = next((i["mean_width"] for i in ref.get("intervals") or [] if math.isclose(i["level"], level)), None)
    better = [name for name, e in rows.items()
              if e["kind"] != "baseline" and name != REFERENCE_MODEL
              and (e["mae_diff_vs_compromise"].get("ci") or [None, None])[1] is not None
              and e["mae_diff_vs_compromise"]["ci"][1] < 0]
    for cap, rows_of in (comparison or {}).items():
        better += [f"{name} ({cap})" for name, e in rows_of.items()
                   if e.get("ci_vs_weighted_mean") and e["ci_vs_weighted_mean"][1] is not None
                   and e["ci_vs_weighted_mean"][1] < 0]
    return {"issues": report["issues"], "mae": ref["mae"], "width": width, "level": level, "better": better}


def track_record_sentence(report: Mapping[str, Any] | None = None, level: float = 0.8,
                          comparison: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """What the backtest shows, in plain words, with the numbers computed from ``report``.

    ``report`` is a :func:`backtest_to_json` result (and ``comparison`` optionally a
    :func:`compare_capabilities` one, see :func:`track_record`); without a report, the
    default backtest (capability ``equal``, every registered model, 2000 resamples) of
    the packaged DEU III copy is run once per process, which takes a few seconds.
    """
    if report is None:
        return _default_sentence(level)
    t = track_record(report, level, comparison)
    if t["better"]:
        head = (f"on {t['issues']} real EU decisions {', '.join(t['better'])} beat the weighted mean by a "
                "clear margin (95% interval of the paired difference below zero)")
    else:
        head = f"on {t['issues']} real EU decisions no model beats the weighted mean by a clear margin"
    parts = [head]
    if t["mae"] is not None:
        parts.append(f"the typical error is about {t['mae']:.0f} points of a 100-point scale")
    if t["width"] is not None:
        parts.append(f"an {round(100 * level)}% interval is about {t['width']:.0f} points wide")
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


@cache
def _default_sentence(level: float) -> str:
    return track_record_sentence(backtest_to_json(backtest_deu3(n_boot=2000)), level)


def predictions_table(result: BacktestResult) -> tuple[list[str], list[list[Any]]]:
    """Per-issue forecasts and intervals: a header and rows for a CSV file (baselines have no interval)."""
    data = result.data
    levels = result.settings["levels"]
    header = ["issue", "proposal", "procedure", "voting_rule", "introduced", "outcome", "reference"]
    for name in result.names:
        header.append(name)
        if name in result.intervals:
            header += [f"{name}_{side}_{round(100 * v)}" for v in levels for side in ("lower", "upper")]
    rows = []
    for k in range(data.n_issues):
        intro = data.introduced[k]
        row: list[Any] = [data.issue_ids[k], data.proposal_ids[k], data.procedure[k], data.voting_rule[k],
                          intro.isoformat() if intro else "", as_json_number(float(data.outcome[k])),
                          as_json_number(float(data.reference[k]))]
        for name in result.names:
            row.append(as_json_number(float(result.forecast[name][k])))
            if name in result.intervals:
                for v in levels:
                    iv = result.intervals[name][v]
                    row += [as_json_number(float(iv.lower[k])), as_json_number(float(iv.upper[k]))]
        rows.append(row)
    return header, rows
