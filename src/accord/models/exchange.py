"""The exchange model: actors trade voting positions across pairs of issues.

Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale University Press, 105–127; Dijkstra, J.,
Van Assen, M. A. L. M. & Stokman, F. N. (2008), "Outcomes of collective decisions with
externalities predicted", *Journal of Theoretical Politics* 20(4), 415–441; the
randomised variant follows Dijkstra, Van Assen, Stokman & Draaijer (2018), "Random
variation of exchange rates in the equal utility exchange model" (technical report),
as implemented in the Decide model (decide-exchange-model 2025.3.1).

Every iteration, on each issue ``k`` the outcome is the capability × salience weighted
mean of the positions, ``O_k = Σ_a w_ak x_ak / W_k`` with ``w_ak = c_a s_ak`` and
``W_k = Σ_a w_ak``. For a pair of issues ``p < q``, two actors can exchange when they
sit on opposite sides of the outcome on both issues (an actor at the outcome counts as
below it). The one with the larger ratio ``s_p / s_q`` (call it X) demands ``p`` and
supplies ``q``; the other (Y) demands ``q`` and supplies ``p``. Each supplier moves its
voting position on its supply issue towards the demander's position there. A move
``m`` of actor ``a`` shifts the outcome by ``Δ = m w_ak / W_k``, and X gains
``Δ_p s_Xp − Δ_q s_Xq``, Y gains ``Δ_q s_Yq − Δ_p s_Yp``. With equal gain the rate is

    Δ_q / Δ_p = (s_Xp + s_Yp) / (s_Xq + s_Yq),

and the exchange is as large as it can be: Y moves all the way to X's position on
``p`` unless X would then have to move past Y's position on ``q``, in which case X moves
all the way and Y's move follows from the rate. When a move would carry an outcome past
the demander's position, it is shrunk so that the outcome lands on that position, and
the other move follows from the rate. The gain of both is ``Δ_p s_Xp − Δ_q s_Xq``.

Within an iteration the exchange with the highest gain is carried out first. Every
remaining exchange that shares a supplier and its supply issue with it is recomputed
from the supplier's new voting position; every one in which an actor demands the same
issue as in the executed exchange learns the new position of that exchange's supplier
on it and is recomputed too; an exchange that becomes invalid is dropped. This repeats
until no exchange is left. The iteration's outcome is the weighted mean of the voting
positions; each actor that moved starts the next iteration at
``x + ((1 − s) λ_s + λ_f)(y − x)`` between its start ``x`` and voting position ``y``.

Decide conventions followed here
--------------------------------
- Positions are mapped to 0–100 on each issue's scale (``#M`` bounds in Decide) and
  every threshold below is on that scale; results are mapped back.
- Exchanges are formed for each issue pair in issue order and, within it, for actors
  below the outcome on neither issue paired with actors below it on both, then actors
  below it on ``p`` only with actors below it on ``q`` only, in actor order.
- A move is valid when it is larger than 1e-10, keeps the position inside 0–100 (to
  1e-9, for rounding), does not reverse the direction of the moves the actor made in
  this exchange before it was recomputed, and those moves plus this one do not exceed
  +100; an exchange with a gain below 1e-10 is invalid.
- The outcome an exchange sees on an issue is computed from the iteration's start
  positions, except for the positions that executed exchanges revealed to it: when an
  actor demands an issue in both, the new position of the supplier of that issue.
  When a supplier is revealed again, Decide keeps the smaller of the earlier and the new
  position if the earlier one lies at or above the supplier's start, else the larger;
  so does this model.
- Ties (gains equal to within a relative 1e-12) are broken at random, as in Decide
  (which draws between the two best); here uniformly among all tied exchanges, taken in
  the order of their actors' and issues' ids, so results do not depend on how the
  scenario lists its actors.
- ``λ_s = 0.4`` and ``λ_f = 0.1`` are Decide's ``SALIENCE_WEIGHT`` and ``FIXED_WEIGHT``.
- Gains are outcome shifts on the 0–100 scale times saliences, as in Decide.

Where this model deliberately differs from Decide 2025.3.1
-----------------------------------------------------------
- A stance with zero capability × salience takes no part in exchanges (Decide divides
  by zero); an issue where every weight is zero gets the unweighted mean of its
  positions (Decide reports 0).
- When an outcome already sits at the demander's position (to 1e-9), Decide's result
  depends on decimal rounding; here the exchange is computed as if it did not
  overshoot, which is what Decide's rule gives in exact arithmetic.
- ``randomized_value > 0``: after an exchange is computed, one side (probability 1/2)
  wins with probability 1/2 a share ``p z`` of the difference between its maximum
  gain and the equal gain, or else loses a share ``p z`` of its equal gain (``z``
  uniform), and the moves are recomputed for that gain as Decide does. Where Decide
  2025.3.1 then keeps the chosen side's full move although the outcome overshoots the
  partner's position, this model keeps the shrunk move that lands it there.
- ``random_rate``: Decide's RandomRate model does not run in 2025.3.1. Here every
  exchange draws its rate ``Δ_q / Δ_p`` once per iteration uniformly between the two
  actors' indifference rates ``s_Yp / s_Yq`` and ``s_Xp / s_Xq``, gains are unequal,
  and exchanges are carried out in order of the smaller of the two gains.

Knife edges
-----------
An exchange computed with an outcome already on the demander's position is a knife edge:
in exact arithmetic the outcome is not past that position and the move stays whole (the
rule followed here, and Decide's whenever its arithmetic is exact), but the smallest
rounding to the far side cuts the move to nothing, and Decide's Decimal arithmetic decides
on the sign of a leftover of about 1e-26 (precision 28) that changes with the precision
(``scripts/compare_decide.py``). Unbatched results (:class:`ExchangeResult`) list such
decisions (within :data:`EDGE`) and exact ties broken at random; with
``fragility_runs > 0`` they also give each issue's outcome range over a run with every
knife edge decided the other way and runs with inputs jittered by :data:`JITTER`.

"Actor order" above is the order of the actors' ids (Decide takes them in file order),
so that results, down to rounding, do not depend on the order in which a scenario lists
them.
Every draw of a batch uses its own generator, all seeded from one number taken from
``rng``, so a batch equals the loop of single runs with the same ``rng``.

Batches of more than one draw without ``explain`` run through the compiled kernel of
:mod:`accord.models.exchange_kernel` when numba imports: scalar code per draw that gives
the same numbers bit for bit as the NumPy path here (``_Iteration``), which stays the
reference. ``ACCORD_JIT=0`` in the environment (read once, at import) or
``Exchange(compiled=False)`` keeps every run on the NumPy path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import Field, model_validator

import accord.models.exchange_kernel as exchange_kernel
import accord.models.jit as jit
from accord.models.base import Event, Model, ModelParams, ModelResult, register
from accord.scenario.arrays import ScenarioArrays

SCALE = 100.0
EPS_MOVE = 1e-10
EPS_GAIN = 1e-10
TIE = 1e-12
AT_TARGET = 1e-9
#: An exchange computed with an outcome within this distance (on 0-100) of the demander's
#: position is reported as a knife-edge decision: there the move is kept whole (or dropped)
#: on the side of the edge where rounding puts the outcome.
EDGE = 1e-6
#: Relative size of the jitter of the fragility check.
JITTER = 1e-9
BOUND = 1e-9
_CHUNK = 4_000_000

# Rows of the per-exchange tables. Paired rows hold the X side then the Y side, so a
# slice of two rows is a (2, n) array with one row per side.
TARGET, START, SHARE, BASE, PER_SHIFT = slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 8), slice(8, 10)
RATE, COEF, COEF_X, COEF_Y = range(10, 14)
N_CALC = 14
S_XP, S_XQ, S_YP, S_YQ = range(14, 18)
NEXT = slice(18, 20)
N_STATIC = 20
_SWAP = np.array([[False], [True]])
REVEALED, REVEALED_SUM, SUPPLY = slice(0, 2), slice(2, 4), slice(4, 6)
SUP_X, SUP_Y, DEM_X, DEM_Y = range(4, 8)
XA, YA, P, Q = range(8, 12)
N_INT = 12
POS, MOVE, HSUM, HSIGN = slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 8)
SHIFT, GAIN = 8, slice(9, 11)
N_DYN = 11
# 0-d arrays: NumPy compares and combines them with small arrays faster than Python floats.
_ZERO = np.array(0.0)
_NEG_INF = np.array(-np.inf)
_EPS_MOVE = np.array(EPS_MOVE)
_EPS_GAIN = np.array(EPS_GAIN)
_AT_TARGET = np.array(AT_TARGET)
_EDGE = np.array(EDGE)
_MID = np.array(0.5 * SCALE)
_HALF_RANGE = np.array(0.5 * SCALE + BOUND)
_RANGE = np.array(SCALE + BOUND)
#: The thresholds the compiled kernel takes, in the order of ``exchange_kernel.THRESHOLDS``.
_KERNEL_THRESHOLDS = (EPS_MOVE, EPS_GAIN, TIE, AT_TARGET, 0.5 * SCALE, 0.5 * SCALE + BOUND, SCALE + BOUND)
#: Whether batches may use the compiled kernel: ``ACCORD_JIT=0`` in the environment says no.
JIT = jit.REQUESTED


class ExchangeParams(ModelParams):
    """Parameters of :class:`Exchange`."""

    iterations: int = Field(10, ge=1, le=1000, description="Number of iterations (rounds of exchanges).")
    randomized_value: float = Field(
        0.0, ge=0.0, le=1.0,
        description="Decide's randomised equal gain p: 0 gives the deterministic equal-gain exchange; "
        "up to 1 lets one side of each exchange win or lose up to that share of its gain.",
    )
    random_rate: bool = Field(
        False,
        description="Decide's RandomRate variant: draw each exchange's rate between the two actors' "
        "indifference rates instead of splitting the gain equally.",
    )
    salience_weight: float = Field(
        0.4, ge=0.0, le=1.0,
        description="Decide's SALIENCE_WEIGHT: share (times 1 - salience) of the way from start to "
        "voting position at which an actor starts the next iteration.",
    )
    fragility_runs: int = Field(
        0, ge=0, le=100,
        description="Unbatched runs only: runs with inputs jittered by 1e-9 (plus one with the knife "
        "edges decided the other way) that check how much the forecast rests on knife-edge decisions; "
        "0: none (the knife-edge decisions are still listed). accord run uses 4.",
    )
    fixed_weight: float = Field(
        0.1, ge=0.0, le=1.0,
        description="Decide's FIXED_WEIGHT: share of the way from start to voting position added "
        "regardless of salience.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ExchangeParams:
        if self.salience_weight + self.fixed_weight > 1.0:
            raise ValueError("salience_weight + fixed_weight must not exceed 1")
        if self.random_rate and self.randomized_value > 0.0:
            raise ValueError("random_rate and randomized_value > 0 are alternative variants; choose one")
        return self


def _to_unit(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray]:
    """Factor and offset mapping each issue's scale to 0–100, shape (I,) each."""
    span = arrays.scale_max - arrays.scale_min
    factor = np.where(span > 0, SCALE / np.where(span > 0, span, 1.0), 0.0)
    return factor, arrays.scale_min


