"""Edits: named changes to a scenario's values, as arrays or as a new scenario.

A :class:`~accord.scenario.schema.Lever` or a timeline
:class:`~accord.scenario.schema.Snapshot` is a list of :class:`~accord.scenario.schema.Edit` s,
each of which ``set`` s, ``add`` s to or ``multiply`` s one field: an actor's ``position``,
``salience`` or ``expects`` on an issue, its ``capability`` or ``no_deal_cost``, an issue's
``hold_probability`` or, with no issue, the deal's. Edits apply in order; after all of them
positions and expectations are clipped to the issue's scale, saliences and hold
probabilities to [0, 1], capabilities and costs to zero or more.

:func:`apply_edit` works on arrays with an optional leading draw axis (the edit's own value
may be a range, sampled like every other input: its ``value_of`` path is
``levers[k].edits[j].add`` and so on); :func:`edit_scenario` returns an edited
:class:`~accord.scenario.schema.Scenario`, with ranges combined by interval arithmetic
(``add`` adds the bounds, ``multiply`` takes the hull of the products).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from accord.errors import ParameterError
from accord.scenario.schema import Edit, RedLine, Scenario
from accord.scenario.values import Uncertain

__all__ = ["STANCE_FIELDS", "apply_edit", "edit_red_line", "edit_scenario"]

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
    if edit.edits_red_line:
        raise ValueError("red-line edits change the red lines, not these arrays (see accord.agreement.inputs)")
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


def edit_red_line(line: RedLine | None, edit: Edit) -> RedLine:
    """``line`` with the bounds and credibility that ``edit`` gives replaced (created when None)."""
    update: dict[str, Any] = {k: getattr(edit, k) for k in ("at_least", "at_most", "credibility")
                              if getattr(edit, k) is not None}
    if line is None:
        return RedLine(assumption="set by an edit", **update)
    return line.model_copy(update=update)


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
        if edit.actor is not None and edit.actor not in actors:
            raise ParameterError(f"an edit of {edit.field} refers to unknown actor {edit.actor!r}")
        if edit.issue is not None and edit.issue not in issues:
            raise ParameterError(f"an edit of {edit.field} refers to unknown issue {edit.issue!r}")
        if edit.edits_red_line:
            key = (edit.actor or "", edit.issue or "")
            st = stances.get(key)
            if st is None:
                raise ParameterError(f"{edit.actor!r} has no stance on {edit.issue!r} to carry a red line")
            stances[key] = st.model_copy(update={"red_line": edit_red_line(st.red_line, edit)})
            continue
        op, value = edit.operation
        if edit.field in STANCE_FIELDS:
            if edit.actor is None or edit.issue is None:
                raise ParameterError(f"an edit of {edit.field} needs an actor and an issue")
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
            if edit.actor is None:
                raise ParameterError(f"an edit of {edit.field} needs an actor")
            actor = actors[edit.actor]
            update: dict[str, Any] = {edit.field: _edit_uncertain(op, getattr(actor, edit.field), value, 0.0, None)}
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
