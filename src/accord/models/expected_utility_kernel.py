"""Compiled rounds of the expected utility model, bit for bit equal to its NumPy path.

The NumPy path in :mod:`accord.models.expected_utility` is the reference: it defines
the model and its floating point operations. The two kernels here run the same
operations, in the same order, with scalar code a row at a time, over the actors
present in the row only. A round is split in three so that every power is taken by
NumPy's own ``np.power`` (which may use a vectorised implementation whose last bit
differs from the C library's ``pow``, so the powers must come from the same routine):

1. :func:`risk_and_bases` computes each row's risk exponents (which need no power)
   and writes the bases and exponents of every power the round needs into two flat
   arrays, row after row;
2. the caller takes ``np.power(bases, exponents)`` in one call;
3. :func:`offers_and_moves` reads the powers back and computes the probabilities,
   the offers, the moves and the forecast.

A round depends on the positions alone, so a row that comes out of a round with its
positions unchanged (bit for bit) is *settled*: every later round repeats that one,
and both kernels copy it forward instead of computing it (about half the rounds of
the built-in case).

Why the results are identical
    Every elementwise operation is the reference's, in the reference's order of
    evaluation (``gain - sal_j * (1 - P) * stake`` is ``gain - ((sal_j * (1 - P)) * stake)``).
    Sums reproduce NumPy's order of addition: a sum over the first (voter) axis adds
    one term after another, so the terms of absent voters, all ``+0.0``, can be left
    out; a sum over the contiguous last axis (or the last two) is NumPy's pairwise
    summation (:func:`pairwise_sum`), whose grouping depends on the position of every
    term, so it runs over the full padded row with zeros where actors are absent.
    Minima and maxima and the choice of the first minimal key (``np.argmin``) do not
    round. Absent actors and pairs never take part in an offer, exactly as masked
    out in the reference. Two powers per actor are not taken: a voter's distance to
    itself, ``0^r``, is ``+0`` for every ``r > 0`` (C99 Annex F.9.4.4, and risk
    exponents lie in [1/2, 2]), and its ``(0.5 - d/2)^r`` and ``(0.5 + d/2)^r`` at
    ``d = 0`` are the ``0.5^r`` already taken.
    Division by zero gives inf or NaN as in NumPy (``error_model="numpy"``), not an
    exception.

Without numba (or with ``ACCORD_JIT=0``, see :mod:`accord.models.expected_utility`)
the functions stay plain Python and the model uses its NumPy path.
"""

from __future__ import annotations

import math

import numpy as np

import accord.models.jit as jit

#: True when numba imported and the functions below are compiled.
COMPILED = jit.AVAILABLE
_compile = jit.compiled


