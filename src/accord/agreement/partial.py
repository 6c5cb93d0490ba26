"""Partial deals: the largest subsets of issues on which a zone of agreement exists.

Subsets are searched from the largest down; most are settled by known acceptable packages or
by a certificate that none exists, without solving a program (see :func:`partial_deals`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.agreement.bargaining import Deal, Problem
from accord.agreement.deal import DealResult, analyse_deal

# --------------------------------------------------------------------------- partial deals


@dataclass(frozen=True)
class PartialDeals:
    """The largest partial deals with a zone of agreement.

    Attributes
    ----------
    size : int
        Number of issues they cover (0 when no partial deal has a zone).
    deals : tuple of DealResult
        The deals of that size with a zone, widest margin first, at most ``limit``.
    n_feasible : int
        How many deals of that size have a zone.
    subsets_checked : int
        Subsets examined.
    lps : int
        Linear programs solved to decide them (the rest were decided by certificates).
    complete : bool
        False when the search stopped at its budget of programs before deciding every
        subset of the size it had reached (:attr:`stopped_at` issues); nothing is then
        reported about smaller deals.
    stopped_at : int or None
        The subset size being searched when the budget ran out.
    """

    size: int
    deals: tuple[DealResult, ...]
    n_feasible: int
    subsets_checked: int
    lps: int
    complete: bool = True
    stopped_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "n_feasible": self.n_feasible,
            "subsets_checked": self.subsets_checked,
            "lps": self.lps,
            "complete": self.complete,
            "stopped_at": self.stopped_at,
            "deals": [d.to_json() for d in self.deals],
        }


def _breakpoint_terms(problem: Problem, lo: np.ndarray | None = None, hi: np.ndarray | None = None
                      ) -> np.ndarray | None:
    """Every actor's terms at every candidate maximiser of a linear ``Σ_i λ_i T_i``, shape (B, A, I).

    With the linear form ``max_z Σ_i λ_i T_ip(z)`` over ``lo ≤ z ≤ hi`` (default [0, 1]) is
    reached at a position (clipped to the bounds) or a bound; with the quadratic form it
    depends on ``λ`` (None).
    """
    if problem.quadratic:
        return None
    n_i = problem.pi.shape[1]
    lo = np.zeros(n_i) if lo is None else lo
    hi = np.ones(n_i) if hi is None else hi
    assert problem.pic is not None  # set in Problem.__post_init__
    cands = np.vstack([problem.pi, problem.pic, problem.sq[None], lo[None], hi[None]])
    return np.stack([problem.terms(np.clip(c, lo, hi)) for c in cands])


def _line_box(problem: Problem, actors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on every issue from the held red lines of ``actors`` (bool, shape (A,))."""
    n_i = problem.pi.shape[1]
    lo, hi = np.zeros(n_i), np.ones(n_i)
    for r in np.flatnonzero(problem.line_real & actors[problem.line_actor]):
        q = problem.line_issue[r]
        if problem.line_at_least[r]:
            lo[q] = max(lo[q], problem.line_value[r])
        else:
            hi[q] = min(hi[q], problem.line_value[r])
    return lo, np.maximum(hi, lo)


def _breakpoint_max(problem: Problem, lam: np.ndarray, T_bp: np.ndarray | None) -> np.ndarray:
    """``ψ_p = max_z Σ_i λ_i T_ip(z)`` for every issue, shape (L, I), for λ of shape (L, A)."""
    if T_bp is not None:
        return np.einsum("la,bai->lbi", lam, T_bp).max(axis=1)
    wl = lam[:, :, None] * problem.w[None]
    tot = wl.sum(axis=1)
    zc = np.divide((wl * problem.pi[None]).sum(axis=1), tot, out=np.tile(problem.sq, (len(lam), 1)), where=tot > 0)
    return np.stack([lam[r] @ problem.terms(zc[r]) for r in range(len(lam))])


def _accepted(B: np.ndarray, VB: np.ndarray, T_stack: Sequence[np.ndarray], rows: np.ndarray,
              problem: Problem | None = None, Z: Sequence[np.ndarray] = ()) -> np.ndarray:
    """Subsets ``rows`` of ``B`` (S, I) whose veto players ``VB`` (S, A) all accept one of the packages.

    With limits (``problem.hard``), a package must also meet the subset's veto players'
    red lines, requirements and options: ``Z`` holds the packages behind ``T_stack``.
    """
    if not len(T_stack) or not len(rows):
        return np.zeros(len(rows), dtype=bool)
    G = np.einsum("si,kai->ksa", B[rows], np.stack(T_stack))
    ok = ((G >= -1e-12) | ~VB[rows][None]).all(axis=-1)
    if problem is None or not problem.hard:
        return ok.any(axis=0)
    return (ok.T & problem.hard_ok_many(np.asarray(Z, dtype=float), VB[rows], B[rows].astype(bool))).any(axis=1)


