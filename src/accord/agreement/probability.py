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
    The margin (the largest surplus every veto player can get at once, :func:`margins`)
    where a zone exists, minus the gap (the least total relaxation of reservation values
    and red lines, :meth:`accord.agreement.bargaining.Deal.relax`) where none does:
    continuous across the verdict (see :func:`accord.experiments.evaluate.agreement_outputs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accord.agreement.bargaining import Deal, Problem, batch_acceptance, normalised_status_quo
from accord.agreement.inputs import AgreementArrays, Utility

__all__ = ["ZoneProbability", "margins", "pivotal_lines", "zone_probability"]


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
    pivotal_draws : int
        The draws over which pivotality was counted (the first ones; 0 when it was not).
    """

    zone: np.ndarray
    p_zone: float
    p_zone_se: float
    pivotal: np.ndarray
    held: np.ndarray
    pivotal_draws: int = 0


def _feasible(problem: Problem, lines: np.ndarray | None = None) -> bool:
    return Deal(problem, lines=lines).feasible()


def _box_conflicts(arrays: AgreementArrays, real: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """Issues on which two held red lines of veto players contradict each other, shape (D, I)."""
    n_d, n_i = real.shape[0], len(arrays.issue_ids)
    lo = np.full((n_d, n_i), -np.inf)
    hi = np.full((n_d, n_i), np.inf)
    for r in range(arrays.n_red_lines):
        if not veto[arrays.red_actor[r]]:
            continue
        q, v = arrays.red_issue[r], arrays.red_value[r]
        held = real[:, r]
        if arrays.red_at_least[r]:
            lo[:, q] = np.where(held, np.maximum(lo[:, q], v), lo[:, q])
        else:
            hi[:, q] = np.where(held, np.minimum(hi[:, q], v), hi[:, q])
    return lo > hi + 1e-12


def _pivotal_lines(problem: Problem, arrays: AgreementArrays, held: np.ndarray, conflicts: np.ndarray) -> list[int]:
    """The held red lines whose removal alone opens a zone in a draw without one.

    Two issues with contradicting red lines cannot both be resolved by dropping one line;
    with one, only the lines on that issue that resolve it are tried; with none, the lines
    are searched by halves (:func:`_pivotal_by_halves`).
    """
    n_r = arrays.n_red_lines
    issues = np.flatnonzero(conflicts)
    if len(issues) > 1:
        return []
    if len(issues) == 1:
        q = issues[0]
        on_q = [r for r in held if arrays.red_issue[r] == q]
        candidates = []
        for r in on_q:
            rest = [k for k in on_q if k != r]
            lo = max((arrays.red_value[k] for k in rest if arrays.red_at_least[k]), default=-np.inf)
            hi = min((arrays.red_value[k] for k in rest if not arrays.red_at_least[k]), default=np.inf)
            if lo <= hi + 1e-12:
                candidates.append(r)
    else:
        return _pivotal_by_halves(problem, [int(r) for r in held], n_r, known_feasible=False)
    out = []
    for r in candidates:
        keep = np.ones(n_r, dtype=bool)
        keep[r] = False
        if _feasible(problem, keep):
            out.append(int(r))
    return out


def _pivotal_by_halves(problem: Problem, group: list[int], n_r: int, known_feasible: bool) -> list[int]:
    """The lines of ``group`` whose removal alone opens a zone, by splitting the group in halves.

    Dropping a set of lines and still finding no zone rules out every line of the set
    (dropping one of them keeps more limits), so only sets whose removal opens a zone are
    split further: a few programs when few lines are pivotal, instead of one per line.
    """
    if not group:
        return []
    if len(group) > 1 or not known_feasible:
        keep = np.ones(n_r, dtype=bool)
        keep[group] = False
        if not _feasible(problem, keep):
            return []
    if len(group) == 1:
        return group
    half = len(group) // 2
    return (_pivotal_by_halves(problem, group[:half], n_r, False)
            + _pivotal_by_halves(problem, group[half:], n_r, False))


def pivotal_lines(arrays: AgreementArrays, zone: np.ndarray, utility: Utility = "linear") -> np.ndarray:
    """Which held red lines are pivotal in each draw without a zone, shape (D, R) bool.

    Parameters
    ----------
    arrays : AgreementArrays
        With a leading draw axis of length D.
    zone : ndarray of bool, shape (D,)
        Whether each draw has a zone (those have no pivotal red line).
    """
    n_d, n_r = arrays.n_draws, arrays.n_red_lines
    real = np.broadcast_to(arrays.red_real, (n_d, n_r))
    veto = np.asarray(arrays.veto.any(axis=1), dtype=np.bool_)
    relevant = veto[arrays.red_actor]
    conflicts = _box_conflicts(arrays, real, veto)
    out = np.zeros((n_d, n_r), dtype=bool)
    for d in np.flatnonzero(~np.asarray(zone, dtype=bool)):
        held = np.flatnonzero(real[d] & relevant)
        if not len(held):
            continue
        problem = Problem.from_arrays(arrays.draw(int(d)), utility)
        out[d, _pivotal_lines(problem, arrays, held, conflicts[d])] = True
    return out


def zone_probability(arrays: AgreementArrays, utility: Utility = "linear", *, pivotal: bool = True,
                     pivotal_limit: int | None = None) -> ZoneProbability:
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
    pivotal_limit : int, optional
        Count them on the first this many draws only; shares are over those draws.

    Returns
    -------
    ZoneProbability
    """
    if not arrays.batched:
        raise ValueError("zone_probability needs arrays with a draw axis")
    n_d, n_r = arrays.n_draws, arrays.n_red_lines
    real = np.broadcast_to(arrays.red_real, (n_d, n_r))
    veto = np.asarray(arrays.veto.any(axis=1), dtype=np.bool_)
    pending = np.asarray(~_box_conflicts(arrays, real, veto).any(axis=1), dtype=np.bool_)
    zone = np.zeros(n_d, dtype=bool)
    accepts = batch_acceptance(arrays, utility)
    found = accepts(np.asarray(normalised_status_quo(arrays))) & pending
    zone[found], pending[found] = True, False
    for d in range(n_d):
        if not pending[d]:
            continue
        pending[d] = False
        deal = Deal(Problem.from_arrays(arrays.draw(d), utility))
        if deal.feasible():
            zone[d] = True
            if pending.any():
                hit = accepts(deal.package(deal.margin()[1])) & pending
                zone[hit], pending[hit] = True, False
    counted = n_d if pivotal_limit is None else min(n_d, pivotal_limit)
    if pivotal and counted:
        scope = np.zeros(n_d, dtype=bool)
        scope[:counted] = True
        piv = pivotal_lines(arrays, zone | ~scope, utility)[:counted].mean(axis=0)
    else:
        piv = np.zeros(n_r)
    p = float(zone.mean()) if n_d else math.nan
    se = math.sqrt(p * (1.0 - p) / n_d) if n_d else math.nan
    return ZoneProbability(zone, p, se, piv, real.mean(axis=0) if n_d else np.zeros(n_r),
                           counted if pivotal else 0)


def margins(arrays: AgreementArrays, zone: np.ndarray, utility: Utility = "linear") -> np.ndarray:
    """The margin (largest surplus every veto player gets at once) of each draw with a zone; 0 elsewhere.

    Returns
    -------
    ndarray, shape (D,)
    """
    out = np.zeros(arrays.n_draws)
    for d in np.flatnonzero(np.asarray(zone, dtype=bool)):
        deal = Deal(Problem.from_arrays(arrays.draw(int(d)), utility))
        out[d] = deal.margin()[0] if deal.nV else 0.0
    return out
