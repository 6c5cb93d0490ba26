"""Is an agreement attainable? Zones of agreement, bargaining solutions, the gap and who blocks.

The model
    A *package* ``x`` puts every issue at a point of its scale. Actor ``i``'s utility is

        U_i(x) = −Σ_p s_ip |x_p − pos_ip| / range_p              (``utility="linear"``, default)
        U_i(x) = −Σ_p s_ip ((x_p − pos_ip) / range_p)²           (``utility="quadratic"``)

    over the issues where ``i`` holds a stance (``s`` salience, ``pos`` position,
    ``range`` the width of the issue's scale). Without a deal ``i`` expects ``e_ip``
    on each issue (``Stance.expects``; default the issue's status quo) and bears a
    cost ``c_i ≥ 0`` of continued conflict (``Actor.no_deal_cost``, in utility units,
    or ``no_deal_cost_path`` at a date). Its reservation value is
    ``r_i = U_i(e_i) − c_i``: it accepts a deal worth at least that (Fearon 1995: costly
    conflict opens a bargaining range).

Enforcement
    A deal's terms may not be honoured. With hold probability ``h_p`` on issue ``p``
    (the issue's ``hold_probability`` times the scenario's ``hold_probability``) the
    deal is worth, term by term, ``h_p u_ip(x_p) + (1 − h_p) u_ip(e_ip)`` to actor ``i``
    (``u_ip`` being the issue's term of ``U_i``): what the actor is promised if the term
    holds, what it expects without a deal if not. With a single ``h`` for the deal
    this is ``h U_i(x) + (1 − h) U_i(e_i)``. The cost of conflict is avoided by signing,
    whether or not the terms are later honoured. Actor ``i``'s *surplus* is

        G_i(x) = Σ_p h_p (u_ip(x_p) − u_ip(e_ip)) + c_i,

    and it accepts when ``G_i(x) ≥ 0``. A guarantee that may not hold discounts what a
    side is promised on that issue, so concessions received on weakly enforced issues
    count for less than concessions made on well enforced ones (the commitment
    problem, Fearon 1995).

Who must accept, and partial deals
    A deal *covers* a set of issues: all of them (the comprehensive deal) or a subset
    (a partial deal). Every ``veto`` actor of a covered issue must accept (Tsebelis
    2002: the win-set of the status quo is the intersection of the veto players'
    acceptable sets; Putnam 1988: ratifiers such as a legislature are veto players of
    the issues they must ratify). When no issue of the scenario names veto players,
    every actor with a stance on an issue is a veto player for it (unanimity).
    On an uncovered issue the package stays at no deal: its value is reported as the
    status quo, and each actor values it at what it expects without a deal, on both
    sides of the comparison, so the term cancels from ``G_i``. A partial deal does not
    end the whole conflict: it relieves each actor of the share of its no-deal cost
    that the covered issues carry in its salience, ``c_i Σ_{p covered} s_ip / Σ_p s_ip``.
    The comprehensive deal relieves all of it.

What is computed
    * Zone of agreement: the packages every veto player accepts. With the linear form
      the surpluses are concave and piecewise linear, so feasibility is a linear
      program (scipy ``linprog``, HiGHS) with one auxiliary variable per stance,
      ``v ≤ −|z − p|`` written as two inequalities. With the quadratic form every
      program is a smooth convex one (concave surpluses), solved by SLSQP from a feasible
      start. The zone on each issue is the interval
      ``[min x_p, max x_p]`` over the zone: two linear programs per issue.
    * The Nash bargaining solution (Nash 1950): the package maximising
      ``Σ_i w_i log G_i(x)`` over the zone, ``w`` the veto players' capabilities
      (normalised). The objective is concave. With the linear form the surpluses are
      linear inside each box between consecutive positions on every issue, so the
      program is solved box by box with SLSQP over ``x`` alone, moving to a neighbouring
      box while that gains (the objective's directional derivative separates by issue,
      so no gain from any single issue means the optimum); with the quadratic form it is
      smooth and solved directly. Veto players whose surplus is zero everywhere in the
      zone (no stake, or pinned at their reservation) are kept as constraints only.
    * The Kalai–Smorodinsky point (Kalai & Smorodinsky 1975): maximise ``t`` subject to
      ``G_i(x) ≥ t · ideal_i``, ``ideal_i`` the largest surplus ``i`` can get in the
      zone: a linear program (plus one per veto player for the ideals).
      Where a bargaining solution leaves some issues undetermined (no veto player cares),
      the package is the one closest to the status quo in Σ|x_p − sq_p| / range_p.
    * When there is no zone: the smallest total relaxation ``min Σ_i e_i`` subject to
      ``G_i(x) + e_i ≥ 0``, ``e ≥ 0`` (a linear program). Its split between actors is
      not unique; the split reported is the one, among the smallest totals, whose
      largest single relaxation is smallest (a second linear program), so a gap two
      sides share appears on both. The *blockers* are the actors with ``e_i > 0``. The
      *relaxed package* is a package achieving those relaxations, the closest to the
      status quo; a blocker's *binding issues* are the covered issues on which, at the
      relaxed package, it gets less than it expects without a deal, ranked by the loss
      ``h_p s_ip (|x_p − pos_ip| − |e_ip − pos_ip|) / range_p``. The gap in concrete
      terms: an extra no-deal cost of ``e_i`` (divided by the share of the cost the deal
      relieves) closes blocker ``i``'s part; or a shift of its position on one binding
      issue, toward the relaxed package (holding the package fixed, so an upper bound),
      that raises its surplus there by ``e_i``.
    * Partial deals: every subset of issues is a candidate. Zone existence is not
      monotone in the subset (dropping an issue can remove a compensation as well as a
      veto player), so subsets are examined from the largest down, all subsets of one
      size before the next, stopping at the first size that has a zone. Most subsets
      are decided without a linear program: a subset has a zone if one of a set of
      candidate packages (status quo, every actor's ideal and expectations, weighted
      medians, and every package found so far) is accepted by all its veto players;
      it has none if a dual certificate ``λ ≥ 0`` gives ``max_x Σ_i λ_i G_i(x) < 0``
      (the maximum separates by issue; the certificates are the dual values of the
      programs solved so far and pairwise weightings of the veto players). The rest get
      the relaxation program.

Arrays for sampling
    :func:`agreement_arrays` turns a scenario (at a date, with levers and types) into
    :class:`AgreementArrays`, calling ``value_of(path, Uncertain)`` for every uncertain
    input exactly as :func:`accord.scenario.arrays.arrays_from_scenario` does; a
    sampler returning ``D`` draws per input gives arrays with a leading draw axis.
    :func:`zone_batch` evaluates every draw. :func:`analyse_agreement` is the full
    analysis behind ``accord agree``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np
from scipy.optimize import linprog, minimize

from accord.analysis.levers import apply_edit, resolve_levers
from accord.analysis.timeline import interpolate_cost, parse_date, snapshot_at
from accord.analysis.types import resolve_types
from accord.errors import ModelError, ParameterError
from accord.scenario.arrays import ValueOf, midpoint
from accord.scenario.schema import Lever, Scenario, nearest_anchor

__all__ = [
    "TOL",
    "Utility",
    "AgreementArrays",
    "agreement_arrays",
    "Problem",
    "Deal",
    "Relaxation",
    "relax_arrays",
    "zone_batch",
    "nash_of",
    "BindingTerm",
    "Blocker",
    "DealResult",
    "PartialDeals",
    "analyse_deal",
    "partial_deals",
    "AgreementReport",
    "analyse_agreement",
]

Utility = Literal["linear", "quadratic"]
#: A zone exists when the smallest total relaxation is at most this (utility units).
TOL = 1e-9
_SLACK = 1e-9


# --------------------------------------------------------------------------- arrays


@dataclass(frozen=True, eq=False)
class AgreementArrays:
    """The inputs of the agreement analysis as arrays, with an optional leading draw axis.

    Attributes
    ----------
    actor_ids : tuple of str, length A
    issue_ids : tuple of str, length I
    position : ndarray, shape (A, I) or (D, A, I)
        Positions on each issue's scale; NaN where ``present`` is False.
    salience : ndarray, shape (A, I) or (D, A, I)
        In [0, 1]; 0 where ``present`` is False.
    expects : ndarray, shape (A, I) or (D, A, I)
        What each actor expects without a deal; NaN where ``present`` is False.
    present : ndarray of bool, shape (A, I)
    capability : ndarray, shape (A,) or (D, A)
    no_deal_cost : ndarray, shape (A,) or (D, A)
        In utility units, at the date analysed.
    hold : ndarray, shape (I,) or (D, I)
        Chance each issue's terms hold: the issue's hold probability times the deal's.
    veto : ndarray of bool, shape (A, I)
        True where the actor's consent is needed for a deal covering the issue.
    scale_min, scale_max, status_quo : ndarray, shape (I,)
    date : date or None
        The date analysed.
    snapshot : str or None
        The label of the timeline snapshot in force.
    levers : tuple of str
    types : dict of str to str
        Actor id -> chosen type id.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    expects: np.ndarray
    present: np.ndarray
    capability: np.ndarray
    no_deal_cost: np.ndarray
    hold: np.ndarray
    veto: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray
    date: dt.date | None = None
    snapshot: str | None = None
    levers: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)

    @property
    def batched(self) -> bool:
        return self.position.ndim == 3

    @property
    def n_draws(self) -> int:
        return self.position.shape[0] if self.batched else 1

    def draw(self, d: int) -> AgreementArrays:
        """Draw ``d`` of a batch, without the draw axis."""
        if not self.batched:
            raise ValueError("arrays have no draw axis")
        return replace(
            self,
            position=self.position[d],
            salience=self.salience[d],
            expects=self.expects[d],
            capability=self.capability[d],
            no_deal_cost=self.no_deal_cost[d],
            hold=self.hold[d],
        )


