"""Error measures, grouped folds, the cluster bootstrap and conformal intervals: pure functions on arrays.

Everything here works on plain arrays (one forecast and one outcome per issue, and a
group label per issue, the legislative proposal in DEU III), knows nothing of models
or data sets, and is used by :mod:`accord.backtest.run`:

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
  used inside :func:`conformal_cv` so that the weight is only ever judged out of sample;
- :func:`weighted_mean_grid` and :func:`fit_power_weights`: the weighted mean of the
  positions with weights ``capability_α × salience^β`` for a grid of exponents, and the
  exponents with the least mean absolute error on a set of training issues.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

WITHIN = 10.0

FitPredict = Callable[[np.ndarray, np.ndarray], np.ndarray]


def as_json_number(x: Any) -> Any:
    """A float or int for JSON: NaN and infinities become None, NumPy scalars plain numbers."""
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


@dataclass(frozen=True)
class Measures:
    """Errors of a set of forecasts (issues without a forecast are left out and not counted)."""

    n: int
    mae: float
    rmse: float
    median_ae: float
    within10: float

    def to_dict(self) -> dict[str, Any]:
        return {k: as_json_number(v) for k, v in asdict(self).items()}


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


#: Exponents tried by :func:`fit_power_weights`: α from 0 (capability ignored) to 1.5, β from 0
#: (salience ignored) to 2, both by 0.25; fixed before looking at any result.
ALPHA_GRID: tuple[float, ...] = tuple(0.25 * k for k in range(7))
BETA_GRID: tuple[float, ...] = tuple(0.25 * k for k in range(9))


def power_weights(base: np.ndarray, salience: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """Weights ``base^α × salience^β``, 0 where the base or the salience is 0.

    Parameters
    ----------
    base : ndarray, shape (..., A)
        Non-negative (e.g. GDP); broadcast against ``salience``.
    salience : ndarray, shape (..., A)
        Non-negative; 0 where the actor takes no part.
    alpha, beta : float

    Returns
    -------
    ndarray
        The broadcast shape of ``base`` and ``salience``.
    """
    b = np.asarray(base, dtype=float)
    s = np.asarray(salience, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bw = np.where(b > 0, np.power(np.where(b > 0, b, 1.0), alpha), 0.0)
        sw = np.where(s > 0, np.power(np.where(s > 0, s, 1.0), beta), 0.0)
    return bw * sw


def weighted_mean_grid(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                       betas: Sequence[float] = BETA_GRID) -> np.ndarray:
    """The weighted mean of the positions on every issue, for every candidate capability and salience exponent.

    Parameters
    ----------
    position : ndarray, shape (I, A)
        NaN where the actor takes no part.
    salience : ndarray, shape (I, A)
        0 where the actor takes no part.
    capability : ndarray, shape (P, A) or (P, I, A)
        One candidate capability per row (e.g. ``GDP^α`` for each α of a grid).
    betas : sequence of float, length Q

    Returns
    -------
    ndarray, shape (P, Q, I)
        ``Σ_a w·x / Σ_a w`` with ``w = capability × salience^β`` over the actors with a
        position; NaN on an issue where every weight is 0.
    """
    x = np.asarray(position, dtype=float)
    ok = np.isfinite(x)
    x0 = np.where(ok, x, 0.0)
    s = np.where(ok, np.asarray(salience, dtype=float), 0.0)
    cap = np.asarray(capability, dtype=float)
    if cap.ndim == 2:
        cap = cap[:, None, :]
    out = np.empty((cap.shape[0], len(betas), x.shape[0]))
    for q, beta in enumerate(betas):
        sw = power_weights(1.0, s, 0.0, beta)
        w = np.broadcast_to(cap, (cap.shape[0], *x.shape)) * sw
        den = w.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, q] = np.where(den > 0, (w * x0).sum(axis=2) / np.where(den > 0, den, 1.0), np.nan)
    return out


def fit_power_weights(grid_forecast: np.ndarray, outcome: np.ndarray, train: np.ndarray,
                      alphas: Sequence[float] = ALPHA_GRID,
                      betas: Sequence[float] = BETA_GRID) -> tuple[float, float, float]:
    """The exponents whose weighted mean has the least mean absolute error on the training issues.

    Only ``outcome[train]`` is read, so the fit cannot see a held-out fold.

    Parameters
    ----------
    grid_forecast : ndarray, shape (P, Q, I)
        From :func:`weighted_mean_grid`: row ``p`` for ``alphas[p]``, column ``q`` for ``betas[q]``.
    outcome : ndarray, shape (I,)
    train : ndarray of int, shape (T,)
        Indices of the training issues.
    alphas : sequence of float, length P
    betas : sequence of float, length Q

    Returns
    -------
    alpha, beta, mae : float
        Ties go to the smallest α, then the smallest β (the first in grid order).
    """
    train = np.asarray(train, dtype=np.int64)
    f = grid_forecast[:, :, train]
    err = np.abs(f - np.asarray(outcome, dtype=float)[train])
    ok = np.isfinite(err).all(axis=(0, 1))
    if not ok.any():
        raise ValueError("no training issue has a forecast under every pair of exponents")
    mae = err[:, :, ok].mean(axis=2)
    p, q = np.unravel_index(int(np.argmin(mae)), mae.shape)
    return float(alphas[p]), float(betas[q]), float(mae[p, q])
