"""Levers: named changes to a scenario, and how much each one moves the agreement analysis.

Edits
    A :class:`~accord.scenario.schema.Lever` (like a timeline snapshot) is a list of
    :class:`~accord.scenario.schema.Edit` s, each of which ``set`` s, ``add`` s to or
    ``multiply`` s one field: an actor's ``position``, ``salience`` or ``expects`` on an
    issue, its ``capability`` or ``no_deal_cost``, an issue's ``hold_probability`` or,
    with no issue, the deal's. Edits apply in order; after all of them positions and
    expectations are clipped to the issue's scale, saliences and hold probabilities
    to [0, 1], capabilities and costs to zero or more.

    :func:`apply_edit` works on arrays with an optional leading draw axis (the edit's
    own value may be a range, sampled like every other input: its ``value_of`` path is
    ``levers[k].edits[j].add`` and so on); :func:`edit_scenario` returns an edited
    :class:`~accord.scenario.schema.Scenario`, with ranges combined by interval
    arithmetic (``add`` adds the bounds, ``multiply`` takes the hull of the products).

Ranking
    :func:`rank_levers` evaluates every lever alone and every pair of levers (the
    first's edits, then the second's) on the comprehensive deal. When no zone of
    agreement exists, levers are ranked by how much of the gap they close (Fearon 1995:
    raising a side's cost of fighting widens the bargaining range); when one exists,
    levers that keep it come first, ranked by how far they move the Nash bargaining
    solution (Nash 1950), in percent of each issue's scale summed over issues.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.errors import ParameterError
from accord.scenario.schema import Edit, Lever, Scenario
from accord.scenario.values import Uncertain

if TYPE_CHECKING:  # pragma: no cover
    from accord.analysis.agreement import AgreementArrays, Utility

__all__ = ["LeverEffect", "apply_edit", "resolve_levers", "edit_scenario", "rank_levers"]

STANCE_FIELDS = ("position", "salience", "expects")


def _combine(op: str, current: Any, value: Any) -> Any:
    if op == "set":
        return value
    if op == "add":
        return current + value
    return current * value


def apply_edit(
    state: dict[str, np.ndarray],
    edit: Edit,
    value: float | np.ndarray,
    actor_index: Mapping[str, int],
    issue_index: Mapping[str, int],
    present: np.ndarray,
) -> None:
    """Apply one edit in place to arrays with an optional leading draw axis.

    Parameters
    ----------
    state : dict of str to ndarray
        ``position``, ``salience``, ``expects`` of shape (..., A, I); ``capability`` and
        ``no_deal_cost`` of shape (..., A); ``hold_issue`` of shape (..., I);
        ``hold_deal`` of shape (...). The leading shape must already hold every draw.
    edit : Edit
    value : float or ndarray of shape (D,)
        The edit's value (``set``, ``add`` or ``multiply`` operand).
    actor_index, issue_index : mapping of id to index
    present : ndarray of bool, shape (A, I)

    Raises
    ------
    ParameterError
        An unknown actor or issue, or a stance edit where the actor has no stance.
    """
    op, _ = edit.operation
    try:
        a = actor_index[edit.actor] if edit.actor is not None else None
        i = issue_index[edit.issue] if edit.issue is not None else None
    except KeyError as exc:
        raise ParameterError(f"an edit of {edit.field} refers to unknown {exc.args[0]!r}") from None
    value = np.asarray(value, dtype=float)
    if edit.field in STANCE_FIELDS:
        if a is None or i is None:
            raise ParameterError(f"an edit of {edit.field} needs an actor and an issue")
        if not present[a, i]:
            raise ParameterError(f"{edit.actor!r} has no stance on {edit.issue!r} to edit")
        arr = state[edit.field]
        arr[..., a, i] = _combine(op, arr[..., a, i], value)
    elif edit.field in ("capability", "no_deal_cost"):
        if a is None:
            raise ParameterError(f"an edit of {edit.field} needs an actor")
        arr = state[edit.field]
        arr[..., a] = _combine(op, arr[..., a], value)
    elif i is not None:
        arr = state["hold_issue"]
        arr[..., i] = _combine(op, arr[..., i], value)
    else:
        arr = state["hold_deal"]
        arr[...] = _combine(op, arr[...], value)


def resolve_levers(scenario: Scenario, levers: Sequence[str | Lever]) -> list[tuple[int | None, Lever]]:
    """Levers by id (or given as objects) with their index in ``scenario.levers``.

    Raises
    ------
    ParameterError
        An id that names no lever of the scenario.
    """
    by_id = {lv.id: k for k, lv in enumerate(scenario.levers)}
    out: list[tuple[int | None, Lever]] = []
    for lv in levers:
        if isinstance(lv, Lever):
            k = by_id.get(lv.id)
            out.append((k if k is not None and scenario.levers[k] == lv else None, lv))
            continue
        if lv not in by_id:
            known = ", ".join(by_id) or "none"
            raise ParameterError(f"unknown lever {lv!r}; levers of {scenario.id!r}: {known}")
        out.append((by_id[lv], scenario.levers[by_id[lv]]))
    return out


def _edit_uncertain(op: str, current: Uncertain, value: Uncertain, lo: float, hi: float | None) -> Uncertain:
    if op == "set":
        new = value
    elif op == "add":
        new = Uncertain(current.low + value.low, current.high + value.high)
    else:
        products = [current.low * value.low, current.low * value.high,
                    current.high * value.low, current.high * value.high]
        new = Uncertain(min(products), max(products))
    top = hi if hi is not None else max(new.low, new.high, lo)
    return Uncertain(min(max(new.low, lo), top), min(max(new.high, lo), top))


def edit_scenario(scenario: Scenario, edits: Sequence[Edit]) -> Scenario:
    """``scenario`` with ``edits`` applied in order (ranges combined by interval arithmetic).

    Raises
    ------
    ParameterError
        An edit that refers to an unknown actor or issue, or to a missing stance.
    """
    actors = {a.id: a for a in scenario.actors}
    issues = {i.id: i for i in scenario.issues}
    stances = {(s.actor, s.issue): s for s in scenario.stances}
    deal_hold = scenario.hold_probability
    for edit in edits:
        op, value = edit.operation
        if edit.actor is not None and edit.actor not in actors:
            raise ParameterError(f"an edit of {edit.field} refers to unknown actor {edit.actor!r}")
        if edit.issue is not None and edit.issue not in issues:
            raise ParameterError(f"an edit of {edit.field} refers to unknown issue {edit.issue!r}")
        if edit.field in STANCE_FIELDS:
            st = stances.get((edit.actor, edit.issue))
            if st is None:
                raise ParameterError(f"{edit.actor!r} has no stance on {edit.issue!r} to edit")
            issue = issues[edit.issue]
            lo, hi = (0.0, 1.0) if edit.field == "salience" else (issue.scale.min, issue.scale.max)
            current = getattr(st, edit.field)
            if current is None:
                current = Uncertain(scenario.status_quo(issue))
            stances[(edit.actor, edit.issue)] = st.model_copy(
                update={edit.field: _edit_uncertain(op, current, value, lo, hi)}
            )
        elif edit.field in ("capability", "no_deal_cost"):
            actor = actors[edit.actor]
            update = {edit.field: _edit_uncertain(op, getattr(actor, edit.field), value, 0.0, None)}
            if edit.field == "no_deal_cost" and actor.no_deal_cost_path:
                update["no_deal_cost_path"] = tuple(
                    p.model_copy(update={"value": _edit_uncertain(op, p.value, value, 0.0, None)})
                    for p in actor.no_deal_cost_path
                )
            actors[edit.actor] = actor.model_copy(update=update)
        elif edit.issue is not None:
            issue = issues[edit.issue]
            issues[edit.issue] = issue.model_copy(
                update={"hold_probability": _edit_uncertain(op, issue.hold_probability, value, 0.0, 1.0)}
            )
        else:
            deal_hold = _edit_uncertain(op, deal_hold, value, 0.0, 1.0)
    return scenario.model_copy(
        update={
            "actors": tuple(actors[a.id] for a in scenario.actors),
            "issues": tuple(issues[i.id] for i in scenario.issues),
            "stances": tuple(stances[(s.actor, s.issue)] for s in scenario.stances),
            "hold_probability": deal_hold,
        }
    )


@dataclass(frozen=True)
class LeverEffect:
    """What one lever, or a pair, does to the comprehensive deal.

    Attributes
    ----------
    levers : tuple of str
        Lever ids, applied in this order.
    zone_exists : bool
    gap : float
        Smallest total relaxation that opens a zone (0 when one exists).
    gap_closed : float
        The base gap minus this gap (negative when the lever widens it).
    share_closed : float or None
        ``gap_closed`` over the base gap; None when the base has a zone.
    blockers : dict of str to float
        Actors with a positive share of the remaining gap.
    nash : dict of str to float or None
        The Nash package when a zone exists (issue id -> value).
    nash_shift : float or None
        Sum over issues of ``|Δx| / range`` × 100 against the base Nash package, when
        both have a zone.
    """

    levers: tuple[str, ...]
    zone_exists: bool
    gap: float
    gap_closed: float
    share_closed: float | None
    blockers: dict[str, float] = field(default_factory=dict)
    nash: dict[str, float] | None = None
    nash_shift: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "levers": list(self.levers),
            "zone_exists": self.zone_exists,
            "gap": self.gap,
            "gap_closed": self.gap_closed,
            "share_closed": self.share_closed,
            "blockers": dict(self.blockers),
            "nash": dict(self.nash) if self.nash is not None else None,
            "nash_shift": self.nash_shift,
        }


def rank_levers(
    scenario: Scenario,
    *,
    at: Any = None,
    levers: Sequence[str] = (),
    types: Any = None,
    utility: Utility = "linear",
    candidates: Sequence[str] | None = None,
    pairs: bool = True,
    base: AgreementArrays | None = None,
) -> list[LeverEffect]:
    """Every lever alone and every pair, ranked by their effect on the comprehensive deal.

    Parameters
    ----------
    scenario : Scenario
    at, types
        The case evaluated (see :func:`accord.analysis.agreement.agreement_arrays`).
    levers : sequence of str
        Levers already applied in the case; the candidates are applied on top of them.
    utility : {"linear", "quadratic"}
    candidates : sequence of str, optional
        Levers to rank; default every lever of the scenario not in ``levers``.
    pairs : bool
        Also rank every pair of candidates.
    base : AgreementArrays, optional
        The case's arrays, when already built.

    Returns
    -------
    list of LeverEffect
        Best first (see the module notes for the order).
    """
    from accord.analysis.agreement import Problem, agreement_arrays, nash_of, relax_arrays

    applied = tuple(levers)
    names = [lv.id for lv in scenario.levers if lv.id not in applied] if candidates is None else list(candidates)
    resolve_levers(scenario, names)
    base_arrays = base if base is not None else agreement_arrays(scenario, at=at, levers=applied, types=types)
    base_res = relax_arrays(base_arrays, utility=utility)
    base_nash = nash_of(Problem.from_arrays(base_arrays, utility)) if base_res.zone_exists else None
    issue_ids = base_arrays.issue_ids
    span = base_arrays.scale_max - base_arrays.scale_min

    combos: list[tuple[str, ...]] = [(n,) for n in names]
    if pairs:
        combos += list(itertools.combinations(names, 2))
    out: list[LeverEffect] = []
    for combo in combos:
        arrays = agreement_arrays(scenario, at=at, levers=applied + combo, types=types)
        res = relax_arrays(arrays, utility=utility)
        nash = shift = None
        if res.zone_exists:
            x = nash_of(Problem.from_arrays(arrays, utility))
            nash = {i: float(v) for i, v in zip(issue_ids, x, strict=True)}
            if base_nash is not None:
                shift = float(np.sum(np.abs(x - base_nash) / span) * 100.0)
        closed = float(base_res.gap - res.gap)
        out.append(
            LeverEffect(
                levers=combo,
                zone_exists=bool(res.zone_exists),
                gap=float(res.gap),
                gap_closed=closed,
                share_closed=closed / base_res.gap if base_res.gap > 0 else None,
                blockers={a: float(g) for a, g in zip(arrays.actor_ids, res.actor_gap, strict=True) if g > 0},
                nash=nash,
                nash_shift=shift,
            )
        )
    if base_res.zone_exists:
        out.sort(key=lambda e: (not e.zone_exists, -(e.nash_shift or 0.0), e.gap, len(e.levers), e.levers))
    else:
        out.sort(key=lambda e: (e.gap, len(e.levers), e.levers))
    return out