def agreement_arrays(
    scenario: Scenario,
    *,
    at: Any = None,
    levers: Sequence[str | Lever] = (),
    types: Mapping[str, str] | Iterable[str] | None = None,
    value_of: ValueOf = midpoint,
) -> AgreementArrays:
    """The scenario's agreement inputs as arrays, at a date, with levers and types.

    Parameters
    ----------
    scenario : Scenario
    at : date or str, optional
        The case at this date: the latest snapshot on or before it and every cost path
        at it (see :mod:`accord.analysis.timeline`). Default: the base case.
    levers : sequence of str or Lever
        Levers applied after the snapshot's edits, in this order.
    types : mapping of actor id to type id, or iterable of ``"ACTOR=TYPE"``, optional
        Alternative types whose stances replace the actor's.
    value_of : callable ``(path, Uncertain) -> float or ndarray of shape (D,)``
        As in :func:`accord.scenario.arrays.arrays_from_scenario`. Paths:
        ``stances[k].position|salience|expects``, ``actors[k].capability``,
        ``actors[k].no_deal_cost``, ``actors[k].no_deal_cost_path[j].value``,
        ``issues[k].hold_probability``, ``hold_probability``,
        ``types[k].stances[j].position|salience|expects``,
        ``timeline[k].edits[j].set|add|multiply``, ``levers[k].edits[j].set|add|multiply``.

    Returns
    -------
    AgreementArrays
        Order of application: base values, types, cost paths at the date, the
        snapshot's edits, the levers' edits; then clipping to valid ranges.

    Raises
    ------
    ParameterError
        A bad date, an unknown lever or type.
    """
    date = parse_date(at) if at is not None else None
    chosen_levers = resolve_levers(scenario, levers)
    chosen_types = resolve_types(scenario, types)
    actors, issues = scenario.actors, scenario.issues
    aidx = {a.id: k for k, a in enumerate(actors)}
    iidx = {i.id: k for k, i in enumerate(issues)}
    n_a, n_i = len(actors), len(issues)
    sq = np.array([scenario.status_quo(i) for i in issues], dtype=float)

    def get(path: str, value: Any) -> np.ndarray:
        return np.asarray(value_of(path, value), dtype=float)

    stance: dict[tuple[int, int], list[Any]] = {}
    for k, st in enumerate(scenario.stances):
        a, i = aidx[st.actor], iidx[st.issue]
        exp = get(f"stances[{k}].expects", st.expects) if st.expects is not None else np.asarray(sq[i])
        stance[(a, i)] = [get(f"stances[{k}].position", st.position), get(f"stances[{k}].salience", st.salience), exp]
    for actor_id, (k, typ) in chosen_types.items():
        a = aidx[actor_id]
        for j, ts in enumerate(typ.stances):
            i = iidx[ts.issue]
            cur = stance.get((a, i))
            if cur is None:
                if ts.position is None or ts.salience is None:
                    raise ParameterError(
                        f"type {typ.id!r} of {actor_id!r} needs a position and salience on {ts.issue!r}"
                    )
                cur = [None, None, np.asarray(sq[i])]
            for n, name in enumerate(("position", "salience", "expects")):
                value = getattr(ts, name)
                if value is not None:
                    cur[n] = get(f"types[{k}].stances[{j}].{name}", value)
            stance[(a, i)] = cur

    capability = [get(f"actors[{k}].capability", a.capability) for k, a in enumerate(actors)]
    cost = []
    for k, a in enumerate(actors):
        if date is not None and a.no_deal_cost_path:
            values = [get(f"actors[{k}].no_deal_cost_path[{j}].value", p.value)
                      for j, p in enumerate(a.no_deal_cost_path)]
            cost.append(np.asarray(interpolate_cost([p.date for p in a.no_deal_cost_path], values, date)))
        else:
            cost.append(get(f"actors[{k}].no_deal_cost", a.no_deal_cost))
    hold_issue = [get(f"issues[{k}].hold_probability", i.hold_probability) for k, i in enumerate(issues)]
    hold_deal = get("hold_probability", scenario.hold_probability)

    edits = []
    snap = snapshot_at(scenario, date) if date is not None else None
    if snap is not None:
        k, s = snap
        for j, e in enumerate(s.edits):
            op, value = e.operation
            edits.append((e, get(f"timeline[{k}].edits[{j}].{op}", value)))
    for k, lever in chosen_levers:
        prefix = f"levers[{k}]" if k is not None else f"levers[{lever.id}]"
        for j, e in enumerate(lever.edits):
            op, value = e.operation
            edits.append((e, get(f"{prefix}.edits[{j}].{op}", value)))

    shapes = [np.shape(x) for v in stance.values() for x in v]
    shapes += [np.shape(x) for x in (*capability, *cost, *hold_issue, hold_deal)]
    shapes += [np.shape(v) for _, v in edits]
    lead = np.broadcast_shapes(*shapes) if shapes else ()

    position = np.full((*lead, n_a, n_i), np.nan)
    salience = np.zeros((*lead, n_a, n_i))
    expects = np.full((*lead, n_a, n_i), np.nan)
    present = np.zeros((n_a, n_i), dtype=bool)
    for (a, i), (pos, sal, exp) in stance.items():
        position[..., a, i] = pos
        salience[..., a, i] = sal
        expects[..., a, i] = exp
        present[a, i] = True
    state = {
        "position": position,
        "salience": salience,
        "expects": expects,
        "capability": np.stack([np.broadcast_to(c, lead) for c in capability], axis=-1)
        if n_a else np.zeros((*lead, 0)),
        "no_deal_cost": np.stack([np.broadcast_to(c, lead) for c in cost], axis=-1)
        if n_a else np.zeros((*lead, 0)),
        "hold_issue": np.stack([np.broadcast_to(h, lead) for h in hold_issue], axis=-1)
        if n_i else np.zeros((*lead, 0)),
        "hold_deal": np.array(np.broadcast_to(hold_deal, lead), dtype=float),
    }
    for key in ("capability", "no_deal_cost", "hold_issue"):
        state[key] = np.array(state[key], dtype=float)
    for e, value in edits:
        apply_edit(state, e, value, aidx, iidx, present)

    lo = np.array([i.scale.min for i in issues], dtype=float)
    hi = np.array([i.scale.max for i in issues], dtype=float)
    position = np.clip(state["position"], lo, hi)
    expects = np.clip(state["expects"], lo, hi)
    salience = np.where(present, np.clip(state["salience"], 0.0, 1.0), 0.0)
    hold = np.clip(state["hold_issue"], 0.0, 1.0) * np.clip(state["hold_deal"], 0.0, 1.0)[..., None]
    veto = np.zeros((n_a, n_i), dtype=bool)
    for i, issue in enumerate(issues):
        for v in issue.veto:
            veto[aidx[v], i] = True
    if not veto.any():
        veto = present.copy()
    return AgreementArrays(
        actor_ids=tuple(aidx),
        issue_ids=tuple(iidx),
        position=position,
        salience=salience,
        expects=expects,
        present=present,
        capability=np.maximum(state["capability"], 0.0),
        no_deal_cost=np.maximum(state["no_deal_cost"], 0.0),
        hold=hold,
        veto=veto,
        scale_min=lo,
        scale_max=hi,
        status_quo=sq,
        date=date,
        snapshot=snap[1].label if snap is not None else None,
        levers=tuple(lv.id for _, lv in chosen_levers),
        types={a: t.id for a, (_, t) in chosen_types.items()},
    )


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
            A3, b3 = self._zone_rows(n3, slack=e + _SLACK)
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
        return self._closest(np.maximum(ideals, 0.0) * t - _SLACK, fallback=res.x[:n0])

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