def _weighted_outcome(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Capability × salience weighted mean per issue.

    Parameters
    ----------
    x : ndarray, shape (D, A, I)
        Positions, any value where absent.
    w : ndarray, shape (D, A, I)
        Weights, 0 where absent.
    present : ndarray of bool, shape (A, I)

    Returns
    -------
    ndarray, shape (D, I)
        The unweighted mean where every weight is 0; NaN where no actor is present.
    """
    xz = np.where(present, x, 0.0)
    total = w.sum(axis=-2)
    count = present.sum(axis=0)
    weighted = (w * xz).sum(axis=-2) / np.where(total > 0, total, 1.0)
    plain = xz.sum(axis=-2) / np.maximum(count, 1)
    return np.where(total > 0, weighted, np.where(count > 0, plain, np.nan))


def _start(x0: np.ndarray, w: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An iteration's start: positions, weight totals and weighted mean positions.

    Parameters
    ----------
    x0 : ndarray, shape (D, A, I)
        Start positions, any value where absent.
    w : ndarray, shape (D, A, I)
        Weights, 0 where absent.
    present : ndarray of bool, shape (A, I)

    Returns
    -------
    xz : ndarray, shape (D, A, I)
        ``x0`` with 0 where absent.
    safe_total : ndarray, shape (D, I)
        Sum of the weights per issue, 1 where it is 0.
    nbs : ndarray, shape (D, I)
        Weighted mean of ``xz`` per issue (0 where every weight is 0).
    """
    xz = np.where(present, x0, 0.0)
    total = w.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    return xz, safe, (w * xz).sum(axis=1) / safe


def _compiled_iteration(x0: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray,
                        params: ExchangeParams, states: np.ndarray,
                        issue_rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One iteration for every draw through the compiled kernel.

    Parameters
    ----------
    x0, s, w : ndarray, shape (D, A, I)
        Start positions (0-100), saliences and weights, as :class:`_Iteration` takes them.
    present : ndarray of bool, shape (A, I)
    params : ExchangeParams
    states : ndarray of uint64, shape (D, 6)
        The draws' generators (``exchange_kernel.generator_states``), advanced in place.
    issue_rank : ndarray of int64, shape (I,)
        Each issue's place in the order of the issue ids.

    Returns
    -------
    voting, next_start : ndarray, shape (D, A, I)
        The voting positions and the next iteration's start positions (0 where absent),
        equal bit for bit to :class:`_Iteration`'s ``voting`` and ``next``.
    """
    xz, safe_total, nbs = _start(x0, w, present)
    pp, qq = _issue_pairs(xz.shape[2])
    voting, next_start = xz.copy(), xz.copy()
    exchange_kernel.iterate(
        xz, s, w, present, nbs, safe_total, pp, qq, issue_rank, float(params.salience_weight),
        float(params.fixed_weight), float(params.randomized_value), bool(params.random_rate),
        _KERNEL_THRESHOLDS, states, voting, next_start)
    return voting, next_start


class _Draws:
    """Per-draw random generators, all seeded alike, made when first needed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.gens: dict[int, np.random.Generator] = {}

    def __getitem__(self, d: int) -> np.random.Generator:
        gen = self.gens.get(d)
        if gen is None:
            gen = self.gens[d] = np.random.default_rng(self.seed)
        return gen


@lru_cache(maxsize=32)
def _issue_pairs(n_issues: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``p < q`` of issue indices, in order (read-only)."""
    pairs = np.triu_indices(n_issues, 1)
    for part in pairs:
        part.flags.writeable = False
    return pairs


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-d integer array, ascending."""
    values = np.sort(values)
    keep = np.empty(values.size, dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class _Iteration:
    """One iteration of exchanges for every draw at once.

    The candidate exchanges of draw ``d`` occupy slots ``d * n_max`` to
    ``d * n_max + n_d - 1`` of the per-exchange tables, in Decide's order of formation;
    unused slots and exchanges no longer on the list have gain ``-inf``. Flattened
    over (D, A, I, A), ``revealed`` holds the position of supplier ``b`` on issue ``k``
    that executed exchanges revealed to every exchange in which ``t`` demands ``k``;
    ``revealed_shift`` the outcome shift it makes; ``revealed_sum`` holds
    ``revealed_shift`` followed by, flattened over (D, A, I), the shift all of them make
    together (its indices in the tables include that offset).
    """

    def __init__(self, x0, s, w, present, params: ExchangeParams, draws: _Draws, drop_at_edge: bool = False) -> None:
        self.s = s
        self.w = w
        self.present = present
        self.params = params
        self.draws = draws
        #: Decide the knife edge the other way: an exchange whose supplier would move an
        #: outcome already on the demander's position (to AT_TARGET) is dropped, as if
        #: rounding had put the outcome just past it (fragility check only).
        self.drop_at_edge = drop_at_edge
        self.n_draws, self.n_actors, self.n_issues = x0.shape
        xz, safe, self.nbs = _start(x0, w, present)
        self.voting = xz.copy()
        self.next = xz.copy()
        self.log: list[tuple] = []
        #: Knife-edge decisions of the exchanges carried out (single-draw runs):
        #: ``(kind, x actor, y actor, p, q)`` with kind ``"edge"`` or ``"tie"``.
        self.edges: list[tuple] = []
        self._form(xz, safe)

    def _form(self, xz: np.ndarray, safe_total: np.ndarray) -> None:
        """Form every draw's candidate exchanges, fill the tables and compute them."""
        n_d, n_a, n_i = self.n_draws, self.n_actors, self.n_issues
        pp, qq = _issue_pairs(n_i)
        left = self.present & (xz <= self.nbs[:, None, :])
        able = self.present & (self.w > 0)
        group = np.where(able[:, :, pp] & able[:, :, qq], left[:, :, pp] + 2 * left[:, :, qq], -1)
        group = group.transpose(0, 2, 1)
        step = max(1, _CHUNK // max(1, len(pp) * 2 * n_a * n_a))
        found = []
        for lo in range(0, n_d, step):
            g = group[lo:lo + step]
            pairs = np.stack([
                (g == 0)[..., :, None] & (g == 3)[..., None, :],
                (g == 1)[..., :, None] & (g == 2)[..., None, :],
            ], axis=2)
            d, m, _, i, j = np.nonzero(pairs)
            found.append((d + lo, m, i, j))
        d, m, i, j = (np.concatenate(parts) for parts in zip(*found, strict=True))
        p, q = pp[m], qq[m]
        s = self.s
        swap = s[d, i, p] / s[d, i, q] < s[d, j, p] / s[d, j, q]
        xa = np.where(swap, j, i)
        ya = np.where(swap, i, j)

        counts = np.bincount(d, minlength=n_d)
        self.n_max = n_max = max(int(counts.max(initial=0)), 1)
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slot = d * n_max + (np.arange(len(d)) - first[d])
        size = n_d * n_max

        at_x, at_y = (d * n_a + xa) * n_i, (d * n_a + ya) * n_i
        xp, xq, yp, yq = at_x + p, at_x + q, at_y + p, at_y + q
        flat_s, flat_x, flat_w = s.ravel(), xz.ravel(), self.w.ravel()
        sxp, sxq, syp, syq = flat_s[xp], flat_s[xq], flat_s[yp], flat_s[yq]
        total_p, total_q = safe_total[d, p], safe_total[d, q]
        wxq, wyp = flat_w[xq], flat_w[yp]
        if self.params.random_rate:
            low, high = syp / syq, sxp / sxq
            rate = np.empty(len(d))
            for k in np.flatnonzero(counts):
                sel = slice(first[k], first[k] + counts[k])
                rate[sel] = low[sel] + self.draws[int(k)].random(int(counts[k])) * (high[sel] - low[sel])
        else:
            rate = (sxp + syp) / (sxq + syq)
        coef_x = sxp - rate * sxq
        coef_y = rate * syq - syp
        sw, fw = self.params.salience_weight, self.params.fixed_weight
        nbs = self.nbs.ravel()
        values = np.stack((
            flat_x[yq], flat_x[xp], flat_x[xq], flat_x[yp], wxq / total_q, wyp / total_p,
            nbs[d * n_i + q], nbs[d * n_i + p], rate * total_q / wxq, total_p / wyp, rate,
            np.minimum(coef_x, coef_y) if self.params.random_rate else coef_x, coef_x, coef_y,
            sxp, sxq, syp, syq, (1 - sxq) * sw + fw, (1 - syp) * sw + fw,
        ))
        # Every slot is used (``slot`` is then 0, 1, ...) when no draw has fewer exchanges.
        filled = len(d) == size
        if filled:
            st = values
        else:
            st = np.ones((N_STATIC, size))
            st[:, slot] = values
        self.st = st

        # The outcome shifts of revealed positions and their sums per (draw, actor, issue)
        # share one array, so that one gather fetches both; sums follow the shifts.
        n_rev = n_d * n_a * n_i * n_a
        table = np.stack((
            yq * n_a + xa, xp * n_a + ya, yq + n_rev, xp + n_rev,
            xa * n_i + q, ya * n_i + p, xa * n_i + p, ya * n_i + q, xa, ya, p, q,
        )).astype(np.int64, copy=False)
        if filled:
            ki = table
        else:
            ki = np.zeros((N_INT, size), dtype=np.int64)
            ki[:, slot] = table
        self.ki = ki

        dy = np.zeros((N_DYN, size))
        dy[POS] = st[START]
        self.dy = dy
        self.gain = np.full(size, -np.inf)
        self.edge = np.zeros(size, dtype=bool)

        self.revealed = np.zeros(n_rev)
        self.is_revealed = np.zeros(n_rev, dtype=bool)
        self.revealed_sum = np.zeros(n_rev + n_d * n_a * n_i)
        self.revealed_shift = self.revealed_sum[:n_rev]

        self.n_keys = n_keys = n_a * n_i
        keys = np.concatenate([
            d * n_keys + ki[SUP_X, slot], d * n_keys + ki[SUP_Y, slot],
            (n_d + d) * n_keys + ki[DEM_X, slot], (n_d + d) * n_keys + ki[DEM_Y, slot],
        ])
        # Entries are found through their key only, so their order within a key is free.
        n_all_keys = 2 * n_d * n_keys
        order = np.argsort(keys.astype(np.uint16) if n_all_keys <= 2**16 else keys, kind="stable")
        self.lookup_ids = np.concatenate([slot, slot, slot, slot])[order]
        # Where the side an entry supplies keeps its position, move, history sum and sign
        # in the flattened ``dy`` (meaningful for the supply keys only).
        side = np.concatenate([slot, slot + size, slot, slot])[order]
        self.lookup_flat = side + np.array([[POS.start], [MOVE.start], [HSUM.start], [HSIGN.start]]) * size
        bounds = np.zeros(n_all_keys + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=n_all_keys), out=bounds[1:])
        self.lookup_bounds = bounds

        self.st_calc = st[:N_CALC]
        self.ki4 = ki[:4]
        self.dy_rows = list(dy)
        if len(d):
            self._calculate(slot, dy if filled else dy[:, slot])

    # ----- computing exchanges ---------------------------------------------------------

    @staticmethod
    def _moves_ok(dy: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Decide's validity of the moves, shape (2, n), of both sides; shape (n,).

        A side's earlier moves are summarised by their sum and their common sign (0 when
        there are none).
        """
        a = np.abs(move)
        ok = a > _EPS_MOVE
        np.add(dy[POS], move, out=a)
        a -= _MID
        np.abs(a, out=a)
        ok &= a <= _HALF_RANGE
        np.add(dy[HSUM], move, out=a)
        ok &= a <= _RANGE
        np.multiply(dy[HSIGN], move, out=a)
        ok &= a >= _ZERO
        return ok[0] & ok[1]

    def _calculate(self, idx: np.ndarray, dy: np.ndarray, write_all: bool = False) -> None:
        """Compute the exchanges in slots ``idx`` from their state ``dy`` (N_DYN, n).

        Their moves, shifts and gains are stored; with ``write_all`` the rest of ``dy``
        too (positions and histories are otherwise taken to be stored already).
        """
        if idx.size == self.gain.size:  # every slot, in order
            st, ki = self.st_calc, self.ki4
        else:
            st = self.st_calc.take(idx, axis=1)
            ki = self.ki4.take(idx, axis=1)
        rev = self.revealed_sum[ki]
        pos, target, share = dy[POS], st[TARGET], st[SHARE]
        diff = target - pos
        full = np.abs(diff)
        full *= share
        full_q = full[1]
        limit = full[0] / st[RATE]
        shift_p = np.minimum(full_q, limit)
        move = shift_p * st[PER_SHIFT]
        sign = np.sign(diff)
        move *= sign
        np.copyto(move, diff, where=(full_q > limit) ^ _SWAP)
        gain = shift_p * st[COEF]
        ok = self._moves_ok(dy, move)
        ok &= gain >= _EPS_GAIN

        others = st[BASE] + rev[REVEALED_SUM]
        now = others - rev[REVEALED]
        part = pos - st[START]
        part *= share
        now += part
        gap = target - now
        test = share * move
        np.subtract(gap, test, out=test)
        test *= gap
        hit = test < _ZERO
        # computed with an outcome on (or within EDGE of) the demander's position
        near = np.abs(gap) <= _EDGE
        self.edge[idx] = ok & (near[0] | near[1])
        if self.drop_at_edge:
            ok = ok & ~((np.abs(gap[0]) <= _AT_TARGET) | (np.abs(gap[1]) <= _AT_TARGET))
        valid = ok
        some = hit[0] | hit[1]
        some &= ok
        if np.count_nonzero(some):
            away = np.abs(gap) > _AT_TARGET
            away &= ok
            hit &= away
            if np.count_nonzero(hit[0]):
                seen = np.where(self.is_revealed[ki[0]], others[0], now[0])
                new_p = np.abs(target[0] - seen) / st[RATE]
                np.copyto(shift_p, new_p, where=hit[0])
                np.copyto(move, new_p * st[PER_SHIFT] * sign, where=hit[0])
                np.less(gap[1] * (gap[1] - share[1] * move[1]), _ZERO, out=hit[1])
                hit[1] &= away[1]
            if np.count_nonzero(hit[1]):
                seen = np.where(self.is_revealed[ki[1]], others[1], now[1])
                new_p = np.abs(target[1] - seen)
                np.copyto(shift_p, new_p, where=hit[1])
                np.copyto(move, new_p * st[PER_SHIFT] * sign, where=hit[1])
            gain = shift_p * st[COEF]
            valid = ok & self._moves_ok(dy, move)
        rows = self.dy_rows
        if self.params.randomized_value > 0 and np.count_nonzero(ok):
            dy[MOVE] = move
            valid = self._randomize(idx, ok, st, ki, dy, gain, valid, now, others)
            move = dy[MOVE]
            rows[GAIN.start][idx] = dy[GAIN.start]
            rows[GAIN.start + 1][idx] = dy[GAIN.start + 1]
        if write_all:
            dy[MOVE] = move
            dy[SHIFT] = shift_p
            self.dy[:, idx] = dy
        else:
            rows[MOVE.start][idx] = move[0]
            rows[MOVE.start + 1][idx] = move[1]
            rows[SHIFT][idx] = shift_p
        gain[~valid] = -np.inf
        self.gain[idx] = gain

    def _randomize(self, idx, ok, st, ki, dy, gain, valid, now, others) -> np.ndarray:
        """Decide's randomised equal gain for the exchanges among ``idx`` that passed the
        first validity check: updates their moves and gains in ``dy``, returns validity."""
        rows = np.flatnonzero(ok)
        draw_of = idx[rows] // self.n_max
        uvz = np.empty((len(rows), 3))
        for d in np.unique(draw_of):
            sel = draw_of == d
            uvz[sel] = self.draws[int(d)].random((int(sel.sum()), 3))
        u, v, z = uvz.T
        st, part = self.st[:, idx[rows]], dy[:, rows]
        now, others = now[:, rows], others[:, rows]
        seen = np.where(self.is_revealed[ki[REVEALED][:, rows]], others, now)
        pos, target, share = part[POS], st[TARGET], st[SHARE]
        dem_y, dem_x = target
        cx, cy = share
        y = pos + part[MOVE]
        full_x = dem_x == y[0]
        full_y = dem_y == y[1]
        dx = np.abs(cx * (np.where(full_x, y[0], dem_y) - pos[0]))
        dyy = np.abs(cy * (np.where(full_y, y[1], dem_x) - pos[1]))
        loss_y, gain_xd = dyy * st[S_YP], dyy * st[S_XP]
        loss_x, gain_yd = dx * st[S_XQ], dx * st[S_YQ]
        override = np.zeros(len(rows))
        override = np.where(full_x & (gain_yd - loss_y > 0), gain_xd - loss_y / st[S_YQ] * st[S_XQ], override)
        override = np.where(full_y & (gain_xd - loss_x > 0), gain_yd - loss_x / st[S_XP] * st[S_YP], override)
        y_first = gain_xd > gain_yd
        max_x = np.where(y_first, np.where(override != 0, override, st[S_XP] * gain_yd / st[S_YP] - loss_x),
                         gain_xd - st[S_XQ] * loss_y / st[S_YQ])
        max_y = np.where(y_first, gain_yd - st[S_YP] * loss_x / st[S_XP],
                         np.where(override != 0, override, st[S_YQ] * gain_xd / st[S_XQ] - loss_y))

        pick_x = u < 0.5
        p = self.params.randomized_value
        eu = gain[rows]
        eu_max = np.where(pick_x, max_x, max_y)
        wanted = np.where(v < 0.5, eu + p * z * (eu_max - eu), eu - p * z * eu)
        k_s, k_t = np.where(pick_x, 0, 1), np.where(pick_x, 1, 0)
        cols = np.arange(len(rows))
        pos_s, pos_t = pos[k_s, cols], pos[k_t, cols]
        aim_s, aim_t = target[k_s, cols], target[k_t, cols]
        c_s, c_t = share[k_s, cols], share[k_t, cols]
        now_s, seen_s = now[k_s, cols], seen[k_s, cols]
        s_sup = np.where(pick_x, st[S_XQ], st[S_YP])
        s_dem = np.where(pick_x, st[S_XP], st[S_YQ])
        t_sup = np.where(pick_x, st[S_YP], st[S_XQ])
        t_dem = np.where(pick_x, st[S_YQ], st[S_XP])
        m_s = np.abs(pos_s - aim_s)
        sh_s = m_s * c_s
        sh_t = (wanted + sh_s * s_sup) / s_dem
        m_t = sh_t / c_t
        full_t = np.abs(pos_t - aim_t)
        over = np.abs(m_t) > full_t
        sh_t = np.where(over, full_t * c_t, sh_t)
        sh_s = np.where(over, np.abs((wanted - sh_t * s_dem) / s_sup), sh_s)
        m_t = np.where(over, full_t, m_t)
        m_s = np.where(over, sh_s / c_s, m_s)

        sign = np.where(pos > target, -1.0, 1.0)
        after_s = now_s + c_s * m_s * sign[k_s, cols]
        hit = ~over & ((aim_s - now_s) * (aim_s - after_s) < 0) & (np.abs(aim_s - now_s) > AT_TARGET)
        reach = np.abs(aim_s - seen_s)
        m_s = np.where(hit, reach / c_s, m_s)
        sh_s = np.where(hit, reach, sh_s)
        sh_t = np.where(hit, (wanted + sh_s * s_sup) / s_dem, sh_t)
        m_t = np.where(hit, sh_t / c_t, m_t)

        g_s = np.abs(sh_t * s_dem - sh_s * s_sup)
        g_t = np.abs(sh_s * t_dem - sh_t * t_sup)
        move = np.stack((np.where(pick_x, m_s, m_t), np.where(pick_x, m_t, m_s))) * sign
        dy[MOVE.start, rows], dy[MOVE.start + 1, rows] = move
        dy[GAIN.start, rows] = np.where(pick_x, g_s, g_t)
        dy[GAIN.start + 1, rows] = np.where(pick_x, g_t, g_s)
        valid = valid.copy()
        valid[rows] = self._moves_ok(part, move)
        return valid

    # ----- carrying exchanges out --------------------------------------------------------

    def _break_tie(self, d: int, slots: np.ndarray) -> int:
        ids, issues, ki = self.actor_ids, self.issue_ids, self.ki
        ordered = sorted((int(k) for k in slots), key=lambda k: (
            ids[ki[XA, k]], ids[ki[YA, k]], issues[ki[Q, k]], issues[ki[P, k]]))
        return ordered[int(self.draws[d].integers(len(ordered)))]

    def run(self, actor_ids, issue_ids, explain: bool) -> None:
        """Carry out exchanges, best first, until no draw has one left."""
        self.actor_ids, self.issue_ids = actor_ids, issue_ids
        if self.n_draws == 1:
            self._run_one(explain)
        else:
            self._run_all()

    def _run_one(self, explain: bool) -> None:
        gain, dyt = self.gain, self.dy
        ki_rows, st_rows = self.ki.T.copy(), self.st.T.copy()
        bounds, ids, n_keys = self.lookup_bounds.tolist(), self.lookup_ids, self.n_keys
        where = self.lookup_flat
        flat = dyt.reshape(-1)
        revealed, shifts, known = self.revealed, self.revealed_shift, self.is_revealed
        sums = self.revealed_sum
        voting, nxt = self.voting[0], self.next[0]
        randomized = self.params.randomized_value > 0
        mark = np.zeros(gain.size, dtype=bool)
        while True:
            e = int(gain.argmax())
            top = float(gain[e])
            if top == -np.inf:
                return
            gain[e] = -np.inf
            bar = top - TIE * abs(top)
            if gain[gain.argmax()] >= bar:
                gain[e] = top
                e = self._break_tie(0, np.flatnonzero(gain >= bar))
                gain[e] = -np.inf
                self.edges.append(("tie", *ki_rows[e][XA:Q + 1].tolist()))
            elif self.edge[e]:
                self.edges.append(("edge", *ki_rows[e][XA:Q + 1].tolist()))
            g_x, g_y, gs_x, gs_y, sup_x, sup_y, dem_x, dem_y, xa, ya, p, q = ki_rows[e].tolist()
            pos_x, pos_y, move_x, move_y, _, _, _, _, shift, gain_x, gain_y = dyt[:, e].tolist()
            col = st_rows[e].tolist()
            y_x = pos_x + move_x
            y_y = pos_y + move_y
            voting[xa, q] = y_x
            voting[ya, p] = y_y
            next_x, next_y = col[NEXT.start], col[NEXT.start + 1]
            start_x, start_y = col[START.start], col[START.start + 1]
            nxt[xa, q] = next_x * y_x + (1 - next_x) * start_x
            nxt[ya, p] = next_y * y_y + (1 - next_y) * start_y
            if explain:
                if not randomized:
                    gain_x, gain_y = shift * col[COEF_X], shift * col[COEF_Y]
                self.log.append((xa, q, pos_x, y_x, ya, p, pos_y, y_y, gain_x, gain_y))
            for g, gs, value, start, c in ((g_x, gs_x, y_x, start_x, col[SHARE.start]),
                                          (g_y, gs_y, y_y, start_y, col[SHARE.start + 1])):
                if known[g]:
                    old = revealed[g].item()
                    if start <= old:
                        value = old if old < value else value
                    else:
                        value = old if old > value else value
                shift = c * (value - start)
                sums[gs] = sums[gs].item() + (shift - shifts[g].item())
                revealed[g] = value
                shifts[g] = shift
                known[g] = True
            # Sides supplying what a side of this exchange supplied keep their last move in
            # their history and take that side's voting position. Done for every such side,
            # also of exchanges no longer on the list, whose state is not used again.
            lo_x, hi_x, lo_y, hi_y = bounds[sup_x], bounds[sup_x + 1], bounds[sup_y], bounds[sup_y + 1]
            at_x, at_y = where[:, lo_x:hi_x], where[:, lo_y:hi_y]
            at = np.concatenate((at_x, at_y), axis=1)
            last = flat[at[1]]
            flat[at[2]] += last
            flat[at[3]] = np.sign(last)
            flat[at_x[0]] = y_x
            flat[at_y[0]] = y_y
            dem_x, dem_y = n_keys + dem_x, n_keys + dem_y
            cand = np.concatenate((ids[lo_x:hi_x], ids[lo_y:hi_y], ids[bounds[dem_x]:bounds[dem_x + 1]],
                                   ids[bounds[dem_y]:bounds[dem_y + 1]]))
            mark[cand] = gain[cand] > _NEG_INF
            idx = mark.nonzero()[0]
            if idx.size:
                mark[idx] = False
                self._calculate(idx, dyt.take(idx, axis=1))

    @staticmethod
    def _retain(dy, from_x, from_y, y_x, y_y) -> None:
        """Sides whose supplier and supply issue match a side of the executed exchange keep
        their last move in their history and take that side's voting position. The last
        move of an exchange still on the list always agrees in sign with its history."""
        moved = from_x | from_y
        if not moved.any():
            return
        last = dy[MOVE]
        dy[HSUM] += last * moved
        np.copyto(dy[HSIGN], np.sign(last), where=moved)
        np.copyto(dy[POS], y_x, where=from_x)
        np.copyto(dy[POS], y_y, where=from_y)

    def _run_all(self) -> None:
        n_d, n_max, n_keys = self.n_draws, self.n_max, self.n_keys
        gain, st, ki, dyt = self.gain, self.st, self.ki, self.dy
        table = gain.reshape(n_d, n_max)
        rows = np.arange(n_d)
        while True:
            best = table.argmax(axis=1)
            top = table[rows, best]
            live = top > -np.inf
            if not live.any():
                return
            bar = np.where(live, top - TIE * np.abs(top), np.inf)
            chosen = rows * n_max + best
            for d in np.flatnonzero(np.count_nonzero(table >= bar[:, None], axis=1) > 1):
                chosen[d] = self._break_tie(int(d), d * n_max + np.flatnonzero(table[d] >= bar[d]))
            draws = np.flatnonzero(live)
            e = chosen[draws]
            gain[e] = -np.inf
            xa, ya, p, q = ki[XA, e], ki[YA, e], ki[P, e], ki[Q, e]
            y = dyt[POS, e] + dyt[MOVE, e]
            self.voting[draws, xa, q] = y[0]
            self.voting[draws, ya, p] = y[1]
            nxt = st[NEXT, e] * y + (1 - st[NEXT, e]) * st[START, e]
            self.next[draws, xa, q] = nxt[0]
            self.next[draws, ya, p] = nxt[1]
            self._reveal(ki[REVEALED, e].ravel(), ki[REVEALED_SUM, e].ravel(), y.ravel(),
                         st[START, e].ravel(), st[SHARE, e].ravel())

            keys = np.concatenate((draws * n_keys + ki[SUP_X, e], draws * n_keys + ki[SUP_Y, e],
                                   (n_d + draws) * n_keys + ki[DEM_X, e], (n_d + draws) * n_keys + ki[DEM_Y, e]))
            lo, hi = self.lookup_bounds[keys], self.lookup_bounds[keys + 1]
            size = hi - lo
            total = int(size.sum())
            if total == 0:
                continue
            at = np.repeat(lo - np.cumsum(size) + size, size) + np.arange(total)
            idx = self.lookup_ids[at]
            idx = _distinct(idx[gain[idx] > -np.inf])
            if idx.size == 0:
                continue
            where = np.full(n_d, -1)
            where[draws] = np.arange(len(draws))
            k = where[idx // n_max]
            dy = dyt[:, idx]
            supply = ki[SUPPLY, idx]
            self._retain(dy, supply == ki[SUP_X, e][k], supply == ki[SUP_Y, e][k], y[0][k], y[1][k])
            self._calculate(idx, dy, write_all=True)

    def _reveal(self, g, gs, value, start, c) -> None:
        old, known = self.revealed[g], self.is_revealed[g]
        kept = np.where(start <= old, np.minimum(old, value), np.maximum(old, value))
        new = np.where(known, kept, value)
        shift = c * (new - start)
        self.revealed_sum[gs] += shift - self.revealed_shift[g]
        self.revealed[g] = new
        self.revealed_shift[g] = shift
        self.is_revealed[g] = True


@dataclass(frozen=True, eq=False)
class ExchangeResult(ModelResult):
    """A :class:`ModelResult` with a fragility check for unbatched runs.

    Attributes
    ----------
    fragility : dict or None
        See :meth:`Exchange._fragility`: the knife-edge decisions taken (exchanges computed
        with an outcome within :data:`EDGE` of a demander's position, and exact ties broken
        at random) and the range of each issue's outcome over runs with inputs jittered by
        :data:`JITTER`. None for batches.
    """

    fragility: Any = None


@register
class Exchange(Model):
    name = "exchange"
    aliases = ("decide", "exchange_of_voting_positions")
    summary = "Exchange of voting positions across issue pairs at equal gain (Stokman & Van Oosten 1994)."
    citation = (
        "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community "
        "Decision Making; Dijkstra, Van Assen & Stokman (2008), Journal of Theoretical Politics 20(4)."
    )
    Params = ExchangeParams
    works_in_rounds = True

    def __init__(self, compiled: bool | None = None) -> None:
        """``compiled``: whether batches may run through the compiled kernel (when numba
        imports); None (default) follows ``ACCORD_JIT``, False keeps to the NumPy path."""
        self.compiled = JIT if compiled is None else compiled

    def _uses_kernel(self, n_draws: int, explain: bool, drop_at_edge: bool) -> bool:
        """Whether a run goes through the compiled kernel: batches of more than one draw,
        without events or knife edges decided the other way, when numba imports."""
        return (self.compiled and exchange_kernel.AVAILABLE and n_draws > 1 and not explain
                and not drop_at_edge)

    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        """Run the model on batched arrays.

        Parameters
        ----------
        arrays : ScenarioArrays
            Positions and saliences of shape (D, A, I), capabilities (D, A).
        params : ExchangeParams
        rng : Generator
            One number is drawn from it to seed every draw's generator.
        explain : bool
            Record two events per exchange carried out (unbatched runs only), and check
            the forecast's fragility (see :class:`ExchangeResult`).

        Returns
        -------
        ExchangeResult
            ``forecast`` (D, I), ``trajectory`` (D, R, I): the outcome after each
            iteration; ``rounds`` (D, R, A, I): the voting positions of each iteration
            (NaN where absent); with ``explain``, for every exchange one event per side,
            each carrying the whole exchange in its text, and ``fragility``.
        """
        assert isinstance(params, ExchangeParams)
        seed = int(rng.integers(0, 2**63 - 1))
        trajectory, rounds, events, edges = self._simulate(arrays, params, seed, explain)
        fragility = None
        if explain and arrays.n_draws == 1:
            fragility = self._fragility(arrays, params, seed, trajectory[0], edges)
        return ExchangeResult(
            self.name, arrays.actor_ids, arrays.issue_ids, trajectory[:, -1],
            rounds=rounds, trajectory=trajectory, events=tuple(events), fragility=fragility,
        )

    def _simulate(self, arrays: ScenarioArrays, params: ExchangeParams, seed: int, explain: bool,  # noqa: ANN202
                  drop_at_edge: bool = False):
        """The iterations; returns trajectory (D, R, I), rounds (D, R, A, I), events and, for
        single draws, the knife-edge decisions as ``(round, kind, x, y, p, q)`` (ids).
        ``drop_at_edge`` decides every knife edge the other way (see :class:`_Iteration`)."""
        given = arrays.actor_ids
        order = np.array(sorted(range(len(given)), key=given.__getitem__), dtype=np.int64)
        arrays = arrays.take_actors(order)
        n_d, n_a, n_i = arrays.position.shape
        present = arrays.present
        factor, offset = _to_unit(arrays)
        x = np.where(present, (np.where(present, arrays.position, 0.0) - offset) * factor, 0.0)
        s = np.where(present, arrays.salience, 0.0)
        w = np.where(present, s * arrays.capability[..., :, None], 0.0)
        draws = _Draws(seed)
        n_r = params.iterations
        trajectory = np.empty((n_d, n_r, n_i))
        rounds = np.empty((n_d, n_r, n_a, n_i))
        events: list[Event] = []
        edges: list[tuple] = []
        span = np.where(factor > 0, 1.0 / np.where(factor > 0, factor, 1.0), 0.0)
        ids, issues = arrays.actor_ids, arrays.issue_ids
        compiled = self._uses_kernel(n_d, explain, drop_at_edge)
        if compiled:
            states = exchange_kernel.generator_states(seed, n_d)
            place = {issue: k for k, issue in enumerate(sorted(set(issues)))}
            issue_rank = np.array([place[i] for i in issues], dtype=np.int64)
            x, s, w = (np.ascontiguousarray(a, dtype=np.float64) for a in (x, s, w))
            present = np.ascontiguousarray(present, dtype=bool)
        for r in range(n_r):
            if compiled:
                voting, x = _compiled_iteration(x, s, w, present, params, states, issue_rank)
            else:
                it = _Iteration(x, s, w, present, params, draws, drop_at_edge)
                it.run(arrays.actor_ids, arrays.issue_ids, explain and n_d == 1)
                if explain and n_d == 1:
                    events.extend(self._events(r + 1, it.log, arrays, span, offset))
                edges += [(r + 1, kind, ids[xa], ids[ya], issues[p], issues[q])
                          for kind, xa, ya, p, q in it.edges]
                voting, x = it.voting, it.next
            trajectory[:, r] = _weighted_outcome(voting, w, present) * span + offset
            rounds[:, r] = np.where(present, voting * span + offset, np.nan)
        back = np.argsort(order)
        return trajectory, rounds[:, :, back], events, edges

    def _fragility(self, arrays: ScenarioArrays, params: ExchangeParams, seed: int, trajectory: np.ndarray,
                   edges: list[tuple]) -> dict:
        """How much the forecast rests on knife-edge decisions.

        A knife edge is an exchange computed with an outcome already on the demander's
        position, where exact arithmetic keeps the move whole (the outcome is not *past*
        the position) but any rounding to the far side cuts it to nothing (Decide's result
        there rests on the sign of a rounding leftover). When the run took such decisions
        the model is run once more with every one of them decided the other way. It is
        also run ``params.fragility_runs`` times (as one batch, with the same tie-breaking
        draws) on inputs jittered by :data:`JITTER`: positions by up to that share of
        their scale's width, saliences and capabilities by up to that share of their value
        (uniformly, from a generator with a fixed seed). The outcomes' range over all these
        runs is reported.

        Parameters
        ----------
        arrays : ScenarioArrays
            One draw (leading axis of length 1).
        trajectory : ndarray, shape (R, I)
            The unjittered run's outcomes.
        edges : list of tuple
            Its knife-edge decisions.

        Returns
        -------
        dict
            ``decisions`` (each knife-edge decision: round, kind, actors, issues),
            ``edge_decisions`` and ``ties`` (their counts), ``jitter``, ``runs`` (jittered
            runs), ``other_way`` (whether the knife edges were also decided the other way), per issue
            ``low`` and ``high`` (the range of the final outcome over the runs, the
            unjittered one included) and ``parted_in_round`` (the first iteration after
            which the runs' outcomes differ by more than 1e-6 of the scale, or None; the
            words below only for issues whose final outcomes differ so), and
            ``notes``: the same in words, as :class:`Event` dictionaries (kinds
            ``"knife-edge"`` and ``"fragility"``), which ``accord run --explain`` prints.
        """
        k = params.fragility_runs
        width = arrays.scale_max - arrays.scale_min
        out: dict = {
            "decisions": [{"round": r, "kind": kind, "actors": [xa, ya], "issues": [p, q]}
                          for r, kind, xa, ya, p, q in edges],
            "edge_decisions": sum(1 for e in edges if e[1] == "edge"),
            "ties": sum(1 for e in edges if e[1] == "tie"),
            "jitter": JITTER, "runs": k, "other_way": False,
            "low": trajectory[-1].tolist(), "high": trajectory[-1].tolist(),
            "parted_in_round": [None] * arrays.n_issues,
        }
        events: list[Event] = []
        for r, kind, xa, ya, p, q in edges:
            why = ("was decided with an outcome on a demander's position (a knife edge)" if kind == "edge"
                   else "was chosen at random among exchanges of equal gain")
            text = f"the exchange of {xa} and {ya} on {p} and {q} {why}"
            events.append(Event(r, q, "knife-edge", xa, ya, float(trajectory[r - 1, arrays.issue_ids.index(q)]),
                                float(trajectory[r - 1, arrays.issue_ids.index(q)]), text))
        every = [trajectory[None]]
        if k > 0 and out["edge_decisions"]:
            other, _, _, _ = self._simulate(arrays, params, seed, False, drop_at_edge=True)
            every.append(other)
            out["other_way"] = True
        if k > 0:
            jr = np.random.default_rng(20251206)
            present = arrays.present
            shake = lambda shape: JITTER * jr.uniform(-1.0, 1.0, (k, *shape))  # noqa: E731
            position = np.where(present, arrays.position[0] + width * shake(present.shape), np.nan)
            position = np.clip(position, arrays.scale_min, arrays.scale_max)
            salience = np.clip(arrays.salience[0] * (1 + shake(present.shape)), 0.0, 1.0)
            capability = arrays.capability[0] * (1 + shake(arrays.capability[0].shape))
            jittered = replace(arrays, position=position, salience=salience, capability=capability)
            runs, _, _, _ = self._simulate(jittered, params, seed, False)
            every.append(runs)
        if len(every) > 1:
            stacked = np.concatenate(every)  # (runs, R, I)
            low, high = stacked[:, -1].min(axis=0), stacked[:, -1].max(axis=0)
            apart = (stacked.max(axis=0) - stacked.min(axis=0)) > 1e-6 * np.where(width > 0, width, 1.0)
            out["low"], out["high"] = low.tolist(), high.tolist()
            # the first iteration after which any issue's runs part: where a decision first mattered
            first = int(np.argmax(apart.any(axis=1))) + 1 if apart.any() else None
            for i, issue in enumerate(arrays.issue_ids):
                if not apart[:, i].any():
                    continue
                r = int(np.argmax(apart[:, i])) + 1
                out["parted_in_round"][i] = r
                if not apart[-1, i]:
                    continue  # the runs parted on the way but end together
                digits = 1 if width[i] >= 10 else 3
                while f"{low[i]:.{digits}f}" == f"{high[i]:.{digits}f}" and digits < 8:
                    digits += 1
                here = "" if r == first else f"; on this issue the runs part in round {r}"
                text = (f"this forecast depends on a knife-edge decision in round {first}: outcomes range "
                        f"{low[i]:.{digits}f}–{high[i]:.{digits}f} (knife edges decided the other way, inputs "
                        f"jittered by {JITTER:g} in {k} runs{here})")
                events.append(Event(r, issue, "fragility", "", None, float(low[i]), float(high[i]), text))
        out["notes"] = [e.to_dict() for e in events]
        return out

    @staticmethod
    def _events(round_no, log, arrays, span, offset) -> list[Event]:
        ids, issues = arrays.actor_ids, arrays.issue_ids
        span, offset = span.tolist(), offset.tolist()
        out = []
        for xa, q, x_old, x_new, ya, p, y_old, y_new, g_x, g_y in log:
            x, y, on_q, on_p = ids[xa], ids[ya], issues[q], issues[p]
            xo, xn = x_old * span[q] + offset[q], x_new * span[q] + offset[q]
            yo, yn = y_old * span[p] + offset[p], y_new * span[p] + offset[p]
            gains = f"gain {g_x:.3g} each" if abs(g_x - g_y) <= 1e-9 * max(g_x, g_y) else (
                f"gains {g_x:.3g} for {x}, {g_y:.3g} for {y}")
            text = (f"{x} and {y} exchange: {x} moves on {on_q} {xo:.1f} → {xn:.1f}, "
                    f"{y} moves on {on_p} {yo:.1f} → {yn:.1f} ({gains})")
            out.append(Event(round_no, on_q, "exchange", x, y, xo, xn, text))
            out.append(Event(round_no, on_p, "exchange", y, x, yo, yn, text))
        return out
