"""Compiled kernel of one iteration of the exchange model, scalar code per draw.

:func:`iterate` runs one iteration of :mod:`accord.models.exchange` for every draw of a
batch, one draw after the other, with numba-compiled scalar loops instead of the NumPy
path's arrays over all draws (``_Iteration``). It forms the same candidate exchanges in
the same order, computes each with the same floating-point operations in the same order
(numba compiles without fast-math, and LLVM does not contract ``a * b + c`` into a fused
multiply-add unless asked to), carries out the best, and recomputes only the exchanges
that share a supplier and its supply issue, or a demander and its demand issue, with it,
found through a per-draw index, as the NumPy path's lookup tables do. Its voting
positions and next-iteration starts are therefore equal bit for bit to the NumPy path's.

Every draw's random numbers come from its own PCG64 generator (NumPy's default bit
generator, O'Neill 2014, "PCG: a family of simple fast space-efficient statistically good
algorithms for random number generation", HMC-CS-2014-0905), stepped here from its state
words: ``random`` is NumPy's ``(next64 >> 11) * 2**-53`` and ``integers(n)`` NumPy's
Lemire bounded draw on the 32-bit halves of the 64-bit outputs (Lemire 2019, "Fast random
integer generation in an interval", ACM TOMACS 29(1)), both as NumPy 1.17 and later do.
The generators' states are kept in a (D, 6) array of ``uint64`` (see
:func:`generator_states`), so the streams continue across iterations as the NumPy path's
``_Draws`` do.

When numba does not import, :data:`AVAILABLE` is False and the functions run as plain
(slow) Python; the model then keeps to its NumPy path.
"""

from __future__ import annotations

import numpy as np

import accord.models.jit as jit

#: Whether the kernel is compiled (numba imports).
AVAILABLE = jit.AVAILABLE
_compiled = jit.compiled


# Columns of the per-exchange tables: static values, integer keys and the changing state.
# Paired columns hold the X side (which supplies q) then the Y side (which supplies p).
T0, T1, ST0, ST1, SH0, SH1, B0, B1, PS0, PS1, RATE, COEF, SXP, SXQ, SYP, SYQ, NX0, NX1 = range(18)
N_STATIC = 18
G0, G1, GS0, GS1, SUP0, SUP1, DEM0, DEM1, XA, YA, P, Q = range(12)
N_KEYS = 12
POS0, POS1, MV0, MV1, HS0, HS1, SG0, SG1 = range(8)
N_STATE = 8
#: Entries of the ``thresholds`` argument of :func:`iterate`, in order.
THRESHOLDS = ("EPS_MOVE", "EPS_GAIN", "TIE", "AT_TARGET", "MID", "HALF_RANGE", "RANGE")
EPS_MOVE_AT, EPS_GAIN_AT, TIE_AT, AT_TARGET_AT, MID_AT, HALF_RANGE_AT, RANGE_AT = range(7)