def _weights(problem: Problem, deal: Deal) -> np.ndarray:
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
    y = deal.nash(_weights(problem, deal), np.array(ideals), ys)
    return problem.to_scale(deal.package(y))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BindingTerm:
    """An issue on which a blocker gets less than it expects without a deal.

    Attributes
    ----------
    issue : str
    loss : float
        ``h s (|x − pos| − |e − pos|) / range`` at the relaxed package (utility units).
    relaxed : float
        The relaxed package's value on the issue.
    position : float
        The blocker's position.
    shift_to : float or None
        The position that would close the blocker's whole gap on this issue alone
        (relaxed package held fixed); None when no position on the scale does.
    """

    issue: str
    loss: float
    relaxed: float
    position: float
    shift_to: float | None

    @property
    def shift(self) -> float | None:
        return abs(self.shift_to - self.position) if self.shift_to is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "loss": self.loss,
            "relaxed": self.relaxed,
            "position": self.position,
            "shift_to": self.shift_to,
            "shift": self.shift,
        }


@dataclass(frozen=True)
class Blocker:
    """A veto player that must concede for a zone to open.

    Attributes
    ----------
    actor : str
    gap : float
        Its part ``e_i`` of the smallest total relaxation.
    extra_no_deal_cost : float or None
        The rise of its no-deal cost that would close its part.
    binding : tuple of BindingTerm
        Largest loss first.
    """

    actor: str
    gap: float
    extra_no_deal_cost: float | None
    binding: tuple[BindingTerm, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "gap": self.gap,
            "extra_no_deal_cost": self.extra_no_deal_cost,
            "binding_issues": [b.to_json() for b in self.binding],
        }


