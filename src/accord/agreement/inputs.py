"""The inputs of the agreement analysis as arrays: positions, expectations, costs, veto players.

Built from a scenario at a date, with levers and actor types applied, through the same
``value_of`` hook as :func:`accord.scenario.arrays.arrays_from_scenario`, so a Monte Carlo
sampler gets a leading draw axis. The method is described in :mod:`accord.agreement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
    case: Case | Scenario,
    *,
    at: Any = None,
    levers: Sequence[str | Lever] = (),
    types: TypeChoice = None,
    value_of: ValueOf = midpoint,
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
    snap = case.snapshot
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
        levers=case.lever_ids,
        types=case.type_ids,
    )