def _lines_conflict(problem: Problem, B: np.ndarray, VB: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Subsets ``rows`` in which two held red lines of veto players contradict each other on a covered issue."""
    out = np.zeros(len(rows), dtype=bool)
    held = np.flatnonzero(problem.line_real)
    if not len(held):
        return out
    lo_lines = [r for r in held if problem.line_at_least[r]]
    hi_lines = [r for r in held if not problem.line_at_least[r]]
    clashes = [(a, b) for a in lo_lines for b in hi_lines
               if problem.line_issue[a] == problem.line_issue[b]
               and problem.line_value[a] > problem.line_value[b] + 1e-12]
    for n, s in enumerate(rows):
        for a, b in clashes:
            q = problem.line_issue[a]
            if B[s, q] and VB[s, problem.line_actor[a]] and VB[s, problem.line_actor[b]]:
                out[n] = True
                break
    return out


def _certified_empty(problem: Problem, B: np.ndarray, VB: np.ndarray, lams: Sequence[np.ndarray],
                     rows: np.ndarray, T_bp: np.ndarray | None) -> np.ndarray:
    """Subsets ``rows`` for which some ``λ`` (masked to their veto players) proves there is no zone."""
    out = np.zeros(len(rows), dtype=bool)
    if not len(lams) or not len(rows):
        return out
    L = np.stack(lams)
    masks, inverse = np.unique(VB[rows], axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    for u, mask in enumerate(masks):
        sel = np.flatnonzero(inverse == u)
        if T_bp is not None and problem.line_real.any():
            T_bp = _breakpoint_terms(problem, *_line_box(problem, mask))
        psi = _breakpoint_max(problem, L * mask[None], T_bp)
        out[sel] = ((B[rows[sel]] @ psi.T) < -1e-10).any(axis=1)
    return out


#: Programs the partial-deal search may solve before it stops and says so.
MAX_PROGRAMS = 400


def partial_deals(problem: Problem, *, limit: int = 5, detail: bool = True,
                  max_programs: int = MAX_PROGRAMS) -> PartialDeals:
    """The largest proper subsets of issues that have a zone of agreement (see the module notes).

    Parameters
    ----------
    problem : Problem
    limit : int
        Deals reported in full.
    detail : bool
        Analyse the reported deals in full (zone, Nash, Kalai–Smorodinsky).
    """
    n_a, n_i = problem.pi.shape
    if n_i < 2:
        return PartialDeals(0, (), 0, 0, 0)
    veto = problem.veto.astype(float)
    cands: list[np.ndarray] = [problem.sq, np.full(n_i, 0.5)]
    for a in range(n_a):
        cands.append(np.where(problem.present[a], problem.pi[a], problem.sq))
        cands.append(np.where(problem.present[a], problem.eps[a], problem.sq))
    for a, b in itertools.combinations(range(n_a), 2):
        both = problem.present[a] & problem.present[b]
        cands.append(np.where(both, 0.5 * (problem.pi[a] + problem.pi[b]), problem.sq))
    weight = problem.w * np.maximum(problem.cap, 0.0)[:, None] * problem.veto
    med = problem.sq.copy()
    for q in range(n_i):
        idx = np.flatnonzero(weight[:, q] > 0)
        if len(idx):
            order = idx[np.argsort(problem.pi[idx, q])]
            cum = np.cumsum(weight[order, q])
            med[q] = problem.pi[order[np.searchsorted(cum, 0.5 * cum[-1])], q]
    cands.append(med)
    Zs = list(cands)
    Ts = [problem.terms(z) for z in cands]
    lams: list[np.ndarray] = []
    for a, b in itertools.permutations(range(n_a), 2):
        for r in (0.1, 0.25, 0.5, 1.0):
            lam = np.zeros(n_a)
            lam[a], lam[b] = 1.0, r
            lams.append(lam)

    T_bp = _breakpoint_terms(problem)
    checked = lps = 0
    for size in range(n_i - 1, 0, -1):
        B = np.array([[q in combo for q in range(n_i)] for combo in itertools.combinations(range(n_i), size)],
                     dtype=float)
        VB = (B @ veto.T) > 0
        checked += len(B)
        status = np.zeros(len(B), dtype=int)
        status[_accepted(B, VB, Ts, np.arange(len(B)), problem, Zs)] = 1
        rest = np.flatnonzero(status == 0)
        status[rest[_lines_conflict(problem, B, VB, rest)]] = -1
        rest = np.flatnonzero(status == 0)
        status[rest[_certified_empty(problem, B, VB, lams, rest, T_bp)]] = -1
        while True:
            rest = np.flatnonzero(status == 0)
            if not len(rest):
                break
            if lps >= max_programs:
                return PartialDeals(0, (), 0, checked, lps, complete=False, stopped_at=size)
            s = rest[0]
            deal = Deal(problem, B[s].astype(bool))
            rel = deal.relax()
            lps += deal.lps
            rest = rest[1:]
            if rel.zone_exists:
                status[s] = 1
                Zs.append(rel.z)
                Ts.append(problem.terms(rel.z))
                status[rest[_accepted(B, VB, Ts[-1:], rest, problem, Zs[-1:])]] = 1
            else:
                status[s] = -1
                lams.append(rel.lam)
                status[rest[_certified_empty(problem, B, VB, [rel.lam], rest, T_bp)]] = -1
        found = np.flatnonzero(status == 1)
        if len(found):
            results = []
            for s in found:
                cover = B[s].astype(bool)
                results.append(analyse_deal(problem, cover, detail=False))
            ranking = sorted(range(len(found)), key=lambda k: (-(results[k].margin or 0.0), results[k].issues))
            chosen = [found[k] for k in ranking[:limit]]
            deals = tuple(analyse_deal(problem, B[s].astype(bool), detail=detail) for s in chosen)
            return PartialDeals(size, deals, len(found), checked, lps)
    return PartialDeals(0, (), 0, checked, lps)