@_compile
def _block_sum(values: np.ndarray, start: int, count: int) -> float:
    """:func:`pairwise_sum` of at most 128 terms."""
    if count < 8:
        res = 0.0
        for i in range(count):
            res += values[start + i]
        return res
    r0 = values[start]
    r1 = values[start + 1]
    r2 = values[start + 2]
    r3 = values[start + 3]
    r4 = values[start + 4]
    r5 = values[start + 5]
    r6 = values[start + 6]
    r7 = values[start + 7]
    i = 8
    stop = count - count % 8
    while i < stop:
        r0 += values[start + i]
        r1 += values[start + i + 1]
        r2 += values[start + i + 2]
        r3 += values[start + i + 3]
        r4 += values[start + i + 4]
        r5 += values[start + i + 5]
        r6 += values[start + i + 6]
        r7 += values[start + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < count:
        res += values[start + i]
        i += 1
    return res


@_compile
def pairwise_sum(values: np.ndarray, start: int, count: int) -> float:
    """NumPy's pairwise sum of ``values[start:start + count]``.

    Parameters
    ----------
    values : ndarray, shape (N,)
    start, count : int

    Returns
    -------
    float
        The sum with the grouping of NumPy's ``pairwise_sum`` (``numpy/_core/src/umath/
        loops_utils.h.src``): a plain loop below 8 terms; eight running sums, combined
        as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the remainder,
        up to 128 terms; above that the two halves (the first rounded down to a multiple
        of 8) summed on their own and added. ``np.add.reduce`` adds the result to its
        identity ``0.0``, which the caller does.

    Notes
    -----
    The halving runs on an explicit stack rather than by recursion (a recursive
    function does not survive numba's on-disk cache reliably).
    """
    if count <= 128:
        return _block_sum(values, start, count)
    # Post-order walk: a node is pushed as (start, count, 0); a pending addition of the
    # two results on top of the result stack as (0, 0, 1).
    depth = 192
    todo_start = np.empty(depth, dtype=np.int64)
    todo_count = np.empty(depth, dtype=np.int64)
    todo_add = np.empty(depth, dtype=np.bool_)
    results = np.empty(depth)
    todo_start[0], todo_count[0], todo_add[0] = start, count, False
    todo, done = 1, 0
    while todo > 0:
        todo -= 1
        if todo_add[todo]:
            done -= 1
            results[done - 1] = results[done - 1] + results[done]
            continue
        first, size = todo_start[todo], todo_count[todo]
        if size <= 128:
            results[done] = _block_sum(values, first, size)
            done += 1
            continue
        half = size // 2
        half -= half % 8
        todo_start[todo], todo_count[todo], todo_add[todo] = 0, 0, True
        todo_start[todo + 1], todo_count[todo + 1], todo_add[todo + 1] = first + half, size - half, False
        todo_start[todo + 2], todo_count[todo + 2], todo_add[todo + 2] = first, half, False
        todo += 3
    return results[0]


def powers_per_row(mask: np.ndarray) -> np.ndarray:
    """Number of powers a round takes in each row.

    Parameters
    ----------
    mask : ndarray of bool, shape (B, A)

    Returns
    -------
    ndarray of int64, shape (B,)
        ``m (3 (m - 1) + 1)`` for ``m`` present actors: for each actor, ``0.5^r`` and,
        towards every other actor, ``d^r``, ``(0.5 - d/2)^r`` and ``(0.5 + d/2)^r``.
    """
    present = mask.sum(axis=1, dtype=np.int64)
    return present * (3 * (present - 1) + 1)


@_compile
def _present(mask_row: np.ndarray, index: np.ndarray) -> int:
    count = 0
    for i in range(mask_row.size):
        if mask_row[i]:
            index[count] = i
            count += 1
    return count


@_compile
def _distances(x_row: np.ndarray, span: float, index: np.ndarray, count: int, dist: np.ndarray) -> None:
    """``dist[i, j] = min(|x_j - x_i| / span, 1)`` over present pairs (span 1 when 0)."""
    scale = span if span > 0 else 1.0
    for p in range(count):
        i = index[p]
        for q in range(count):
            j = index[q]
            d = abs(x_row[j] - x_row[i]) / scale
            dist[i, j] = 1.0 if d > 1.0 else d


@_compile
def _probabilities(votes: np.ndarray, index: np.ndarray, count: int, bdm: bool, common: np.ndarray,
                   num: np.ndarray, padded: np.ndarray, prob: np.ndarray) -> None:
    """``P[i, j]`` over present pairs from the votes ``votes[k, i] = c_k s_k d(k, i)^r_k``.

    ``num[i, j] = C_jj - C_ij`` with ``C_ij = sum_k min(votes[k, i], votes[k, j])`` in
    voter order (the reference's sum over its first axis); ``scholz2011`` divides by
    twice the pairwise sum of the padded ``num`` (the reference's sum over its last two
    axes), ``bdm1994`` by ``num[i, j] + num[j, i]``.
    """
    n = votes.shape[0]
    for p in range(count):
        i = index[p]
        for q in range(p, count):
            j = index[q]
            total = 0.0
            for s in range(count):
                k = index[s]
                vi = votes[k, i]
                vj = votes[k, j]
                total += vi if vi < vj else vj
            common[i, j] = total
            common[j, i] = total
    for p in range(count):
        i = index[p]
        for q in range(count):
            j = index[q]
            num[i, j] = common[j, j] - common[i, j]
    if bdm:
        for p in range(count):
            i = index[p]
            for q in range(count):
                j = index[q]
                if i == j:
                    prob[i, j] = 0.0
                    continue
                den = num[i, j] + num[j, i]
                prob[i, j] = num[i, j] / den if den > 0 else 0.5
        return
    padded[: n * n] = 0.0
    for p in range(count):
        i = index[p]
        for q in range(count):
            j = index[q]
            padded[i * n + j] = num[i, j]
    total = 2.0 * (0.0 + pairwise_sum(padded, 0, n * n))
    scale = total if total > 0 else 1.0
    for p in range(count):
        i = index[p]
        for q in range(count):
            j = index[q]
            prob[i, j] = num[i, j] / scale


@_compile
def risk_and_bases(x: np.ndarray, span: np.ndarray, weight: np.ndarray, sal: np.ndarray,
                   mask: np.ndarray, bdm: bool, settled: np.ndarray, offsets: np.ndarray,
                   bases: np.ndarray, exponents: np.ndarray) -> None:
    """First part of a round: risk exponents, and the powers the round needs.

    Parameters
    ----------
    x : ndarray, shape (B, A)
        Current positions.
    span : ndarray, shape (B,)
    weight, sal : ndarray, shape (B, A)
        ``c s`` and ``s``, 0 where absent.
    mask : ndarray of bool, shape (B, A)
    bdm : bool
        True for variant ``bdm1994``.
    settled : ndarray of bool, shape (B,)
        Rows that reached a fixed point (see :func:`offers_and_moves`); skipped.
    offsets : ndarray of int64, shape (B + 1,)
        Start of each row's powers in ``bases`` (cumulative :func:`powers_per_row`, 0
        for settled rows).
    bases, exponents : ndarray, shape (offsets[-1],)
        Filled: for each present actor ``i`` in order, ``0.5`` and then, for each other
        present actor ``j`` in order, ``d(i, j)``, ``0.5 - d(i, j)/2``, ``0.5 + d(i, j)/2``,
        all with exponent ``r_i``.
    """
    rows, n = x.shape
    index = np.empty(n, dtype=np.int64)
    dist = np.zeros((n, n))
    votes = np.zeros((n, n))
    common = np.zeros((n, n))
    num = np.zeros((n, n))
    prob = np.zeros((n, n))
    padded = np.zeros(max(n * n, 1))
    danger = np.zeros(n)
    risk = np.ones(n)
    for row in range(rows):
        if settled[row]:
            continue
        count = _present(mask[row], index)
        _distances(x[row], span[row], index, count, dist)
        for s in range(count):
            k = index[s]
            for q in range(count):
                i = index[q]
                votes[k, i] = weight[row, k] * dist[k, i]
        _probabilities(votes, index, count, bdm, common, num, padded, prob)
        for p in range(count):
            i = index[p]
            padded[:n] = 0.0
            for q in range(count):
                j = index[q]
                half = 0.5 * dist[i, j]
                near = 0.5 - half
                far = 0.5 + half
                gain = 2.0 - 4.0 * near
                stake = gain - (2.0 - 4.0 * far)
                padded[j] = gain - sal[row, i] * (1.0 - prob[j, i]) * stake
            danger[i] = 0.0 + pairwise_sum(padded, 0, n)
        hi = -np.inf
        lo = np.inf
        for p in range(count):
            d = danger[index[p]]
            hi = d if d > hi else hi
            lo = d if d < lo else lo
        for p in range(count):
            i = index[p]
            if hi > lo:
                rel = (2.0 * danger[i] - hi - lo) / (hi - lo)
                risk[i] = (1.0 - rel / 3.0) / (1.0 + rel / 3.0)
            else:
                risk[i] = 1.0
        at = offsets[row]
        for p in range(count):
            i = index[p]
            bases[at] = 0.5
            exponents[at] = risk[i]
            at += 1
            for q in range(count):
                j = index[q]
                if j == i:
                    continue
                half = 0.5 * dist[i, j]
                bases[at] = dist[i, j]
                bases[at + 1] = 0.5 - half
                bases[at + 2] = 0.5 + half
                exponents[at] = risk[i]
                exponents[at + 1] = risk[i]
                exponents[at + 2] = risk[i]
                at += 3


@_compile
def offers_and_moves(x: np.ndarray, span: np.ndarray, weight: np.ndarray, sal: np.ndarray,
                     mask: np.ndarray, bdm: bool, settled: np.ndarray, offsets: np.ndarray,
                     powers: np.ndarray, new: np.ndarray, kind: np.ndarray, partner: np.ndarray,
                     forecast: np.ndarray, previous: np.ndarray) -> None:
    """Second part of a round: probabilities, offers, moves and the forecast.

    Parameters
    ----------
    x, span, weight, sal, mask, bdm, offsets
        As for :func:`risk_and_bases`, same round.
    settled : ndarray of bool, shape (B,)
        Rows that reached a fixed point: they get ``x``, the previous forecast, and keep
        ``kind`` and ``partner`` as they are. Set for every row whose new positions are
        bitwise its old ones: a round is a function of the positions alone (the span,
        weights and saliences are fixed for the run), so every later round of such a
        row repeats this one exactly.
    powers : ndarray, shape (offsets[-1],)
        ``np.power(bases, exponents)`` of that round.
    new : ndarray, shape (B, A)
        Filled with the positions after the round (``x`` where nobody moves).
    kind : ndarray of int8, shape (B, A)
        Filled with the kind of offer taken (0 none, 1 confrontation, 2 compromise,
        3 capitulation).
    partner : ndarray of int64, shape (B, A)
        Filled with the actor whose offer was taken (0 where none).
    forecast : ndarray, shape (B,)
        Filled with the capability x salience weighted mean of the new positions (the
        plain mean when every weight is 0; NaN for a row without actors).
    previous : ndarray, shape (B,)
        The forecast of the round before (read for settled rows only).
    """
    rows, n = x.shape
    index = np.empty(n, dtype=np.int64)
    votes = np.zeros((n, n))
    common = np.zeros((n, n))
    num = np.zeros((n, n))
    prob = np.zeros((n, n))
    padded = np.zeros(max(n * n, 1))
    at_half = np.zeros(n)
    near = np.zeros((n, n))
    far = np.zeros((n, n))
    for row in range(rows):
        if settled[row]:
            for i in range(n):
                new[row, i] = x[row, i]
            forecast[row] = previous[row]
            continue
        count = _present(mask[row], index)
        at = offsets[row]
        for p in range(count):
            i = index[p]
            at_half[i] = powers[at]
            near[i, i] = powers[at]
            far[i, i] = powers[at]
            votes[i, i] = weight[row, i] * 0.0
            at += 1
            for q in range(count):
                j = index[q]
                if j == i:
                    continue
                votes[i, j] = weight[row, i] * powers[at]
                near[i, j] = powers[at + 1]
                far[i, j] = powers[at + 2]
                at += 3
        _probabilities(votes, index, count, bdm, common, num, padded, prob)
        for p in range(count):
            i = index[p]
            xi = x[row, i]
            new[row, i] = xi
            kind[row, i] = 0
            partner[row, i] = 0
            confront_key, confront_pick = np.inf, 0
            compromise_key, compromise_pick = np.inf, 0
            compromise_a = compromise_b = 0.0
            capitulate_key, capitulate_pick = np.inf, 0
            for q in range(count):
                j = index[q]
                delta = x[row, j] - xi
                if delta == 0:
                    continue
                gap = abs(delta)
                u_s = 2.0 - 4.0 * near[i, j]
                gain = u_s - (2.0 - 4.0 * at_half[i])
                stake = u_s - (2.0 - 4.0 * far[i, j])
                a = gain - sal[row, j] * (1.0 - prob[i, j]) * stake
                b = gain - sal[row, i] * (1.0 - prob[j, i]) * stake
                abs_a = abs(a)
                if b > a and a > 0 and gap < confront_key:
                    confront_key, confront_pick = gap, j
                if b > 0 and a < 0:
                    if b > abs_a:
                        if bdm:
                            key = abs_a / b
                            key = key * gap
                        else:
                            abs_b = abs(b)
                            key = (abs_a * xi + abs_b * x[row, j]) / (abs_a + abs_b)
                        if key < compromise_key:
                            compromise_key, compromise_pick = key, j
                            compromise_a, compromise_b = a, b
                    capitulates = b < abs_a if bdm else b < abs(b)
                    if capitulates and gap < capitulate_key:
                        capitulate_key, capitulate_pick = gap, j
            if confront_key < np.inf:
                new[row, i] = x[row, confront_pick]
                kind[row, i] = 1
                partner[row, i] = confront_pick
            elif compromise_key < np.inf:
                j = compromise_pick
                new[row, i] = xi + (x[row, j] - xi) * abs(compromise_a / compromise_b)
                kind[row, i] = 2
                partner[row, i] = j
            elif capitulate_key < np.inf:
                new[row, i] = x[row, capitulate_pick]
                kind[row, i] = 3
                partner[row, i] = capitulate_pick
        for i in range(n):
            if not mask[row, i]:
                new[row, i] = x[row, i]
                kind[row, i] = 0
                partner[row, i] = 0
        for i in range(n):
            padded[i] = weight[row, i] if mask[row, i] else 0.0
        total = 0.0 + pairwise_sum(padded, 0, n)
        if total > 0:
            for i in range(n):
                padded[i] = padded[i] * (new[row, i] if mask[row, i] else 0.0)
            forecast[row] = (0.0 + pairwise_sum(padded, 0, n)) / total
        elif count > 0:
            for i in range(n):
                padded[i] = new[row, i] if mask[row, i] else 0.0
            forecast[row] = (0.0 + pairwise_sum(padded, 0, n)) / count
        else:
            forecast[row] = np.nan
        settled[row] = _same_bits(new[row], x[row])


@_compile
def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """True when the two rows hold the same numbers, ``+0.0`` and ``-0.0`` told apart."""
    for i in range(a.size):
        if a[i] != b[i] or math.copysign(1.0, a[i]) != math.copysign(1.0, b[i]):
            return False
    return True

