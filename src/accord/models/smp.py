"""The spatial model of politics (SMP) of KAPSARC's Toolkit for Behavioral Analysis (KTAB).

Sources
-------
- Wise, B. et al. (2015-2017), *KTAB: the KAPSARC Toolkit for Behavioral Analysis*, user
  guide and "SMP tutorial" (KAPSARC, Riyadh); the model as implemented in KTAB's C++ source
  (``examples/smp`` and ``KTAB/kmodel`` of https://github.com/KAPSARC/KTAB), copyright (c)
  2015 King Abdullah Petroleum Studies and Research Center, released under the MIT licence.
  This module is an independent implementation of the published model; it reproduces
  KTAB's reference runs state by state (see ``tests/regression/test_smp_ktab.py``).

The model
---------
Actors have a capability ``c_i``, a position vector ``x_i`` on K dimensions (each issue's
scale mapped onto [0, 1]) and saliences ``s_ik`` (their total ``S_i = sum_k s_ik`` at most
1). Starting from the given positions, the model moves from state to state; in each state:

Distances and utilities
    ``d(i, j) = sqrt(sum_k s_ik^2 (x_ik - x_jk)^2 / sum_k s_ik^2)`` is how far actor j's
    position is from actor i's ideal (its current position), and a position at distance
    ``d`` is worth ``u(d, R) = (1 - d)(1 + d R)`` to an actor of risk attitude ``R``.

Risk attitudes
    With every ``R = 0``, the positions are options of a vote: voter k's vote for option
    a over option b is ``v_k(a, b) = V(c_k, u_ka - u_kb)`` (the voting rule ``V``,
    proportional by default: ``c_k (u_ka - u_kb)``), coalition strengths are
    ``C(a, b) = 1e-8 + sum_k max(0, v_k(a, b))``, and ``P(a > b)`` follows from the pair of
    strengths by the victory probability model (linear: ``C(a, b) / (C(a, b) + C(b, a))``).
    The probability ``p_a`` that an option wins is the Condorcet-style product
    ``prod_b P(a > b)`` normalised to sum 1 (``P(a > a) = 1/2``; the Markov variants are
    the stationary distributions of KTAB's challenge chains). Actor i's risk attitude is
    ``R_i = (3 p_i - p_max - 2 p_min) / (2 (p_max - p_min))`` ("Mid", in [-1/2, 1]).
    Actor h believes i's attitude is ``(2 R_h + R_i) / 3`` ("OneThird"), so h's view of
    i's utilities is ``U_h(i, j) = u(d(i, j), (2 R_h + R_i) / 3)``.

Challenges
    From h's point of view, i challenging j is a contest whose sides gather
    ``1e-10 + max(0, V(w_i, U_h(i,i) - U_h(i,j))) + max(0, V(w_j, U_h(j,i) - U_h(j,j)))``
    (and the mirror image for j), with ``w = c S``. Each third party n (in turn, against
    these two-party strengths) estimates its own chance of being on the winning side and
    joins with the vote ``V(w_n, E_n[i wins] - E_n[j wins])``, where a "semi-committed"
    third party gets ``2 U(n,i) + U(n,n)`` when it joined i's side and i won, ``3 U(n,j)``
    when it joined i's side and lost, and symmetrically. The probability that i prevails
    is ``P = C_ij / (C_ij + C_ji)`` over all contributions, and the expected gain to
    actor k is ``(1 - S_j) 2 U(k,i) + S_j (P 2 U(k,i) + (1 - P) 2 U(k,j)) - U(k,i) - U(k,j)``.
    Each actor i challenges the actor j of its greatest expected gain (seen by itself,
    for itself), when that exceeds 1e-5.

Bargains
    A challenge of j by i produces a bargain: i proposes that both adopt, on every
    dimension, ``b = ((w_i + 1e-6) x_i + w_j x_j) / (w_i + 1e-6 + w_j)`` for i and
    ``(w_i x_i + (w_j + 1e-6) x_j) / (w_i + 1e-6 + w_j)`` for j, with
    ``w_i = s_ik^2 P^2`` and ``w_j = s_jk^2 (1 - P)^2`` ("S2P2"), rounded to four decimals
    of the [0, 1] scale. With "InitOnlyInterp", i's proposal is the bargain.

Choice of bargain, next state
    Every actor k considers the status quo and each bargain it is part of. A bargain is
    worth to voter n the mean, over all actors, of n's utility of their positions with
    the two bargainers moved (the movers' utilities at n's own risk attitude). The options
    are voted on as above (weights ``c``) and k takes the one of highest probability
    (deterministic transitions; stochastic ones draw it). All actors move at once.

Stopping rule
    After each step t >= 2, stop when ``D(t-1, t) / (D(0, 1) + 1e-4) < 0.02`` or t = 100,
    with ``D`` the sum over actors of the Euclidean distance between their positions.

Winning probabilities
    In each state, the unique positions (those more than 1e-3 apart, first occurrence
    kept) are options voted on with each actor's own utilities ``U_i(i, .)`` and weights
    ``c``; an actor's winning probability is that of its position.

Forecast
    The expected outcome under the winning probabilities: each unique position's
    probability shared equally among the actors holding it, averaged over the actors with
    a stance on the issue.

Conventions where KTAB stops with an error
    Actors with no stance at all are left out. An actor without a stance on an issue has
    salience 0 there and its coordinate is ignored in every distance (a term with it is
    0); a bargain leaves that coordinate absent. Saliences whose total exceeds 1 are
    divided by their total (KTAB rejects such input). Actors with capability or total
    salience 0 vote and weigh 0; a distance with zero total salience is 0. When every
    option has the same probability every risk attitude is 0. The order in which an
    actor's bargains are listed (the status quo, its own, then those received in the
    order of the initiators) decides exact ties; KTAB lists them in the order its
    threads finish.

Settings
    Every KTAB setting is a parameter, under KTAB's names: ``victory_prob`` (Linear,
    Square, Quartic, Octic, Binary), ``voting_rule`` (Binary, PropBin, Prop, PropCbc,
    Cubic, ASymProsp), ``pce_model`` (Conditional, MarkovIncentive, MarkovUniform),
    ``state_transitions`` (Deterministic, Stochastic; draws come from the generator the
    model is given, not KTAB's), ``big_r_range`` (Min, Mid, Max), ``big_r_adjust``
    (None, OneThird, Half, TwoThirds, Full), ``third_party_commit`` (NoCommit,
    SemiCommit, FullCommit), ``inter_vec_bargain`` (S1P1, S2P2, S2PMax) and
    ``bargain_model`` (InitOnlyInterp, InitRcvrInterp, PWCompInterp). For PWCompInterp the
    receiver's weight is its own capability times its total salience (KTAB's code uses
    the initiator's capability there).

Computation
    Arrays carry a leading draw axis D; draws are simulated in blocks of bounded memory,
    each block state by state until every draw in it has stopped. Results are padded to
    ``iterations + 1`` states by repeating each draw's last state; ``n_states`` says how
    many are real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from pydantic import Field

from accord.models.base import Event, Model, ModelParams, ModelResult, register
from accord.scenario.arrays import ScenarioArrays

#: Approximate bound on the bytes of the largest temporary of a block of draws.
BLOCK_BYTES = 48 * 2**20

MIN_COALITION = 1e-8
MIN_CONTEST = 1e-10
MIN_BARGAIN_WEIGHT = 1e-6
MIN_SIGNIFICANT_GAIN = 1e-5


class SMPParams(ModelParams):
    """Parameters of :class:`SpatialModelOfPolitics` (KTAB's settings and stopping rule)."""

    victory_prob: Literal["Linear", "Square", "Quartic", "Octic", "Binary"] = Field(
        "Linear", description="How coalition strengths turn into a probability of victory.")
    voting_rule: Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"] = Field(
        "Prop", description="How a difference in utility turns into a vote.")
    pce_model: Literal["Conditional", "MarkovIncentive", "MarkovUniform"] = Field(
        "Conditional", description="Probabilistic Condorcet election among options.")
    state_transitions: Literal["Deterministic", "Stochastic"] = Field(
        "Deterministic", description="Take the most probable bargain, or draw one.")
    big_r_range: Literal["Min", "Mid", "Max"] = Field(
        "Mid", description="Range of risk attitudes: [0, 1], [-1/2, 1] or [-1, 1].")
    big_r_adjust: Literal["None", "OneThird", "Half", "TwoThirds", "Full"] = Field(
        "OneThird", description="How much of another actor's risk attitude an actor perceives.")
    third_party_commit: Literal["NoCommit", "SemiCommit", "FullCommit"] = Field(
        "SemiCommit", description="What third parties expect from the side they join.")
    inter_vec_bargain: Literal["S1P1", "S2P2", "S2PMax"] = Field(
        "S2P2", description="Interpolation of the bargain between the two positions.")
    bargain_model: Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"] = Field(
        "InitOnlyInterp", description="Which bargains a challenge puts on the table.")
    iterations: int = Field(100, ge=1, le=10000, description="Most steps (KTAB's maxIter).")
    min_iterations: int = Field(2, ge=1, le=10000, description="Fewest steps (KTAB's minIter).")
    min_delta_ratio: float = Field(
        0.02, ge=0, le=1, description="Stop when a step moves less than this share of the first.")
    min_sig_delta: float = Field(1e-4, ge=0, description="Added to the first step's size.")
    position_tolerance: float = Field(
        1e-3, gt=0, description="Positions closer than this (on [0, 1]) count as one.")


