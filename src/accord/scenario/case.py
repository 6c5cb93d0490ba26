"""A case: a scenario resolved at a date, with levers and actor types chosen, checked once.

The case at a date
    A scenario's ``timeline`` holds dated :class:`~accord.scenario.schema.Snapshot` s.
    Each snapshot is the *base scenario plus its own edits*; snapshots are not
    cumulative. The case at a date ``d`` is the latest snapshot dated on or before ``d``
    (none before the first snapshot: the base scenario), with every actor's no-deal cost
    read from its ``no_deal_cost_path`` at ``d``: linear in days between two points, the
    first value before the path and the last after it. With no date the case is the
    base scenario as written, with each actor's ``no_deal_cost``.

Levers and types
    Levers are applied after the snapshot's edits, in the order given. A type replaces
    the position, salience and expectation of the stances it names for its actor.

:class:`Case` resolves these choices once (a bad date, an unknown lever or type is a
:class:`~accord.errors.ParameterError` raised here, never deeper in an analysis); the
analyses that vary one of them (the timeline, the levers, the types) derive new cases
with :meth:`Case.at`, :meth:`Case.with_levers` and :meth:`Case.with_types`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from accord.errors import ParameterError
from accord.scenario.schema import ActorType, Lever, Scenario, Snapshot

__all__ = [
    "Case",
    "TypeChoice",
    "parse_date",
    "snapshot_at",
    "interpolate_cost",
    "resolve_levers",
    "types_by_actor",
    "resolve_types",
]

#: Types chosen for a case: ``{"russia": "expansionist"}`` or ``["russia=expansionist"]``.
TypeChoice = Mapping[str, str] | Iterable[str] | None


@dataclass(frozen=True)
class Case:
    """A scenario at a date, with levers and types chosen.

    Attributes
    ----------
    scenario : Scenario
    date : date or None
        None for the base case as written (no snapshot, base no-deal costs).
    snapshot : tuple of (int, Snapshot) or None
        The snapshot in force at ``date`` with its index in ``scenario.timeline``.
    levers : tuple of (int or None, Lever)
        Levers applied, in order, each with its index in ``scenario.levers`` (None for a
        lever given as an object that is not one of the scenario's).
    types : dict of str to (int, ActorType)
        Actor id -> the chosen type and its index in ``scenario.types``.
    """

    scenario: Scenario
    date: dt.date | None = None
    snapshot: tuple[int, Snapshot] | None = None
    levers: tuple[tuple[int | None, Lever], ...] = ()
    types: Mapping[str, tuple[int, ActorType]] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        scenario: Scenario,
        *,
        at: Any = None,
        levers: Sequence[str | Lever] = (),
        types: TypeChoice = None,
    ) -> Case:
        """Resolve the choices of a case against its scenario.

        Parameters
        ----------
        scenario : Scenario
        at : date or str, optional
            ``YYYY-MM-DD`` or ``YYYY-MM``; default the base case.
        levers : sequence of str or Lever
        types : mapping of actor id to type id, or iterable of ``"ACTOR=TYPE"``, optional

        Raises
        ------
        ParameterError
            A bad date, an unknown lever, actor or type.
        """
        date = parse_date(at) if at is not None else None
        return cls(
            scenario=scenario,
            date=date,
            snapshot=snapshot_at(scenario, date) if date is not None else None,
            levers=tuple(resolve_levers(scenario, levers)),
            types=resolve_types(scenario, types),
        )

    @classmethod
    def of(cls, case: Case | Scenario, **choices: Any) -> Case:
        """``case`` itself, or a scenario resolved with ``choices`` (see :meth:`resolve`)."""
        if isinstance(case, Case):
            return case
        return cls.resolve(case, **choices)

    @property
    def lever_ids(self) -> tuple[str, ...]:
        """Ids of the levers applied, in order."""
        return tuple(lv.id for _, lv in self.levers)

    @property
    def type_ids(self) -> dict[str, str]:
        """Actor id -> chosen type id."""
        return {a: t.id for a, (_, t) in self.types.items()}

    def at(self, date: Any) -> Case:
        """The same case at another date (None for the base case)."""
        day = parse_date(date) if date is not None else None
        return replace(self, date=day, snapshot=snapshot_at(self.scenario, day) if day is not None else None)

    def with_levers(self, levers: Sequence[str | Lever]) -> Case:
        """The case with ``levers`` applied after its own."""
        return replace(self, levers=self.levers + tuple(resolve_levers(self.scenario, levers)))

    def with_types(self, types: TypeChoice) -> Case:
        """The case with ``types`` chosen in place of its own choices for the same actors."""
        return replace(self, types={**self.types, **resolve_types(self.scenario, types)})


def parse_date(value: Any) -> dt.date:
    """A date from a :class:`datetime.date`, a ``datetime`` or text ``YYYY-MM-DD`` / ``YYYY-MM``.

    ``YYYY-MM`` means the first day of the month.

    Raises
    ------
    ParameterError
        When ``value`` is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 7:
                return dt.date.fromisoformat(text + "-01")
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ParameterError(f"the date must be YYYY-MM-DD (or YYYY-MM), got {value!r}")


def snapshot_at(scenario: Scenario, date: dt.date) -> tuple[int, Snapshot] | None:
    """The latest snapshot dated on or before ``date`` with its index (ties: the last in the file)."""
    found = None
    for k, snap in enumerate(scenario.timeline):
        if snap.date <= date:
            found = (k, snap)
    return found


def interpolate_cost(dates: Sequence[dt.date], values: Sequence[Any], date: dt.date) -> Any:
    """The value of a cost path at ``date``.

    Parameters
    ----------
    dates : sequence of date, length P
        Strictly increasing.
    values : sequence of float or ndarray of shape (D,), length P
        The cost at each date (draws broadcast).
    date : date

    Returns
    -------
    float or ndarray, shape (D,)
        Linear interpolation in days between the surrounding points; the first or last
        value outside the path.
    """
    if not dates:
        raise ValueError("an empty cost path has no value")
    if date <= dates[0]:
        return values[0]
    if date >= dates[-1]:
        return values[-1]
    for k in range(1, len(dates)):
        if date <= dates[k]:
            d0, d1 = dates[k - 1], dates[k]
            frac = (date - d0).days / (d1 - d0).days
            return (1.0 - frac) * np.asarray(values[k - 1], dtype=float) + frac * np.asarray(values[k], dtype=float)
    return values[-1]  # pragma: no cover


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


def types_by_actor(scenario: Scenario) -> dict[str, list[tuple[int, ActorType]]]:
    """The scenario's types grouped by actor (file order), each with its index in ``scenario.types``."""
    out: dict[str, list[tuple[int, ActorType]]] = {}
    for k, t in enumerate(scenario.types):
        out.setdefault(t.actor, []).append((k, t))
    return out


def resolve_types(
    scenario: Scenario, types: Mapping[str, str] | Iterable[str] | None
) -> dict[str, tuple[int, ActorType]]:
    """Chosen types: ``{"russia": "expansionist"}`` or ``["russia=expansionist"]`` -> actor -> (index, type).

    Raises
    ------
    ParameterError
        A malformed ``ACTOR=TYPE``, an unknown actor or a type the actor does not have.
    """
    if not types:
        return {}
    if isinstance(types, Mapping):
        pairs = list(types.items())
    else:
        pairs = []
        for item in types:
            actor, sep, type_id = str(item).partition("=")
            if not sep or not actor.strip() or not type_id.strip():
                raise ParameterError(f"a type must be given as ACTOR=TYPE, got {item!r}")
            pairs.append((actor.strip(), type_id.strip()))
    groups = types_by_actor(scenario)
    actor_ids = {a.id for a in scenario.actors}
    out: dict[str, tuple[int, ActorType]] = {}
    for actor, type_id in pairs:
        if actor not in actor_ids:
            raise ParameterError(f"unknown actor {actor!r} in a type choice")
        options = groups.get(actor, [])
        match = [(k, t) for k, t in options if t.id == type_id]
        if not match:
            known = ", ".join(t.id for _, t in options) or "none"
            raise ParameterError(f"unknown type {type_id!r} of {actor!r}; its types: {known}")
        out[actor] = match[0]
    return out
