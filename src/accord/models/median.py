"""The weighted median model: the position a capability × salience weighted majority backs.

Black, D. (1948), "On the rationale of group decision-making", *Journal of Political
Economy* 56(1): with single-peaked preferences on one dimension, the median voter's
position beats every other under majority rule. With weights c_a s_ai, the forecast
is the weighted median of the present actors' positions: the lowest position at which
the cumulative weight reaches half the total; when the cumulative weight equals exactly
half at a position, the midpoint between it and the next position with weight.
"""

from __future__ import annotations

import numpy as np

from accord.models.base import Model, ModelParams, ModelResult, register
from accord.models.weights import influence
from accord.scenario.arrays import ScenarioArrays

_TIE = 1e-12


def weighted_median(values: np.ndarray, weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Weighted median along the second-to-last axis.

    Parameters
    ----------
    values, weights : ndarray, shape (..., A, I)
    mask : ndarray of bool, broadcastable to (..., A, I)
        Entries to include.

    Returns
    -------
    ndarray, shape (..., I)
        NaN where no entry is included or all weights are zero.
    """
    mask = np.broadcast_to(mask, values.shape)
    w = np.where(mask, weights, 0.0)
    key = np.where(mask, values, np.inf)
    order = np.argsort(key, axis=-2, kind="stable")
    xs = np.take_along_axis(key, order, axis=-2)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-2), axis=-2)
    half = 0.5 * cum[..., -1:, :]
    lower = np.argmax(cum >= half * (1 - _TIE), axis=-2)
    upper = np.argmax(cum > half * (1 + _TIE), axis=-2)
    x_lo = np.take_along_axis(xs, lower[..., None, :], axis=-2)[..., 0, :]
    x_hi = np.take_along_axis(xs, upper[..., None, :], axis=-2)[..., 0, :]
    x_hi = np.where(np.isfinite(x_hi), x_hi, x_lo)
    out = 0.5 * (x_lo + x_hi)
    return np.where(half[..., 0, :] > 0, out, np.nan)


@register
class Median(Model):
    name = "median"
    aliases = ("weighted_median",)
    summary = "Capability × salience weighted median of the positions (Black 1948)."
    citation = "Black (1948), Journal of Political Economy 56(1)."
    issues_independent = True

    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        forecast = weighted_median(arrays.position, influence(arrays), arrays.present)
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, forecast)
