"""The expected utility model of group decisions (Bueno de Mesquita).

Sources
-------
- Bueno de Mesquita, B. (1994), "Political forecasting: an expected utility method",
  in Bueno de Mesquita & Stokman (eds.), *European Community Decision Making: Models,
  Applications, and Comparisons*, Yale University Press, 71-104.
- Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno de Mesquita's
  group decision model", *Journal of Theoretical Politics* 23(4), 510-531.

The model runs on each issue separately, on the actors present on it, for a fixed
number of rounds. Let ``x`` be positions, ``c`` capabilities, ``s`` saliences, ``r``
risk exponents and ``R`` the range (max - min) of the starting positions, fixed for the
whole run. Distances are ``d(a, b) = |x_a - x_b| / R``.

Votes and the probability of prevailing
    Actor k's vote for ``x_i`` over ``x_j`` is
    ``v_k(i, j) = c_k s_k [d(k, j)^r_k - d(k, i)^r_k]``. The probability that ``i``
    prevails over ``j`` is ``P(i, j) = sum_k max(0, v_k(i, j)) / N`` with
    ``N = sum_k sum_a sum_b |v_k(a, b)|`` (variant ``scholz2011``: one normaliser for
    all pairs, as in the tables of Scholz et al.) or ``N = sum_k |v_k(i, j)|``
    (variant ``bdm1994``: the pairwise form of Bueno de Mesquita 1994).

Expected utility, seen from actor h
    With ``d = d(i, j)`` and h's own exponent ``r_h``:
    ``U_s = 2 - 4 (0.5 - 0.5 d)^r_h``, ``U_f = 2 - 4 (0.5 + 0.5 d)^r_h``,
    ``U_sq = 2 - 4 (0.5)^r_h`` and
    ``EU_h(i -> j) = s_j [P(i, j) U_s + (1 - P(i, j)) U_f] + (1 - s_j) U_s - U_sq``.

Risk, at the start of every round
    With every exponent set to 1, actor i's danger is ``D_i = sum_{j != i} EU_i(j -> i)``,
    ``R_i = (2 D_i - D_max - D_min) / (D_max - D_min)`` and
    ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``, for all actors at once.

Offers
    For every actor i and every actor j at another position, with ``a = EU_i(i -> j)``
    and ``b = EU_i(j -> i)``: a *confrontation* when ``b > a > 0`` (i moves to ``x_j``);
    a *compromise* when ``b > 0 > a`` and ``b > |a|`` (i moves to
    ``x_i + (x_j - x_i) |a / b|``); a *capitulation* when ``b > 0 > a`` and, in
    ``bdm1994``, ``b < |a|`` (i moves to ``x_j``). In ``scholz2011`` the capitulation
    test reads ``b < |b|``, which never holds; it is kept because the published tables
    were produced with it.

Choice of offer
    ``scholz2011``: the confrontation whose new position is nearest the actor's own;
    failing one, the compromise with the smallest ``(|a| x_i + |b| x_j) / (|a| + |b|)``;
    failing that, none. ``bdm1994``: confrontations first, then compromises, then
    capitulations; within the first kind on offer, the one that moves the actor least.
    Ties go to the offer from the actor listed first. All actors move at once.

Forecast
    After each round, the capability x salience weighted mean of the present actors'
    positions (the plain mean when every weight is 0), the forecast of the replication
    of Scholz et al. (2011) behind the reference data. It is read off the positions and
    does not feed back into the rounds. Bueno de Mesquita (1994) reads the outcome off
    the weighted median voter instead; the ``median`` model computes that from any set
    of positions.

Conventions where the equations are silent
    When ``R`` is 0 (one actor, or all at one position) every distance is 0 and nobody
    moves. Distances are capped at 1, which only absorbs rounding. When a probability's
    denominator is 0 (nobody with weight prefers anything), ``P`` is 0 in
    ``scholz2011`` and 1/2 in ``bdm1994``. When ``D_max == D_min`` every ``r`` is 1.

Computation
    Draws and issues are folded into one batch axis of B = D I rows, each with its own
    actor mask (absent actors have no vote, make and receive no offers, and never
    move). Rows are simulated a block at a time (:data:`BLOCK_CELLS`); within a block
    the vote tensor is built in chunks of at most :data:`TENSOR_BYTES` (see
    :func:`_prevail`). The only Python loops run over rounds, blocks and chunks. Rows
    never read each other and every sum runs in an order fixed by the shapes, so a
    batch of draws gives bitwise the results of running each draw alone.

    This NumPy path is the reference. When numba is installed, large runs (see
    :data:`COMPILED_MIN_CELLS`) go through the compiled kernels of
    :mod:`accord.models.expected_utility_kernel` instead, which repeat its floating
    point operations in the same order over the present actors only and take every
    power with the same ``np.power``, so the results are bitwise the same;
    ``ACCORD_JIT=0`` in the environment keeps the NumPy path.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import Field

import accord.models.expected_utility_kernel as kernel
import accord.models.jit as jit
from accord.errors import ModelError
from accord.models.base import Event, Model, ModelParams, ModelResult, register
from accord.scenario.arrays import ScenarioArrays

#: Largest vote tensor built at once, in bytes (one row's tensor is split along an actor
#: axis when it alone is larger).
TENSOR_BYTES = 8 * 2**20
#: Rows are simulated in blocks of about this many (row, actor, actor) cells, which keeps
#: the working set of a block in cache.
BLOCK_CELLS = 2**17

#: Rows run through the compiled kernels (:mod:`accord.models.expected_utility_kernel`) when
#: numba is installed, unless ``ACCORD_JIT=0`` is set in the environment (read at import).
USE_COMPILED = kernel.COMPILED and jit.REQUESTED
#: Runs of fewer (row, actor, actor) cells take the NumPy path even so: loading the
#: compiled kernels from numba's cache takes about 0.3 s once per process, longer than the
#: NumPy path takes for them (the built-in case alone has 300 cells, a batch of 1,024
#: draws of it 307,200). Both paths give bitwise the same results.
COMPILED_MIN_CELLS = 2**14

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KINDS = {CONFRONTATION: "confrontation", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


class ExpectedUtilityParams(ModelParams):
    """Parameters of :class:`ExpectedUtility`."""

    rounds: int = Field(10, ge=1, le=1000, description="Number of rounds of offers to simulate.")
    variant: Literal["scholz2011", "bdm1994"] = Field(
        "scholz2011",
        description=(
            "'scholz2011' reproduces the tables of Scholz, Calbert & Smith (2011), quirks included; "
            "'bdm1994' uses pairwise probabilities, real capitulations and the smallest move."
        ),
    )


def _sum(a: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """Sum over ``axis`` in C order, so that the order of additions (and so the rounding)
    depends on the shape alone, never on how the operand happens to be laid out."""
    return np.ascontiguousarray(a).sum(axis=axis)


def _distances(x: np.ndarray, span: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise differences and distances.

    Parameters
    ----------
    x : ndarray, shape (B, A)
        Positions; rows whose span is 0 hold a single value.
    span : ndarray, shape (B,)

    Returns
    -------
    delta : ndarray, shape (B, A, A)
        ``x_j - x_i`` at ``[b, i, j]``.
    gap : ndarray, shape (B, A, A)
        ``|x_j - x_i|``.
    dist : ndarray, shape (B, A, A)
        ``min(gap / span, 1)``; 0 in rows whose span is 0.
    """
    delta = x[:, None, :] - x[:, :, None]
    gap = np.abs(delta)
    dist = gap / np.where(span > 0, span, 1.0)[:, None, None]
    return delta, gap, np.minimum(dist, 1.0, out=dist)


