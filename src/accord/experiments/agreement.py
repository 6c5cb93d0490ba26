"""P(zone) of a case over draws of its inputs and its red lines: the sampling side of the agreement analysis.

Every range of the scenario is drawn by :class:`~accord.experiments.sampling.Sampler`
(block-seeded, so the result does not depend on how the draws are chunked), and each red
line is drawn real or a posture: its ``real`` draw, a uniform on [0, 1) taken from the
same sampler under the path ``<where the red line is set>.real``, is compared with its
credibility (:func:`~accord.agreement.inputs.agreement_arrays`, ``real_of``). With the
PERT distribution the sampler's draw is mapped back to a uniform through the Beta CDF, so
that a red line is real with exactly its credibility. The analysis of each chunk is
:func:`~accord.agreement.probability.zone_probability`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import betainc

from accord.agreement.inputs import Utility, agreement_arrays
from accord.agreement.probability import ZoneProbability, zone_probability
from accord.experiments.factors import PERT_SHAPE, UNIT
from accord.experiments.sampling import BLOCK, Draws, Sampler
from accord.scenario.arrays import ValueOf
from accord.scenario.case import Case

__all__ = ["agreement_probability", "real_of", "real_of_values"]




def real_of_values(value_of: ValueOf, distribution: str) -> Callable[[str], np.ndarray]:
    """The uniform ``real`` draws of red lines through a ``value_of`` hook: ``path -> ndarray (D,)``.

    The draw of the red line set at ``path`` is ``value_of(path + ".real", [0, 1])``,
    mapped back to a uniform through the Beta CDF under the PERT distribution.
    """

    def uniform(path: str) -> np.ndarray:
        x = np.asarray(value_of(f"{path}.real", UNIT), dtype=float)
        return betainc(PERT_SHAPE, PERT_SHAPE, x) if distribution == "pert" else x

    return uniform


def real_of(draws: Draws, distribution: str) -> Callable[[str], np.ndarray]:
    """The uniform ``real`` draws of red lines from ``draws``: ``path -> ndarray (D,)``."""
    return real_of_values(draws.value_of, distribution)


def agreement_probability(
    case: Case,
    draws: int,
    *,
    seed: int = 0,
    utility: Utility = "linear",
    pivotal: bool = True,
    pivotal_draws: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ZoneProbability:
    """P(zone) of ``case`` over ``draws`` draws, with each red line's pivotality.

    Parameters
    ----------
    case : Case
    draws : int
        Number of draws D (at least 1).
    seed : int
    utility : {"linear", "quadratic"}
    pivotal : bool
        Count, in draws without a zone, the red lines whose removal alone opens one.
    pivotal_draws : int, optional
        Count them on the first this many draws only (a few programs per draw without a
        zone); default every draw.
    progress : callable ``(done, total) -> None``, optional
        Called after each block of draws.

    Returns
    -------
    ZoneProbability
        Over all D draws.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    sampler = Sampler(case.scenario, seed)
    zone: list[np.ndarray] = []
    n_lines = agreement_arrays(case).n_red_lines
    pivot, held = np.zeros(n_lines), np.zeros(n_lines)
    for start in range(0, draws, BLOCK):
        stop = min(draws, start + BLOCK)
        chunk = sampler.draws(start, stop)
        arrays = agreement_arrays(case, value_of=chunk.value_of, real_of=real_of(chunk, sampler.distribution))
        limit = draws if pivotal_draws is None else min(draws, pivotal_draws)
        part = zone_probability(arrays.broadcast(stop - start), utility, pivotal=pivotal and start < limit,
                                pivotal_limit=max(0, limit - start))
        zone.append(part.zone)
        pivot += part.pivotal * min(stop - start, max(0, limit - start))
        held += part.held * (stop - start)
        if progress is not None:
            progress(stop, draws)
    z = np.concatenate(zone)
    p = float(z.mean())
    counted = draws if pivotal_draws is None else min(draws, pivotal_draws)
    return ZoneProbability(z, p, float(np.sqrt(p * (1 - p) / len(z))), pivot / max(counted, 1), held / len(z),
                           counted if pivotal else 0)
