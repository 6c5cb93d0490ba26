"""One bargaining problem as linear and convex programs: the zone, Nash, Kalai–Smorodinsky, relaxation.

The equations and their sources are set out in :mod:`accord.agreement`.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

import numpy as np
from scipy.optimize import minimize

from accord.agreement.inputs import SLACK, TOL, AgreementArrays, Utility
from accord.agreement.solver import Solution, bound_arrays, solve
from accord.errors import ModelError, ParameterError

#: Most boxes enumerated for the Nash solution with indivisible issues or requirements.
MAX_BOXES = 64

# --------------------------------------------------------------------------- one problem


@dataclass(frozen=True, eq=False)
class Requirement:
    """A requirement on normalised scales: at least ``k`` of the conditions must hold.

    Attributes
    ----------
    actor, k : int
    issue : ndarray of int, shape (C,)
    at_least : ndarray of bool, shape (C,)
    value : ndarray, shape (C,)
        On [0, 1].
    """

    actor: int
    k: int
    issue: np.ndarray
    at_least: np.ndarray
    value: np.ndarray

    def holds(self, z: np.ndarray) -> np.ndarray:
        """Which conditions hold at package ``z`` (shape (I,)), shape (C,)."""
        x = z[self.issue]
        return np.where(self.at_least, x >= self.value - 1e-9, x <= self.value + 1e-9)


@dataclass(frozen=True, eq=False)
class Problem:
    """One draw of the agreement inputs on normalised scales (every issue on [0, 1]).

    Attributes
    ----------
    actor_ids, issue_ids : tuple of str
    pi, eps : ndarray, shape (A, I)
        Positions and expectations on [0, 1]; 0 where absent.
    sal : ndarray, shape (A, I)
        Salience; 0 where absent.
    w : ndarray, shape (A, I)
        Weight of each utility term when the deal holds: salience times hold probability.
    wc, pic : ndarray, shape (A, I)
        The term of a collapsed deal with carry-over ``κ``: weight ``s (1 − h) κ^m``
        (``m`` 1 linear, 2 quadratic) and virtual position ``(π − (1 − κ) ε) / κ``, so that
        ``s (1 − h) f(κ z + (1 − κ) ε − π) = wc f(z − pic)``; ``wc`` is 0 where ``κ`` is 0.
    hold : ndarray, shape (I,)
        Chance each issue's terms hold (the deal's hold probability included).
    deal_hold : float
        The deal's own hold probability (for actors without stances).
    cost, cap : ndarray, shape (A,)
    veto, present : ndarray of bool, shape (A, I)
    sq, lo, span : ndarray, shape (I,)
        Status quo on [0, 1]; scale minimum and width.
    line_actor, line_issue : ndarray of int, shape (R,)
    line_at_least : ndarray of bool, shape (R,)
    line_value : ndarray, shape (R,)
        Red-line bounds on [0, 1].
    line_real : ndarray of bool, shape (R,)
        Bounds held in this draw.
    line_credibility : ndarray, shape (R,)
    requirements : tuple of Requirement
    options : tuple of (ndarray or None), length I
        Allowed values of indivisible issues, on [0, 1].
    quadratic : bool
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    pi: np.ndarray
    eps: np.ndarray
    sal: np.ndarray
    w: np.ndarray
    cost: np.ndarray
    cap: np.ndarray
    veto: np.ndarray
    present: np.ndarray
    sq: np.ndarray
    lo: np.ndarray
    span: np.ndarray
    quadratic: bool = False
    wc: np.ndarray | None = None
    pic: np.ndarray | None = None
    hold: np.ndarray | None = None
    deal_hold: float = 1.0
    line_actor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    line_issue: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    line_at_least: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    line_value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    line_real: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    line_credibility: np.ndarray = field(default_factory=lambda: np.zeros(0))
    requirements: tuple[Requirement, ...] = ()
    options: tuple[np.ndarray | None, ...] = ()

    def __post_init__(self) -> None:
        shape = self.pi.shape
        if self.wc is None:
            object.__setattr__(self, "wc", np.zeros(shape))
        if self.pic is None:
            object.__setattr__(self, "pic", self.pi.copy())
        if self.hold is None:
            object.__setattr__(self, "hold", np.ones(shape[1]))
        if not self.options:
            object.__setattr__(self, "options", (None,) * shape[1])

    @classmethod
    def from_arrays(cls, arrays: AgreementArrays, utility: Utility = "linear") -> Problem:
        if utility not in ("linear", "quadratic"):
            raise ParameterError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
        if arrays.batched:
            raise ValueError("Problem.from_arrays takes one draw; use AgreementArrays.draw(d)")
        lo, span = arrays.scale_min, arrays.scale_max - arrays.scale_min
        present = arrays.present
        sal = np.where(present, arrays.salience, 0.0)
        pi = np.where(present, (np.nan_to_num(arrays.position) - lo) / span, 0.0)
        eps = np.where(present, (np.nan_to_num(arrays.expects) - lo) / span, 0.0)
        hold = np.asarray(arrays.hold, dtype=float)
        kappa = arrays.carry_over if len(arrays.carry_over) else np.zeros(len(lo))
        quadratic = utility == "quadratic"
        pic, wc = carry_over_terms(pi, eps, sal, hold[None, :], kappa, present, quadratic)
        requirements = tuple(
            Requirement(r.actor, r.k, r.issue, r.at_least, (r.value - lo[r.issue]) / span[r.issue])
            for r in arrays.requirements
        )
        options = tuple(None if o is None else (o - lo[q]) / span[q] for q, o in enumerate(arrays.options))
        return cls(
            actor_ids=arrays.actor_ids,
            issue_ids=arrays.issue_ids,
            pi=pi,
            eps=eps,
            sal=sal,
            w=sal * hold[None, :],
            cost=np.asarray(arrays.no_deal_cost, dtype=float),
            cap=np.asarray(arrays.capability, dtype=float),
            veto=arrays.veto,
            present=present,
            sq=(arrays.status_quo - lo) / span,
            lo=lo,
            span=span,
            quadratic=quadratic,
            wc=wc,
            pic=pic,
            hold=hold,
            deal_hold=float(arrays.deal_hold),
            line_actor=arrays.red_actor,
            line_issue=arrays.red_issue,
            line_at_least=arrays.red_at_least,
            line_value=(arrays.red_value - lo[arrays.red_issue]) / span[arrays.red_issue],
            line_real=np.asarray(arrays.red_real, dtype=bool),
            line_credibility=np.asarray(arrays.red_credibility, dtype=float),
            requirements=requirements,
            options=options or (None,) * len(lo),
        )

    def with_utility(self, utility: Utility) -> Problem:
        return replace(self, quadratic=utility == "quadratic")

    def with_real(self, real: np.ndarray) -> Problem:
        """The same problem with red-line bounds held where ``real`` (shape (R,)) is True."""
        return replace(self, line_real=np.asarray(real, dtype=bool))

    @property
    def n_lines(self) -> int:
        return len(self.line_actor)

    @property
    def hard(self) -> bool:
        """True when red lines, requirements or indivisible issues constrain the packages."""
        return bool(self.line_real.any() or self.requirements or any(o is not None for o in self.options))

    def f(self, d: np.ndarray) -> np.ndarray:
        """Loss of a distance on the normalised scale: ``|d|`` or ``d²``."""
        return d * d if self.quadratic else np.abs(d)

    def to_scale(self, z: np.ndarray) -> np.ndarray:
        return self.lo + self.span * np.asarray(z, dtype=float)

    def relief(self) -> np.ndarray:
        """The share of its no-deal cost each actor is spared, on average, by each issue's terms, shape (A, I).

        ``h_p s_ip / Σ_q s_iq``: the cost of conflict is avoided on an issue only if its
        terms hold; actors without stances carry nothing here.
        """
        total = self.sal.sum(axis=1, keepdims=True)
        share = np.divide(self.sal, total, out=np.zeros_like(self.sal), where=total > 0)
        assert self.hold is not None  # set in __post_init__
        return share * self.hold[None, :]

    def cost_share(self) -> np.ndarray:
        """Each actor's expected cost avoided on each issue, ``c_i h_p s_ip / Σ_q s_iq``, shape (A, I)."""
        return self.cost[:, None] * self.relief()

    def terms(self, z: np.ndarray) -> np.ndarray:
        """Each actor's surplus term on each issue at package ``z``, shape (A, I); sums to ``G``.

        Parameters
        ----------
        z : ndarray, shape (I,)
        """
        zz = z[None, :]
        assert self.wc is not None and self.pic is not None  # set in __post_init__
        gain = self.w * (self.f(self.eps - self.pi) - self.f(zz - self.pi))
        gain = gain + self.wc * (self.f(self.eps - self.pic) - self.f(zz - self.pic))
        return np.where(self.present, gain, 0.0) + self.cost_share()

    def surplus(self, z: np.ndarray, cover: np.ndarray | None = None) -> np.ndarray:
        """``G_i`` of a deal covering ``cover`` (default all issues) at package ``z``, shape (A,)."""
        cover = np.ones(self.pi.shape[1], dtype=bool) if cover is None else np.asarray(cover, dtype=bool)
        bare = (self.sal.sum(axis=1) == 0) & bool(cover.all())
        return self.terms(z)[:, cover].sum(axis=1) + np.where(bare, self.cost * self.deal_hold, 0.0)

    def hard_ok(self, z: np.ndarray, actors: np.ndarray, cover: np.ndarray | None = None) -> bool:
        """True when package ``z`` meets every held red line, requirement and option of ``actors``.

        Parameters
        ----------
        z : ndarray, shape (I,)
        actors : ndarray of bool, shape (A,)
            The actors whose limits count (the deal's veto players).
        cover : ndarray of bool, shape (I,), optional
            Covered issues (red lines and options apply there only).
        """
        cover = np.ones(len(z), dtype=bool) if cover is None else cover
        for r in np.flatnonzero(self.line_real & actors[self.line_actor] & cover[self.line_issue]):
            x, v = z[self.line_issue[r]], self.line_value[r]
            if (self.line_at_least[r] and x < v - 1e-9) or (not self.line_at_least[r] and x > v + 1e-9):
                return False
        for req in self.requirements:
            if actors[req.actor] and req.holds(z).sum() < req.k:
                return False
        for q, opts in enumerate(self.options):
            if opts is not None and cover[q] and np.min(np.abs(opts - z[q])) > 1e-9:
                return False
        return True

    def hard_ok_many(self, Z: np.ndarray, actors: np.ndarray, cover: np.ndarray) -> np.ndarray:
        """:meth:`hard_ok` of every package for every deal at once.

        Parameters
        ----------
        Z : ndarray, shape (K, I)
            Packages; on each deal's uncovered issues the status quo is used instead.
        actors : ndarray of bool, shape (S, A)
            Each deal's veto players.
        cover : ndarray of bool, shape (S, I)
            Each deal's covered issues.

        Returns
        -------
        ndarray of bool, shape (S, K)
            True where package ``k`` meets every limit of deal ``s``.
        """
        cover = np.asarray(cover, dtype=bool)
        actors = np.asarray(actors, dtype=bool)
        z = np.where(cover[:, None, :], Z[None, :, :], self.sq)
        ok = np.ones(z.shape[:2], dtype=bool)
        if self.n_lines:
            held = self.line_real & actors[:, self.line_actor] & cover[:, self.line_issue]
            x = z[:, :, self.line_issue]
            broken = np.where(self.line_at_least, x < self.line_value - 1e-9, x > self.line_value + 1e-9)
            ok &= ~(held[:, None, :] & broken).any(axis=-1)
        for req in self.requirements:
            x = z[:, :, req.issue]
            met = np.where(req.at_least, x >= req.value - 1e-9, x <= req.value + 1e-9).sum(axis=-1)
            ok &= ~(actors[:, req.actor][:, None] & (met < req.k))
        for q, opts in enumerate(self.options):
            if opts is not None:
                off = np.min(np.abs(opts[None, None, :] - z[:, :, q, None]), axis=-1) > 1e-9
                ok &= ~(cover[:, q][:, None] & off)
        return ok