@lru_cache(maxsize=64)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unordered pairs of ``n`` actors.

    Returns
    -------
    first, second : ndarray of int, shape (P,)
        The pairs ``first <= second``, ``P = n (n + 1) / 2``.
    lookup : ndarray of int, shape (n * n,)
        Index into the pairs of the ordered pair ``(i, j)`` at ``i * n + j``.
    diagonal : ndarray of int, shape (n,)
        Index of the pair ``(i, i)``.
    """
    first, second = np.triu_indices(n)
    lookup = np.empty((n, n), dtype=np.intp)
    lookup[first, second] = np.arange(first.size)
    lookup[second, first] = np.arange(first.size)
    out = (first, second, lookup.ravel(), np.ascontiguousarray(np.diagonal(lookup)))
    for arr in out:
        arr.flags.writeable = False
    return out


def _prevail(dist: np.ndarray, risk: np.ndarray | None, weight: np.ndarray, pair: np.ndarray,
             variant: str) -> np.ndarray:
    """Probability that each actor prevails over each other.

    Parameters
    ----------
    dist : ndarray, shape (B, A, A)
        Distances from :func:`_distances`.
    risk : ndarray, shape (B, A), or None
        Each voter's risk exponent; None for all 1.
    weight : ndarray, shape (B, A)
        ``c s`` of each actor, 0 where absent.
    pair : ndarray of bool, shape (B, A, A)
        True where both actors are present.
    variant : {"scholz2011", "bdm1994"}

    Returns
    -------
    ndarray, shape (B, A, A)
        ``P[b, i, j]``; 0 on the diagonal and wherever either actor is absent.

    Notes
    -----
    With ``u_ki = c_k s_k d(k, i)^r_k >= 0``, ``max(0, u_kj - u_ki) = u_kj - min(u_ki, u_kj)``,
    so ``sum_k max(0, v_k(i, j)) = C_jj - C_ij`` with ``C_ij = sum_k min(u_ki, u_kj)``.
    ``C`` is symmetric and ``C_jj`` comes out of the same sums, so actors at one position
    get exactly 0. The vote tensor ``min(u_ki, u_kj)`` is built for the pairs ``i <= j``
    only, shape (A, rows, A (A + 1) / 2), a block of rows (or of pairs) at a time within
    :data:`TENSOR_BYTES`. Absent voters have weight 0 and add nothing. In ``scholz2011``,
    ``sum_k sum_a sum_b |v_k(a, b)|`` is twice the sum of all numerators.
    """
    rows, n, _ = dist.shape
    felt = dist if risk is None else dist ** risk[:, :, None]
    voters = np.ascontiguousarray((weight[:, :, None] * felt).transpose(1, 0, 2))
    first, second, lookup, diagonal = _pairs(n)
    n_pairs = first.size
    per_row = 16 * n * n_pairs
    step_rows = max(1, TENSOR_BYTES // max(per_row, 1))
    step_p = max(1, n_pairs if per_row <= TENSOR_BYTES else TENSOR_BYTES // (16 * n))
    common = np.empty((rows, n_pairs))
    for r0 in range(0, rows, step_rows):
        part = voters[:, r0:r0 + step_rows]
        for p0 in range(0, n_pairs, step_p):
            shared = np.take(part, first[p0:p0 + step_p], axis=2)
            np.minimum(shared, np.take(part, second[p0:p0 + step_p], axis=2), out=shared)
            common[r0:r0 + step_rows, p0:p0 + step_p] = shared.sum(axis=0)
    own = np.take(common, diagonal, axis=1)
    num = own[:, None, :] - np.take(common, lookup, axis=1).reshape(rows, n, n)
    num = np.where(pair, num, 0.0)
    if variant == "scholz2011":
        total = 2.0 * _sum(num, (1, 2))
        return num / np.where(total > 0, total, 1.0)[:, None, None]
    den = num + num.transpose(0, 2, 1)
    prob = np.divide(num, den, out=np.where(pair, 0.5, 0.0), where=den > 0)
    idx = np.arange(n)
    prob[:, idx, idx] = 0.0
    return prob


def _stakes(dist: np.ndarray, risk: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """What a challenge can win and what rides on its outcome, seen from each row actor.

    Parameters
    ----------
    dist : ndarray, shape (B, A, A)
    risk : ndarray, shape (B, A), or None
        Exponent of the actor whose view it is (the first actor axis); None for 1.

    Returns
    -------
    gain : ndarray, shape (B, A, A)
        ``U_s - U_sq``.
    stake : ndarray, shape (B, A, A)
        ``U_s - U_f``.

    Notes
    -----
    ``EU_h(i -> j) = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - U_sq
    = gain - s_j (1 - P(i, j)) stake``.
    """
    half = 0.5 * dist
    near, far = 0.5 - half, 0.5 + half
    if risk is None:
        u_s = 2.0 - 4.0 * near
        return u_s, u_s - (2.0 - 4.0 * far)
    r = risk[:, :, None]
    u_s = 2.0 - 4.0 * near**r
    return u_s - (2.0 - 4.0 * 0.5**r), u_s - (2.0 - 4.0 * far**r)


def _risk(dist: np.ndarray, weight: np.ndarray, sal: np.ndarray, mask: np.ndarray, pair: np.ndarray,
          variant: str) -> np.ndarray:
    """Risk exponents for a round.

    Parameters
    ----------
    dist, pair : ndarray, shape (B, A, A)
    weight, sal : ndarray, shape (B, A)
    mask : ndarray of bool, shape (B, A)
    variant : str

    Returns
    -------
    ndarray, shape (B, A)
        In [1/2, 2]; 1 where every present actor faces the same danger, and where absent.
    """
    prob = _prevail(dist, None, weight, pair, variant)
    gain, stake = _stakes(dist, None)
    threatened = gain - sal[:, :, None] * (1.0 - prob.transpose(0, 2, 1)) * stake
    danger = _sum(np.where(pair, threatened, 0.0), 2)
    hi = np.max(np.where(mask, danger, -np.inf), axis=1, initial=-np.inf)[:, None]
    lo = np.min(np.where(mask, danger, np.inf), axis=1, initial=np.inf)[:, None]
    varied = hi > lo
    hi, lo = np.where(varied, hi, 0.0), np.where(varied, lo, 0.0)
    spread = np.where(varied, hi - lo, 1.0)
    rel = np.where(varied, (2.0 * danger - hi - lo) / spread, 0.0)
    return np.where(mask, (1.0 - rel / 3.0) / (1.0 + rel / 3.0), 1.0)


def _round(x: np.ndarray, span: np.ndarray, weight: np.ndarray, sal: np.ndarray, mask: np.ndarray,
           pair: np.ndarray, variant: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round of offers and moves.

    Parameters
    ----------
    x : ndarray, shape (B, A)
        Current positions (finite filler where absent).
    span : ndarray, shape (B,)
    weight, sal : ndarray, shape (B, A)
    mask : ndarray of bool, shape (B, A)
    pair : ndarray of bool, shape (B, A, A)
    variant : str

    Returns
    -------
    new : ndarray, shape (B, A)
        Positions after the round.
    kind : ndarray of int8, shape (B, A)
        The kind of offer taken (``NONE``, ``CONFRONTATION``, ``COMPROMISE``, ``CAPITULATION``).
    partner : ndarray of int, shape (B, A)
        The actor whose offer was taken (meaningless where ``kind`` is ``NONE``).
    """
    delta, gap, dist = _distances(x, span)
    risk = _risk(dist, weight, sal, mask, pair, variant)
    prob = _prevail(dist, risk, weight, pair, variant)
    gain, stake = _stakes(dist, risk)
    a = gain - sal[:, None, :] * (1.0 - prob) * stake
    b = gain - sal[:, :, None] * (1.0 - prob.transpose(0, 2, 1)) * stake

    valid = pair & (delta != 0)
    abs_a = np.abs(a)
    confront = valid & (b > a) & (a > 0)
    pressed = valid & (b > 0) & (a < 0)
    compromise = pressed & (b > abs_a)
    if variant == "scholz2011":
        capitulate = pressed & (b < np.abs(b))
    else:
        capitulate = pressed & (b < abs_a)

    def nearest(offered: np.ndarray) -> np.ndarray:
        return np.where(offered, gap, np.inf)

    def compromise_key(offered: np.ndarray) -> np.ndarray:
        key = np.full_like(a, np.inf)
        if variant == "scholz2011":
            abs_b = np.abs(b)
            blend = abs_a * x[:, :, None] + abs_b * x[:, None, :]
            return np.divide(blend, abs_a + abs_b, out=key, where=offered)
        np.divide(abs_a, b, out=key, where=offered)
        return np.multiply(key, gap, out=key, where=offered)

    new = x.copy()
    kind = np.zeros(x.shape, dtype=np.int8)
    partner = np.zeros(x.shape, dtype=np.intp)
    for code, offered, keyed in (
        (CONFRONTATION, confront, nearest),
        (COMPROMISE, compromise, compromise_key),
        (CAPITULATION, capitulate, nearest),
    ):
        if not offered.any():
            continue
        key = keyed(offered)
        pick = np.argmin(key, axis=2)[:, :, None]
        take = (np.take_along_axis(key, pick, axis=2)[:, :, 0] < np.inf) & (kind == NONE)
        pick = pick[:, :, 0]
        if code == COMPROMISE:
            a_ = np.take_along_axis(a, pick[:, :, None], axis=2)[:, :, 0]
            b_ = np.take_along_axis(b, pick[:, :, None], axis=2)[:, :, 0]
            d_ = np.take_along_axis(delta, pick[:, :, None], axis=2)[:, :, 0]
            ratio = np.divide(a_, b_, out=np.zeros_like(a_), where=take)
            dest = x + d_ * np.abs(ratio)
        else:
            dest = np.take_along_axis(x, pick, axis=1)
        new = np.where(take, dest, new)
        partner = np.where(take, pick, partner)
        kind[take] = code
    return new, kind, partner


