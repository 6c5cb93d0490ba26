"""Elementary effects: the Morris method.

Morris 1991; Campolongo et al. 2007, via SALib (Herman & Usher 2017): ``N``
trajectories of ``F + 1`` points over ``levels`` grid levels; ``mu_star`` (mean
absolute effect, with a bootstrap confidence half-width), ``mu`` and ``sigma``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from accord.errors import ParameterError


class Morris:
    """The Morris method (see :class:`~accord.experiments.sensitivity.design.Method`)."""

    name: str = "morris"
    default_n: int = 100
    keys: tuple[str, ...] = ("mu", "mu_star", "mu_star_conf", "sigma")
    index_names: tuple[str, ...] = ("mu_star", "mu_star_conf", "mu", "sigma")
    rank_by: str = "mu_star"

    def check(self, n: int, levels: int) -> None:
        """``levels`` must be even and at least 2."""
        if levels < 2 or levels % 2:
            raise ParameterError(f"levels must be an even integer >= 2, got {levels!r}")

    def sample(self, problem: dict[str, Any], n: int, *, levels: int, seed: int) -> np.ndarray:
        """``n`` trajectories: shape (N (F + 1), F), or (N (G + 1), F) with G groups."""
        return morris_sample.sample(problem, int(n), num_levels=levels, seed=int(seed))

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
        """SALib's elementary-effect statistics."""
        return morris_analyze.analyze(
            problem,
            design,
            y,
            num_resamples=resamples,
            conf_level=conf_level,
            num_levels=levels,
            seed=seed,
        )


MORRIS = Morris()
