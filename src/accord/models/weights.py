"""Voting weights shared by the baseline models."""

from __future__ import annotations

import numpy as np

from accord.scenario.arrays import ScenarioArrays


def influence(arrays: ScenarioArrays) -> np.ndarray:
    """Capability × salience of each present stance, 0 where absent.

    Parameters
    ----------
    arrays : ScenarioArrays
        Batched arrays (leading draw axis D).

    Returns
    -------
    ndarray, shape (D, A, I)
        When every present actor on an issue has zero weight, all of them get
        weight 1 instead, so the issue's forecast falls back to the unweighted one.
    """
    w = np.where(arrays.present, arrays.capability[..., :, None] * arrays.salience, 0.0)
    none = w.sum(axis=-2, keepdims=True) <= 0.0
    return np.where(none & arrays.present, 1.0, w)