def _weighted_mean(x: np.ndarray, weight: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Forecast per row.

    Parameters
    ----------
    x : ndarray, shape (..., A)
    weight : ndarray, shape (..., A)
        0 where absent.
    mask : ndarray of bool, shape (..., A)

    Returns
    -------
    ndarray, shape (...)
        Weighted mean; plain mean where all weights are 0; NaN where nobody is present.
    """
    w = np.where(mask, weight, 0.0)
    total = _sum(w, -1)
    count = _sum(mask, -1)
    xm = np.where(mask, x, 0.0)
    weighted = np.zeros(total.shape)
    np.divide(_sum(w * xm, -1), total, out=weighted, where=total > 0)
    plain = np.full(total.shape, np.nan)
    np.divide(_sum(xm, -1), count, out=plain, where=count > 0)
    return np.where(total > 0, weighted, plain)


def simulate_rows(
    position: np.ndarray, capability: np.ndarray, salience: np.ndarray, mask: np.ndarray, rounds: int,
    variant: str = "scholz2011", record: bool = False, compiled: bool | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Run the model on independent rows (one issue of one draw each).

    Parameters
    ----------
    position, capability, salience : ndarray, shape (B, A)
        Values under an absent actor are ignored.
    mask : ndarray of bool, shape (B, A)
        Actors present in each row.
    rounds : int
    variant : {"scholz2011", "bdm1994"}
    record : bool
        Also return the offers taken.
    compiled : bool or None
        Use the compiled kernels (True; needs numba) or the NumPy path (False); None
        for :data:`USE_COMPILED` on runs of at least :data:`COMPILED_MIN_CELLS` cells.
        Both give bitwise the same results.

    Returns
    -------
    path : ndarray, shape (R, B, A)
        Positions after each round; NaN where absent.
    forecast : ndarray, shape (R, B)
        Forecast after each round.
    kind, partner : ndarray, shape (R, B, A), or None
        Offer taken in each round (see :func:`_round`), when ``record`` is True.
    """
    mask = np.asarray(mask, dtype=bool)
    rows, n = mask.shape
    lo = np.min(np.where(mask, position, np.inf), axis=1, initial=np.inf)
    hi = np.max(np.where(mask, position, -np.inf), axis=1, initial=-np.inf)
    anyone = mask.any(axis=1)
    lo = np.where(anyone, lo, 0.0)
    span = np.where(anyone, hi - lo, 0.0)
    x = np.ascontiguousarray(np.where(mask, position, lo[:, None]), dtype=float)
    sal = np.ascontiguousarray(np.where(mask, salience, 0.0), dtype=float)
    weight = np.ascontiguousarray(np.where(mask, capability * sal, 0.0), dtype=float)
    mask = np.ascontiguousarray(mask)

    path = np.empty((rounds, rows, n))
    forecast = np.empty((rounds, rows))
    kinds = np.zeros((rounds, rows, n), dtype=np.int8) if record else None
    partners = np.zeros((rounds, rows, n), dtype=np.intp) if record else None
    block = max(1, BLOCK_CELLS // max(n * n, 1))
    if compiled is None:
        compiled = USE_COMPILED and rows * n * n >= COMPILED_MIN_CELLS
    if compiled:
        if not kernel.COMPILED:
            raise ModelError("the compiled expected utility kernels need numba (pip install numba)")
        _simulate_compiled(x, span, weight, sal, mask, variant, block, path, forecast, kinds, partners)
    else:
        for r0 in range(0, rows, block):
            part = slice(r0, r0 + block)
            m = mask[part]
            pair = m[:, :, None] & m[:, None, :]
            xb = x[part]
            for t in range(rounds):
                xb, kind, partner = _round(xb, span[part], weight[part], sal[part], m, pair, variant)
                path[t, part] = xb
                forecast[t, part] = _weighted_mean(xb, weight[part], m)
                if kinds is not None and partners is not None:
                    kinds[t, part] = kind
                    partners[t, part] = partner
    path = np.where(mask[None], path, np.nan)
    return path, forecast, kinds, partners


def _simulate_compiled(x: np.ndarray, span: np.ndarray, weight: np.ndarray, sal: np.ndarray,
                       mask: np.ndarray, variant: str, block: int, path: np.ndarray, forecast: np.ndarray,
                       kinds: np.ndarray | None, partners: np.ndarray | None) -> None:
    """The rounds of :func:`simulate_rows` through the compiled kernels, filling ``path``,
    ``forecast`` (shapes (R, B, A) and (R, B)) and, when given, ``kinds`` and ``partners``.

    Each round is :func:`~accord.models.expected_utility_kernel.risk_and_bases`, one
    ``np.power`` over all of a block's powers (the reference's own power routine) and
    :func:`~accord.models.expected_utility_kernel.offers_and_moves`. A row whose
    positions came out of a round unchanged repeats that round exactly from then on,
    so it is marked settled and copied forward instead of computed again (about half
    the rounds of the built-in case).
    """
    rows, n = x.shape
    bdm = variant == "bdm1994"
    mask = np.require(mask, requirements=("C", "W"))
    per_row = kernel.powers_per_row(mask)
    kind = np.zeros((min(block, rows), n), dtype=np.int8)
    partner = np.zeros((min(block, rows), n), dtype=np.int64)
    for r0 in range(0, rows, block):
        part = slice(r0, r0 + block)
        needed = per_row[part]
        size = needed.size
        offsets = np.zeros(size + 1, dtype=np.int64)
        bases = np.empty(int(needed.sum()))
        exponents = np.empty_like(bases)
        powers = np.empty_like(bases)
        settled = np.zeros(size, dtype=bool)
        args = (span[part], weight[part], sal[part], mask[part], bdm, settled, offsets)
        xb = x[part]
        for t in range(path.shape[0]):
            np.cumsum(np.where(settled, 0, needed), out=offsets[1:])
            taken = int(offsets[-1])
            kernel.risk_and_bases(xb, *args, bases, exponents)
            np.power(bases[:taken], exponents[:taken], out=powers[:taken])
            kernel.offers_and_moves(xb, *args, powers, path[t, part], kind[:size], partner[:size],
                                    forecast[t, part], forecast[max(t - 1, 0), part])
            xb = path[t, part]
            if kinds is not None and partners is not None:
                kinds[t, part] = kind[:size]
                partners[t, part] = partner[:size]


def _decimals(width: float) -> int:
    """Decimals that show a move legibly on a scale of this width (at least 2)."""
    if not np.isfinite(width) or width <= 0:
        return 2
    return max(2, 3 - math.ceil(math.log10(width)))


@register
class ExpectedUtility(Model):
    """Bueno de Mesquita's expected utility model, in rounds (see the module docstring).

    Results carry ``rounds`` (positions after each round, shape (R, A, I) or
    (D, R, A, I)), ``trajectory`` (the forecast after each round) and, for unbatched
    runs, one :class:`~accord.models.base.Event` per move.
    """

    name = "expected_utility"
    aliases = ("eum",)
    summary = "Bueno de Mesquita's expected utility model: rounds of challenges, offers and moves."
    citation = (
        "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision "
        "Making, Yale University Press; Scholz, Calbert & Smith (2011), Journal of Theoretical Politics "
        "23(4)."
    )
    Params = ExpectedUtilityParams
    works_in_rounds = True
    issues_independent = True

    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        p: ExpectedUtilityParams = params  # type: ignore[assignment]
        n_draws, n_actors, n_issues = arrays.position.shape
        rows = n_draws * n_issues
        present = np.broadcast_to(arrays.present.T[None], (n_draws, n_issues, n_actors))
        present = present.reshape(rows, n_actors)
        position = np.moveaxis(arrays.position, -1, 1).reshape(rows, n_actors)
        salience = np.moveaxis(arrays.salience, -1, 1).reshape(rows, n_actors)
        capability = np.broadcast_to(arrays.capability[:, None, :], (n_draws, n_issues, n_actors))
        capability = capability.reshape(rows, n_actors)

        path, forecast, kinds, partners = simulate_rows(
            position, capability, salience, present, p.rounds, p.variant, record=explain,
        )
        rounds_out = path.reshape(p.rounds, n_draws, n_issues, n_actors).transpose(1, 0, 3, 2)
        trajectory = forecast.reshape(p.rounds, n_draws, n_issues).transpose(1, 0, 2)
        events: tuple[Event, ...] = ()
        if explain and n_draws == 1 and kinds is not None and partners is not None:
            events = self._events(arrays, path, kinds, partners)
        return ModelResult(
            self.name, arrays.actor_ids, arrays.issue_ids,
            forecast=np.ascontiguousarray(trajectory[:, -1, :]),
            rounds=np.ascontiguousarray(rounds_out),
            trajectory=np.ascontiguousarray(trajectory),
            events=events,
        )

    @staticmethod
    def _events(arrays: ScenarioArrays, path: np.ndarray, kinds: np.ndarray, partners: np.ndarray
                ) -> tuple[Event, ...]:
        start = np.moveaxis(arrays.position[0], -1, 0)
        names = arrays.actor_ids
        out = []
        for t, row, actor in zip(*np.nonzero(kinds), strict=True):
            code = int(kinds[t, row, actor])
            other = int(partners[t, row, actor])
            old = float(start[row, actor] if t == 0 else path[t - 1, row, actor])
            new = float(path[t, row, actor])
            digits = _decimals(float(arrays.scale_max[row] - arrays.scale_min[row]))
            moved = f"moves {old:.{digits}f} → {new:.{digits}f}"
            who, whom = names[actor], names[other]
            if code == CONFRONTATION:
                text = f"{who} gives in to {whom} under confrontation: {moved}"
            elif code == COMPROMISE:
                text = f"{who} compromises with {whom}: {moved}"
            else:
                text = f"{who} capitulates to {whom}: {moved}"
            out.append(Event(int(t) + 1, arrays.issue_ids[row], KINDS[code], who, whom, old, new, text))
        return tuple(out)