@dataclass(frozen=True)
class DealResult:
    """The analysis of one deal (comprehensive or partial).

    Attributes
    ----------
    issues : tuple of str
        Covered issues.
    veto : tuple of str
        Actors whose consent it needs.
    zone_exists : bool
    gap : float
    actor_gap : dict of str to float
        Every veto player's part of the gap.
    zone : dict of str to (float, float)
        Covered issue -> the zone's interval (empty when there is no zone).
    nash, kalai_smorodinsky : dict of str to float
        Issue -> value, every issue (uncovered at the status quo); empty when no zone.
    nash_surplus, ks_surplus : dict of str to float
        Veto player -> surplus over its reservation value at each solution.
    margin : float or None
        The largest surplus every veto player can get at once (when a zone exists).
    relaxed : dict of str to float
        The relaxed package, when there is no zone.
    blockers : tuple of Blocker
        Largest gap first.
    reservation : dict of str to dict
        Veto player -> ``expects_utility`` (``U_i(e_i)``), ``no_deal_cost`` and
        ``reservation`` (their difference).
    """

    issues: tuple[str, ...]
    veto: tuple[str, ...]
    zone_exists: bool
    gap: float
    actor_gap: dict[str, float]
    zone: dict[str, tuple[float, float]] = field(default_factory=dict)
    nash: dict[str, float] = field(default_factory=dict)
    kalai_smorodinsky: dict[str, float] = field(default_factory=dict)
    nash_surplus: dict[str, float] = field(default_factory=dict)
    ks_surplus: dict[str, float] = field(default_factory=dict)
    margin: float | None = None
    relaxed: dict[str, float] = field(default_factory=dict)
    blockers: tuple[Blocker, ...] = ()
    reservation: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "issues": list(self.issues),
            "veto": list(self.veto),
            "zone_exists": self.zone_exists,
            "gap": self.gap,
            "actor_gap": dict(self.actor_gap),
            "zone": {k: [lo, hi] for k, (lo, hi) in self.zone.items()},
            "nash": dict(self.nash),
            "kalai_smorodinsky": dict(self.kalai_smorodinsky),
            "nash_surplus": dict(self.nash_surplus),
            "ks_surplus": dict(self.ks_surplus),
            "margin": self.margin,
            "relaxed": dict(self.relaxed),
            "blockers": [b.to_json() for b in self.blockers],
            "reservation": {k: dict(v) for k, v in self.reservation.items()},
        }