@dataclass(frozen=True, eq=False)
class SMPResult(ModelResult):
    """A :class:`ModelResult` with KTAB's per-state outputs.

    Attributes
    ----------
    rounds : ndarray, shape (S, A, I) or (D, S, A, I)
        Positions in states 0 (the start) to ``S - 1 = iterations``, padded after the
        last real state by repeating it.
    n_states : int or ndarray of int, shape (D,)
        Number of real states (KTAB's "There were N states").
    win_prob : ndarray, shape (S, A) or (D, S, A)
        Each actor's winning probability in each state (NaN for actors without stances).
    trace : list of dict or None
        For unbatched runs: per step, the challenges, bargains and choices (see
        :func:`simulate`).
    """

    n_states: Any = None
    win_prob: Any = None
    trace: Any = None

    def draw(self, d: int) -> SMPResult:
        base = super().draw(d)
        return replace(base, n_states=int(self.n_states[d]), win_prob=self.win_prob[d])


# --------------------------------------------------------------------------- primitives


def _vote(rule: str, w: np.ndarray, du: np.ndarray) -> np.ndarray:
    """A voter's vote for one option over another, ``V(w, du)``.

    Parameters
    ----------
    rule : str
        KTAB voting rule.
    w : ndarray
        Voting weight (broadcast against ``du``).
    du : ndarray
        Utility of the first option minus that of the second.

    Returns
    -------
    ndarray
        Positive for the first option.
    """
    if rule == "Prop":
        return w * du
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "Binary":
        return w * binary
    if rule == "PropBin":
        return w * ((1 - 0.2) * du + 0.2 * binary)
    if rule == "PropCbc":
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == "Cubic":
        return w * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0, w * du, np.where(du > 0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def _victory(vpm: str, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """Probability that a coalition of strength ``c1`` beats one of strength ``c2``.

    Parameters
    ----------
    vpm : str
        KTAB victory probability model.
    c1, c2 : ndarray
        Coalition strengths (positive), broadcast against each other.

    Returns
    -------
    ndarray
        ``x(c1) / (x(c1) + x(c2))`` with ``x`` the model's law.
    """
    if vpm == "Linear":
        x1, x2 = c1, c2
    elif vpm == "Square":
        x1, x2 = c1 * c1, c2 * c2
    elif vpm == "Quartic":
        x1, x2 = (c1 * c1) ** 2, (c2 * c2) ** 2
    elif vpm == "Octic":
        x1, x2 = ((c1 * c1) ** 2) ** 2, ((c2 * c2) ** 2) ** 2
    elif vpm == "Binary":
        thresh = 1.10
        r12 = c1 / (c1 + c2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c1 >= thresh * c2, 1.0, np.where(c2 >= thresh * c1, 1e-6, p12))
        x2 = np.where(c1 >= thresh * c2, 1e-6, np.where(c2 >= thresh * c1, 1.0, 1 - p12))
    else:
        raise ValueError(f"unknown victory probability model {vpm!r}")
    return x1 / (x1 + x2)


def _util(dist: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """Utility ``(1 - d)(1 + d R)`` of a position at distance ``d`` (``d`` capped at 1 in R)."""
    return (1 - dist) * (1 + np.minimum(dist, 1.0) * risk)


def _distance(ideal: np.ndarray, sal: np.ndarray, other: np.ndarray, both: np.ndarray) -> np.ndarray:
    """Salience-weighted distance of ``other`` from ``ideal``.

    Parameters
    ----------
    ideal, sal : ndarray, shape (..., K)
        The judging actor's ideal and saliences.
    other : ndarray, shape (..., K)
        The position judged.
    both : ndarray of bool, shape (..., K)
        Where both coordinates exist; other terms are 0.

    Returns
    -------
    ndarray, shape (...)
        ``sqrt(sum_k (s_k (a_k - b_k))^2 / sum_k s_k^2)``, 0 where the saliences are all 0.
    """
    num = np.zeros(np.broadcast_shapes(ideal.shape, sal.shape, other.shape, both.shape)[:-1])
    den = np.zeros(sal.shape[:-1])
    for k in range(sal.shape[-1]):
        ds = sal[..., k] * np.where(both[..., k], ideal[..., k] - other[..., k], 0.0)
        num = num + ds * ds
        den = den + sal[..., k] * sal[..., k]
    den = np.broadcast_to(den, num.shape)
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    return np.sqrt(out)


def _coalitions(u: np.ndarray, w: np.ndarray, rule: str, valid: np.ndarray | None = None) -> np.ndarray:
    """Coalition strengths among options.

    Parameters
    ----------
    u : ndarray, shape (B, N, M)
        Utility of each option to each voter.
    w : ndarray, shape (B, N)
        Voting weights.
    rule : str
    valid : ndarray of bool, shape (B, M), optional
        Options that exist (padding otherwise).

    Returns
    -------
    ndarray, shape (B, M, M)
        ``C[a, b]``, strength of the coalition for a against b (``1e-8`` on the diagonal).
        Following KTAB, votes are cast for the pairs ``a > b``; the support of the first
        option fills ``C[a, b]`` and the opposition ``C[b, a]``.
    """
    b, n, m = u.shape
    du = u[:, :, :, None] - u[:, :, None, :]  # (B, N, a, b)
    idx = np.arange(m)
    if rule != "ASymProsp":
        # the vote for b over a is minus the vote for a over b, so both halves are the
        # positive parts; with w >= 0, max(0, w du) = w max(0, du)
        np.maximum(du, 0.0, out=du)
        if rule == "Prop":
            v = du
        else:
            v = _vote(rule, np.ones(1), du)
        c = MIN_COALITION + np.einsum("bn,bnk->bk", w, v.reshape(b, n, m * m)).reshape(b, m, m)
        c[:, idx, idx] = MIN_COALITION
        return c
    v = _vote(rule, w[:, :, None, None], du)
    pos = MIN_COALITION + np.maximum(v, 0.0).sum(axis=1)
    neg = MIN_COALITION + np.maximum(-v, 0.0).sum(axis=1)
    lower = np.tril(np.ones((m, m), dtype=bool), -1)
    c = np.where(lower, pos, neg.transpose(0, 2, 1))
    c[:, idx, idx] = MIN_COALITION
    return c


def _pce(c: np.ndarray, vpm: str, pcem: str, valid: np.ndarray | None = None) -> np.ndarray:
    """Probability that each option wins a probabilistic Condorcet election.

    Parameters
    ----------
    c : ndarray, shape (B, M, M)
        Coalition strengths from :func:`_coalitions`.
    vpm, pcem : str
        Victory probability and election models.
    valid : ndarray of bool, shape (B, M), optional

    Returns
    -------
    ndarray, shape (B, M)
        Sums to 1 over the valid options; 0 on padding.
    """
    b, m, _ = c.shape
    if valid is None:
        valid = np.ones((b, m), dtype=bool)
    pv = _victory(vpm, c, c.transpose(0, 2, 1))
    idx = np.arange(m)
    pv[:, idx, idx] = 0.5
    pair = valid[:, :, None] & valid[:, None, :]
    if pcem == "Conditional":
        prod = np.prod(np.where(valid[:, None, :], pv, 1.0), axis=2)
        prod = np.where(valid, prod, 0.0)
        return prod / prod.sum(axis=1, keepdims=True)
    n = valid.sum(axis=1, keepdims=True).astype(float)
    p = np.where(valid, 1.0 / n, 0.0)
    pv = np.where(pair, pv, 0.0)
    if pcem == "MarkovUniform":
        tol = 1e-6
        step = lambda p: (pv * (p[:, :, None] + p[:, None, :])).sum(axis=2) / n  # noqa: E731
    elif pcem == "MarkovIncentive":
        tol = 1e-8
        inc = np.where(pair, c * pv, 0.0)
        inc[:, idx, idx] += np.where(valid, 1e-10, 0.0)
        chlg = inc / np.where(valid[:, None, :], inc.sum(axis=1, keepdims=True), 1.0)

        def step(p: np.ndarray) -> np.ndarray:
            ct = p[:, :, None] * chlg.transpose(0, 2, 1)
            return (pv * (ct + ct.transpose(0, 2, 1))).sum(axis=2)
    else:
        raise ValueError(f"unknown PCE model {pcem!r}")
    busy = np.ones(b, dtype=bool)
    for _ in range(100000):
        q = step(p)
        change = np.max(np.abs(q - p), axis=1)
        p = np.where(busy[:, None], (p + q) / 2.0, p)
        busy &= change > tol
        if not busy.any():
            break
    return p


def _big_r(p: np.ndarray, rng: str) -> np.ndarray:
    """Risk attitudes from winning probabilities (KTAB's ``bigRfromProb``), shape (B, A) -> (B, A)."""
    lo = p.min(axis=1, keepdims=True)
    hi = p.max(axis=1, keepdims=True)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    if rng == "Min":
        r = (p - lo) / safe
    elif rng == "Mid":
        r = (3 * p - (hi + 2 * lo)) / (2 * safe)
    else:
        r = (2 * p - (hi + lo)) / safe
    return np.where(span > 0, r, 0.0)


def _perceived(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    """h's estimate of i's risk attitude (KTAB's ``estNRA``).

    Parameters
    ----------
    rh, ri : ndarray
        The risk attitudes of h and i, broadcast against each other.
    adjust : str
        KTAB ``BigRAdjust`` setting.

    Returns
    -------
    ndarray
    """
    if adjust == "Full":
        return ri + 0 * rh
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0
    return rh + 0 * ri


def _round4(x: np.ndarray) -> np.ndarray:
    """Round non-negative ``x`` to four decimals, half up (KTAB rounds bargains so)."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


# --------------------------------------------------------------------------- one state


@dataclass
class _State:
    """What a state's assessment yields.

    Attributes
    ----------
    dist : ndarray, shape (B, A, A)
        ``d(i, j)``.
    raw : ndarray, shape (B, A, A)
        Risk-neutral utilities ``1 - d``.
    risk : ndarray, shape (B, A)
    util : ndarray, shape (B, H, A, A)
        ``U_h(i, j)``.
    """

    dist: np.ndarray
    raw: np.ndarray
    risk: np.ndarray
    util: np.ndarray


def _assess(x: np.ndarray, sal: np.ndarray, pres: np.ndarray, cap: np.ndarray, p: SMPParams) -> _State:
    """Distances, risk attitudes and every actor's view of everyone's utilities.

    Parameters
    ----------
    x : ndarray, shape (B, A, K)
        Positions on [0, 1] (finite filler where absent).
    sal : ndarray, shape (B, A, K)
        Saliences (0 where absent).
    pres : ndarray of bool, shape (A, K)
    cap : ndarray, shape (B, A)
    p : SMPParams
    """
    both = pres[:, None, :] & pres[None, :, :]
    dist = _distance(x[:, :, None, :], sal[:, :, None, :], x[:, None, :, :], both[None])
    raw = _util(dist, 0.0)
    c = _coalitions(raw, cap, p.voting_rule)
    prob = _pce(c, p.victory_prob, p.pce_model)
    risk = _big_r(prob, p.big_r_range)
    rhi = _perceived(risk[:, :, None], risk[:, None, :], p.big_r_adjust)  # (B, H, I)
    util = _util(dist[:, None, :, :], rhi[:, :, :, None])
    return _State(dist, raw, risk, util)


def _contest(u_ii, u_ij, u_ji, u_jj, u_ni, u_nj, u_nn, third, w_i, w_j, w_n, s_j, p):  # noqa: ANN001, ANN202
    """Probability that i beats j and the gain to k = i, from one actor's utilities.

    All arguments broadcast; the third-party terms (``u_ni``, ``u_nj``, ``u_nn``, ``third``,
    ``w_n``) carry the third parties on their last axis, which is summed over.

    Returns
    -------
    prob : ndarray
        ``P(i beats j)``.
    gain : ndarray
        Expected gain to i of challenging j.
    """
    rule, tpc = p.voting_rule, p.third_party_commit
    ci = _vote(rule, w_i, u_ii - u_ij)
    cj = _vote(rule, w_j, u_ji - u_jj)
    for_i = MIN_CONTEST + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    for_j = MIN_CONTEST + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    if rule == "Prop":
        sum_for_i, sum_for_j = _third_parties_prop(for_i, for_j, u_ni, u_nj, u_nn, third, w_n, tpc)
    else:
        cn = _vote(rule, w_n, u_ni - u_nj)
        cni = for_i[..., None] + np.maximum(cn, 0.0)
        cnj = for_j[..., None] + np.maximum(-cn, 0.0)
        pin = cni / (cni + cnj)
        pjn = 1.0 - pin
        if tpc == "FullCommit":
            a, b, c, d = 3 * u_ni, 3 * u_nj, 3 * u_ni, 3 * u_nj
        elif tpc == "SemiCommit":
            a, b, c, d = u_ni + u_ni + u_nn, u_nj + u_nj + u_nj, u_ni + u_ni + u_ni, u_nj + u_nj + u_nn
        else:
            a, b, c, d = u_ni + u_ni + u_nn, u_nj + u_nj + u_nn, u_ni + u_ni + u_nn, u_nj + u_nj + u_nn
        vn = _vote(rule, w_n, (pin * a + pjn * b) - (pin * c + pjn * d))
        vn = np.where(third, vn, 0.0)
        sum_for_i = np.maximum(vn, 0.0).sum(axis=-1)
        sum_for_j = np.maximum(-vn, 0.0).sum(axis=-1)
    chij = for_i + sum_for_i
    chji = for_j + sum_for_j
    prob = chij / (chij + chji)
    phji = chji / (chij + chji)
    vict = u_ii + u_ii
    contest = prob * vict + phji * (u_ij + u_ij)
    gain = ((1 - s_j) * vict + s_j * contest) - (u_ii + u_ij)
    return prob, gain


def _third_parties_prop(for_i, for_j, u_ni, u_nj, u_nn, third, w_n, tpc):  # noqa: ANN001, ANN202
    """Third parties' support for each side under the proportional voting rule.

    The same as the general case of :func:`_contest`, written with few passes over the
    (pairs x third parties) tensor. A third party's vote is
    ``w_n [(E_i - E_j)]`` with ``E_i - E_j = bd + P_n (ac - bd)``, where ``ac`` and ``bd``
    are the differences between its payoffs when it joined the winner and the loser;
    without semi-commitment both are 0 and third parties do not vote.

    Returns
    -------
    sum_for_i, sum_for_j : ndarray
        Sums over the third parties of the positive and negative parts of their votes.
    """
    shape = np.broadcast_shapes(np.shape(u_ni), np.shape(u_nj), np.shape(u_nn), np.shape(third),
                                np.shape(w_n), np.shape(for_i) + (1,))
    if tpc != "SemiCommit":
        return np.zeros(shape[:-1]), np.zeros(shape[:-1])
    args = [np.broadcast_to(v, shape) for v in (u_ni, u_nj, u_nn, third, w_n)]
    fi, fj = (np.broadcast_to(v, shape[:-1])[..., None] for v in (for_i, for_j))
    sum_for_i = np.empty(shape[:-1])
    sum_for_j = np.empty(shape[:-1])
    # work through the pairs a slice of the second axis at a time, so the temporaries stay
    # in cache
    per = max(1, int(np.prod(shape[2:])))
    step = max(1, (1 << 15) // per)
    for s0 in range(0, shape[1], step):
        sl = (slice(None), slice(s0, s0 + step))
        ni, nj, nn, th, wn = (v[sl] for v in args)
        cn = np.subtract(ni, nj)
        cn *= wn
        pos = np.maximum(cn, 0.0)
        np.subtract(pos, cn, out=cn)  # max(-cn, 0)
        pos += fi[sl]  # cni
        cn += fj[sl]  # cnj
        cn += pos
        pos /= cn  # P_n
        bd = np.subtract(nj, nn, out=cn)
        vn = np.subtract(nn, ni)
        vn -= bd  # ac - bd
        vn *= pos
        vn += bd
        vn *= wn
        vn *= th
        np.maximum(vn, 0.0, out=pos)
        sum_for_i[sl] = pos.sum(axis=-1)
        sum_for_j[sl] = sum_for_i[sl] - vn.sum(axis=-1)
    return sum_for_i, sum_for_j


def _challenges(st: _State, w: np.ndarray, stot: np.ndarray, p: SMPParams):  # noqa: ANN202
    """Each actor's best challenge, seen by itself.

    Returns
    -------
    target : ndarray of int, shape (B, A)
    active : ndarray of bool, shape (B, A)
        True when the best gain exceeds :data:`MIN_SIGNIFICANT_GAIN`.
    gain, prob_i : ndarray, shape (B, A)
        The gain and i's estimate that it prevails.
    prob_j : ndarray, shape (B, A)
        The target's estimate that i prevails.
    """
    U = st.util
    b, a = w.shape
    idx = np.arange(a)
    V = U.transpose(0, 1, 3, 2)
    diag = np.diagonal(U, axis1=2, axis2=3)  # (B, H, A): U_h(n, n)
    u_ij = U[:, idx, idx, :]  # (B, I, J) = U_i(i, j)
    u_ji = V[:, idx, idx, :]  # U_i(j, i)
    u_ii = diag[:, idx, idx][:, :, None]
    u_jj = diag  # U_i(j, j)
    n_ = idx[None, None, None, :]
    third = (idx[None, :, None, None] != n_) & (idx[None, None, :, None] != n_)
    prob, gain = _contest(
        u_ii, u_ij, u_ji, u_jj, u_ji[:, :, None, :], V, diag[:, :, None, :], third,
        w[:, :, None], w[:, None, :], w[:, None, None, :], stot[:, None, :], p,
    )
    gain = np.where(idx[:, None] != idx[None, :], gain, -np.inf)
    ok = gain > MIN_SIGNIFICANT_GAIN
    target = np.argmax(np.where(ok, gain, -np.inf), axis=2)
    active = ok.any(axis=2)
    pick = target[:, :, None]
    best = np.take_along_axis(gain, pick, 2)[:, :, 0]
    prob_i = np.take_along_axis(prob, pick, 2)[:, :, 0]
    # the target's view of the same contest
    r = np.arange(b)[:, None]
    t = target
    r3, t3, n3, i3 = r[:, :, None], t[:, :, None], idx[None, None, :], idx[None, :, None]
    uj_ii = U[r, t, idx, idx]
    uj_ij = U[r, t, idx, t]
    uj_ji = U[r, t, t, idx]
    uj_jj = U[r, t, t, t]
    uj_ni = U[r3, t3, n3, i3]  # (B, I, N): U_t(n, i)
    uj_nj = U[r3, t3, n3, t3]  # U_t(n, t)
    uj_nn = U[r3, t3, n3, n3]
    third_b = (idx[None, None, :] != idx[None, :, None]) & (idx[None, None, :] != t[:, :, None])
    prob_j, _ = _contest(
        uj_ii, uj_ij, uj_ji, uj_jj, uj_ni, uj_nj, uj_nn, third_b,
        w, np.take_along_axis(w, t, 1), w[:, None, :], np.take_along_axis(stot, t, 1), p,
    )
    return target, active, np.where(active, best, 0.0), prob_i, prob_j


def _interpolate(xi, si, pi, xj, sj, pj, how):  # noqa: ANN001, ANN202
    """Bargain coordinates for the initiator and the receiver (KTAB's ``interpolateBrgn``).

    Parameters
    ----------
    xi, si : ndarray, shape (B, A, K)
        The initiators' positions and saliences.
    pi : ndarray, shape (B, A, 1)
        The probability that the initiator prevails.
    xj, sj : ndarray, shape (B, A, K)
        Their targets' positions and saliences.
    pj : ndarray, shape (B, A, 1)
        ``1 - pi``.
    how : {"S1P1", "S2P2", "S2PMax"}

    Returns
    -------
    bi, bj : ndarray, shape (B, A, K)
        The coordinates proposed to the initiator and to the target (rounded to four
        decimals except for S2PMax).
    """
    if how == "S2PMax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_BARGAIN_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_BARGAIN_WEIGHT + ((1 - dj) * sj2))
        return xi + dik * (xj - xi), xj + djk * (xi - xj)
    n = 1 if how == "S1P1" else 2
    wi = (si**n) * (pi**n)
    wj = (sj**n) * (pj**n)
    den = wi + MIN_BARGAIN_WEIGHT + wj
    bi = _round4(((wi + MIN_BARGAIN_WEIGHT) * xi + wj * xj) / den)
    bj = _round4((wi * xi + (MIN_BARGAIN_WEIGHT + wj) * xj) / den)
    return bi, bj


def _bargains(x, sal, pres, cap, stot, target, prob_i, prob_j, p):  # noqa: ANN001, ANN202
    """The bargains each challenge puts on the table.

    Returns
    -------
    pos_init, pos_rcvr : ndarray, shape (B, A, Q, K)
        Positions proposed to the initiator (axis 1) and its target, Q = 1 or 2 bargains
        per challenge.
    """
    b, a, k = x.shape
    xj = np.take_along_axis(x, target[:, :, None], 1)
    sj = np.take_along_axis(sal, target[:, :, None], 1)
    pj_pres = pres[target]  # (B, A, K)
    pi_pres = np.broadcast_to(pres[None], (b, a, k))
    # a coordinate one side lacks is the other side's
    xi_eff = np.where(pi_pres, x, xj)
    xj_eff = np.where(pj_pres, xj, x)

    def one(prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pr = prob[:, :, None]
        return _interpolate(xi_eff, sal, pr, xj_eff, sj, 1 - pr, p.inter_vec_bargain)

    def keep(bi: np.ndarray, bj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(pi_pres, bi, x), np.where(pj_pres, bj, xj)

    bi, bj = keep(*one(prob_i))
    if p.bargain_model == "InitOnlyInterp":
        return bi[:, :, None], bj[:, :, None]
    ci, cj = keep(*one(prob_j))
    if p.bargain_model == "InitRcvrInterp":
        return np.stack([bi, ci], 2), np.stack([bj, cj], 2)
    wi = (cap * stot)[:, :, None]
    wj = np.take_along_axis(cap * stot, target, 1)[:, :, None]
    tot = np.where(wi + wj > 0, wi + wj, 1.0)
    half = np.where(wi + wj > 0, 0.0, 0.5)
    fi = np.where(wi + wj > 0, wi / tot, half)
    fj = np.where(wi + wj > 0, wj / tot, half)
    return (fi * bi + fj * ci)[:, :, None], (fi * bj + fj * cj)[:, :, None]


def _choose(x, sal, pres, cap, st, target, active, pos_init, pos_rcvr, p, rng):  # noqa: ANN001, ANN202
    """Every actor's choice among the status quo and its bargains.

    Returns
    -------
    new : ndarray, shape (B, A, K)
    chosen : ndarray of int, shape (B, A)
        -1 for the status quo, else ``init * Q + q`` of the bargain taken.
    prob : ndarray, shape (B, A)
        The chosen option's probability.
    n_options : ndarray of int, shape (B, A)
    options : list of dict or None
        Up to :data:`TRACE_MATRICES_UP_TO` actors: for each actor of draw 0, its options
        (``(initiator, q)``, ``(-1, 0)`` for the status quo), their utilities to every
        voter, shape (N, options), and their probabilities.
    """
    b, a, k = x.shape
    q = pos_init.shape[2]
    idx = np.arange(a)
    row = st.util[:, idx, idx, :]  # (B, N, A): U_n(n, a)
    rowsum = row.sum(axis=2)
    # utility of each bargain to each voter n: (B, I, Q, N)
    both_i = pres[None, :, None, None, :] & pres[None, None, None, :, :]  # (1, I, 1, N, K)
    both_j = pres[target][:, :, None, None, :] & pres[None, None, None, :, :]
    ideal = x[:, None, None, :, :]
    s_n = sal[:, None, None, :, :]
    r_n = st.risk[:, None, None, :]
    u_pi = _util(_distance(ideal, s_n, pos_init[:, :, :, None, :], both_i), r_n)
    u_pj = _util(_distance(ideal, s_n, pos_rcvr[:, :, :, None, :], both_j), r_n)
    u_n_i = np.transpose(row, (0, 2, 1))[:, :, None, :]  # U_n(n, i) at [b, i, 1, n]
    u_n_j = np.take_along_axis(np.transpose(row, (0, 2, 1)), target[:, :, None], 1)[:, :, None, :]
    ub = (u_pi + u_pj + (rowsum[:, None, None, :] - u_n_i - u_n_j)) / a  # (B, I, Q, N)
    usq = rowsum / a  # (B, N)

    # options of each actor: SQ, own bargains, bargains received (by initiator)
    inv = active[:, :, None] & (
        (idx[None, :, None] == idx[None, None, :]) | (target[:, :, None] == idx[None, None, :])
    )  # (B, I, K_actor): bargain of initiator i concerns actor k
    # order per actor k: own first, then received by initiator index
    key = np.where(inv, np.where(idx[None, :, None] == idx[None, None, :], -1, idx[None, :, None]), a + 1)
    order = np.argsort(key, axis=1, kind="stable")  # (B, I, K) over initiators
    count = inv.sum(axis=1)  # (B, K)
    m_max = int(count.max(initial=0)) if count.size else 0
    order = order[:, :m_max, :]  # (B, M, K)
    has = np.arange(m_max)[None, :, None] < count[:, None, :]
    n_opt = 1 + q * m_max
    # utilities (B, K, N, n_opt)
    u = np.empty((b, a, a, n_opt))
    u[:, :, :, 0] = usq[:, None, :]
    valid = np.zeros((b, a, n_opt), dtype=bool)
    valid[:, :, 0] = True
    rb = np.arange(b)[:, None, None]
    for qq in range(q):
        ub_q = ub[:, :, qq, :]  # (B, I, N)
        g = ub_q[rb, order, :]  # (B, M, K, N)
        cols = 1 + np.arange(m_max) * q + qq
        u[:, :, :, cols] = g.transpose(0, 2, 3, 1)
        valid[:, :, cols] = has.transpose(0, 2, 1)
    u = np.where(valid[:, :, None, :], u, 0.0)
    flat_u = u.reshape(b * a, a, n_opt)
    flat_w = np.repeat(cap, a, axis=0)
    flat_valid = valid.reshape(b * a, n_opt)
    # the valid options of a row come first; rows are solved in groups of similar counts
    # (padded to the next power of two), so a few crowded actors do not pad everyone
    n_valid = flat_valid.sum(axis=1)
    width = np.minimum(n_opt, 2 ** np.ceil(np.log2(np.maximum(n_valid, 2))).astype(int))
    prob = np.zeros((b * a, n_opt))
    for m in np.unique(width):
        rows = np.flatnonzero(width == m)
        c = _coalitions(flat_u[rows, :, :m], flat_w[rows], p.voting_rule)
        prob[rows, :m] = _pce(c, p.victory_prob, p.pce_model, flat_valid[rows, :m])
    prob = prob.reshape(b, a, n_opt)
    if p.state_transitions == "Deterministic":
        pick = np.argmax(prob, axis=2)
    else:
        draws = rng.random((b, a))
        cum = np.cumsum(prob, axis=2)
        pick = np.minimum(np.sum(cum < draws[:, :, None], axis=2), valid.sum(axis=2) - 1)
    chosen_prob = np.take_along_axis(prob, pick[:, :, None], 2)[:, :, 0]
    slot = np.maximum(pick - 1, 0)
    m_idx, qq = slot // q, slot % q
    init = np.take_along_axis(order, m_idx[:, None, :], 1)[:, 0, :] if m_max else np.zeros((b, a), int)
    sq = pick == 0
    init = np.where(sq, 0, init)
    pi_ = pos_init[np.arange(b)[:, None], init, qq]  # (B, K_actor, K)
    pr_ = pos_rcvr[np.arange(b)[:, None], init, qq]
    mine = (init == idx[None, :])[:, :, None]
    new = np.where(sq[:, :, None], x, np.where(mine, pi_, pr_))
    chosen = np.where(sq, -1, init * q + qq)
    options = None
    if a <= TRACE_MATRICES_UP_TO:
        # draw 0's options per actor: (initiator, q) in listing order (-1: the status quo),
        # their utilities to every voter and their probabilities
        cols = [(-1, 0)] + [(m, qq) for m in range(m_max) for qq in range(q)]
        options = []
        for k in range(a):
            keep = [c for c, (m, _) in enumerate(cols) if m < 0 or m < count[0, k]]
            who = [(-1, 0) if m < 0 else (int(order[0, m, k]), qq) for m, qq in (cols[c] for c in keep)]
            options.append({"options": who, "util": u[0, k][:, keep], "prob": prob[0, k, keep]})
    return new, chosen, chosen_prob, valid.sum(axis=2), options


def _winning(x, pres, cap, row, p: SMPParams):  # noqa: ANN001, ANN202
    """Winning probability of each actor's position, and each actor's share for the forecast.

    Parameters
    ----------
    x : ndarray, shape (B, A, K)
    pres : ndarray of bool, shape (B, A, K)
    cap : ndarray, shape (B, A)
    row : ndarray, shape (B, N, A)
        ``U_n(n, a)``, each actor's own utility of each actor's position.
    p : SMPParams

    Returns
    -------
    prob : ndarray, shape (B, A)
        KTAB's ``posProb``: the probability of the last unique position equivalent to the
        actor's.
    share : ndarray, shape (B, A)
        The probability of the actor's unique position divided by the number of actors
        holding it (first equivalent unique position).
    """
    b, a, _ = x.shape
    both = pres[:, :, None, :] & pres[:, None, :, :]
    diff = np.where(both, x[:, :, None, :] - x[:, None, :, :], 0.0)
    close = np.sqrt((diff * diff).sum(axis=3)) < p.position_tolerance  # (B, A, A)
    # KTAB's greedy grouping: an actor joins the first earlier representative it is close
    # to, else becomes one. When closeness is an equivalence (the usual case: groups hold
    # one position exactly) that is the first member of each class.
    first = np.argmax(close, axis=2)
    rep = first == np.arange(a)
    if not np.array_equal(close, first[:, :, None] == first[:, None, :]):
        rep = np.zeros((b, a), dtype=bool)
        for i in range(a):
            hit = close[:, i, :] & rep
            found = hit.any(axis=1)
            first[:, i] = np.where(found, np.argmax(hit, axis=1), i)
            rep[:, i] = ~found
    order = np.argsort(~rep, axis=1, kind="stable")  # representatives first, in order
    n_u = rep.sum(axis=1)
    m = int(n_u.max())
    order = order[:, :m]
    valid = np.arange(m)[None, :] < n_u[:, None]
    u = np.take_along_axis(row, order[:, None, :].repeat(a, 1), 2)
    u = np.where(valid[:, None, :], u, 0.0)
    c = _coalitions(u, cap, p.voting_rule)
    pu = _pce(c, p.victory_prob, p.pce_model, valid)  # (B, M)
    # posProb: last representative equivalent to the actor
    cl = np.take_along_axis(close, order[:, None, :].repeat(a, 1), 2) & valid[:, None, :]  # (B, A, M)
    last = m - 1 - np.argmax(cl[:, :, ::-1], axis=2)
    prob = np.take_along_axis(pu, last, 1)
    # forecast shares by first equivalent representative
    pos_of = np.cumsum(rep, axis=1) - 1  # index among representatives of each representative
    cls = np.take_along_axis(pos_of, first, 1)  # (B, A)
    size = np.zeros((b, m))
    np.add.at(size, (np.arange(b)[:, None].repeat(a, 1), cls), 1.0)
    share = np.take_along_axis(pu, cls, 1) / np.take_along_axis(size, cls, 1)
    return prob, share


def _win_and_share(x, pres, cap, st, p: SMPParams):  # noqa: ANN001, ANN202
    """KTAB's winning probabilities, and forecast shares that do not depend on the actors' order.

    KTAB groups nearly equal positions around the first actor (in the listing) holding one,
    so its probabilities depend, slightly, on that order. The shares behind the forecast
    are computed with the actors listed in a canonical order (by position), so that
    relabelling actors leaves the forecast unchanged.

    Returns
    -------
    prob, share : ndarray, shape (B, A)
    """
    b, a, k = x.shape
    idx = np.arange(a)
    row = st.util[:, idx, idx, :]
    pres_b = np.broadcast_to(pres[None], (b, a, k))
    prob, share = _winning(x, pres_b, cap, row, p)
    both = pres[None, :, None, :] & pres[None, None, :, :]
    diff = np.where(both, x[:, :, None, :] - x[:, None, :, :], 0.0)
    gap = np.sqrt((diff * diff).sum(axis=3))
    if not np.any((gap < p.position_tolerance) & (gap > 0)):
        return prob, share  # every group holds one position exactly: the order cannot matter
    keys = np.concatenate([np.where(pres_b, x, -1.0).transpose(2, 0, 1)[::-1], cap[None]], 0)
    perm = np.lexsort(keys[::-1], axis=-1)  # (B, A), first coordinate primary
    rb = np.arange(b)[:, None]
    row_p = row[rb, perm][rb[:, :, None], np.arange(a)[None, :, None], perm[:, None, :]]
    _, share_p = _winning(x[rb, perm], pres_b[rb, perm], cap[rb, perm], row_p, p)
    share = np.empty_like(share_p)
    share[rb, perm] = share_p
    return prob, share


def _state_distance(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Sum over actors of the Euclidean distance between two states, shape (B, A, K) -> (B,)."""
    d = x1 - x0
    return np.sqrt((d * d).sum(axis=2)).sum(axis=1)


#: Traces keep a state's matrices (distances, utilities: A^3 numbers) up to this many actors.
TRACE_MATRICES_UP_TO = 20


def _matrices(st: _State) -> dict:
    """A state's matrices for the trace (of draw 0), when the actors are few enough."""
    if st.dist.shape[1] > TRACE_MATRICES_UP_TO:
        return {}
    return {"dist": st.dist[0], "raw": st.raw[0], "util": st.util[0]}


def _simulate_block(x0, sal, pres, cap, p: SMPParams, rng, record: bool):  # noqa: ANN001, ANN202
    """Run a block of draws to their stopping points.

    Parameters
    ----------
    x0 : ndarray, shape (B, A, K)
        Starting positions on [0, 1] (filler where absent).
    sal : ndarray, shape (B, A, K)
    pres : ndarray of bool, shape (A, K)
    cap : ndarray, shape (B, A)

    Returns
    -------
    states : ndarray, shape (B, T + 1, A, K)
    win : ndarray, shape (B, T + 1, A)
    share : ndarray, shape (B, T + 1, A)
    n_states : ndarray of int, shape (B,)
    trace : list of dict
        When ``record``: for each step, the state's assessment (its matrices ``dist``,
        ``raw`` and ``util`` only up to :data:`TRACE_MATRICES_UP_TO` actors), challenges
        and choices (of draw 0), and the final state's assessment.
    """
    b, a, k = x0.shape
    T = p.iterations
    stot = sal.sum(axis=2)
    w = cap * stot
    states = np.empty((b, T + 1, a, k))
    win = np.empty((b, T + 1, a))
    share = np.empty((b, T + 1, a))
    states[:, 0] = x0
    n_states = np.ones(b, dtype=np.intp)
    alive = np.ones(b, dtype=bool)
    first_step = np.zeros(b)
    trace: list[dict] = []
    x = x0.copy()
    for t in range(1, T + 1):
        rows = np.flatnonzero(alive)
        xs, ss, cs, ws, tots = x[rows], sal[rows], cap[rows], w[rows], stot[rows]
        st = _assess(xs, ss, pres, cs, p)
        win_t, share_t = _win_and_share(xs, pres, cs, st, p)
        win[rows, t - 1], share[rows, t - 1] = win_t, share_t
        target, active, gain, prob_i, prob_j = _challenges(st, ws, tots, p)
        pos_i, pos_r = _bargains(xs, ss, pres, cs, tots, target, prob_i, prob_j, p)
        new, chosen, chosen_p, n_opt, options = _choose(xs, ss, pres, cs, st, target, active, pos_i, pos_r, p, rng)
        if record:
            trace.append({
                "turn": t - 1, "positions": xs[0].copy(), **_matrices(st), "risk": st.risk[0], "win": win_t[0],
                "target": target[0], "active": active[0], "gain": gain[0], "prob_i": prob_i[0],
                "prob_j": prob_j[0], "pos_init": pos_i[0], "pos_rcvr": pos_r[0],
                "chosen": chosen[0], "chosen_prob": chosen_p[0], "n_options": n_opt[0],
                "new": new[0].copy(), "options": options,
            })
        x[rows] = new
        states[rows, t] = new
        n_states[rows] = t + 1
        step = _state_distance(xs, new)
        if t == 1:
            first_step[rows] = step + p.min_sig_delta
        ratio = step / first_step[rows]
        done = (t >= T) | ((t >= p.min_iterations) & (ratio < p.min_delta_ratio))
        finished = rows[done]
        if finished.size:
            st_f = _assess(x[finished], sal[finished], pres, cap[finished], p)
            wf, sf = _win_and_share(x[finished], pres, cap[finished], st_f, p)
            win[finished, t], share[finished, t] = wf, sf
            if record and finished[0] == 0:
                trace.append({"turn": t, "positions": x[0].copy(), **_matrices(st_f), "risk": st_f.risk[0],
                              "win": wf[0]})
        alive[finished] = False
        if not alive.any():
            break
    for d in range(b):
        n = n_states[d]
        states[d, n:] = states[d, n - 1]
        win[d, n:] = win[d, n - 1]
        share[d, n:] = share[d, n - 1]
    return states, win, share, n_states, trace


def simulate(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, present: np.ndarray,
    params: SMPParams, rng: np.random.Generator | None = None, record: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[dict]]:
    """Run the SMP on positions already on [0, 1].

    Parameters
    ----------
    position : ndarray, shape (D, A, K)
        Positions on [0, 1]; values where absent are ignored.
    salience : ndarray, shape (D, A, K)
        Saliences; ignored where absent. Totals above 1 are divided by the total.
    capability : ndarray, shape (D, A)
    present : ndarray of bool, shape (A, K)
        Every actor must hold at least one stance.
    params : SMPParams
    rng : Generator, optional
        Used by stochastic transitions only.
    record : bool
        Also return the trace of draw 0 (run with ``D == 1``).

    Returns
    -------
    states : ndarray, shape (D, T + 1, A, K)
        Positions in each state (NaN where absent), padded after the last real state.
    win : ndarray, shape (D, T + 1, A)
        Winning probability of each actor's position in each state.
    share : ndarray, shape (D, T + 1, A)
        Each actor's share of its position's probability (for the forecast).
    n_states : ndarray of int, shape (D,)
    trace : list of dict
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    present = np.asarray(present, dtype=bool)
    d, a, k = position.shape
    x = np.where(present[None], position, 0.0).astype(float)
    sal = np.where(present[None], salience, 0.0).astype(float)
    tot = sal.sum(axis=2, keepdims=True)
    sal = np.where(tot > 1.0, sal / np.where(tot > 1.0, tot, 1.0), sal)
    cap = np.asarray(capability, dtype=float)
    per_draw = 8 * a * a * a * max(4, 3 * k) + 1
    block = max(1, BLOCK_BYTES // per_draw)
    outs = []
    trace: list[dict] = []
    for d0 in range(0, d, block):
        sl = slice(d0, d0 + block)
        res = _simulate_block(x[sl], sal[sl], present, cap[sl], params, rng, record and d0 == 0)
        outs.append(res[:4])
        if d0 == 0:
            trace = res[4]
    states = np.concatenate([o[0] for o in outs])
    win = np.concatenate([o[1] for o in outs])
    share = np.concatenate([o[2] for o in outs])
    n_states = np.concatenate([o[3] for o in outs])
    states = np.where(present[None, None], states, np.nan)
    return states, win, share, n_states, trace


def _digits(width: float) -> int:
    if not np.isfinite(width) or width <= 0:
        return 2
    return max(2, 3 - math.ceil(math.log10(width)))


@register
class SpatialModelOfPolitics(Model):
    """KTAB's spatial model of politics (see the module docstring).

    Results are :class:`SMPResult`: ``rounds`` holds the positions in every state, the
    start included (``rounds[0]``), ``win_prob`` each actor's winning probability per
    state and ``n_states`` the number of real states.
    """

    name = "smp"
    aliases = ("ktab", "spatial")
    summary = "KTAB's spatial model of politics: challenges, bargains and votes over several dimensions."
    citation = (
        "Wise et al., KTAB: the KAPSARC Toolkit for Behavioral Analysis (KAPSARC, 2015-2017), SMP "
        "tutorial and C++ source (MIT licence, (c) 2015 King Abdullah Petroleum Studies and Research Center)."
    )
    Params = SMPParams
    works_in_rounds = True

    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        p: SMPParams = params  # type: ignore[assignment]
        n_draws, n_actors, n_issues = arrays.position.shape
        present = np.asarray(arrays.present, dtype=bool)
        keep = np.flatnonzero(present.any(axis=1))
        lo, hi = arrays.scale_min, arrays.scale_max
        span = np.where(hi > lo, hi - lo, 1.0)
        x01 = (np.where(present[None], arrays.position, lo) - lo) / span
        x01 = np.clip(x01, 0.0, 1.0)
        T = p.iterations
        rounds = np.full((n_draws, T + 1, n_actors, n_issues), np.nan)
        win = np.full((n_draws, T + 1, n_actors), np.nan)
        trajectory = np.full((n_draws, T + 1, n_issues), np.nan)
        n_states = np.ones(n_draws, dtype=np.intp)
        trace: list[dict] = []
        if keep.size:
            states, w, share, n_states, trace = simulate(
                x01[:, keep], arrays.salience[:, keep], arrays.capability[:, keep], present[keep], p,
                rng, record=explain and n_draws == 1,
            )
            rounds[:, :, keep] = lo + states * span
            win[:, :, keep] = w
            pk = present[keep]  # (A', I)
            q = np.where(pk[None, None], share[..., None], 0.0)  # (D, S, A', I)
            xs = np.where(pk[None, None], states, 0.0)
            tot = q.sum(axis=2)
            mean_q = np.divide((q * xs).sum(axis=2), tot, out=np.full(tot.shape, np.nan), where=tot > 0)
            cnt = pk.sum(axis=0)
            plain = np.divide(xs.sum(axis=2), cnt, out=np.full(tot.shape, np.nan), where=cnt > 0)
            fc = np.where(tot > 0, mean_q, plain)
            trajectory = lo + fc * span
        events: tuple[Event, ...] = ()
        if explain and n_draws == 1 and trace:
            events = self._events(arrays, keep, p, trace)
        return SMPResult(
            self.name, arrays.actor_ids, arrays.issue_ids,
            forecast=np.ascontiguousarray(trajectory[:, -1, :]),
            rounds=rounds, trajectory=trajectory, events=events,
            n_states=n_states, win_prob=win, trace=trace if explain else None,
        )

    @staticmethod
    def _events(arrays: ScenarioArrays, keep: np.ndarray, p: SMPParams, trace: list[dict]) -> tuple[Event, ...]:
        names = [arrays.actor_ids[i] for i in keep]
        lo, hi = arrays.scale_min, arrays.scale_max
        span = np.where(hi > lo, hi - lo, 1.0)
        pres = arrays.present[keep]
        q = 1 if p.bargain_model != "InitRcvrInterp" else 2
        out: list[Event] = []
        for step in trace:
            if "chosen" not in step:
                continue
            t = step["turn"] + 1
            xs, new = step["positions"], step["new"]
            for i in np.flatnonzero(step["active"]):
                j = int(step["target"][i])
                text = (f"{names[i]} challenges {names[j]} (expected gain {step['gain'][i]:.3f}, "
                        f"chance of prevailing {step['prob_i'][i]:.2f} in its own view, "
                        f"{step['prob_j'][i]:.2f} in {names[j]}'s)")
                # a challenge concerns every dimension: it is told once, under the first issue
                # both sides hold a stance on (else the challenger's first)
                shared = np.flatnonzero(pres[i] & pres[j])
                iss = int(shared[0]) if shared.size else int(np.flatnonzero(pres[i])[0])
                old = float(lo[iss] + xs[i, iss] * span[iss])
                out.append(Event(t, arrays.issue_ids[iss], "challenge", names[i], names[j], old, old, text))
            for kk in range(len(names)):
                c = int(step["chosen"][kk])
                if c < 0:
                    continue
                init = c // q
                rcvr = int(step["target"][init])
                for moved in np.flatnonzero(pres[kk]):
                    old = float(lo[moved] + xs[kk, moved] * span[moved])
                    nw = float(lo[moved] + new[kk, moved] * span[moved])
                    if old == nw:
                        continue
                    dg = _digits(float(span[moved]))
                    other = names[rcvr] if init == kk else names[init]
                    text = (f"{names[kk]} adopts the bargain of {names[init]}'s challenge to {names[rcvr]} "
                            f"(probability {step['chosen_prob'][kk]:.2f} among {int(step['n_options'][kk])} "
                            f"options): moves {old:.{dg}f} → {nw:.{dg}f}")
                    out.append(Event(t, arrays.issue_ids[moved], "bargain", names[kk], other, old, nw, text))
        return tuple(out)