def _safe_log(g: np.ndarray, delta: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """log with a smooth concave quadratic continuation below ``delta``; value and derivative."""
    g = np.asarray(g, dtype=float)
    low = g < delta
    safe = np.where(low, delta, g)
    val = np.where(low, math.log(delta) + (g - delta) / delta - (g - delta) ** 2 / (2 * delta**2), np.log(safe))
    der = np.where(low, 1.0 / delta - (g - delta) / delta**2, 1.0 / safe)
    return val, der


class Deal:
    """A deal covering some issues, on one :class:`Problem`: the linear programs behind the analysis.

    Variables of every program: ``z`` (the package on the covered issues, [0, 1]),
    then ``v`` (one per stance of a veto player on a covered issue, ``v ≤ −f(z − p)``:
    two planes with the linear form, substituted exactly with the quadratic), then the
    program's own. ``G = g0 + G @ [z, v]`` gives the veto players'
    surpluses.

    Parameters
    ----------
    problem : Problem
    cover : ndarray of bool, shape (I,), optional
        Covered issues; default all.
    exclude : int, optional
        An actor left out of the veto players (for probes of its type).
    """

    def __init__(self, problem: Problem, cover: np.ndarray | None = None, exclude: int | None = None, *,
                 surplus: np.ndarray | None = None, lines: np.ndarray | None = None,
                 requirements: np.ndarray | None = None) -> None:
        p = problem
        assert p.wc is not None and p.pic is not None  # set in Problem.__post_init__
        n_a, n_i = p.pi.shape
        cover = np.ones(n_i, dtype=bool) if cover is None else np.asarray(cover, dtype=bool)
        self.problem = p
        self.cover = cover
        self.C = np.flatnonzero(cover)
        vmask = (p.veto & cover[None, :]).any(axis=1)
        if exclude is not None:
            vmask[exclude] = False
        self.V = np.flatnonzero(vmask)
        self.nV = len(self.V)
        total = p.sal.sum(axis=1)
        covered = p.sal[:, cover].sum(axis=1)
        self.share = np.divide(covered, total, out=np.full(n_a, 1.0 if cover.all() else 0.0), where=total > 0)
        bare = p.deal_hold if cover.all() else 0.0
        self.relief = np.where(total > 0, p.relief()[:, cover].sum(axis=1), bare)
        block = np.ix_(self.V, self.C)
        held_l, held_z = np.nonzero(p.w[block] > 0)
        carried_l, carried_z = np.nonzero(p.wc[block] > 0)
        self.pl = np.concatenate([held_l, carried_l])
        self.pz = np.concatenate([held_z, carried_z])
        self.nz, self.nv = len(self.C), len(self.pl)
        pairs = self.nv > 0
        self.pa = self.V[self.pl] if pairs else np.zeros(0, dtype=int)
        self.pq = self.C[self.pz]
        carried = np.arange(self.nv) >= len(held_l)
        self.pw = np.where(carried, p.wc[self.pa, self.pq], p.w[self.pa, self.pq]) if pairs else np.zeros(0)
        self.ppi = np.where(carried, p.pic[self.pa, self.pq], p.pi[self.pa, self.pq]) if pairs else np.zeros(0)
        self.peps = p.eps[self.pa, self.pq] if pairs else np.zeros(0)
        self.G = np.zeros((self.nV, self.nz + self.nv))
        if pairs:
            self.G[self.pl, self.nz + np.arange(self.nv)] = self.pw
        self.g0 = (p.cost * self.relief)[self.V] + np.bincount(
            self.pl, weights=self.pw * p.f(self.peps - self.ppi), minlength=self.nV
        )
        self.rows_of = np.arange(self.nV) if surplus is None else np.flatnonzero(np.asarray(surplus)[self.V])
        self.free = np.ones(self.nz, dtype=bool)
        self.free[self.pz] = False
        self._z_last = p.sq[self.C].copy()
        self.lps = 0
        self._init_hard(vmask, lines, requirements)

    def _init_hard(self, vmask: np.ndarray, lines: np.ndarray | None, requirements: np.ndarray | None) -> None:
        """Red lines, requirements and options of this deal's veto players on its covered issues."""
        p = self.problem
        held = p.line_real if lines is None else np.asarray(lines, dtype=bool) & p.line_real
        self.L = np.flatnonzero(held & vmask[p.line_actor] & self.cover[p.line_issue])
        col = np.full(p.pi.shape[1], -1)
        col[self.C] = np.arange(self.nz)
        self.lz = col[p.line_issue[self.L]]
        lo, hi = np.zeros(self.nz), np.ones(self.nz)
        for r, j in zip(self.L, self.lz, strict=True):
            if p.line_at_least[r]:
                lo[j] = max(lo[j], p.line_value[r])
            else:
                hi[j] = min(hi[j], p.line_value[r])
        self.line_lo, self.line_hi = lo, hi
        self.struct_lo, self.struct_hi = np.zeros(self.nz), np.ones(self.nz)
        self.box_ok = bool(np.all(lo <= hi + 1e-12))
        use = np.ones(len(p.requirements), dtype=bool) if requirements is None else np.asarray(requirements, bool)
        self.reqs = [(k, req) for k, req in enumerate(p.requirements)
                     if use[k] and vmask[req.actor] and not self._met_outside(req)]
        self.opts: list[tuple[int, np.ndarray]] = []
        for j, q in enumerate(self.C):
            values = p.options[q]
            if values is not None:
                self.opts.append((j, values))
        self.integer = bool(self.reqs or self.opts)
        self.relaxed_integers = False
        self.col = col

    def _met_outside(self, req: Requirement) -> bool:
        """True when ``req`` holds whatever the package: enough conditions on uncovered issues hold at no deal."""
        outside = ~self.cover[req.issue]
        return int(req.holds(self.problem.sq)[outside].sum()) >= req.k

    @property
    def box(self) -> list[tuple[float, float]]:
        """Bounds of ``z`` from the held red lines (an empty interval where two of them conflict)."""
        lo, hi = np.maximum(self.line_lo, self.struct_lo), np.minimum(self.line_hi, self.struct_hi)
        return [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]

    @property
    def struct_box(self) -> list[tuple[float, float]]:
        """Bounds of ``z`` without the red lines: [0, 1], or a box of :meth:`_boxes`."""
        return [(float(a), float(b)) for a, b in zip(self.struct_lo, self.struct_hi, strict=True)]

    # ---- building blocks

    def plane_rows(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The planes ``v_k ± (z − p_k) ≤ 0`` of the linear form as rows over ``n`` variables."""
        if self.problem.quadratic:
            return np.zeros((0, n)), np.zeros(0)
        ks = np.repeat(np.arange(self.nv), 2)
        slope = np.tile([1.0, -1.0], self.nv)
        rows = np.zeros((len(ks), n))
        rows[np.arange(len(ks)), self.nz + ks] = 1.0
        rows[np.arange(len(ks)), self.pz[ks]] = slope
        return rows, slope * self.ppi[ks]

    def _solve(self, c: np.ndarray, A: np.ndarray | None, b: np.ndarray | None,
               extra_bounds: Sequence[tuple[float | None, float | None]] = (),
               z_bounds: Sequence[tuple[float, float]] | None = None,
               relax_hard: bool = False, slack: tuple[np.ndarray, np.ndarray] | None = None) -> Any:
        """Minimise ``c @ y`` over ``y = [z, v, extra]`` subject to ``A y ≤ b``, ``v ≤ −f(z − p)`` and the limits.

        The limits of the veto players (red lines, requirements, options) are appended
        after the caller's variables (see :meth:`_hard_block`). Red lines bound ``z``
        directly unless ``relax_hard`` makes them rows with a relaxation variable each, or
        ``slack`` widens them by fixed amounts. With requirements or options the program is
        a mixed-integer one (HiGHS, :func:`accord.agreement.solver.solve`).
        """
        n = len(c)
        A = np.zeros((0, n)) if A is None else A
        b = np.zeros(0) if b is None else b
        if self.problem.quadratic and self.integer:
            return self._solve_by_boxes(c, A, b, extra_bounds, z_bounds, relax_hard, slack)
        if z_bounds is None:
            if relax_hard:
                z_bounds = self.struct_box
            else:
                z_bounds = self._widened_box(slack)
                if any(lo > hi + 1e-12 for lo, hi in z_bounds):
                    raise ModelError("the red lines of the veto players conflict: no package meets them all")
                z_bounds = [(lo, max(lo, hi)) for lo, hi in z_bounds]
        z_bounds = list(z_bounds)
        Ah, bh, hb, hc, hint = self._hard_block(n, relax_hard, slack)
        m = len(hb)
        if m or len(Ah):
            c = np.concatenate([c, hc])
            A = np.vstack([np.hstack([A, np.zeros((len(A), m))]), Ah])
            b = np.concatenate([b, bh])
        extra = list(extra_bounds) + hb
        self.lps += 1
        if self.problem.quadratic and hint.any():
            integrality = np.concatenate([np.zeros(len(c) - m), hint])
            res = self._solve_tangents(c, A, b, extra, z_bounds, integrality)
        elif self.problem.quadratic:
            res = self._solve_smooth(c, A, b, extra, z_bounds)
        else:
            pa, pb = self.plane_rows(len(c))
            A_ub, b_ub = np.vstack([pa, A]), np.concatenate([pb, b])
            bounds = z_bounds + [(-1.0, 0.0)] * self.nv + extra
            integrality = np.concatenate([np.zeros(len(c) - m), hint])
            mixed = hint.any() and not self.relaxed_integers
            res = solve(c, A_ub, b_ub, *bound_arrays(bounds), integrality if mixed else None)
            if res.status != 0:
                raise ModelError(f"agreement linear program failed: {res.message}")
            res.n_planes = len(pa)
        self._z_last = res.x[: self.nz].copy()
        return res

    def _solve_by_boxes(self, c: np.ndarray, A: np.ndarray | None, b: np.ndarray | None,
                        extra_bounds: Sequence[tuple[float | None, float | None]],
                        z_bounds: Sequence[tuple[float, float]] | None, relax_hard: bool,
                        slack: tuple[np.ndarray, np.ndarray] | None) -> Any:
        """A program with the quadratic form and integer structure: the best over the boxes of :meth:`_boxes`.

        Requirement conditions are not relaxed here: each box meets them.
        """
        best = None
        for box in self._boxes(with_lines=False):
            sub = self._restricted(box)
            try:
                res = sub._solve(c, A, b, extra_bounds, z_bounds, relax_hard, slack)
            except ModelError:
                continue
            self.lps += sub.lps
            if best is None or res.fun < best.fun - 1e-12:
                best = res
        if best is None:
            raise ModelError("agreement program failed: no choice of options and conditions is feasible")
        self._z_last = best.x[: self.nz].copy()
        return best

    def _widened_box(self, slack: tuple[np.ndarray, np.ndarray] | None) -> list[tuple[float, float]]:
        """The red-line box with each held bound ``r`` of :attr:`L` moved out by ``slack[0][r]``."""
        if slack is None:
            return self.box
        p = self.problem
        lo, hi = self.struct_lo.copy(), self.struct_hi.copy()
        for k, (r, j) in enumerate(zip(self.L, self.lz, strict=True)):
            if p.line_at_least[r]:
                lo[j] = max(lo[j], p.line_value[r] - slack[0][k])
            else:
                hi[j] = min(hi[j], p.line_value[r] + slack[0][k])
        return [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]

    @property
    def n_conditions(self) -> int:
        return sum(len(req.issue) for _, req in self.reqs)

    def _hard_block(self, n: int, relax: bool, slack: tuple[np.ndarray, np.ndarray] | None
                    ) -> tuple[np.ndarray, np.ndarray, list[tuple[float | None, float | None]], np.ndarray, np.ndarray]:
        """Rows and variables for the limits, appended after ``n`` variables.

        Variables, in order: ``t`` per held red line (when ``relax``: ``z ≥ v − t`` or
        ``z ≤ v + t``, cost 1 each), a binary per option of each indivisible issue
        (``z = Σ_k o_k b_k``, ``Σ_k b_k = 1``), a binary ``y`` per condition of each
        requirement (``z ≥ v − (1 − y)`` or ``z ≤ v + (1 − y)``, ``Σ y ≥ k``; an uncovered
        issue stays at the status quo) and, when ``relax``, a ``t`` per condition.

        Returns
        -------
        A : ndarray, shape (rows, n + m)
        b : ndarray, shape (rows,)
        bounds : list of (low, high), length m
        cost : ndarray, shape (m,)
        integrality : ndarray, shape (m,)
        """
        p = self.problem
        n_line = len(self.L) if relax else 0
        n_opt = sum(len(v) for _, v in self.opts)
        n_cond = self.n_conditions
        n_ct = n_cond if relax else 0
        m = n_line + n_opt + n_cond + n_ct
        rows: list[np.ndarray] = []
        rhs: list[float] = []

        def row() -> np.ndarray:
            r = np.zeros(n + m)
            rows.append(r)
            return r

        for k, (r, j) in enumerate(zip(self.L[:n_line], self.lz[:n_line], strict=True)):
            a = row()
            sign = -1.0 if p.line_at_least[r] else 1.0
            a[j], a[n + k] = sign, -1.0
            rhs.append(sign * p.line_value[r])
        col = n + n_line
        for j, values in self.opts:
            a, b = row(), row()
            a[j], b[j] = 1.0, -1.0
            a[col : col + len(values)], b[col : col + len(values)] = -values, values
            rhs += [0.0, 0.0]
            s1, s2 = row(), row()
            s1[col : col + len(values)], s2[col : col + len(values)] = 1.0, -1.0
            rhs += [1.0, -1.0]
            col += len(values)
        ycol, tcol = col, col + n_cond
        widen = slack[1] if slack is not None else np.zeros(n_cond)
        c_idx = 0
        for _, req in self.reqs:
            total = row()
            for issue, at_least, value in zip(req.issue, req.at_least, req.value, strict=True):
                a = row()
                sign = -1.0 if at_least else 1.0
                jz = self.col[issue]
                a[ycol + c_idx] = 1.0
                if relax:
                    a[tcol + c_idx] = -1.0
                bound = sign * value + 1.0 + widen[c_idx]
                if jz >= 0:
                    a[jz] = sign
                    rhs.append(bound)
                else:
                    rhs.append(bound - sign * p.sq[issue])
                total[ycol + c_idx] = -1.0
                c_idx += 1
            rhs_total = -float(req.k)
            rhs.insert(len(rhs) - len(req.issue), rhs_total)
        unbounded: list[tuple[float | None, float | None]] = [(0.0, None)]
        unit: list[tuple[float | None, float | None]] = [(0.0, 1.0)]
        bounds = unbounded * n_line + unit * (n_opt + n_cond) + unbounded * n_ct
        cost = np.concatenate([np.ones(n_line), np.zeros(n_opt + n_cond), np.ones(n_ct)])
        integrality = np.concatenate([np.zeros(n_line), np.ones(n_opt + n_cond), np.zeros(n_ct)])
        A = np.array(rows) if rows else np.zeros((0, n + m))
        return A, np.array(rhs, dtype=float), bounds, cost, integrality

    def _solve_smooth(self, c: np.ndarray, A: np.ndarray, b: np.ndarray,
                      extra_bounds: list[tuple[float | None, float | None]],
                      z_bounds: list[tuple[float, float]]) -> Any:
        """The quadratic form: ``v = −(z − p)²`` substituted, a smooth convex program solved by SLSQP.

        It starts from the last package found (the zone's, once there is one), with the
        extra variables set by a linear program so that the start is feasible.
        """
        nz, nv = self.nz, self.nv
        Az, Av, Ae = A[:, :nz], A[:, nz : nz + nv], A[:, nz + nv :]
        cz, cv, ce = c[:nz], c[nz : nz + nv], c[nz + nv :]
        ne = len(ce)

        def vvals(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            d = z[self.pz] - self.ppi
            return -d * d, -2.0 * d

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            z, e = x[:nz], x[nz:]
            v, dv = vvals(z)
            grad = np.concatenate([cz.copy(), ce])
            np.add.at(grad, self.pz, cv * dv)
            return float(cz @ z + cv @ v + ce @ e), grad

        def cons(x: np.ndarray) -> np.ndarray:
            z, e = x[:nz], x[nz:]
            return b - Az @ z - Av @ vvals(z)[0] - Ae @ e

        def cons_jac(x: np.ndarray) -> np.ndarray:
            z = x[:nz]
            jz = -Az.copy()
            dv = vvals(z)[1]
            for k in range(nv):
                jz[:, self.pz[k]] -= Av[:, k] * dv[k]
            return np.hstack([jz, -Ae])

        z0 = np.clip(self._z_last, [lo for lo, _ in z_bounds], [hi for _, hi in z_bounds])
        e0 = np.zeros(ne)
        if ne:
            rhs = b - Az @ z0 - Av @ vvals(z0)[0]
            start = solve(np.zeros(ne), Ae, rhs, *bound_arrays(extra_bounds))
            if start.status == 0 and start.x is not None:
                e0 = start.x
            else:
                e0 = np.array([lo if lo is not None else 0.0 for lo, _ in extra_bounds])
        x0 = np.concatenate([z0, e0])
        constraints = [{"type": "ineq", "fun": cons, "jac": cons_jac}] if len(b) else []
        for _ in range(2):
            res = minimize(objective, x0, jac=True, method="SLSQP", bounds=z_bounds + extra_bounds,
                           constraints=constraints, options={"ftol": 1e-11, "maxiter": 1000})
            if res.success:
                break
            x0 = res.x
        x = res.x
        feasible = not len(b) or np.min(cons(x)) >= -1e-9
        if not (res.success and feasible):
            fallback = self._solve_tangents(c, A, b, extra_bounds, z_bounds)
            if not feasible or objective(x)[0] > fallback.fun + 1e-7:
                return fallback
        z, e = x[:nz], x[nz:]
        y = np.concatenate([z, vvals(z)[0], e])
        multipliers = np.asarray(getattr(res, "multipliers", np.zeros(len(b))), dtype=float)
        if multipliers.shape != (len(b),):
            multipliers = np.zeros(len(b))
        return Solution(0, res.message, y, float(c @ y), -multipliers)

    def _solve_tangents(self, c: np.ndarray, A: np.ndarray, b: np.ndarray,
                        extra_bounds: list[tuple[float | None, float | None]],
                        z_bounds: list[tuple[float, float]], integrality: np.ndarray | None = None) -> Any:
        """The quadratic form when SLSQP fails (a stance with zero gradient, say): ``v ≤ −(z − p)²``
        by tangent planes, 129 per stance plus the position and expectation, and more added at
        the solution until it is exact to 1e-9 (Kelley's cutting planes, at most 60 rounds);
        the least violating solution is kept otherwise (its error is below 1e-5)."""
        nz, nv = self.nz, self.nv
        n = len(c)
        grid = np.linspace(0.0, 1.0, 129)
        tangents = [np.unique(np.concatenate([grid, [self.ppi[k], self.peps[k]]])) for k in range(nv)]
        bounds = z_bounds + [(-1.0, 0.0)] * nv + extra_bounds
        best: tuple[float, Any] | None = None
        for _ in range(60):
            ks = np.concatenate([np.full(len(t), k) for k, t in enumerate(tangents)]).astype(int)
            ts = np.concatenate(tangents) if tangents else np.zeros(0)
            rows = np.zeros((len(ks), n))
            rows[np.arange(len(ks)), nz + ks] = 1.0
            rows[np.arange(len(ks)), self.pz[ks]] = 2.0 * (ts - self.ppi[ks])
            A_all, b_all = np.vstack([rows, A]), np.concatenate([ts**2 - self.ppi[ks] ** 2, b])
            mixed = integrality if integrality is not None and integrality.any() else None
            res = solve(c, A_all, b_all, *bound_arrays(bounds), mixed)
            if res.status != 0 or res.x is None:
                raise ModelError(f"agreement program failed: {res.message}")
            z, v = res.x[:nz], res.x[nz : nz + nv]
            true = -(z[self.pz] - self.ppi) ** 2
            exact = res.x.copy()
            exact[nz : nz + nv] = np.minimum(v, true)
            violation = float(np.max(A @ exact - b, initial=0.0))
            if best is None or violation < best[0]:
                res.x, res.fun, res.n_planes = exact, float(c @ exact), len(rows)
                best = (violation, res)
            if violation <= 1e-9:
                break
            for k in np.flatnonzero(v - true > 1e-12):
                tangents[k] = np.append(tangents[k], z[self.pz[k]])
        assert best is not None  # set in the first round
        return best[1]

    def _zone_rows(self, n: int, slack: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        A = np.zeros((self.nV, n))
        A[:, : self.nz + self.nv] = -self.G
        b = self.g0 if slack is None else self.g0 + slack
        return A, b

    def _closest_rows(self, n: int, first: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``±(z − sq) ≤ a`` with the ``a`` variables from column ``first``."""
        sq = self.problem.sq[self.C]
        A = np.zeros((2 * self.nz, n))
        j = np.arange(self.nz)
        A[j, j] = 1.0
        A[j, first + j] = -1.0
        A[self.nz + j, j] = -1.0
        A[self.nz + j, first + j] = -1.0
        return A, np.concatenate([sq, -sq])

    def package(self, y: np.ndarray | None) -> np.ndarray:
        """A full package on [0, 1], shape (I,): ``y``'s ``z`` on covered issues, status quo elsewhere."""
        z = self.problem.sq.copy()
        if y is not None and self.nz:
            z[self.C] = np.clip(y[: self.nz], 0.0, 1.0)
        return z

    def surplus(self, z: np.ndarray) -> np.ndarray:
        """Every actor's surplus at full package ``z``, shape (A,)."""
        return self.problem.terms(z)[:, self.cover].sum(axis=1) + np.where(
            self.problem.sal.sum(axis=1) == 0, self.problem.cost * self.share, 0.0
        )

    # ---- programs

    def relax(self, closest: bool = False) -> Relaxation:
        """The smallest total relaxation that opens a zone, with its fairest split.

        The relaxation is ``Σ_i e_i + Σ_r t_r``: ``e_i`` lowers veto player ``i``'s
        reservation value (utility units), ``t_r`` moves red-line bound ``r`` (or a
        requirement's condition) by a share of the issue's scale. A zone exists when it
        is 0.

        Parameters
        ----------
        closest : bool
            Also find the relaxed package closest to the status quo (one more program).
        """
        p = self.problem
        n_a = p.pi.shape[0]
        e_full = np.zeros(n_a)
        lam = np.zeros(n_a)
        line_gap = np.zeros(p.n_lines)
        hard = bool(len(self.L) or self.integer)
        if self.nV == 0 or (self.nv == 0 and not hard):
            return Relaxation(p.actor_ids, True, 0.0, e_full, self.package(None), lam, line_gap)
        n0 = self.nz + self.nv
        n = n0 + self.nV
        c = np.zeros(n)
        c[n0:] = 1.0
        A, b = self._zone_rows(n)
        A[:, n0:] = -np.eye(self.nV)
        res = self._solve(c, A, b, [(0.0, None)] * self.nV, relax_hard=True)
        gap = max(float(res.fun), 0.0)
        lam[self.V] = -res.marginals[res.n_planes : res.n_planes + self.nV]
        if gap <= TOL:
            return Relaxation(p.actor_ids, True, 0.0, e_full, self.package(res.x), lam, line_gap)
        n_line = len(self.L)
        t_lines = np.maximum(res.x[n : n + n_line], 0.0)
        t_lines[t_lines <= TOL] = 0.0
        n_opt = sum(len(v) for _, v in self.opts)
        start = n + n_line + n_opt + self.n_conditions
        t_conds = np.maximum(res.x[start : start + self.n_conditions], 0.0)
        t_conds[t_conds <= TOL] = 0.0
        line_gap[self.L] = t_lines
        slack_t = (t_lines + 1e-12, t_conds + 1e-12)
        budget = max(gap - float(t_lines.sum() + t_conds.sum()), 0.0)
        n2 = n + 1
        c2 = np.zeros(n2)
        c2[-1] = 1.0
        A2, b2 = self._zone_rows(n2)
        A2[:, n0:n] = -np.eye(self.nV)
        total = np.zeros((1, n2))
        total[0, n0:n] = 1.0
        cap = np.zeros((self.nV, n2))
        cap[:, n0:n] = np.eye(self.nV)
        cap[:, -1] = -1.0
        slack = gap * 1e-6 + 1e-9 if p.quadratic else 1e-9
        try:
            res2 = self._solve(
                c2,
                np.vstack([A2, total, cap]),
                np.concatenate([b2, [budget * (1 + 1e-9) + slack], np.zeros(self.nV)]),
                [(0.0, None)] * (self.nV + 1),
                slack=slack_t,
            )
        except ModelError:
            res2 = SimpleNamespace(x=np.concatenate([res.x[:n], [float(np.max(res.x[n0:n]))]]))
        e = np.maximum(res2.x[n0:n], 0.0)
        e[e <= TOL] = 0.0
        e_full[self.V] = e
        y = res2.x
        if closest:
            n3 = n0 + self.nz
            c3 = np.zeros(n3)
            c3[n0:] = 1.0
            A3, b3 = self._zone_rows(n3, slack=e + SLACK)
            Ac, bc = self._closest_rows(n3, n0)
            try:
                y = self._solve(c3, np.vstack([A3, Ac]), np.concatenate([b3, bc]), [(0.0, None)] * self.nz,
                                slack=slack_t).x
            except ModelError:
                y = res2.x
        return Relaxation(p.actor_ids, False, gap, e_full, self.package(y), lam, line_gap)

    def feasible(self) -> bool:
        """True when some package meets every counted surplus constraint and every limit (a zone exists).

        With integer structure the continuous relaxation is tried first: when it has no
        solution, neither has the mixed-integer program.
        """
        n0 = self.nz + self.nv
        rows = self.rows_of
        A = np.zeros((len(rows), n0))
        A[:, :n0] = -self.G[rows]
        if self.integer and not self.problem.quadratic:
            relaxed = copy.copy(self)
            relaxed.relaxed_integers = True
            try:
                relaxed._solve(np.zeros(n0), A, self.g0[rows])
            except ModelError:
                return False
        try:
            self._solve(np.zeros(n0), A, self.g0[rows])
        except ModelError:
            return False
        return True

    def min_relaxation(self, lines: Sequence[int] = (), actors: Sequence[int] = ()) -> tuple[float, np.ndarray] | None:
        """The least relaxation of the given red-line bounds and surplus constraints that opens a zone.

        Parameters
        ----------
        lines : sequence of int
            Indices into ``problem``'s red lines (among :attr:`L`) that may move; the rest hold.
        actors : sequence of int
            Actor indices (among :attr:`V`) whose reservation value may be lowered.

        Returns
        -------
        (total, amounts) or None
            ``amounts`` has one entry per given line (share of the issue's scale) then one
            per given actor (utility units); None when no such relaxation opens a zone.
        """
        p = self.problem
        n0 = self.nz + self.nv
        pos_l = [int(np.flatnonzero(self.L == r)[0]) for r in lines]
        pos_a = [int(np.flatnonzero(self.V == a)[0]) for a in actors]
        m = len(pos_l) + len(pos_a)
        n = n0 + m
        c = np.ones(n)
        c[:n0] = 0.0
        rows = self.rows_of
        A = np.zeros((len(rows), n))
        A[:, :n0] = -self.G[rows]
        for k, li in enumerate(pos_a):
            hit = np.flatnonzero(rows == li)
            if len(hit):
                A[hit[0], n0 + len(pos_l) + k] = -1.0
        b = self.g0[rows].copy()
        moved = set(pos_l)
        lo_h, hi_h = np.zeros(self.nz), np.ones(self.nz)
        for k, (r, j) in enumerate(zip(self.L, self.lz, strict=True)):
            if k in moved:
                continue
            if p.line_at_least[r]:
                lo_h[j] = max(lo_h[j], p.line_value[r])
            else:
                hi_h[j] = min(hi_h[j], p.line_value[r])
        if np.any(lo_h > hi_h + 1e-12):
            return None
        extra_rows = []
        extra_b = []
        for k, pl in enumerate(pos_l):
            r, j = self.L[pl], self.lz[pl]
            row = np.zeros(n)
            sign = -1.0 if p.line_at_least[r] else 1.0
            row[j], row[n0 + k] = sign, -1.0
            extra_rows.append(row)
            extra_b.append(sign * p.line_value[r])
        if extra_rows:
            A = np.vstack([A, np.array(extra_rows)])
            b = np.concatenate([b, extra_b])
        try:
            res = self._solve(c, A, b, [(0.0, None)] * m,
                              z_bounds=[(float(a), float(max(a, bb))) for a, bb in zip(lo_h, hi_h, strict=True)])
        except ModelError:
            return None
        amounts = np.maximum(res.x[n0:n], 0.0)
        return float(amounts.sum()), amounts

    def interval(self, j: int) -> tuple[float, float]:
        """The zone on covered issue ``C[j]``: min and max of ``z_j`` (normalised)."""
        if self.free[j] and not self.integer:
            return self.box[j]
        n = self.nz + self.nv
        A, b = self._zone_rows(n)
        c = np.zeros(n)
        c[j] = 1.0
        low = self._solve(c, A, b).x[j]
        c[j] = -1.0
        high = self._solve(c, A, b).x[j]
        return float(low), float(high)

    def ideal(self, li: int) -> tuple[float, np.ndarray]:
        """The largest surplus veto player ``V[li]`` can get in the zone, and a package giving it."""
        n = self.nz + self.nv
        A, b = self._zone_rows(n)
        res = self._solve(-self.G[li], A, b)
        return float(self.g0[li] - res.fun), res.x

    def margin(self) -> tuple[float, np.ndarray]:
        """The largest t such that every veto player gets a surplus of at least t."""
        n0 = self.nz + self.nv
        if self.nV == 0:
            return math.inf, np.zeros(n0)
        c = np.zeros(n0 + 1)
        c[-1] = -1.0
        A, b = self._zone_rows(n0 + 1)
        A[:, -1] = 1.0
        res = self._solve(c, A, b, [(-10.0, 10.0)])
        return float(-res.fun), res.x[:n0]

    def kalai_smorodinsky(self, ideals: np.ndarray) -> np.ndarray:
        """The Kalai–Smorodinsky package (variables ``[z, v]``), closest to the status quo among ties."""
        n0 = self.nz + self.nv
        c = np.zeros(n0 + 1)
        c[-1] = -1.0
        A, b = self._zone_rows(n0 + 1)
        A[:, -1] = np.maximum(ideals, 0.0)
        res = self._solve(c, A, b, [(0.0, 1.0)])
        t = float(res.x[-1])
        return self._closest(np.maximum(ideals, 0.0) * t - SLACK, fallback=res.x[:n0])

    def _closest(self, floor: np.ndarray, fallback: np.ndarray) -> np.ndarray:
        """Among packages with ``G ≥ floor``, the one closest to the status quo (variables ``[z, v]``)."""
        n0 = self.nz + self.nv
        n = n0 + self.nz
        c = np.zeros(n)
        c[n0:] = 1.0
        A, b = self._zone_rows(n, slack=-floor)
        Ac, bc = self._closest_rows(n, n0)
        try:
            return self._solve(c, np.vstack([A, Ac]), np.concatenate([b, bc]), [(0.0, None)] * self.nz).x[:n0]
        except ModelError:
            return fallback

    def nash(self, weights: np.ndarray, ideals: np.ndarray | None = None,
             ideal_ys: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """The Nash bargaining package (variables ``[z, v]``); call only when a zone exists.

        With indivisible issues or requirements the zone is a union of boxes (one per
        choice of options and of the conditions each requirement meets); the solution is
        the best of the continuous solutions over those boxes, enumerated up to
        :data:`MAX_BOXES` (beyond, the box of the max-min package).
        """
        if not self.integer:
            return self._nash_continuous(weights, ideals, ideal_ys)
        best: tuple[float, np.ndarray] | None = None
        inc = weights > 0
        for box in self._boxes():
            sub = self._restricted(box)
            if not sub.feasible():
                continue
            y = sub._nash_continuous(weights)
            g = self.g0 + self.G @ y[: self.nz + self.nv]
            score = float(weights[inc] @ _safe_log(g[inc])[0])
            if best is None or score > best[0] + 1e-12:
                best = (score, y)
        if best is None:
            return self.margin()[1]
        return best[1]

    def _boxes(self, with_lines: bool = True) -> list[list[tuple[float, float]]]:
        """The boxes whose union is the set of packages meeting the options and requirements.

        Parameters
        ----------
        with_lines : bool
            Intersect them with the red lines' bounds.
        """
        base = self.box if with_lines else self.struct_box
        choices: list[list[list[tuple[int, float, float]]]] = []
        for j, values in self.opts:
            inside = [float(v) for v in values if base[j][0] - 1e-12 <= v <= base[j][1] + 1e-12]
            choices.append([[(j, v, v)] for v in inside])
        for _, req in self.reqs:
            alternatives = []
            for subset in itertools.combinations(range(len(req.issue)), req.k):
                bounds, ok = [], True
                for c in subset:
                    q, v = int(req.issue[c]), float(req.value[c])
                    jz = self.col[q]
                    if jz < 0:
                        sq = float(self.problem.sq[q])
                        ok &= bool(sq >= v - 1e-9) if req.at_least[c] else bool(sq <= v + 1e-9)
                    elif req.at_least[c]:
                        bounds.append((int(jz), v, 1.0))
                    else:
                        bounds.append((int(jz), 0.0, v))
                if ok:
                    alternatives.append(bounds)
            choices.append(alternatives)
        count = math.prod(len(c) for c in choices)
        if count > MAX_BOXES:
            z = self.margin()[1][: self.nz]
            choices = [[alt for alt in c if all(lo - 1e-9 <= z[j] <= hi + 1e-9 for j, lo, hi in alt)][:1]
                       for c in choices]
        boxes = []
        for combo in itertools.product(*choices):
            box = [list(b) for b in base]
            for alt in combo:
                for j, lo, hi in alt:
                    box[j][0], box[j][1] = max(box[j][0], lo), min(box[j][1], hi)
            if all(lo <= hi + 1e-12 for lo, hi in box):
                boxes.append([(lo, max(lo, hi)) for lo, hi in box])
        return boxes

    def _restricted(self, box: Sequence[tuple[float, float]]) -> Deal:
        """This deal on one box: no integer structure, the box as its red-line bounds."""
        sub = copy.copy(self)
        sub.struct_lo = np.array([lo for lo, _ in box], dtype=float)
        sub.struct_hi = np.array([hi for _, hi in box], dtype=float)
        sub.opts, sub.reqs, sub.integer = [], [], False
        sub.lps = 0
        sub._z_last = np.clip(self._z_last, sub.struct_lo, sub.struct_hi)
        return sub

    def _nash_continuous(self, weights: np.ndarray, ideals: np.ndarray | None = None,
                         ideal_ys: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """The Nash bargaining package without integer structure (see :meth:`nash`).

        Parameters
        ----------
        weights : ndarray, shape (nV,)
            Bargaining weights of the veto players.
        ideals : ndarray, shape (nV,), optional
            Each veto player's largest surplus in the zone (computed when needed).
        ideal_ys : sequence of ndarray, optional
            A package (variables) achieving each ideal.

        Notes
        -----
        The search starts from a package where every veto player in the objective has
        a positive surplus: the max-min package, or the mean of the ideal packages. With
        the linear form the surpluses are linear inside each *cell* (a box between
        consecutive positions on every issue), so the concave program is solved cell by
        cell with SLSQP over ``z`` alone; the log-objective's directional derivative
        separates by issue, so a package from which no single issue can move into a
        neighbouring cell and gain is optimal. When a veto player outside the objective
        binds, the program is solved once more on the smooth reformulation in ``(z, v)``.
        """
        n0 = self.nz + self.nv
        y0 = None
        if ideals is None:
            t, y_m = self.margin()
            if t > 1e-9:
                inc = np.flatnonzero(weights > 0)
                y0 = y_m.copy()
            else:
                ideals_l, ys_l = zip(*(self.ideal(li) for li in range(self.nV)), strict=True)
                ideals, ideal_ys = np.array(ideals_l), list(ys_l)
        if y0 is None:
            assert ideals is not None and ideal_ys is not None  # given together, or computed above
            inc = np.flatnonzero((ideals > 1e-9) & (weights > 0))
            if not len(inc):
                return self._closest(np.zeros(self.nV), fallback=ideal_ys[0] if len(ideal_ys) else np.zeros(n0))
            y0 = np.mean([ideal_ys[int(k)] for k in inc], axis=0)[:n0].copy()
        wn = weights[inc] / weights[inc].sum()
        z_bounds = list(self.box)
        for j in np.flatnonzero(self.free):
            sq = min(max(float(self.problem.sq[self.C[j]]), z_bounds[j][0]), z_bounds[j][1])
            z_bounds[j] = (sq, sq)
            y0[j] = sq
        z0 = np.clip(y0[: self.nz], [lo for lo, _ in z_bounds], [hi for _, hi in z_bounds])
        if self.problem.quadratic:
            jac_rows = np.zeros((self.nV, self.nz))

            def gvals(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                d = z[self.pz] - self.ppi
                g = self.g0 - np.bincount(self.pl, weights=self.pw * d * d, minlength=self.nV)
                jac = jac_rows.copy()
                np.add.at(jac, (self.pl, self.pz), -2.0 * self.pw * d)
                return g, jac

            def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
                g, jac = gvals(z)
                val, der = _safe_log(g[inc])
                return -float(wn @ val), -(wn * der) @ jac[inc]

            cons = [{"type": "ineq", "fun": lambda z: gvals(z)[0], "jac": lambda z: gvals(z)[1]}]
            res = minimize(objective, z0, jac=True, method="SLSQP", bounds=z_bounds, constraints=cons,
                           options={"ftol": 1e-15, "maxiter": 1000})
            z = np.clip(res.x, 0.0, 1.0)
            return np.concatenate([z, -(z[self.pz] - self.ppi) ** 2])
        z = self._nash_cells(inc, wn, z0, z_bounds)
        outside = np.setdiff1d(np.arange(self.nV), inc)
        if len(outside):
            g = self.g0 - np.bincount(self.pl, weights=self.pw * np.abs(z[self.pz] - self.ppi), minlength=self.nV)
            if np.any(g[outside] < 1e-9):
                z = self._nash_smooth(inc, wn, np.concatenate([z, -np.abs(z[self.pz] - self.ppi)]), z_bounds)
        return np.concatenate([z, -np.abs(z[self.pz] - self.ppi)])

    def _nash_cells(self, inc: np.ndarray, wn: np.ndarray, z0: np.ndarray,
                    z_bounds: Sequence[tuple[float, float]]) -> np.ndarray:
        breaks = [np.unique(np.clip(np.concatenate([list(z_bounds[j]), self.ppi[self.pz == j]]), *z_bounds[j]))
                  if z_bounds[j][0] < z_bounds[j][1] else np.array(z_bounds[j], dtype=float)
                  for j in range(self.nz)]
        cell = np.array([min(int(np.searchsorted(b, z, side="right")) - 1, len(b) - 2)
                         for b, z in zip(breaks, z0, strict=True)])
        fixed = np.array([lo == hi for lo, hi in z_bounds])
        z = z0.copy()
        for _ in range(10 * (self.nz + self.nv) + 10):
            lo = np.array([b[c] for b, c in zip(breaks, cell, strict=True)])
            hi = np.array([b[c + 1] for b, c in zip(breaks, cell, strict=True)])
            sign = np.where(self.ppi <= lo[self.pz], 1.0, -1.0)
            M = np.zeros((self.nV, self.nz))
            np.add.at(M, (self.pl, self.pz), -self.pw * sign)
            c0 = self.g0 + np.bincount(self.pl, weights=self.pw * sign * self.ppi, minlength=self.nV)
            box = [(zb[0], zb[1]) if fx else (float(a), float(b))
                   for zb, fx, a, b in zip(z_bounds, fixed, lo, hi, strict=True)]
            start = np.clip(z, [b[0] for b in box], [b[1] for b in box])

            def objective(x: np.ndarray, M: np.ndarray = M, c0: np.ndarray = c0) -> tuple[float, np.ndarray]:
                val, der = _safe_log(c0[inc] + M[inc] @ x)
                return -float(wn @ val), -(wn * der) @ M[inc]

            cons = [{"type": "ineq", "fun": lambda x, M=M, c0=c0: c0 + M @ x, "jac": lambda x, M=M: M}]
            res = minimize(objective, start, jac=True, method="SLSQP", bounds=box, constraints=cons,
                           options={"ftol": 1e-15, "maxiter": 500})
            z = np.clip(res.x, [b[0] for b in box], [b[1] for b in box])
            g = c0 + M @ z
            scale = wn / np.maximum(g[inc], 1e-300)
            moved = False
            for j in np.flatnonzero(~fixed):
                on_j = self.pz == j
                for step, edge in ((1, hi[j]), (-1, lo[j])):
                    nxt = cell[j] + step
                    if abs(z[j] - edge) > 1e-12 or nxt < 0 or nxt > len(breaks[j]) - 2:
                        continue
                    new_lo = breaks[j][nxt]
                    s_new = np.where(self.ppi[on_j] <= new_lo, 1.0, -1.0)
                    dG = np.bincount(self.pl[on_j], weights=-self.pw[on_j] * s_new, minlength=self.nV)
                    if step * float(scale @ dG[inc]) > 1e-12:
                        cell[j] = nxt
                        moved = True
                        break
            if not moved:
                return z
        return z

    def _nash_smooth(self, inc: np.ndarray, wn: np.ndarray, y0: np.ndarray,
                     z_bounds: Sequence[tuple[float, float]]) -> np.ndarray:
        n0 = self.nz + self.nv
        P, q = self.plane_rows(n0)

        def objective(y: np.ndarray) -> tuple[float, np.ndarray]:
            val, der = _safe_log(self.g0[inc] + self.G[inc] @ y)
            return -float(wn @ val), -(wn * der) @ self.G[inc]

        A_all = np.vstack([-P, self.G])
        b_all = np.concatenate([q, self.g0])
        cons = [{"type": "ineq", "fun": lambda y: A_all @ y + b_all, "jac": lambda y: A_all}]
        res = minimize(objective, y0, jac=True, method="SLSQP", bounds=list(z_bounds) + [(-1.0, 0.0)] * self.nv,
                       constraints=cons, options={"ftol": 1e-15, "maxiter": 1000})
        return np.clip(res.x[: self.nz], 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class Relaxation:
    """The smallest total relaxation that opens a zone of agreement.

    Attributes
    ----------
    actor_ids : tuple of str, length A
    zone_exists : bool
    gap : float
        ``min Σ_i e_i`` (0 when a zone exists).
    actor_gap : ndarray, shape (A,)
        Each actor's ``e_i`` in the fairest split (0 for non-veto actors).
    z : ndarray, shape (I,)
        A package achieving it, on [0, 1] (status quo on uncovered issues).
    lam : ndarray, shape (A,)
        Dual values of the acceptance constraints (a certificate when there is no zone;
        zeros for a mixed-integer program).
    line_gap : ndarray, shape (R,)
        How far each red-line bound moves in the relaxation (share of the issue's scale).
    """

    actor_ids: tuple[str, ...]
    zone_exists: bool
    gap: float
    actor_gap: np.ndarray
    z: np.ndarray
    lam: np.ndarray
    line_gap: np.ndarray = field(default_factory=lambda: np.zeros(0))


def relax_arrays(arrays: AgreementArrays, utility: Utility = "linear") -> Relaxation:
    """The comprehensive deal's relaxation for unbatched arrays."""
    return Deal(Problem.from_arrays(arrays, utility)).relax()


def zone_batch(arrays: AgreementArrays, utility: Utility = "linear") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zone existence and gap of the comprehensive deal for every draw.

    Parameters
    ----------
    arrays : AgreementArrays
        With or without a leading draw axis of length D.
    utility : {"linear", "quadratic"}

    Returns
    -------
    zone_exists : ndarray of bool, shape (D,) (or () unbatched)
    gap : ndarray, shape (D,) (or ())
        Smallest total relaxation that opens a zone; 0 where one exists.
    actor_gap : ndarray, shape (D, A) (or (A,))
        Each actor's part of the gap (see :meth:`Deal.relax`).
    """
    if not arrays.batched:
        r = relax_arrays(arrays, utility)
        return np.asarray(r.zone_exists), np.asarray(r.gap), r.actor_gap
    n_d, n_a = arrays.n_draws, len(arrays.actor_ids)
    zone = np.zeros(n_d, dtype=bool)
    gap = np.zeros(n_d)
    actor_gap = np.zeros((n_d, n_a))
    accepts = batch_acceptance(arrays, utility)
    pending = np.ones(n_d, dtype=bool)
    pending[accepts(np.asarray(normalised_status_quo(arrays)))] = False
    zone[~pending] = True
    for d in range(n_d):
        if not pending[d]:
            continue
        pending[d] = False
        deal = Deal(Problem.from_arrays(arrays.draw(d), utility))
        r = deal.relax()
        zone[d], gap[d], actor_gap[d] = r.zone_exists, r.gap, r.actor_gap
        if r.zone_exists and deal.nV and deal.nv and pending.any():
            found = accepts(deal.package(deal.margin()[1])) & pending
            zone[found] = True
            pending[found] = False
    return zone, gap, actor_gap


def carry_over_terms(pi: np.ndarray, eps: np.ndarray, sal: np.ndarray, hold: np.ndarray, kappa: np.ndarray,
                     present: np.ndarray, quadratic: bool) -> tuple[np.ndarray, np.ndarray]:
    """The term of a collapsed deal as a virtual stance: its position and weight.

    ``s (1 − h) f(κ z + (1 − κ) ε − π) = wc f(z − pic)`` with ``pic = (π − (1 − κ) ε) / κ``
    and ``wc = s (1 − h) κ^m`` (``m`` 1 linear, 2 quadratic); ``wc`` is 0 where ``κ`` is 0.

    Parameters
    ----------
    pi, eps, sal : ndarray, shape (..., A, I)
        Positions, expectations (on [0, 1]) and saliences.
    hold : ndarray, broadcastable to (..., A, I)
    kappa : ndarray, shape (I,)
    present : ndarray of bool, shape (A, I)
    quadratic : bool

    Returns
    -------
    pic, wc : ndarray, shape (..., A, I)
    """
    carried = (kappa > 0) & present
    safe_k = np.where(kappa > 0, kappa, 1.0)
    pic = np.where(carried, (pi - (1.0 - safe_k) * eps) / safe_k, pi)
    wc = np.where(carried, sal * (1.0 - hold) * safe_k ** (2 if quadratic else 1), 0.0)
    return pic, wc


def normalised_status_quo(arrays: AgreementArrays) -> np.ndarray:
    return (arrays.status_quo - arrays.scale_min) / (arrays.scale_max - arrays.scale_min)


def batch_acceptance(arrays: AgreementArrays, utility: Utility) -> Any:
    """``accepts(z) -> bool (D,)``: draws in which every veto player accepts package ``z`` (on [0, 1]).

    The same surplus as :meth:`Problem.terms`, for every draw at once, and every held
    red line, requirement and option of the comprehensive deal's veto players.
    """
    lo, span = arrays.scale_min, arrays.scale_max - arrays.scale_min
    present = arrays.present
    pi = np.where(present, (np.nan_to_num(arrays.position) - lo) / span, 0.0)
    eps = np.where(present, (np.nan_to_num(arrays.expects) - lo) / span, 0.0)
    sal = np.where(present, arrays.salience, 0.0)
    hold = arrays.hold[:, None, :]
    w = sal * hold
    kappa = arrays.carry_over if len(arrays.carry_over) else np.zeros(len(lo))
    pic, wc = carry_over_terms(pi, eps, sal, hold, kappa, present, utility == "quadratic")
    total = sal.sum(axis=-1)
    relief = np.divide((sal * hold).sum(axis=-1), total, out=np.zeros_like(total), where=total > 0)
    relief = np.where(total > 0, relief, np.asarray(arrays.deal_hold)[..., None])
    base = (w * _loss(eps - pi, utility) + wc * _loss(eps - pic, utility)).sum(axis=-1)
    base = base + arrays.no_deal_cost * relief
    veto = np.asarray(arrays.veto.any(axis=1), dtype=np.bool_)
    lines = np.flatnonzero(veto[arrays.red_actor]) if arrays.n_red_lines else np.zeros(0, dtype=int)
    real = np.broadcast_to(arrays.red_real, (arrays.n_draws, arrays.n_red_lines))[:, lines]
    line_z = (arrays.red_value[lines] - lo[arrays.red_issue[lines]]) / span[arrays.red_issue[lines]]
    reqs = [r for r in arrays.requirements if veto[r.actor]]
    options = [(q, (o - lo[q]) / span[q]) for q, o in enumerate(arrays.options) if o is not None]

    def accepts(z: np.ndarray) -> np.ndarray:
        zz = z[None, None, :]
        g = base - (w * _loss(zz - pi, utility) + wc * _loss(zz - pic, utility)).sum(axis=-1)
        ok = np.asarray(np.all((g >= 1e-12) | ~veto[None, :], axis=1), dtype=np.bool_)
        if len(lines):
            x = z[arrays.red_issue[lines]]
            broken = np.where(arrays.red_at_least[lines], x < line_z - 1e-9, x > line_z + 1e-9)
            ok &= ~(real & broken[None, :]).any(axis=1)
        for q, o in options:
            if np.min(np.abs(o - z[q])) > 1e-9:
                return np.zeros_like(ok)
        for r in reqs:
            x = (r.value - lo[r.issue]) / span[r.issue]
            held = np.where(r.at_least, z[r.issue] >= x - 1e-9, z[r.issue] <= x + 1e-9)
            if held.sum() < r.k:
                return np.zeros_like(ok)
        return ok

    return accepts


def _loss(d: np.ndarray, utility: Utility) -> np.ndarray:
    return d * d if utility == "quadratic" else np.abs(d)


def bargaining_weights(problem: Problem, deal: Deal) -> np.ndarray:
    """The veto players' bargaining weights: capabilities normalised to sum to one (equal if all are 0).

    Returns
    -------
    ndarray, shape (nV,)
    """
    cap = np.maximum(problem.cap[deal.V], 0.0)
    return cap / cap.sum() if cap.sum() > 0 else np.full(deal.nV, 1.0 / max(deal.nV, 1))


def nash_of(problem: Problem, cover: np.ndarray | None = None) -> np.ndarray | None:
    """The Nash bargaining package in scale units, shape (I,), or None when there is no zone."""
    deal = Deal(problem, cover)
    if not deal.relax().zone_exists:
        return None
    if deal.nV == 0 or deal.nv == 0:
        return problem.to_scale(deal.package(None))
    ideals, ys = zip(*(deal.ideal(li) for li in range(deal.nV)), strict=True)
    y = deal.nash(bargaining_weights(problem, deal), np.array(ideals), ys)
    return problem.to_scale(deal.package(y))