def _shift_to(problem: Problem, a: int, q: int, z_q: float, need: float) -> float | None:
    """The position of actor ``a`` on issue ``q`` closest to its own that raises its term by ``need``."""
    w, eps, pi = problem.w[a, q], problem.eps[a, q], problem.pi[a, q]
    if w <= 0:
        return None
    grid = np.linspace(0.0, 1.0, 4001)
    gain = w * (problem.f(eps - grid) - problem.f(z_q - grid)) - w * (problem.f(eps - pi) - problem.f(z_q - pi))
    ok = np.flatnonzero(gain >= need - 1e-12)
    if not len(ok):
        return None
    best = ok[np.argmin(np.abs(grid[ok] - pi))]
    target = grid[best]
    other = grid[best - 1] if target > pi and best > 0 else grid[min(best + 1, len(grid) - 1)]
    lo_pt, hi_pt = other, target
    for _ in range(60):
        mid = 0.5 * (lo_pt + hi_pt)
        g = w * (problem.f(eps - mid) - problem.f(z_q - mid)) - w * (problem.f(eps - pi) - problem.f(z_q - pi))
        if g >= need:
            hi_pt = mid
        else:
            lo_pt = mid
    return float(problem.to_scale(np.full(problem.pi.shape[1], hi_pt))[q])


