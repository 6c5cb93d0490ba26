"""The probability that a zone of agreement exists, and which red lines block it how often.

Red lines drawn real
    Each red line is real (held) with its credibility ``q``, independently of the
    others: in draw ``d`` it is held when a uniform ``u_d < q_d``, ``q_d`` being the
    credibility drawn from its range like every other uncertain input
    (:func:`~accord.agreement.inputs.agreement_arrays`, ``real_of``). The two bounds of
    one red line (``at_least`` and ``at_most``) are one judgement and are drawn together.

P(zone)
    The share of draws in which some package meets every limit of the comprehensive
    deal (:mod:`accord.agreement.conflict`), with its Monte Carlo standard error
    ``sqrt(p (1 − p) / D)``. A draw is settled without a program when a package already
    found (the status quo, or a package of an earlier draw's zone) meets its limits;
    otherwise one feasibility program decides it.

Pivotality
    In a draw without a zone, a held red line is *pivotal* when dropping it alone lets
    some package meet the rest. ``pivotal[r]`` is the share of all draws in which ``r``
    is pivotal: how often that red line is the one that blocks.

The score for sensitivity analysis
    :func:`agreement_score` is continuous across the verdict: the margin (the largest
    surplus every veto player can get at once) when a zone exists, minus the gap (the
    least total relaxation of reservation values and red lines,
    :meth:`accord.agreement.bargaining.Deal.relax`) when none does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accord.agreement.bargaining import Deal, Problem, batch_acceptance, normalised_status_quo
from accord.agreement.inputs import AgreementArrays, Utility

__all__ = ["ZoneProbability", "agreement_score", "zone_probability"]


@dataclass(frozen=True)
class ZoneProbability:
    """P(zone) over draws, with its standard error and the pivotality of each red line.

    Attributes
    ----------
    zone : ndarray of bool, shape (D,)
    p_zone, p_zone_se : float
    pivotal : ndarray, shape (R,)
        Share of draws in which each red-line bound is pivotal.
    held : ndarray, shape (R,)
        Share of draws in which each bound is held.
    """

    zone: np.ndarray
    p_zone: float
    p_zone_se: float
    pivotal: np.ndarray
    held: np.ndarray


def _feasible(problem: Problem, lines: np.ndarray | None = None) -> bool:
    return Deal(problem, lines=lines).feasible()


def zone_probability(arrays: AgreementArrays, utility: Utility = "linear", *, pivotal: bool = True) -> ZoneProbability:
    """P(zone) of the comprehensive deal over the draws of ``arrays``.

    Parameters
    ----------
    arrays : AgreementArrays
        With a leading draw axis of length D (red lines already drawn, see ``real_of`` in
        :func:`~accord.agreement.inputs.agreement_arrays`).
    utility : {"linear", "quadratic"}
    pivotal : bool
        Also count, in each draw without a zone, the held red lines whose removal alone
        opens one.

    Returns
    -------
    ZoneProbability
    """
    if not arrays.batched:
        raise ValueError("zone_probability needs arrays with a draw axis")
    n_d, n_r = arrays.n_draws, arrays.n_red_lines
    real = np.broadcast_to(arrays.red_real, (n_d, n_r))
    zone = np.zeros(n_d, dtype=bool)
    pending = np.ones(n_d, dtype=bool)
    accepts = batch_acceptance(arrays, utility)
    found = accepts(np.asarray(normalised_status_quo(arrays)))
    zone[found], pending[found] = True, False
    piv = np.zeros(n_r)
    veto = arrays.veto.any(axis=1)
    for d in range(n_d):
        if not pending[d]:
            continue
        pending[d] = False
        problem = Problem.from_arrays(arrays.draw(d), utility)
        deal = Deal(problem)
        if deal.feasible():
            zone[d] = True
            if pending.any():
                z = deal.package(deal.margin()[1])
                hit = accepts(z) & pending
                zone[hit], pending[hit] = True, False
            continue
        if not pivotal:
            continue
        for r in np.flatnonzero(real[d] & veto[arrays.red_actor]):
            keep = np.ones(n_r, dtype=bool)
            keep[r] = False
            if _feasible(problem, keep):
                piv[r] += 1
    p = float(zone.mean()) if n_d else math.nan
    se = math.sqrt(p * (1.0 - p) / n_d) if n_d else math.nan
    return ZoneProbability(zone, p, se, piv / max(n_d, 1), real.mean(axis=0) if n_d else np.zeros(n_r))


def agreement_score(arrays: AgreementArrays, utility: Utility = "linear") -> np.ndarray:
    """The margin where a zone exists, minus the gap where none does, for every draw.

    Returns
    -------
    ndarray, shape (D,) (or () for arrays without a draw axis)
    """
    if not arrays.batched:
        return np.asarray(_score(Problem.from_arrays(arrays, utility)))
    return np.array([_score(Problem.from_arrays(arrays.draw(d), utility)) for d in range(arrays.n_draws)])


def _score(problem: Problem) -> float:
    deal = Deal(problem)
    rel = deal.relax()
    if not rel.zone_exists:
        return -float(rel.gap)
    if deal.nV == 0:
        return 0.0
    return float(deal.margin()[0])
