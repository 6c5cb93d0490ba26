"""The inputs of the agreement analysis as arrays: positions, expectations, costs, veto players.

Built from a scenario at a date, with levers and actor types applied, through the same
``value_of`` hook as :func:`accord.scenario.arrays.arrays_from_scenario`, so a Monte Carlo
sampler gets a leading draw axis. The method is described in :mod:`accord.agreement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from accord.errors import ParameterError
from accord.scenario.arrays import ValueOf, midpoint
from accord.scenario.case import Case, TypeChoice, interpolate_cost
from accord.scenario.edits import apply_edit
from accord.scenario.schema import Lever, Scenario

Utility = Literal["linear", "quadratic"]
#: A zone exists when the smallest total relaxation is at most this (utility units).
TOL = 1e-9
#: Slack added to acceptance constraints when a package must sit strictly inside the zone.
SLACK = 1e-9


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
    red_actor, red_issue : ndarray of int, shape (R,)
        The actor and issue of each red-line bound (a red line with both ``at_least``
        and ``at_most`` gives two bounds).
    red_at_least : ndarray of bool, shape (R,)
        True for a lower bound (``at_least``), False for an upper one.
    red_value : ndarray, shape (R,)
        The bound on the issue's scale.
    red_credibility : ndarray, shape (R,) or (D, R)
        Probability that the red line is real rather than a posture.
    red_real : ndarray of bool, shape (R,) or (D, R)
        Whether each bound is held in this case (every one, unless a sampler drew
        some as postures).
    red_source : tuple of str, length R
        Where each bound was set (``stances[k].red_line``, ``types[k].stances[j].red_line``,
        ``levers[k].edits[j]``, ``timeline[k].edits[j]``).
    requirements : tuple of RequirementArrays
    options : tuple of (ndarray or None), length I
        The values an indivisible issue can take (scale units); None for a divisible one.
    carry_over : ndarray, shape (I,)
        Share of a concession that stays in force when the deal collapses.
    deal_hold : ndarray, shape () or (D,)
        The deal's own hold probability (``hold`` already includes it).
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
    red_actor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    red_issue: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    red_at_least: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    red_value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    red_credibility: np.ndarray = field(default_factory=lambda: np.zeros(0))
    red_real: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    red_source: tuple[str, ...] = ()
    requirements: tuple[RequirementArrays, ...] = ()
    options: tuple[np.ndarray | None, ...] = ()
    carry_over: np.ndarray = field(default_factory=lambda: np.zeros(0))
    deal_hold: np.ndarray = field(default_factory=lambda: np.asarray(1.0))
    date: dt.date | None = None
    snapshot: str | None = None
    levers: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)

    @property
    def n_red_lines(self) -> int:
        return len(self.red_actor)

    def red_label(self, r: int) -> dict[str, Any]:
        """Red-line bound ``r`` as ``{actor, issue, bound, value}`` (ids and scale units)."""
        return {
            "actor": self.actor_ids[int(self.red_actor[r])],
            "issue": self.issue_ids[int(self.red_issue[r])],
            "bound": "at_least" if self.red_at_least[r] else "at_most",
            "value": float(self.red_value[r]),
        }

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
            red_credibility=self.red_credibility[d] if self.red_credibility.ndim == 2 else self.red_credibility,
            red_real=self.red_real[d] if self.red_real.ndim == 2 else self.red_real,
            deal_hold=self.deal_hold[d] if self.deal_hold.ndim else self.deal_hold,
        )

    def broadcast(self, n: int) -> AgreementArrays:
        """The arrays with a leading draw axis of length ``n`` (inputs without draws repeated)."""
        if self.batched:
            if self.n_draws != n:
                raise ValueError(f"arrays have {self.n_draws} draws, not {n}")
            return self
        a, i, r = len(self.actor_ids), len(self.issue_ids), self.n_red_lines
        return replace(
            self,
            position=np.broadcast_to(self.position, (n, a, i)),
            salience=np.broadcast_to(self.salience, (n, a, i)),
            expects=np.broadcast_to(self.expects, (n, a, i)),
            capability=np.broadcast_to(self.capability, (n, a)),
            no_deal_cost=np.broadcast_to(self.no_deal_cost, (n, a)),
            hold=np.broadcast_to(self.hold, (n, i)),
            red_credibility=np.broadcast_to(self.red_credibility, (n, r)),
            red_real=np.broadcast_to(self.red_real, (n, r)),
            deal_hold=np.broadcast_to(self.deal_hold, (n,)),
        )

    def with_real(self, real: np.ndarray) -> AgreementArrays:
        """The same arrays with red lines held where ``real`` is True, shape (R,) or (D, R)."""
        real = np.asarray(real, dtype=bool)
        if real.shape[-1:] != (self.n_red_lines,):
            raise ValueError(f"real must end in {self.n_red_lines} red lines, got shape {real.shape}")
        return replace(self, red_real=real)


@dataclass(frozen=True, eq=False)
class RequirementArrays:
    """A requirement ``at_least_k`` of conditions, resolved to indices.

    Attributes
    ----------
    actor : int
    k : int
    issue : ndarray of int, shape (C,)
    at_least : ndarray of bool, shape (C,)
        True for ``at_least`` conditions, False for ``at_most``.
    value : ndarray, shape (C,)
        Scale units.
    source : str
        ``actors[a].requires[j]``.
    """

    actor: int
    k: int
    issue: np.ndarray
    at_least: np.ndarray
    value: np.ndarray
    source: str


def _index(index: Mapping[str, int], key: str | None) -> int:
    """``index[key]``; a ``KeyError`` for a missing key, None included."""
    if key is None:
        raise KeyError(key)
    return index[key]


def agreement_arrays(
    case: Case | Scenario,
    *,
    at: Any = None,
    levers: Sequence[str | Lever] = (),
    types: TypeChoice = None,
    value_of: ValueOf = midpoint,
    real_of: Callable[[str], np.ndarray] | None = None,
) -> AgreementArrays:
    """The agreement inputs of a case as arrays.

    Parameters
    ----------
    case : Case or Scenario
        The case analysed; a scenario is resolved with ``at``, ``levers`` and ``types``
        (see :meth:`accord.scenario.case.Case.resolve`), which are ignored for a case.
    at : date or str, optional
    levers : sequence of str or Lever
    types : mapping of actor id to type id, or iterable of ``"ACTOR=TYPE"``, optional
    value_of : callable ``(path, Uncertain) -> float or ndarray of shape (D,)``
        As in :func:`accord.scenario.arrays.arrays_from_scenario`. Paths:
        ``stances[k].position|salience|expects``, ``actors[k].capability``,
        ``actors[k].no_deal_cost``, ``actors[k].no_deal_cost_path[j].value``,
        ``issues[k].hold_probability``, ``hold_probability``,
        ``types[k].stances[j].position|salience|expects``,
        ``timeline[k].edits[j].set|add|multiply``, ``levers[k].edits[j].set|add|multiply``,
        ``stances[k].red_line.credibility``, ``types[k].stances[j].red_line.credibility``,
        ``timeline[k].edits[j].credibility``, ``levers[k].edits[j].credibility``.
    real_of : callable ``(path) -> ndarray of shape (D,)``, optional
        Uniform draws on [0, 1) deciding whether each red line is real: the red line set
        at ``path`` (``stances[k].red_line``, ``levers[k].edits[j]``, ...) is held in a
        draw when its uniform is below its credibility. Both bounds of one red line share
        the draw. Default: every red line is held (the red lines as stated).

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
    case = Case.of(case, at=at, levers=levers, types=types)
    scenario, date = case.scenario, case.date
    chosen_levers, chosen_types = case.levers, case.types
    actors, issues = scenario.actors, scenario.issues
    aidx = {a.id: k for k, a in enumerate(actors)}
    iidx = {i.id: k for k, i in enumerate(issues)}
    n_a, n_i = len(actors), len(issues)
    sq = np.array([scenario.status_quo(i) for i in issues], dtype=float)

    def get(path: str, value: Any) -> np.ndarray:
        return np.asarray(value_of(path, value), dtype=float)

    stance: dict[tuple[int, int], list[Any]] = {}
    lines: dict[tuple[int, int], dict[str, Any]] = {}

    def set_line(a: int, i: int, source: str, at_least: float | None, at_most: float | None,
                 credibility: Any, replace_all: bool) -> None:
        cur = {} if replace_all else dict(lines.get((a, i), {}))
        for key, value in (("at_least", at_least), ("at_most", at_most)):
            if value is not None:
                cur[key] = (float(value), source)
        if credibility is not None:
            cur["credibility"] = get(f"{source}.credibility", credibility)
        cur.setdefault("credibility", np.asarray(1.0))
        lines[(a, i)] = cur

    for k, st in enumerate(scenario.stances):
        a, i = aidx[st.actor], iidx[st.issue]
        exp = get(f"stances[{k}].expects", st.expects) if st.expects is not None else np.asarray(sq[i])
        stance[(a, i)] = [get(f"stances[{k}].position", st.position), get(f"stances[{k}].salience", st.salience), exp]
        if st.red_line is not None:
            rl = st.red_line
            set_line(a, i, f"stances[{k}].red_line", rl.at_least, rl.at_most, rl.credibility, True)
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
            if ts.red_line is not None:
                rl = ts.red_line
                set_line(a, i, f"types[{k}].stances[{j}].red_line", rl.at_least, rl.at_most, rl.credibility, True)

    capability = [get(f"actors[{k}].capability", a.capability) for k, a in enumerate(actors)]
    cost = []
    for k, actor in enumerate(actors):
        if date is not None and actor.no_deal_cost_path:
            values = [get(f"actors[{k}].no_deal_cost_path[{j}].value", p.value)
                      for j, p in enumerate(actor.no_deal_cost_path)]
            cost.append(np.asarray(interpolate_cost([p.date for p in actor.no_deal_cost_path], values, date)))
        else:
            cost.append(get(f"actors[{k}].no_deal_cost", actor.no_deal_cost))
    hold_issue = [get(f"issues[{k}].hold_probability", i.hold_probability) for k, i in enumerate(issues)]
    hold_deal = get("hold_probability", scenario.hold_probability)

    edits = []
    groups = []
    if case.snapshot is not None:
        k, snap = case.snapshot
        groups.append((f"timeline[{k}]", snap.edits))
    for lever_k, lever in chosen_levers:
        groups.append((f"levers[{lever_k}]" if lever_k is not None else f"levers[{lever.id}]", lever.edits))
    for prefix, group in groups:
        for j, e in enumerate(group):
            if e.edits_red_line:
                try:
                    a, i = _index(aidx, e.actor), _index(iidx, e.issue)
                except KeyError as exc:
                    raise ParameterError(f"an edit of red_line refers to unknown {exc.args[0]!r}") from None
                set_line(a, i, f"{prefix}.edits[{j}]", e.at_least, e.at_most, e.credibility, False)
                continue
            op, value = e.operation
            edits.append((e, get(f"{prefix}.edits[{j}].{op}", value)))

    uniforms: dict[tuple[int, int], np.ndarray] = {}
    if real_of is not None:
        for key, line in lines.items():
            bound = line.get("at_least") or line.get("at_most")
            assert bound is not None, f"red line {key} without a bound"
            source = bound[1]
            uniforms[key] = np.asarray(real_of(source), dtype=float)
    shapes = [np.shape(x) for v in stance.values() for x in v]
    shapes += [np.shape(line["credibility"]) for line in lines.values()]
    shapes += [np.shape(u) for u in uniforms.values()]
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
    for name in ("capability", "no_deal_cost", "hold_issue"):
        state[name] = np.array(state[name], dtype=float)
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

    bounds = [(a, i, kind == "at_least", value, source, line["credibility"])
              for (a, i), line in lines.items()
              for kind in ("at_least", "at_most") if kind in line
              for value, source in [line[kind]]]
    credibility = (np.stack([np.clip(np.broadcast_to(b[5], lead), 0.0, 1.0) for b in bounds], axis=-1)
                   if bounds else np.zeros((*lead, 0)))
    requirements = tuple(
        RequirementArrays(
            actor=k,
            k=req.at_least_k,
            issue=np.array([iidx[c.issue] for c in req.of], dtype=int),
            at_least=np.array([c.bound[0] == "at_least" for c in req.of], dtype=bool),
            value=np.array([c.bound[1] for c in req.of], dtype=float),
            source=f"actors[{k}].requires[{j}]",
        )
        for k, actor in enumerate(actors)
        for j, req in enumerate(actor.requires)
    )
    options = tuple(None if (allowed := i.option_values()) is None else np.array(allowed, dtype=float)
                    for i in issues)
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
        snapshot=case.snapshot[1].label if case.snapshot is not None else None,
        red_actor=np.array([b[0] for b in bounds], dtype=int),
        red_issue=np.array([b[1] for b in bounds], dtype=int),
        red_at_least=np.array([b[2] for b in bounds], dtype=bool),
        red_value=np.array([b[3] for b in bounds], dtype=float),
        red_credibility=credibility,
        red_real=(np.stack([np.broadcast_to(uniforms[(b[0], b[1])], lead) for b in bounds], axis=-1) < credibility
                  if uniforms and bounds else np.ones((*lead, len(bounds)) if uniforms else len(bounds), dtype=bool)),
        red_source=tuple(b[4] for b in bounds),
        requirements=requirements,
        options=options,
        carry_over=np.array([i.carry_over for i in issues], dtype=float),
        deal_hold=np.clip(np.asarray(state["hold_deal"], dtype=float), 0.0, 1.0),
        levers=case.lever_ids,
        types=case.type_ids,
    )