def analyse_deal(problem: Problem, cover: np.ndarray | None = None, *, detail: bool = True) -> DealResult:
    """Zone, bargaining solutions or the gap and its blockers, for one deal.

    Parameters
    ----------
    problem : Problem
    cover : ndarray of bool, shape (I,), optional
        Covered issues; default all.
    detail : bool
        Compute the zone intervals, both bargaining solutions and the blockers' terms;
        otherwise only existence, gap and margin.
    """
    deal = Deal(problem, cover)
    ids, aids = problem.issue_ids, problem.actor_ids
    covered = tuple(ids[q] for q in deal.C)
    veto = tuple(aids[a] for a in deal.V)
    rel = deal.relax(closest=detail)
    reservation = {}
    for a in deal.V:
        qs = deal.C[problem.present[a, deal.C]]
        expects_u = float(-np.sum(problem.sal[a, qs] * problem.f(problem.eps[a, qs] - problem.pi[a, qs])))
        c = float(problem.cost[a] * deal.share[a])
        reservation[aids[a]] = {"expects_utility": expects_u, "no_deal_cost": c, "reservation": expects_u - c}
    actor_gap = {aids[a]: float(rel.actor_gap[a]) for a in deal.V}
    if not rel.zone_exists:
        x = problem.to_scale(rel.z)
        blockers = []
        if detail:
            terms_now = problem.w * (problem.f(rel.z[None, :] - problem.pi) - problem.f(problem.eps - problem.pi))
            for a in np.argsort(-rel.actor_gap, kind="stable"):
                e = float(rel.actor_gap[a])
                if e <= 0:
                    continue
                binding = []
                for q in deal.C:
                    loss = float(terms_now[a, q]) if problem.present[a, q] else 0.0
                    if loss > 1e-12:
                        shift = _shift_to(problem, int(a), int(q), float(rel.z[q]), e)
                        pos = float(problem.to_scale(problem.pi[a])[q])
                        binding.append(BindingTerm(ids[q], loss, float(x[q]), pos, shift))
                binding.sort(key=lambda t: -t.loss)
                share = float(deal.share[a])
                blockers.append(Blocker(aids[a], e, e / share if share > 0 else None, tuple(binding)))
        return DealResult(
            issues=covered,
            veto=veto,
            zone_exists=False,
            gap=rel.gap,
            actor_gap=actor_gap,
            relaxed={ids[q]: float(x[q]) for q in deal.C},
            blockers=tuple(blockers),
            reservation=reservation,
        )
    margin = deal.margin()[0] if deal.nV else None
    if not detail:
        return DealResult(covered, veto, True, 0.0, actor_gap, margin=margin, reservation=reservation)
    zone = {}
    for j, q in enumerate(deal.C):
        lo, hi = deal.interval(j)
        zone[ids[q]] = (float(problem.to_scale(np.full(len(ids), lo))[q]),
                        float(problem.to_scale(np.full(len(ids), hi))[q]))
    if deal.nV and deal.nv:
        ideals, ys = zip(*(deal.ideal(li) for li in range(deal.nV)), strict=True)
        ideals_a = np.array(ideals)
        y_nash = deal.nash(_weights(problem, deal), ideals_a, ys)
        y_ks = deal.kalai_smorodinsky(ideals_a)
        z_nash, z_ks = deal.package(y_nash), deal.package(y_ks)
    else:
        z_nash = z_ks = deal.package(None)
    x_nash, x_ks = problem.to_scale(z_nash), problem.to_scale(z_ks)
    for q in deal.C:
        lo, hi = zone[ids[q]]
        x_nash[q] = min(max(x_nash[q], lo), hi)
        x_ks[q] = min(max(x_ks[q], lo), hi)
    g_nash, g_ks = deal.surplus(z_nash), deal.surplus(z_ks)
    return DealResult(
        issues=covered,
        veto=veto,
        zone_exists=True,
        gap=0.0,
        actor_gap=actor_gap,
        zone=zone,
        nash={i: float(v) for i, v in zip(ids, x_nash, strict=True)},
        kalai_smorodinsky={i: float(v) for i, v in zip(ids, x_ks, strict=True)},
        nash_surplus={aids[a]: float(g_nash[a]) for a in deal.V},
        ks_surplus={aids[a]: float(g_ks[a]) for a in deal.V},
        margin=margin,
        reservation=reservation,
    )


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
    """

    size: int
    deals: tuple[DealResult, ...]
    n_feasible: int
    subsets_checked: int
    lps: int

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "n_feasible": self.n_feasible,
            "subsets_checked": self.subsets_checked,
            "lps": self.lps,
            "deals": [d.to_json() for d in self.deals],
        }


def _breakpoint_terms(problem: Problem) -> np.ndarray | None:
    """Every actor's terms at every candidate maximiser of a linear ``Σ_i λ_i T_i``, shape (B, A, I).

    With the linear form ``max_z Σ_i λ_i T_ip(z)`` is reached at a position or a scale end;
    with the quadratic form it depends on ``λ`` (None).
    """
    if problem.quadratic:
        return None
    n_i = problem.pi.shape[1]
    cands = np.vstack([problem.pi, problem.sq[None], np.zeros((1, n_i)), np.ones((1, n_i))])
    return np.stack([problem.terms(c) for c in cands])


def _breakpoint_max(problem: Problem, lam: np.ndarray, T_bp: np.ndarray | None) -> np.ndarray:
    """``ψ_p = max_z Σ_i λ_i T_ip(z)`` for every issue, shape (L, I), for λ of shape (L, A)."""
    if T_bp is not None:
        return np.einsum("la,bai->lbi", lam, T_bp).max(axis=1)
    wl = lam[:, :, None] * problem.w[None]
    tot = wl.sum(axis=1)
    zc = np.divide((wl * problem.pi[None]).sum(axis=1), tot, out=np.tile(problem.sq, (len(lam), 1)), where=tot > 0)
    return np.stack([lam[r] @ problem.terms(zc[r]) for r in range(len(lam))])


def _accepted(B: np.ndarray, VB: np.ndarray, T_stack: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Subsets ``rows`` of ``B`` (S, I) whose veto players ``VB`` (S, A) all accept one of the packages."""
    if not len(T_stack) or not len(rows):
        return np.zeros(len(rows), dtype=bool)
    G = np.einsum("si,kai->ksa", B[rows], np.stack(T_stack))
    return ((G >= -1e-12) | ~VB[rows][None]).all(axis=-1).any(axis=0)


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
        psi = _breakpoint_max(problem, L * mask[None], T_bp)
        out[sel] = ((B[rows[sel]] @ psi.T) < -1e-10).any(axis=1)
    return out


def partial_deals(problem: Problem, *, limit: int = 5, detail: bool = True) -> PartialDeals:
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
        status[_accepted(B, VB, Ts, np.arange(len(B)))] = 1
        rest = np.flatnonzero(status == 0)
        status[rest[_certified_empty(problem, B, VB, lams, rest, T_bp)]] = -1
        while True:
            rest = np.flatnonzero(status == 0)
            if not len(rest):
                break
            s = rest[0]
            deal = Deal(problem, B[s].astype(bool))
            rel = deal.relax()
            lps += deal.lps
            rest = rest[1:]
            if rel.zone_exists:
                status[s] = 1
                Ts.append(problem.terms(rel.z))
                status[rest[_accepted(B, VB, Ts[-1:], rest)]] = 1
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
            order = sorted(range(len(found)), key=lambda k: (-(results[k].margin or 0.0), results[k].issues))
            chosen = [found[k] for k in order[:limit]]
            deals = tuple(analyse_deal(problem, B[s].astype(bool), detail=detail) for s in chosen)
            return PartialDeals(size, deals, len(found), checked, lps)
    return PartialDeals(0, (), 0, checked, lps)


# --------------------------------------------------------------------------- the report


def _anchor_text(scenario: Scenario, issue_id: str, value: float) -> str | None:
    anchor = nearest_anchor(scenario.issue(issue_id), value)
    return f"{anchor[0]:g}: {anchor[1]}" if anchor else None


