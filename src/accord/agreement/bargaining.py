"""One bargaining problem as linear and convex programs: the zone, Nash, Kalai–Smorodinsky, relaxation.

The equations and their sources are set out in :mod:`accord.agreement`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

import numpy as np
from scipy.optimize import linprog, minimize

from accord.agreement.inputs import SLACK, TOL, AgreementArrays, Utility
from accord.errors import ModelError, ParameterError

# --------------------------------------------------------------------------- one problem


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
        Weight of each utility term: salience times hold probability.
    cost, cap : ndarray, shape (A,)
    veto, present : ndarray of bool, shape (A, I)
    sq, lo, span : ndarray, shape (I,)
        Status quo on [0, 1]; scale minimum and width.
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

    @classmethod
    def from_arrays(cls, arrays: AgreementArrays, utility: Utility = "linear") -> Problem:
        if utility not in ("linear", "quadratic"):
            raise ParameterError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
        if arrays.batched:
            raise ValueError("Problem.from_arrays takes one draw; use AgreementArrays.draw(d)")
        lo, span = arrays.scale_min, arrays.scale_max - arrays.scale_min
        present = arrays.present
        sal = np.where(present, arrays.salience, 0.0)
        return cls(
            actor_ids=arrays.actor_ids,
            issue_ids=arrays.issue_ids,
            pi=np.where(present, (np.nan_to_num(arrays.position) - lo) / span, 0.0),
            eps=np.where(present, (np.nan_to_num(arrays.expects) - lo) / span, 0.0),
            sal=sal,
            w=sal * arrays.hold[None, :],
            cost=np.asarray(arrays.no_deal_cost, dtype=float),
            cap=np.asarray(arrays.capability, dtype=float),
            veto=arrays.veto,
            present=present,
            sq=(arrays.status_quo - lo) / span,
            lo=lo,
            span=span,
            quadratic=utility == "quadratic",
        )

    def with_utility(self, utility: Utility) -> Problem:
        return replace(self, quadratic=utility == "quadratic")

    def f(self, d: np.ndarray) -> np.ndarray:
        """Loss of a distance on the normalised scale: ``|d|`` or ``d²``."""
        return d * d if self.quadratic else np.abs(d)

    def to_scale(self, z: np.ndarray) -> np.ndarray:
        return self.lo + self.span * np.asarray(z, dtype=float)

    def cost_share(self) -> np.ndarray:
        """Each actor's no-deal cost spread over its issues by salience, shape (A, I).

        Actors without stances carry nothing.
        """
        total = self.sal.sum(axis=1, keepdims=True)
        return np.divide(self.cost[:, None] * self.sal, total, out=np.zeros_like(self.sal), where=total > 0)

    def terms(self, z: np.ndarray) -> np.ndarray:
        """Each actor's surplus term on each issue at package ``z``, shape (A, I); sums to ``G``.

        Parameters
        ----------
        z : ndarray, shape (I,)
        """
        gain = self.w * (self.f(self.eps - self.pi) - self.f(z[None, :] - self.pi))
        return np.where(self.present, gain, 0.0) + self.cost_share()

    def surplus(self, z: np.ndarray, cover: np.ndarray | None = None) -> np.ndarray:
        """``G_i`` of a deal covering ``cover`` (default all issues) at package ``z``, shape (A,)."""
        cover = np.ones(self.pi.shape[1], dtype=bool) if cover is None else np.asarray(cover, dtype=bool)
        bare = (self.sal.sum(axis=1) == 0) & bool(cover.all())
        return self.terms(z)[:, cover].sum(axis=1) + np.where(bare, self.cost, 0.0)


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

    def __init__(self, problem: Problem, cover: np.ndarray | None = None, exclude: int | None = None) -> None:
        p = problem
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
        share = np.divide(covered, total, out=np.full(n_a, 1.0 if cover.all() else 0.0), where=total > 0)
        self.share = share
        col = {int(q): j for j, q in enumerate(self.C)}
        pairs = [(li, int(q)) for li, i in enumerate(self.V) for q in self.C if p.w[i, q] > 0]
        self.nz, self.nv = len(self.C), len(pairs)
        self.pl = np.array([li for li, _ in pairs], dtype=int)
        self.pa = self.V[self.pl] if pairs else np.zeros(0, dtype=int)
        self.pq = np.array([q for _, q in pairs], dtype=int)
        self.pz = np.array([col[q] for _, q in pairs], dtype=int)
        self.pw = p.w[self.pa, self.pq] if pairs else np.zeros(0)
        self.ppi = p.pi[self.pa, self.pq] if pairs else np.zeros(0)
        self.peps = p.eps[self.pa, self.pq] if pairs else np.zeros(0)
        self.G = np.zeros((self.nV, self.nz + self.nv))
        if pairs:
            self.G[self.pl, self.nz + np.arange(self.nv)] = self.pw
        self.g0 = (p.cost * share)[self.V] + np.bincount(
            self.pl, weights=self.pw * p.f(self.peps - self.ppi), minlength=self.nV
        )
        self.free = np.ones(self.nz, dtype=bool)
        self.free[self.pz] = False
        self._z_last = p.sq[self.C].copy()
        self.lps = 0

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
               z_bounds: Sequence[tuple[float, float]] | None = None) -> Any:
        """Minimise ``c @ y`` over ``y = [z, v, extra]`` subject to ``A y ≤ b`` and ``v ≤ −f(z − p)``."""
        n = len(c)
        A = np.zeros((0, n)) if A is None else A
        b = np.zeros(0) if b is None else b
        z_bounds = list(z_bounds or [(0.0, 1.0)] * self.nz)
        self.lps += 1
        if self.problem.quadratic:
            res = self._solve_smooth(c, A, b, list(extra_bounds), z_bounds)
        else:
            pa, pb = self.plane_rows(n)
            A_ub, b_ub = np.vstack([pa, A]), np.concatenate([pb, b])
            bounds = z_bounds + [(-1.0, 0.0)] * self.nv + list(extra_bounds)
            res = linprog(c, A_ub=A_ub if len(A_ub) else None, b_ub=b_ub if len(b_ub) else None,
                          bounds=bounds, method="highs")
            if res.status != 0:
                raise ModelError(f"agreement linear program failed: {res.message}")
            res.n_planes = len(pa)
        self._z_last = res.x[: self.nz].copy()
        return res

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
            start = linprog(np.zeros(ne), A_ub=Ae, b_ub=rhs, bounds=extra_bounds, method="highs")
            if start.status == 0:
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
        return SimpleNamespace(x=y, fun=float(c @ y), status=0, message=res.message, n_planes=0,
                               ineqlin=SimpleNamespace(marginals=-multipliers))

    def _solve_tangents(self, c: np.ndarray, A: np.ndarray, b: np.ndarray,
                        extra_bounds: list[tuple[float | None, float | None]],
                        z_bounds: list[tuple[float, float]]) -> Any:
        """The quadratic form when SLSQP fails (a stance with zero gradient, say): ``v ≤ −(z − p)²``
        by tangent planes, 129 per stance plus the position and expectation, and more added at
        the solution until it is exact to 1e-9 (Kelley's cutting planes, at most 60 rounds);
        the least violating solution is kept otherwise (its error is below 1e-5)."""
        nz, nv = self.nz, self.nv
        n = len(c)
        grid = np.linspace(0.0, 1.0, 129)
        tangents = [np.unique(np.concatenate([grid, [self.ppi[k], self.peps[k]]])) for k in range(nv)]
        bounds = z_bounds + [(-1.0, 0.0)] * nv + extra_bounds
        best = None
        for _ in range(60):
            ks = np.concatenate([np.full(len(t), k) for k, t in enumerate(tangents)]).astype(int)
            ts = np.concatenate(tangents) if tangents else np.zeros(0)
            rows = np.zeros((len(ks), n))
            rows[np.arange(len(ks)), nz + ks] = 1.0
            rows[np.arange(len(ks)), self.pz[ks]] = 2.0 * (ts - self.ppi[ks])
            res = linprog(c, A_ub=np.vstack([rows, A]), b_ub=np.concatenate([ts**2 - self.ppi[ks] ** 2, b]),
                          bounds=bounds, method="highs")
            if res.status != 0:
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

        Parameters
        ----------
        closest : bool
            Also find the relaxed package closest to the status quo (one more program).
        """
        n_a = self.problem.pi.shape[0]
        e_full = np.zeros(n_a)
        lam = np.zeros(n_a)
        if self.nV == 0 or self.nv == 0:
            return Relaxation(self.problem.actor_ids, True, 0.0, e_full, self.package(None), lam)
        n0 = self.nz + self.nv
        n = n0 + self.nV
        c = np.zeros(n)
        c[n0:] = 1.0
        A, b = self._zone_rows(n)
        A[:, n0:] = -np.eye(self.nV)
        res = self._solve(c, A, b, [(0.0, None)] * self.nV)
        gap = max(float(res.fun), 0.0)
        lam[self.V] = -res.ineqlin.marginals[res.n_planes :]
        if gap <= TOL:
            return Relaxation(self.problem.actor_ids, True, 0.0, e_full, self.package(res.x), lam)
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
        slack = gap * 1e-6 + 1e-9 if self.problem.quadratic else 1e-9
        try:
            res2 = self._solve(
                c2,
                np.vstack([A2, total, cap]),
                np.concatenate([b2, [gap * (1 + 1e-9) + slack], np.zeros(self.nV)]),
                [(0.0, None)] * (self.nV + 1),
            )
        except ModelError:
            res2 = SimpleNamespace(x=np.concatenate([res.x, [float(np.max(res.x[n0:]))]]))
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
                y = self._solve(c3, np.vstack([A3, Ac]), np.concatenate([b3, bc]), [(0.0, None)] * self.nz).x
            except ModelError:
                y = res2.x
        return Relaxation(self.problem.actor_ids, False, gap, e_full, self.package(y), lam)

    def interval(self, j: int) -> tuple[float, float]:
        """The zone on covered issue ``C[j]``: min and max of ``z_j`` (normalised)."""
        if self.free[j]:
            return 0.0, 1.0
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
            inc = np.flatnonzero((ideals > 1e-9) & (weights > 0))
            if not len(inc):
                return self._closest(np.zeros(self.nV), fallback=ideal_ys[0] if len(ideal_ys) else np.zeros(n0))
            y0 = np.mean([ideal_ys[k] for k in inc], axis=0)[:n0].copy()
        wn = weights[inc] / weights[inc].sum()
        z_bounds = [(0.0, 1.0)] * self.nz
        for j in np.flatnonzero(self.free):
            sq = float(self.problem.sq[self.C[j]])
            z_bounds[j] = (sq, sq)
            y0[j] = sq
        z0 = np.clip(y0[: self.nz], 0.0, 1.0)
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
        breaks = [np.unique(np.concatenate([[0.0, 1.0], self.ppi[self.pz == j]])) for j in range(self.nz)]
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
        Dual values of the acceptance constraints (a certificate when there is no zone).
    """

    actor_ids: tuple[str, ...]
    zone_exists: bool
    gap: float
    actor_gap: np.ndarray
    z: np.ndarray
    lam: np.ndarray


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
    accepts = _batch_acceptance(arrays, utility)
    pending = np.ones(n_d, dtype=bool)
    pending[accepts(np.asarray(_normalised_sq(arrays)))] = False
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


def _normalised_sq(arrays: AgreementArrays) -> np.ndarray:
    return (arrays.status_quo - arrays.scale_min) / (arrays.scale_max - arrays.scale_min)


def _batch_acceptance(arrays: AgreementArrays, utility: Utility) -> Any:
    """``accepts(z) -> bool (D,)``: draws in which every veto player accepts package ``z`` (on [0, 1])."""
    lo, span = arrays.scale_min, arrays.scale_max - arrays.scale_min
    present = arrays.present
    pi = np.where(present, (np.nan_to_num(arrays.position) - lo) / span, 0.0)
    eps = np.where(present, (np.nan_to_num(arrays.expects) - lo) / span, 0.0)
    sal = np.where(present, arrays.salience, 0.0)
    w = sal * arrays.hold[:, None, :]
    base = (w * _loss(eps - pi, utility)).sum(axis=-1) + arrays.no_deal_cost
    veto = arrays.veto.any(axis=1)

    def accepts(z: np.ndarray) -> np.ndarray:
        g = base - (w * _loss(z[None, None, :] - pi, utility)).sum(axis=-1)
        return np.all((g >= 1e-12) | ~veto[None, :], axis=1)

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


