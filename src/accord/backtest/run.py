"""Backtest forecasts against real outcomes: error measures, bootstrap, grouped CV, conformal intervals.

The generic pieces work on plain arrays (one forecast and one outcome per issue, and
a group label per issue, the legislative proposal in DEU III):

- :func:`error_measures`: mean absolute error, root mean squared error, median
  absolute error and the share of forecasts within 10 points of the outcome;
- :func:`cluster_bootstrap`: resampled means with whole groups drawn with
  replacement (issues of one proposal are not independent), the same draws for every
  row, so differences between models are paired;
- :func:`grouped_folds`: cross-validation folds that never split a group;
- :func:`conformal_cv`: prediction intervals by split conformal prediction (Vovk,
  Gammerman & Shafer 2005, *Algorithmic Learning in a Random World*; Lei et al. 2018,
  "Distribution-free predictive inference for regression", *JASA* 113(523)) cross-fitted
  over grouped folds: for the issues of each fold, the interval half-width is the
  ``⌈(n+1)·level⌉``-th smallest absolute residual of the issues in the other folds,
  whose forecasts are themselves out of fold when the forecaster has fitted parameters.
  Every number is therefore out of sample;
- :func:`shrinkage`: a forecaster that moves a forecast toward an anchor (the
  reference point) by a weight fitted to minimise the mean absolute error, to be
  used inside :func:`conformal_cv` so that the weight is only ever judged out of sample.

:func:`backtest_deu3` runs every registered model (and three baselines: the
reference point, the middle of the scale, the Commission's position) over the DEU III
issues (:mod:`accord.backtest.deu3`) and summarises the errors overall and per
legislative procedure, each model's difference in MAE from the compromise model with
a bootstrap confidence interval, and the empirical coverage of the intervals.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from accord.backtest.deu3 import ACTORS, Capability, Deu3, capabilities, group_arrays, groups, load_deu3
from accord.errors import ModelError
from accord.models.base import get_model, model_names

WITHIN = 10.0
REFERENCE_MODEL = "compromise"
SHRUNK = "compromise_rp_cv"
BASELINES: dict[str, str] = {
    "reference_point": "the reference point (the outcome without a new act)",
    "always_50": "the middle of the 0-100 scale",
    "commission_position": "the Commission's position",
}
PROCEDURES = ("COD", "CNS")

FitPredict = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Measures:
    """Errors of a set of forecasts (issues without a forecast are left out and not counted)."""

    n: int
    mae: float
    rmse: float
    median_ae: float
    within10: float

    def to_dict(self) -> dict[str, Any]:
        return {k: _num(v) for k, v in asdict(self).items()}


def error_measures(forecast: np.ndarray, outcome: np.ndarray, within: float = WITHIN) -> Measures:
    """MAE, RMSE, median absolute error and the share with ``|error| <= within``.

    Parameters
    ----------
    forecast, outcome : ndarray, shape (N,)
        NaN forecasts are ignored.
    """
    err = np.asarray(forecast, dtype=float) - np.asarray(outcome, dtype=float)
    err = err[np.isfinite(err)]
    if err.size == 0:
        return Measures(0, math.nan, math.nan, math.nan, math.nan)
    a = np.abs(err)
    return Measures(int(a.size), float(a.mean()), float(np.sqrt(np.mean(err**2))), float(np.median(a)),
                    float(np.mean(a <= within)))


def grouped_folds(group: np.ndarray, n_folds: int = 10, seed: int = 0) -> np.ndarray:
    """A fold number per item; items of one group share a fold, and groups are dealt at random.

    Returns
    -------
    ndarray of int, shape (N,)
        Values in ``0 .. min(n_folds, number of groups) - 1``.
    """
    if n_folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {n_folds}")
    labels, inverse = np.unique(np.asarray(group), return_inverse=True)
    order = np.random.default_rng(seed).permutation(labels.size)
    fold_of_label = np.empty(labels.size, dtype=np.int64)
    fold_of_label[order] = np.arange(labels.size) % min(n_folds, labels.size)
    return fold_of_label[inverse]


def cluster_bootstrap(values: np.ndarray, group: np.ndarray, n_boot: int = 2000, seed: int = 0) -> np.ndarray:
    """Means of each row over bootstrap resamples of whole groups.

    Parameters
    ----------
    values : ndarray, shape (K, N)
        NaN entries are left out of their row's mean.
    group : ndarray, shape (N,)
        Group label of each column; groups are drawn with replacement, the same draws for all rows.
    n_boot : int
    seed : int

    Returns
    -------
    ndarray, shape (n_boot, K)
        NaN where a resample holds no value of the row.
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    labels, inverse = np.unique(np.asarray(group), return_inverse=True)
    g = labels.size
    ok = np.isfinite(values)
    sums = np.zeros((values.shape[0], g))
    counts = np.zeros((values.shape[0], g))
    for r in range(values.shape[0]):
        sums[r] = np.bincount(inverse, weights=np.where(ok[r], values[r], 0.0), minlength=g)
        counts[r] = np.bincount(inverse, weights=ok[r].astype(float), minlength=g)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, g, size=(n_boot, g))
    flat = (np.arange(n_boot)[:, None] * g + draws).ravel()
    times = np.bincount(flat, minlength=n_boot * g).reshape(n_boot, g).astype(float)
    num = times @ sums.T
    den = times @ counts.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of ``samples`` (NaN ignored)."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return math.nan, math.nan
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(samples, [tail, 100.0 - tail])
    return float(lo), float(hi)


