"""Sobol' indices by Saltelli's scheme.

Saltelli 2002; Saltelli et al. 2010, via SALib (Herman & Usher 2017): a scrambled Sobol'
sequence of ``N (F + 2)`` points; first-order ``S1`` and total-order ``ST`` indices
with bootstrap confidence half-widths. ``N`` must be a power of two.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from accord.errors import ParameterError


class Sobol:
    """The Sobol' method (see :class:`~accord.experiments.sensitivity.design.Method`)."""

    name: str = "sobol"
    default_n: int = 1024
    keys: tuple[str, ...] = ("S1", "S1_conf", "ST", "ST_conf")
    index_names: tuple[str, ...] = ("S1", "S1_conf", "ST", "ST_conf")
    rank_by: str = "ST"

    def check(self, n: int, levels: int) -> None:
        """``n`` must be a power of two."""
        if n & (n - 1):
            lower = 1 << (int(n).bit_length() - 1)
            raise ParameterError(
                f"n must be a power of two for Sobol sampling, got {n}; try {lower} or {lower * 2}"
            )

    def sample(self, problem: dict[str, Any], n: int, *, levels: int, seed: int) -> np.ndarray:
        """Saltelli's design without second-order terms: shape (N (F + 2), F)."""
        return sobol_sample.sample(problem, int(n), calc_second_order=False, seed=int(seed))

    def analyze(
        self,
        problem: dict[str, Any],
        design: np.ndarray,
        y: np.ndarray,
        *,
        levels: int,
        conf_level: float,
        resamples: int,
        seed: int,
    ) -> Any:
        """SALib's first- and total-order indices."""
        return sobol_analyze.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )


SOBOL = Sobol()