def _names(scenario: Scenario) -> dict[str, str]:
    return {a.id: a.name for a in scenario.actors}


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class AgreementReport:
    """Everything ``accord agree`` says about a case.

    Attributes
    ----------
    scenario : Scenario
    utility : str
    date, snapshot, levers, types
        The case analysed.
    deal : DealResult
        The comprehensive deal.
    partial : PartialDeals or None
    levers_ranked : tuple of LeverEffect
    timeline : tuple of TimePoint
    types_report : tuple of ActorTypes
    timings : dict of str to float
        Seconds spent on each part.
    """

    scenario: Scenario
    utility: str
    date: dt.date | None
    snapshot: str | None
    levers: tuple[str, ...]
    types: dict[str, str]
    deal: DealResult
    partial: PartialDeals | None
    levers_ranked: tuple[Any, ...] = ()
    timeline: tuple[Any, ...] = ()
    types_report: tuple[Any, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """The answer in one sentence."""
        names = _names(self.scenario)
        d = self.deal
        vetoes = _join([names[v] for v in d.veto])
        when = f" at {self.date.isoformat()}" if self.date else ""
        if d.zone_exists:
            return (
                f"An agreement is attainable{when}: some packages give every veto player "
                f"({vetoes}) at least what it expects without a deal."
            )
        parts = _join([f"{names[b.actor]} {b.gap:.3f}" for b in d.blockers])
        return (
            f"No agreement is attainable{when}: no package gives every veto player ({vetoes}) what it "
            f"expects without a deal; the smallest concession that would open a zone is {d.gap:.3f} "
            f"utility units in all ({parts})."
        )

    @property
    def reasons(self) -> list[str]:
        """The reasons behind the verdict, one sentence each."""
        sc = self.scenario
        names = _names(sc)
        inames = {i.id: i.name for i in sc.issues}
        d = self.deal
        out: list[str] = []
        if d.zone_exists:
            for label, pkg in (("Nash bargaining solution", d.nash), ("Kalai-Smorodinsky point", d.kalai_smorodinsky)):
                moves = []
                for i, v in pkg.items():
                    issue = sc.issue(i)
                    sq = sc.status_quo(issue)
                    share = abs(v - sq) / (issue.scale.max - issue.scale.min)
                    if share > 1e-6:
                        moves.append((share, i, sq, v))
                moves.sort(key=lambda m: -m[0])
                if not moves:
                    out.append(f"The {label} is the status quo.")
                    continue
                text = "; ".join(
                    f"{inames[i]} {sq:.0f} → {v:.0f}" + (f" ({a})" if (a := _anchor_text(sc, i, v)) else "")
                    for _, i, sq, v in moves[:3]
                )
                out.append(f"The {label} moves {len(moves)} of {len(pkg)} issues from the status quo, "
                           f"most {text}.")
            if d.margin is not None:
                out.append(f"Every veto player can gain at least {d.margin:.3f} over no deal at once.")
        else:
            for b in d.blockers:
                terms = _join([f"{inames[t.issue]} ({t.loss:.3f})" for t in b.binding[:3]]) or "no single issue"
                line = (f"{names[b.actor]} blocks: at the closest package it falls {b.gap:.3f} short of what it "
                        f"expects without a deal, losing most on {terms}")
                if b.extra_no_deal_cost is not None:
                    line += f"; a no-deal cost higher by {b.extra_no_deal_cost:.3f} would close its part"
                shiftable = [t for t in b.binding if t.shift_to is not None]
                if shiftable:
                    t = min(shiftable, key=lambda t: t.shift or 0.0)
                    line += (f", as would moving its position on {inames[t.issue]} from {t.position:.0f} "
                             f"to {t.shift_to:.0f}")
                out.append(line + ".")
        if self.partial is not None:
            if self.partial.size:
                best = self.partial.deals[0]
                issues = _join([inames[i] for i in best.issues])
                out.append(
                    f"Partial deals: {self.partial.n_feasible} deal(s) on {self.partial.size} of "
                    f"{len(sc.issues)} issues have a zone, e.g. one on {issues}."
                )
            else:
                out.append("No partial deal, on any subset of the issues, has a zone of agreement either.")
        if self.levers_ranked:
            best = self.levers_ranked[0]
            label = " + ".join(best.levers)
            if not d.zone_exists:
                if best.zone_exists:
                    out.append(f"Lever {label} would open a zone of agreement.")
                elif best.gap_closed > 1e-9:
                    out.append(f"The most effective lever, {label}, closes {100 * (best.share_closed or 0):.0f}% "
                               f"of the gap; none opens a zone.")
                else:
                    out.append("No lever, alone or in pairs, narrows the gap.")
            elif best.nash_shift is not None:
                out.append(f"The lever that moves the Nash package most is {label} "
                           f"({best.nash_shift:.1f} points of scale in all).")
        if self.timeline:
            opened = [t for t in self.timeline if t.zone_exists]
            first, last = self.timeline[0], self.timeline[-1]
            trend = (f"the gap goes from {first.gap:.3f} ({first.date.isoformat()}) to {last.gap:.3f} "
                     f"({last.date.isoformat()})")
            if opened:
                out.append(f"Over the timeline a zone exists on {len(opened)} of {len(self.timeline)} dates; {trend}.")
            else:
                out.append(f"Over the timeline no date has a zone; {trend}.")
        for at in self.types_report:
            if at.actor == "*":
                out.append(f"Over every combination of types, a zone exists with probability {at.p_zone:.2f}.")
                continue
            with_zone = [v.name for v in at.verdicts if v.zone_exists]
            out.append(
                f"If {names.get(at.actor, at.actor)}'s type is uncertain, a zone exists with probability "
                f"{at.p_zone:.2f}" + (f" (under: {_join(with_zone)})" if with_zone else " (under no type)") + "."
            )
            if at.proposals:
                out.append(f"A probe: {at.proposals[0].describe(inames)}.")
        return out

    def to_json(self) -> dict[str, Any]:
        sc = self.scenario
        d = self.deal
        issues = {}
        for issue in sc.issues:
            entry: dict[str, Any] = {"status_quo": sc.status_quo(issue), "zone": list(d.zone[issue.id])
                                     if issue.id in d.zone else None}
            for key, pkg in (("nash", d.nash), ("kalai_smorodinsky", d.kalai_smorodinsky), ("relaxed", d.relaxed)):
                if issue.id in pkg:
                    entry[key] = pkg[issue.id]
                    entry[f"{key}_anchor"] = _anchor_text(sc, issue.id, pkg[issue.id])
            issues[issue.id] = entry
        inames = {i.id: i.name for i in sc.issues}
        return {
            "scenario": sc.id,
            "utility": self.utility,
            "at": self.date.isoformat() if self.date else None,
            "snapshot": self.snapshot,
            "levers_applied": list(self.levers),
            "types_applied": dict(self.types),
            "verdict": self.verdict,
            "reasons": self.reasons,
            "zone_exists": d.zone_exists,
            "zone": {k: [lo, hi] for k, (lo, hi) in d.zone.items()},
            "nash": dict(d.nash),
            "kalai_smorodinsky": dict(d.kalai_smorodinsky),
            "gap": d.gap,
            "blockers": [b.to_json() for b in d.blockers],
            "veto_players": list(d.veto),
            "margin": d.margin,
            "nash_surplus": dict(d.nash_surplus),
            "ks_surplus": dict(d.ks_surplus),
            "relaxed": dict(d.relaxed),
            "reservation": {k: dict(v) for k, v in d.reservation.items()},
            "issues": issues,
            "partial_deals": self.partial.to_json() if self.partial is not None else None,
            "levers": [e.to_json() for e in self.levers_ranked],
            "timeline": [t.to_json() for t in self.timeline],
            "types": [t.to_json(inames) for t in self.types_report],
            "timings": dict(self.timings),
        }


def analyse_agreement(
    scenario: Scenario,
    *,
    at: Any = None,
    levers: Sequence[str] = (),
    types: Mapping[str, str] | Iterable[str] | None = None,
    utility: Utility = "linear",
    partial: bool = True,
    lever_pairs: bool = True,
    timeline: bool = True,
    with_types: bool = True,
    max_partial: int = 5,
) -> AgreementReport:
    """The full agreement analysis of a case.

    Parameters
    ----------
    scenario : Scenario
    at : date or str, optional
        Analyse the case at this date (snapshot and cost paths).
    levers : sequence of str
        Levers applied to the case.
    types : mapping or iterable of ``"ACTOR=TYPE"``, optional
        Types chosen for the case.
    utility : {"linear", "quadratic"}
    partial, lever_pairs, timeline, with_types : bool
        Parts to compute (all by default).
    max_partial : int
        Largest partial deals reported in full.

    Returns
    -------
    AgreementReport
    """
    from accord.analysis.levers import rank_levers
    from accord.analysis.timeline import evaluate_timeline
    from accord.analysis.types import analyse_types

    if utility not in ("linear", "quadratic"):
        raise ParameterError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    arrays = agreement_arrays(scenario, at=at, levers=levers, types=types)
    problem = Problem.from_arrays(arrays, utility)
    deal = analyse_deal(problem)
    timings["deal"] = time.perf_counter() - start

    part = None
    if partial:
        start = time.perf_counter()
        part = partial_deals(problem, limit=max_partial)
        timings["partial"] = time.perf_counter() - start

    ranked: list[Any] = []
    if scenario.levers:
        start = time.perf_counter()
        ranked = rank_levers(scenario, at=at, levers=arrays.levers, types=types, utility=utility,
                             pairs=lever_pairs, base=arrays)
        timings["levers"] = time.perf_counter() - start

    points: list[Any] = []
    if timeline and (scenario.timeline or any(a.no_deal_cost_path for a in scenario.actors)):
        start = time.perf_counter()
        points = evaluate_timeline(scenario, levers=arrays.levers, types=types, utility=utility)
        timings["timeline"] = time.perf_counter() - start

    typed: list[Any] = []
    if with_types and scenario.types:
        start = time.perf_counter()
        typed = analyse_types(scenario, at=at, levers=arrays.levers, types=types, utility=utility)
        timings["types"] = time.perf_counter() - start

    timings["total"] = sum(timings.values())
    return AgreementReport(
        scenario=scenario,
        utility=utility,
        date=arrays.date,
        snapshot=arrays.snapshot,
        levers=arrays.levers,
        types=dict(arrays.types),
        deal=deal,
        partial=part,
        levers_ranked=tuple(ranked),
        timeline=tuple(points),
        types_report=tuple(typed),
        timings=timings,
    )