_PCG_MULT_HI = np.uint64(2549297995355413924)
_PCG_MULT_LO = np.uint64(4865540595714422341)
_LOW32 = np.uint64(0xFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0
#: Above this bound on the number of exchanges a draw can have (issue pairs × A²/4), the
#: tables are sized by counting every draw's exchanges first.
_COUNT_ABOVE = 1 << 16


def generator_states(seed: int, n_draws: int) -> np.ndarray:
    """The state words of ``n_draws`` generators ``np.random.default_rng(seed)``.

    Returns
    -------
    ndarray of uint64, shape (n_draws, 6)
        Per draw: the 128-bit PCG64 state (high, low word), its increment (high, low
        word), whether a 32-bit half is buffered, and that half.
    """
    state = np.random.default_rng(seed).bit_generator.state
    words = (state["state"]["state"], state["state"]["inc"])
    row = [words[0] >> 64, words[0] & 0xFFFFFFFFFFFFFFFF, words[1] >> 64, words[1] & 0xFFFFFFFFFFFFFFFF,
           int(state["has_uint32"]), int(state["uinteger"])]
    return np.tile(np.array(row, dtype=np.uint64), (n_draws, 1))


@_compiled
def _high_product(a: np.uint64, b: np.uint64) -> np.uint64:
    """The high 64 bits of the 128-bit product ``a * b``."""
    a_lo, a_hi = a & _LOW32, a >> np.uint64(32)
    b_lo, b_hi = b & _LOW32, b >> np.uint64(32)
    cross_1, cross_2 = a_lo * b_hi, a_hi * b_lo
    middle = ((a_lo * b_lo) >> np.uint64(32)) + (cross_1 & _LOW32) + (cross_2 & _LOW32)
    return a_hi * b_hi + (cross_1 >> np.uint64(32)) + (cross_2 >> np.uint64(32)) + (middle >> np.uint64(32))


@_compiled
def _next64(states: np.ndarray, d: int) -> np.uint64:
    """Step draw ``d``'s PCG64 generator; its next 64-bit output (XSL-RR)."""
    hi, lo = states[d, 0], states[d, 1]
    product_lo = lo * _PCG_MULT_LO
    product_hi = _high_product(lo, _PCG_MULT_LO) + lo * _PCG_MULT_HI + hi * _PCG_MULT_LO
    new_lo = product_lo + states[d, 3]
    carry = np.uint64(1) if new_lo < product_lo else np.uint64(0)
    new_hi = product_hi + states[d, 2] + carry
    states[d, 0], states[d, 1] = new_hi, new_lo
    mixed = new_hi ^ new_lo
    turn = new_hi >> np.uint64(58)
    return (mixed >> turn) | (mixed << ((np.uint64(64) - turn) & np.uint64(63)))


@_compiled
def _uniform(states: np.ndarray, d: int) -> float:
    """Draw ``d``'s ``Generator.random()``: uniform on [0, 1)."""
    return float(_next64(states, d) >> np.uint64(11)) * _TO_UNIT


@_compiled
def _next32(states: np.ndarray, d: int) -> np.uint64:
    """Draw ``d``'s next 32-bit output: the buffered high half of a 64-bit one, if any."""
    if states[d, 4] != 0:
        states[d, 4] = np.uint64(0)
        return states[d, 5]
    whole = _next64(states, d)
    states[d, 4] = np.uint64(1)
    states[d, 5] = whole >> np.uint64(32)
    return whole & _LOW32


@_compiled
def _below(states: np.ndarray, d: int, n: int) -> int:
    """Draw ``d``'s ``Generator.integers(n)`` for ``2 <= n < 2**32``."""
    excl = np.uint64(n)
    product = _next32(states, d) * excl
    leftover = product & _LOW32
    if leftover < excl:
        threshold = (_LOW32 - (excl - np.uint64(1))) % excl
        while leftover < threshold:
            product = _next32(states, d) * excl
            leftover = product & _LOW32
    return int(product >> np.uint64(32))


@_compiled(inline=True)
def _smaller(a: float, b: float) -> float:
    """``np.minimum(a, b)`` for numbers."""
    return a if a < b or a != a else b


@_compiled(inline=True)
def _larger(a: float, b: float) -> float:
    """``np.maximum(a, b)`` for numbers."""
    return a if a > b or a != a else b


@_compiled(inline=True)
def _sign(a: float) -> float:
    """``np.sign(a)``."""
    if a > 0.0:
        return 1.0
    if a < 0.0:
        return -1.0
    if a == 0.0:
        return 0.0
    return a


@_compiled(inline=True)
def _move_ok(position: float, history_sum: float, history_sign: float, move: float,
             thresholds: tuple[float, ...]) -> bool:
    """Decide's validity of one side's move (``_Iteration._moves_ok``)."""
    return (abs(move) > thresholds[EPS_MOVE_AT]
            and abs((position + move) - thresholds[MID_AT]) <= thresholds[HALF_RANGE_AT]
            and history_sum + move <= thresholds[RANGE_AT]
            and history_sign * move >= 0.0)


@_compiled
def _groups(xz: np.ndarray, w: np.ndarray, present: np.ndarray, nbs: np.ndarray, d: int, p: int, q: int,
            group: np.ndarray) -> None:
    """Each actor's side of the outcome on issues ``p`` and ``q`` of draw ``d``: 0 above
    both, 1 below on ``p`` only, 2 below on ``q`` only, 3 below both; -1 when it cannot
    exchange on them."""
    for a in range(group.size):
        if present[a, p] and present[a, q] and w[d, a, p] > 0 and w[d, a, q] > 0:
            group[a] = int(xz[d, a, p] <= nbs[d, p]) + 2 * int(xz[d, a, q] <= nbs[d, q])
        else:
            group[a] = -1


@_compiled
def _count(xz: np.ndarray, w: np.ndarray, present: np.ndarray, nbs: np.ndarray, pairs_p: np.ndarray,
           pairs_q: np.ndarray, d: int, group: np.ndarray) -> int:
    """The number of candidate exchanges of draw ``d``."""
    n = 0
    for m in range(pairs_p.size):
        _groups(xz, w, present, nbs, d, pairs_p[m], pairs_q[m], group)
        above, below_p, below_q, below = 0, 0, 0, 0
        for a in range(group.size):
            side = group[a]
            if side == 0:
                above += 1
            elif side == 1:
                below_p += 1
            elif side == 2:
                below_q += 1
            elif side == 3:
                below += 1
        n += above * below + below_p * below_q
    return n


@_compiled
def _form(xz: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray, nbs: np.ndarray,
          safe_total: np.ndarray, pairs_p: np.ndarray, pairs_q: np.ndarray, d: int, salience_weight: float,
          fixed_weight: float, random_rate: bool, states: np.ndarray, group: np.ndarray,
          static: np.ndarray, keys: np.ndarray, state: np.ndarray) -> int:
    """Fill the tables with draw ``d``'s candidate exchanges in Decide's order of
    formation (``_Iteration._form``); returns their number."""
    n_a, n_i = xz.shape[1], xz.shape[2]
    n = 0
    for m in range(pairs_p.size):
        p, q = pairs_p[m], pairs_q[m]
        _groups(xz, w, present, nbs, d, p, q, group)
        for kind in range(2):
            first, second = (0, 3) if kind == 0 else (1, 2)
            for i in range(n_a):
                if group[i] != first:
                    continue
                for j in range(n_a):
                    if group[j] != second:
                        continue
                    if s[d, i, p] / s[d, i, q] < s[d, j, p] / s[d, j, q]:
                        xa, ya = j, i
                    else:
                        xa, ya = i, j
                    sxp, sxq, syp, syq = s[d, xa, p], s[d, xa, q], s[d, ya, p], s[d, ya, q]
                    total_p, total_q = safe_total[d, p], safe_total[d, q]
                    wxq, wyp = w[d, xa, q], w[d, ya, p]
                    if random_rate:
                        low, high = syp / syq, sxp / sxq
                        rate = low + _uniform(states, d) * (high - low)
                    else:
                        rate = (sxp + syp) / (sxq + syq)
                    coef_x = sxp - rate * sxq
                    coef_y = rate * syq - syp
                    static[n, T0], static[n, T1] = xz[d, ya, q], xz[d, xa, p]
                    static[n, ST0], static[n, ST1] = xz[d, xa, q], xz[d, ya, p]
                    static[n, SH0], static[n, SH1] = wxq / total_q, wyp / total_p
                    static[n, B0], static[n, B1] = nbs[d, q], nbs[d, p]
                    static[n, PS0], static[n, PS1] = rate * total_q / wxq, total_p / wyp
                    static[n, RATE] = rate
                    static[n, COEF] = _smaller(coef_x, coef_y) if random_rate else coef_x
                    static[n, SXP], static[n, SXQ], static[n, SYP], static[n, SYQ] = sxp, sxq, syp, syq
                    static[n, NX0] = (1 - sxq) * salience_weight + fixed_weight
                    static[n, NX1] = (1 - syp) * salience_weight + fixed_weight
                    keys[n, G0], keys[n, G1] = (ya * n_i + q) * n_a + xa, (xa * n_i + p) * n_a + ya
                    keys[n, GS0], keys[n, GS1] = ya * n_i + q, xa * n_i + p
                    keys[n, SUP0], keys[n, SUP1] = xa * n_i + q, ya * n_i + p
                    keys[n, DEM0], keys[n, DEM1] = xa * n_i + p, ya * n_i + q
                    keys[n, XA], keys[n, YA], keys[n, P], keys[n, Q] = xa, ya, p, q
                    state[n, POS0], state[n, POS1] = static[n, ST0], static[n, ST1]
                    for column in range(MV0, N_STATE):
                        state[n, column] = 0.0
                    n += 1
    return n


@_compiled
def _index(keys: np.ndarray, n: int, n_keys: int, bounds: np.ndarray, entries: np.ndarray) -> None:
    """Per supply key (actor × issue supplied) and demand key (``n_keys`` + actor × issue
    demanded) the exchanges with a side on it: ``entries[bounds[k]:bounds[k + 1]]``;
    ``bounds`` has ``2 * n_keys + 2`` entries."""
    bounds[:] = 0
    for j in range(n):
        for column, offset in ((SUP0, 0), (SUP1, 0), (DEM0, n_keys), (DEM1, n_keys)):
            bounds[keys[j, column] + offset + 2] += 1
    for k in range(2, 2 * n_keys + 2):
        bounds[k] += bounds[k - 1]
    for j in range(n):
        for column, offset in ((SUP0, 0), (SUP1, 0), (DEM0, n_keys), (DEM1, n_keys)):
            k = keys[j, column] + offset + 1
            entries[bounds[k]] = j
            bounds[k] += 1


@_compiled(inline=True)
def _exchange(position_x: float, position_y: float, history_sum_x: float, history_sum_y: float,
              history_sign_x: float, history_sign_y: float, target_x: float, target_y: float, start_x: float,
              start_y: float, share_x: float, share_y: float, base_x: float, base_y: float, per_shift_x: float,
              per_shift_y: float, rate: float, coef: float, revealed_x: float, revealed_y: float,
              revealed_sum_x: float, revealed_sum_y: float, known_x: bool, known_y: bool,
              thresholds: tuple[float, ...]) -> tuple[float, float, float, bool, bool, float, float, float, float]:
    """One exchange computed from its sides' state (``_Iteration._calculate`` for one slot).

    Side X supplies ``q`` and demands ``p``, side Y the other way round. ``revealed_*``
    is the outcome shift of the position revealed to the side's demander from its
    supplier (0 if none; ``known_*`` whether there is one), ``revealed_sum_*`` the shift
    of all positions revealed to that demander on that issue.

    Returns
    -------
    tuple
        The moves of X and Y, the equal gain, whether the first validity check passed,
        whether the exchange is valid, and the outcome each side's demander sees with
        (``now``) and without (``others``) its supplier's start position.
    """
    diff_x, diff_y = target_x - position_x, target_y - position_y
    full_x, full_q = abs(diff_x) * share_x, abs(diff_y) * share_y
    limit = full_x / rate
    shift_p = _smaller(full_q, limit)
    sign_x, sign_y = _sign(diff_x), _sign(diff_y)
    move_x, move_y = shift_p * per_shift_x * sign_x, shift_p * per_shift_y * sign_y
    if full_q > limit:
        move_x = diff_x
    else:
        move_y = diff_y
    equal_gain = shift_p * coef
    ok = (_move_ok(position_x, history_sum_x, history_sign_x, move_x, thresholds)
          and _move_ok(position_y, history_sum_y, history_sign_y, move_y, thresholds)
          and equal_gain >= thresholds[EPS_GAIN_AT])
    others_x, others_y = base_x + revealed_sum_x, base_y + revealed_sum_y
    now_x = (others_x - revealed_x) + (position_x - start_x) * share_x
    now_y = (others_y - revealed_y) + (position_y - start_y) * share_y
    gap_x, gap_y = target_x - now_x, target_y - now_y
    hit_x = (gap_x - share_x * move_x) * gap_x < 0.0
    hit_y = (gap_y - share_y * move_y) * gap_y < 0.0
    valid = ok
    if ok and (hit_x or hit_y):
        at_target = thresholds[AT_TARGET_AT]
        away_y = abs(gap_y) > at_target
        hit_x = hit_x and abs(gap_x) > at_target
        hit_y = hit_y and away_y
        if hit_x:
            new_p = abs(target_x - (others_x if known_x else now_x)) / rate
            shift_p = new_p
            move_x, move_y = new_p * per_shift_x * sign_x, new_p * per_shift_y * sign_y
            hit_y = gap_y * (gap_y - share_y * move_y) < 0.0 and away_y
        if hit_y:
            new_p = abs(target_y - (others_y if known_y else now_y))
            shift_p = new_p
            move_x, move_y = new_p * per_shift_x * sign_x, new_p * per_shift_y * sign_y
        equal_gain = shift_p * coef
        valid = (_move_ok(position_x, history_sum_x, history_sign_x, move_x, thresholds)
                 and _move_ok(position_y, history_sum_y, history_sign_y, move_y, thresholds))
    return move_x, move_y, equal_gain, ok, valid, now_x, now_y, others_x, others_y


@_compiled
def _randomize(u: float, v: float, z: float, randomized_value: float, s_xp: float, s_xq: float, s_yp: float,
               s_yq: float, target_x: float, target_y: float, share_x: float, share_y: float, position_x: float,
               position_y: float, move_x: float, move_y: float, equal_gain: float, now_x: float, now_y: float,
               seen_x: float, seen_y: float, at_target: float) -> tuple[float, float]:
    """Decide's randomised equal gain for one exchange that passed the first validity
    check (``_Iteration._randomize``), with its uniform draws ``u``, ``v``, ``z``: the
    moves of X and Y. ``seen_*``: the outcome its demander sees, with the supplier's
    revealed position if there is one."""
    dem_y, dem_x = target_x, target_y
    cx, cy = share_x, share_y
    y_x, y_y = position_x + move_x, position_y + move_y
    full_x = dem_x == y_x
    full_y = dem_y == y_y
    dx = abs(cx * ((y_x if full_x else dem_y) - position_x))
    dyy = abs(cy * ((y_y if full_y else dem_x) - position_y))
    loss_y, gain_xd = dyy * s_yp, dyy * s_xp
    loss_x, gain_yd = dx * s_xq, dx * s_yq
    override = 0.0
    if full_x and gain_yd - loss_y > 0:
        override = gain_xd - loss_y / s_yq * s_xq
    if full_y and gain_xd - loss_x > 0:
        override = gain_yd - loss_x / s_xp * s_yp
    if gain_xd > gain_yd:
        max_x = override if override != 0 else s_xp * gain_yd / s_yp - loss_x
        max_y = gain_yd - s_yp * loss_x / s_xp
    else:
        max_x = gain_xd - s_xq * loss_y / s_yq
        max_y = override if override != 0 else s_yq * gain_xd / s_xq - loss_y
    pick_x = u < 0.5
    eu_max = max_x if pick_x else max_y
    if v < 0.5:
        wanted = equal_gain + randomized_value * z * (eu_max - equal_gain)
    else:
        wanted = equal_gain - randomized_value * z * equal_gain
    if pick_x:
        pos_s, pos_t, aim_s, aim_t, c_s, c_t = position_x, position_y, target_x, target_y, cx, cy
        now_s, seen_s, s_sup, s_dem = now_x, seen_x, s_xq, s_xp
    else:
        pos_s, pos_t, aim_s, aim_t, c_s, c_t = position_y, position_x, target_y, target_x, cy, cx
        now_s, seen_s, s_sup, s_dem = now_y, seen_y, s_yp, s_yq
    m_s = abs(pos_s - aim_s)
    sh_s = m_s * c_s
    sh_t = (wanted + sh_s * s_sup) / s_dem
    m_t = sh_t / c_t
    full_t = abs(pos_t - aim_t)
    over = abs(m_t) > full_t
    if over:
        sh_t = full_t * c_t
        sh_s = abs((wanted - sh_t * s_dem) / s_sup)
        m_t = full_t
        m_s = sh_s / c_s
    sign_x = -1.0 if position_x > target_x else 1.0
    sign_y = -1.0 if position_y > target_y else 1.0
    after_s = now_s + c_s * m_s * (sign_x if pick_x else sign_y)
    if not over and (aim_s - now_s) * (aim_s - after_s) < 0 and abs(aim_s - now_s) > at_target:
        reach = abs(aim_s - seen_s)
        m_s = reach / c_s
        sh_s = reach
        sh_t = (wanted + sh_s * s_sup) / s_dem
        m_t = sh_t / c_t
    if pick_x:
        return m_s * sign_x, m_t * sign_y
    return m_t * sign_x, m_s * sign_y


@_compiled(inline=True)
def _reveal(g: int, gs: int, value: float, start: float, share: float, revealed: np.ndarray,
            revealed_shift: np.ndarray, revealed_mark: np.ndarray, revealed_sum: np.ndarray,
            sum_mark: np.ndarray, mark: int) -> None:
    """Reveal a supplier's new position to the demander of its supply issue
    (``_Iteration._reveal``)."""
    if revealed_mark[g] == mark:
        old = revealed[g]
        value = _smaller(old, value) if start <= old else _larger(old, value)
        old_shift = revealed_shift[g]
    else:
        old_shift = 0.0
    shift = share * (value - start)
    total = revealed_sum[gs] if sum_mark[gs] == mark else 0.0
    revealed_sum[gs] = total + (shift - old_shift)
    sum_mark[gs] = mark
    revealed[g] = value
    revealed_shift[g] = shift
    revealed_mark[g] = mark


@_compiled
def _sort_slots(slots: np.ndarray, n: int) -> None:
    """Sort ``slots[:n]`` ascending."""
    for i in range(1, n):
        item = slots[i]
        k = i - 1
        while k >= 0 and slots[k] > item:
            slots[k + 1] = slots[k]
            k -= 1
        slots[k + 1] = item


@_compiled
def _tie_order_before(keys: np.ndarray, issue_rank: np.ndarray, a: int, b: int) -> bool:
    """Whether exchange ``a`` comes before ``b`` in the order of (X actor, Y actor, q, p) ids."""
    for first, second in ((keys[a, XA], keys[b, XA]), (keys[a, YA], keys[b, YA]),
                          (issue_rank[keys[a, Q]], issue_rank[keys[b, Q]]),
                          (issue_rank[keys[a, P]], issue_rank[keys[b, P]])):
        if first != second:
            return first < second
    return a < b


@_compiled
def _break_tie(keys: np.ndarray, issue_rank: np.ndarray, tied: np.ndarray, n: int, states: np.ndarray,
               d: int) -> int:
    """One of the tied exchanges ``tied[:n]`` (ascending), drawn uniformly in id order
    (``_Iteration._break_tie``)."""
    for i in range(1, n):
        item = tied[i]
        k = i - 1
        while k >= 0 and _tie_order_before(keys, issue_rank, item, tied[k]):
            tied[k + 1] = tied[k]
            k -= 1
        tied[k + 1] = item
    return tied[_below(states, d, n)]


@_compiled
def _run_draw(d: int, n: int, static: np.ndarray, keys: np.ndarray, state: np.ndarray, gain: np.ndarray,
              bounds: np.ndarray, entries: np.ndarray, n_keys: int, revealed: np.ndarray,
              revealed_shift: np.ndarray, revealed_mark: np.ndarray, revealed_sum: np.ndarray,
              sum_mark: np.ndarray, mark: int, randomized_value: float, states: np.ndarray,
              issue_rank: np.ndarray, thresholds: tuple[float, ...], seen: np.ndarray, affected: np.ndarray,
              voting: np.ndarray, next_start: np.ndarray) -> None:
    """Compute draw ``d``'s ``n`` exchanges and carry them out, best first
    (``_Iteration._calculate`` and ``_run_all``).

    After each exchange carried out, the exchanges still on the list that share a
    supplier and its supply issue with it take that side's new voting position (keeping
    their last move in their history); they and those that share a demander and its
    demand issue with it are recomputed, in slot order (the order of the random draws).
    """
    tie = thresholds[TIE_AT]
    for j in range(n):
        affected[j] = j
    n_affected = n
    supply_x = supply_y = -1
    y_x = y_y = 0.0
    while True:
        for i in range(n_affected):
            j = affected[i]
            seen[j] = False
            for side in range(2):
                supplied = keys[j, SUP0 + side]
                if supplied == supply_x or supplied == supply_y:
                    last = state[j, MV0 + side]
                    state[j, HS0 + side] += last
                    state[j, SG0 + side] = _sign(last)
                    state[j, POS0 + side] = y_x if supplied == supply_x else y_y
            g_x, g_y, gs_x, gs_y = keys[j, G0], keys[j, G1], keys[j, GS0], keys[j, GS1]
            known_x, known_y = revealed_mark[g_x] == mark, revealed_mark[g_y] == mark
            position_x, position_y = state[j, POS0], state[j, POS1]
            move_x, move_y, equal_gain, ok, valid, now_x, now_y, others_x, others_y = _exchange(
                position_x, position_y, state[j, HS0], state[j, HS1], state[j, SG0], state[j, SG1],
                static[j, T0], static[j, T1], static[j, ST0], static[j, ST1], static[j, SH0], static[j, SH1],
                static[j, B0], static[j, B1], static[j, PS0], static[j, PS1], static[j, RATE], static[j, COEF],
                revealed_shift[g_x] if known_x else 0.0, revealed_shift[g_y] if known_y else 0.0,
                revealed_sum[gs_x] if sum_mark[gs_x] == mark else 0.0,
                revealed_sum[gs_y] if sum_mark[gs_y] == mark else 0.0, known_x, known_y, thresholds)
            if randomized_value > 0 and ok:
                u, v, z = _uniform(states, d), _uniform(states, d), _uniform(states, d)
                move_x, move_y = _randomize(
                    u, v, z, randomized_value, static[j, SXP], static[j, SXQ], static[j, SYP], static[j, SYQ],
                    static[j, T0], static[j, T1], static[j, SH0], static[j, SH1], position_x, position_y,
                    move_x, move_y, equal_gain, now_x, now_y, others_x if known_x else now_x,
                    others_y if known_y else now_y, thresholds[AT_TARGET_AT])
                valid = (_move_ok(position_x, state[j, HS0], state[j, SG0], move_x, thresholds)
                         and _move_ok(position_y, state[j, HS1], state[j, SG1], move_y, thresholds))
            state[j, MV0], state[j, MV1] = move_x, move_y
            gain[j] = equal_gain if valid else -np.inf

        best, top, second = 0, -np.inf, -np.inf
        for j in range(n):
            value = gain[j]
            if value > top:
                best, top, second = j, value, top
            elif value > second:
                second = value
        if not top > -np.inf:
            return
        bar = top - tie * abs(top)
        e = best
        if second >= bar:
            n_tied = 0
            for j in range(n):
                if gain[j] >= bar:
                    affected[n_tied] = j
                    n_tied += 1
            e = _break_tie(keys, issue_rank, affected, n_tied, states, d)
        gain[e] = -np.inf
        xa, ya, p, q = keys[e, XA], keys[e, YA], keys[e, P], keys[e, Q]
        y_x, y_y = state[e, POS0] + state[e, MV0], state[e, POS1] + state[e, MV1]
        voting[d, xa, q] = y_x
        voting[d, ya, p] = y_y
        next_start[d, xa, q] = static[e, NX0] * y_x + (1 - static[e, NX0]) * static[e, ST0]
        next_start[d, ya, p] = static[e, NX1] * y_y + (1 - static[e, NX1]) * static[e, ST1]
        _reveal(keys[e, G0], keys[e, GS0], y_x, static[e, ST0], static[e, SH0], revealed, revealed_shift,
                revealed_mark, revealed_sum, sum_mark, mark)
        _reveal(keys[e, G1], keys[e, GS1], y_y, static[e, ST1], static[e, SH1], revealed, revealed_shift,
                revealed_mark, revealed_sum, sum_mark, mark)

        supply_x, supply_y = keys[e, SUP0], keys[e, SUP1]
        n_affected = 0
        for k in (supply_x, supply_y, n_keys + keys[e, DEM0], n_keys + keys[e, DEM1]):
            for at in range(bounds[k], bounds[k + 1]):
                j = entries[at]
                if not seen[j] and gain[j] > -np.inf:
                    seen[j] = True
                    affected[n_affected] = j
                    n_affected += 1
        _sort_slots(affected, n_affected)


@_compiled
def iterate(xz: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray, nbs: np.ndarray,
            safe_total: np.ndarray, pairs_p: np.ndarray, pairs_q: np.ndarray, issue_rank: np.ndarray,
            salience_weight: float, fixed_weight: float, randomized_value: float, random_rate: bool,
            thresholds: tuple[float, ...], states: np.ndarray, voting: np.ndarray, next_start: np.ndarray) -> None:
    """One iteration of exchanges for every draw, as ``_Iteration`` with ``_run_all``.

    Parameters
    ----------
    xz : ndarray, shape (D, A, I)
        Start positions on the 0-100 scale, 0 where absent.
    s, w : ndarray, shape (D, A, I)
        Saliences and capability × salience weights, 0 where absent.
    present : ndarray of bool, shape (A, I)
    nbs : ndarray, shape (D, I)
        Weighted mean start position per issue.
    safe_total : ndarray, shape (D, I)
        Sum of the weights per issue, 1 where it is 0.
    pairs_p, pairs_q : ndarray of int64, shape (M,)
        The issue pairs ``p < q`` in order.
    issue_rank : ndarray of int64, shape (I,)
        Each issue's place in the order of the issue ids (actors are in id order).
    salience_weight, fixed_weight, randomized_value : float
    random_rate : bool
        The model's parameters.
    thresholds : tuple of 7 floats
        The values named by :data:`THRESHOLDS`.
    states : ndarray of uint64, shape (D, 6)
        Every draw's generator (:func:`generator_states`); advanced in place.
    voting, next_start : ndarray, shape (D, A, I)
        Copies of ``xz``; the voting positions and the next iteration's start positions
        are written into them.
    """
    n_d, n_a, n_i = xz.shape
    group = np.empty(n_a, dtype=np.int64)
    n_max = pairs_p.size * (n_a * n_a // 4)
    if n_max > _COUNT_ABOVE:
        n_max = 1
        for d in range(n_d):
            n_max = max(n_max, _count(xz, w, present, nbs, pairs_p, pairs_q, d, group))
    n_max = max(n_max, 1)
    n_keys = n_a * n_i
    static = np.empty((n_max, N_STATIC))
    keys = np.empty((n_max, N_KEYS), dtype=np.int64)
    state = np.empty((n_max, N_STATE))
    gain = np.empty(n_max)
    bounds = np.empty(2 * n_keys + 2, dtype=np.int64)
    entries = np.empty(4 * n_max, dtype=np.int64)
    revealed = np.zeros(n_keys * n_a)
    revealed_shift = np.zeros(n_keys * n_a)
    revealed_mark = np.zeros(n_keys * n_a, dtype=np.int64)
    revealed_sum = np.zeros(n_keys)
    sum_mark = np.zeros(n_keys, dtype=np.int64)
    seen = np.zeros(n_max, dtype=np.bool_)
    affected = np.empty(n_max, dtype=np.int64)
    for d in range(n_d):
        n = _form(xz, s, w, present, nbs, safe_total, pairs_p, pairs_q, d, salience_weight, fixed_weight,
                  random_rate, states, group, static, keys, state)
        if n == 0:
            continue
        mark = d + 1
        _index(keys, n, n_keys, bounds, entries)
        _run_draw(d, n, static, keys, state, gain, bounds, entries, n_keys, revealed, revealed_shift,
                  revealed_mark, revealed_sum, sum_mark, mark, randomized_value, states, issue_rank, thresholds,
                  seen, affected, voting, next_start)