def conformal_quantile(residuals: np.ndarray, level: float) -> float:
    """The ``⌈(n+1)·level⌉``-th smallest residual (infinite when there are too few)."""
    r = np.sort(np.asarray(residuals, dtype=float)[np.isfinite(residuals)])
    k = math.ceil(round((r.size + 1) * level, 9))
    return float(r[k - 1]) if 1 <= k <= r.size else math.inf


@dataclass(frozen=True, eq=False)
class Intervals:
    """Out-of-sample forecasts and prediction intervals, one per issue (NaN where no forecast)."""

    point: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float

    def coverage(self, outcome: np.ndarray) -> float:
        """Share of issues with an interval whose outcome lies inside it."""
        ok = np.isfinite(self.point)
        if not ok.any():
            return math.nan
        y = np.asarray(outcome)[ok]
        return float(np.mean((y >= self.lower[ok]) & (y <= self.upper[ok])))

    def mean_width(self) -> float:
        ok = np.isfinite(self.point)
        return float(np.mean(self.upper[ok] - self.lower[ok])) if ok.any() else math.nan


def fixed(forecast: np.ndarray) -> FitPredict:
    """A forecaster with nothing to fit: it returns ``forecast`` for the requested issues."""
    forecast = np.asarray(forecast, dtype=float)
    return lambda train, test: forecast[test]


def shrinkage(forecast: np.ndarray, anchor: np.ndarray, outcome: np.ndarray,
              grid: Sequence[float] = tuple(np.linspace(0.0, 1.0, 21)),
              fitted: list[float] | None = None) -> FitPredict:
    """A forecaster ``(1 − w)·forecast + w·anchor`` with ``w`` fitted on the training issues.

    ``w`` minimises the training MAE over ``grid`` (ties: the smallest ``w``) on the
    issues that have both a forecast and an anchor; issues without an anchor keep the
    forecast. Each fitted ``w`` is appended to ``fitted`` when given.
    """
    f = np.asarray(forecast, dtype=float)
    a = np.asarray(anchor, dtype=float)
    y = np.asarray(outcome, dtype=float)
    w_grid = np.asarray(grid, dtype=float)

    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        use = train[np.isfinite(f[train]) & np.isfinite(a[train])]
        if use.size:
            cand = (1.0 - w_grid[:, None]) * f[use] + w_grid[:, None] * a[use]
            w = float(w_grid[np.argmin(np.abs(cand - y[use]).mean(axis=1))])
        else:
            w = 0.0
        if fitted is not None:
            fitted.append(w)
        return np.where(np.isfinite(a[test]), (1.0 - w) * f[test] + w * a[test], f[test])

    return fit_predict


