"""A frozen copy of the expected utility model's NumPy rounds, the bitwise reference.

This is ``simulate_rows`` and the functions it calls, copied unchanged from
``src/accord/models/expected_utility.py`` at commit ee4c42f (before the compiled
kernels of :mod:`accord.models.expected_utility_kernel`), so that the model's NumPy path
and its compiled path can both be checked against the numbers it gave then, bit for
bit, whatever later changes the model's own code. Golden arrays on disk would not do:
NumPy may take powers with a vectorised routine that differs from the C library's
``pow`` in the last bit on some CPUs, so the exact numbers depend on the machine and
only a comparison run on the same machine is exact.

The model's equations and sources are in the model's module docstring.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

BLOCK_CELLS = 2**17
TENSOR_BYTES = 8 * 2**20
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3


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
    variant: str = "scholz2011", record: bool = False,
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
