"""The probability that a zone of agreement exists, and which red lines block it how often.

Red lines drawn real
    Each red-line bound ``r`` is real (held) with its credibility ``q_r``, independently
    of the others: in draw ``d`` it is held when ``u_dr < q_dr``, with ``u`` uniform on
    [0, 1) and ``q_dr`` the credibility drawn from its range like every other uncertain
    input. The uniforms of draw ``d`` come from a generator seeded by the seed and
    ``d``'s block of :data:`BLOCK` draws, so a study gives the same draws whatever its
    chunks. The two bounds of one red line (``at_least`` and ``at_most``) are one
    judgement and are drawn together.

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

__all__ = ["BLOCK", "ZoneProbability", "agreement_score", "draw_red_lines", "red_line_uniforms", "zone_probability"]

#: Draws per block of red-line uniforms (the same block size as the Monte Carlo sampler).
BLOCK = 1024
_STREAM = 7


def red_line_uniforms(seed: int, start: int, stop: int, n_lines: int) -> np.ndarray:
    """Uniforms for draws ``start`` to ``stop``, one per red line, shape (stop − start, n_lines).

    Draw ``d``'s row depends only on ``seed`` and ``d`` (block seeding).
    """
    out = np.empty((stop - start, n_lines))
    first, last = start // BLOCK, (stop - 1) // BLOCK if stop > start else start // BLOCK - 1
    for block in range(first, last + 1):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM, block)))
        u = rng.random((BLOCK, n_lines))
        lo, hi = max(start, block * BLOCK), min(stop, (block + 1) * BLOCK)
        out[lo - start : hi - start] = u[lo - block * BLOCK : hi - block * BLOCK]
    return out


def draw_red_lines(arrays: AgreementArrays, uniforms: np.ndarray) -> AgreementArrays:
    """``arrays`` with each red line held where its uniform is below its credibility.

    Parameters
    ----------
    arrays : AgreementArrays
        With a leading draw axis of length D.
    uniforms : ndarray, shape (D, R)
        One uniform per red-line bound; the bounds set by the same source (the two
        bounds of one red line) use the first one's uniform.
    """
    n_d = arrays.n_draws
    cred = np.broadcast_to(arrays.red_credibility, (n_d, arrays.n_red_lines))
    first: dict[tuple[str, int, int], int] = {}
    column = np.array([first.setdefault((src, int(a), int(i)), r) for r, (src, a, i)
                       in enumerate(zip(arrays.red_source, arrays.red_actor, arrays.red_issue, strict=True))],
                      dtype=int)
    return arrays.with_real(uniforms[:, column] < cred)


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
        With a leading draw axis of length D (red lines already drawn, see
        :func:`draw_red_lines`).
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