def conformal_cv(outcome: np.ndarray, folds: np.ndarray, fit_predict: FitPredict, level: float = 0.9,
                 bounds: tuple[float, float] = (0.0, 100.0)) -> Intervals:
    """Cross-fitted split-conformal intervals (see the module docstring).

    Parameters
    ----------
    outcome : ndarray, shape (N,)
    folds : ndarray of int, shape (N,)
        From :func:`grouped_folds`.
    fit_predict : callable ``(train_index, test_index) -> forecasts at test_index``
        Fits whatever it has to fit on the training issues only.
    level : float
        Target coverage, e.g. 0.9.
    bounds : (float, float)
        The scale; intervals are clipped to it.

    Returns
    -------
    Intervals
        ``point`` are the out-of-fold forecasts.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    y = np.asarray(outcome, dtype=float)
    folds = np.asarray(folds)
    n = y.size
    point = np.full(n, np.nan)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    for k in np.unique(folds):
        test = np.flatnonzero(folds == k)
        train = np.flatnonzero(folds != k)
        resid = np.full(n, np.nan)
        for j in np.unique(folds[train]):
            inner_test = train[folds[train] == j]
            inner_train = train[folds[train] != j]
            resid[inner_test] = np.abs(y[inner_test] - fit_predict(inner_train, inner_test))
        q = conformal_quantile(resid[train], level)
        p = fit_predict(train, test)
        point[test] = p
        lower[test] = np.clip(p - q, *bounds)
        upper[test] = np.clip(p + q, *bounds)
    return Intervals(point, lower, upper, level)


def model_forecasts(data: Deu3, model: str, capability: np.ndarray, *, grouping: str = "proposal",
                    params: dict[str, Any] | None = None, seed: int = 0) -> tuple[np.ndarray, int]:
    """Run ``model`` on every scenario of ``data`` and collect one forecast per issue.

    Each scenario (a proposal's issues, or one issue; see :func:`accord.backtest.deu3.groups`)
    gets its own generator, seeded with ``[seed, scenario number]``.

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
        ``model``, ``fitted`` (by grouped cross-validation; reported out of fold) or ``baseline``.
    forecast, lower, upper : dict of str to ndarray, shape (I,)
        Forecasts (out of fold for fitted rows) and prediction intervals.
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
    lower: dict[str, np.ndarray]
    upper: dict[str, np.ndarray]
    summary: dict[str, dict[str, Any]]
    seconds: dict[str, float]
    settings: dict[str, Any] = field(default_factory=dict)


def _num(x: Any) -> Any:
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


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
        entry["mae_ci"] = [_num(v) for v in percentile_interval(boot[:, r], ci)] if boot is not None else None
        if name != REFERENCE_MODEL:
            both = np.isfinite(diffs[r])
            entry["mae_diff_vs_compromise"] = {
                "n": int(both.sum()),
                "diff": _num(float(diffs[r][both].mean())) if both.any() else None,
                "ci": ([_num(v) for v in percentile_interval(boot[:, len(names) + r], ci)]
                       if boot is not None else None),
            }
        out[name] = entry
    return out


def backtest_deu3(
    data: Deu3 | None = None,
    models: Sequence[str] | None = None,
    *,
    capability: Capability = "equal",
    council_date: str = "introduction",
    grouping: str = "proposal",
    params: dict[str, dict[str, Any]] | None = None,
    n_boot: int = 2000,
    n_folds: int = 10,
    level: float = 0.9,
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
    capability : {"equal", "gdp", "council_votes"}
        See :func:`accord.backtest.deu3.capabilities`.
    council_date : {"introduction", "adoption"}
        The date that picks the Council's voting rule under ``council_votes``.
    grouping : {"proposal", "issue"}
        One scenario per proposal (its issues together) or per issue.
    params : dict of model name to parameters, optional
    n_boot : int
        Bootstrap resamples of proposals (0: no confidence intervals).
    n_folds : int
        Grouped cross-validation folds (by proposal) for the intervals and the shrinkage.
    level : float
        Target coverage of the prediction intervals.
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
    cap = capabilities(data, capability, council_date=council_date)
    names = [REFERENCE_MODEL]
    for name in models if models else model_names():
        canonical = get_model(name).name
        if canonical not in names:
            names.append(canonical)
    kinds = {n: "model" for n in names}
    forecast: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    failed: dict[str, int] = {}
    for name in names:
        start = time.perf_counter()
        forecast[name], failed[name] = model_forecasts(
            data, name, cap, grouping=grouping, params=(params or {}).get(name), seed=seed)
        seconds[name] = time.perf_counter() - start

    y = data.outcome
    group = data.proposal_codes
    folds = grouped_folds(group, n_folds, seed)
    fitters: dict[str, FitPredict] = {n: fixed(forecast[n]) for n in names}
    shrink_weights: list[float] = []
    if shrink:
        kinds[SHRUNK] = "fitted"
        names.append(SHRUNK)
        fitters[SHRUNK] = shrinkage(forecast[REFERENCE_MODEL], data.reference, y)
        record = shrinkage(forecast[REFERENCE_MODEL], data.reference, y, fitted=shrink_weights)
        for k in np.unique(folds):
            record(np.flatnonzero(folds != k), np.flatnonzero(folds == k))
    for name, f in baseline_forecasts(data).items():
        kinds[name] = "baseline"
        names.append(name)
        forecast[name] = f
        fitters[name] = fixed(f)
        seconds[name] = 0.0

    intervals: dict[str, Intervals] = {}
    for name in names:
        start = time.perf_counter()
        intervals[name] = conformal_cv(y, folds, fitters[name], level)
        if name == SHRUNK:
            forecast[name] = intervals[name].point
            seconds[name] = time.perf_counter() - start

    strata = {"all": np.ones(data.n_issues, dtype=bool)}
    strata.update({p: np.array([x == p for x in data.procedure]) for p in PROCEDURES})
    per_stratum = {
        label: _stratum_summary(names, forecast, y, group, mask, n_boot, ci, seed + s)
        for s, (label, mask) in enumerate(strata.items()) if mask.any()
    }
    summary: dict[str, dict[str, Any]] = {}
    for name in names:
        entry: dict[str, Any] = {"kind": kinds[name], **per_stratum["all"][name]}
        entry["interval"] = {"level": level, "coverage": _num(intervals[name].coverage(y)),
                             "mean_width": _num(intervals[name].mean_width())}
        entry["by_procedure"] = {p: per_stratum[p][name] for p in PROCEDURES if p in per_stratum}
        entry["seconds"] = seconds.get(name)
        if kinds[name] == "model":
            entry["failed_scenarios"] = failed[name]
        if name == SHRUNK:
            entry["fitted"] = {"parameter": "weight on the reference point", "by_fold": shrink_weights}
        summary[name] = entry
    settings = {"capability": capability, "council_date": council_date, "grouping": grouping, "seed": seed,
                "bootstrap": n_boot, "ci": ci, "folds": int(len(np.unique(folds))), "level": level}
    return BacktestResult(
        data=data, names=tuple(names), kinds=kinds, forecast=forecast,
        lower={n: intervals[n].lower for n in names}, upper={n: intervals[n].upper for n in names},
        summary=summary, seconds=seconds, settings=settings,
    )


def backtest_to_json(result: BacktestResult) -> dict[str, Any]:
    """The backtest as plain JSON data.

    Shape: ``{"dataset", "issues", "proposals", "excluded": [{"issue", "proposal", "reason"}], settings...,
    "models": {NAME: {"kind", "n", "mae", "rmse", "median_ae", "within10", "mae_ci",
    "mae_diff_vs_compromise": {"n", "diff", "ci"}, "interval": {"level", "coverage", "mean_width"},
    "by_procedure": {"COD": {...}, "CNS": {...}}, "seconds"}}}``. Missing values are null.
    """
    data = result.data
    return {
        "dataset": data.source,
        "issues": data.n_issues,
        "proposals": len(data.proposals),
        "excluded": [{"issue": i, "proposal": p, "reason": r} for i, p, r in data.excluded],
        **result.settings,
        "reference_model": REFERENCE_MODEL,
        "models": result.summary,
    }


def predictions_table(result: BacktestResult) -> tuple[list[str], list[list[Any]]]:
    """Per-issue forecasts and intervals: a header and rows for a CSV file."""
    data = result.data
    header = ["issue", "proposal", "procedure", "voting_rule", "introduced", "outcome", "reference"]
    for name in result.names:
        header += [name, f"{name}_lower", f"{name}_upper"]
    rows = []
    for k in range(data.n_issues):
        intro = data.introduced[k]
        row: list[Any] = [data.issue_ids[k], data.proposal_ids[k], data.procedure[k], data.voting_rule[k],
                          intro.isoformat() if intro else "", _num(float(data.outcome[k])),
                          _num(float(data.reference[k]))]
        for name in result.names:
            row += [_num(float(result.forecast[name][k])), _num(float(result.lower[name][k])),
                    _num(float(result.upper[name][k]))]
        rows.append(row)
    return header, rows
