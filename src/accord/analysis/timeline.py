"""Time in the agreement analysis: dated snapshots, no-deal cost paths and a monthly grid.

The case at a date
    A scenario's ``timeline`` holds dated :class:`~accord.scenario.schema.Snapshot` s.
    Each snapshot is the *base scenario plus its own edits*; snapshots are not
    cumulative, so a snapshot that should keep an earlier change repeats its edit.
    The case at a date ``d`` is the latest snapshot dated on or before ``d`` (none
    before the first snapshot: the base scenario), with every actor's no-deal cost
    read from its ``no_deal_cost_path`` at ``d``.

Cost paths
    ``no_deal_cost_path`` is a list of dated values; between two dates the cost is
    interpolated linearly in days, before the first date it is the first value and
    after the last date the last value. With no date (``at=None``) the analysis
    uses each actor's ``no_deal_cost`` and no snapshot: the base case as written.
    The no-deal cost models how the cost of continued conflict changes with time,
    the quantity behind Fearon's (1995) bargaining range: a side whose cost rises
    accepts less.

Monthly grid
    :func:`monthly_grid` runs from the first to the last date named anywhere in the
    timeline or in a cost path, one calendar month apart (the day of month kept,
    clipped to the month's length), the last date always included.
    :func:`evaluate_timeline` reports the verdict and the gap at every snapshot date
    and at every grid date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.errors import ParameterError
from accord.scenario.schema import Scenario, Snapshot

if TYPE_CHECKING:  # pragma: no cover
    from accord.analysis.agreement import Utility

__all__ = [
    "TimePoint",
    "parse_date",
    "snapshot_at",
    "interpolate_cost",
    "monthly_grid",
    "timeline_dates",
    "evaluate_timeline",
]


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


def _add_month(date: dt.date, day: int) -> dt.date:
    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def monthly_grid(start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates one calendar month apart from ``start`` to ``end``, both included."""
    if end < start:
        return []
    out = [start]
    while True:
        nxt = _add_month(out[-1], start.day)
        if nxt >= end:
            break
        out.append(nxt)
    if out[-1] != end:
        out.append(end)
    return out


def timeline_dates(scenario: Scenario) -> list[dt.date]:
    """Every date named by a snapshot or a cost point, sorted, without repeats."""
    dates = {s.date for s in scenario.timeline}
    for actor in scenario.actors:
        dates.update(p.date for p in actor.no_deal_cost_path)
    return sorted(dates)


@dataclass(frozen=True)
class TimePoint:
    """The comprehensive deal at one date.

    Attributes
    ----------
    date : date
    kind : str
        ``"snapshot"`` (a snapshot's own date) or ``"month"`` (a grid date).
    label : str
        The snapshot in force (its label), or ``"base"`` before the first snapshot.
    zone_exists : bool
    gap : float
        Smallest total relaxation that opens a zone (0 when one exists).
    blockers : dict of str to float
        Actors with a positive share of the gap, and that share.
    no_deal_cost : dict of str to float
        Every actor's no-deal cost at the date.
    """

    date: dt.date
    kind: str
    label: str
    zone_exists: bool
    gap: float
    blockers: dict[str, float] = field(default_factory=dict)
    no_deal_cost: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "label": self.label,
            "kind": self.kind,
            "gap": self.gap,
            "zone_exists": self.zone_exists,
            "blockers": dict(self.blockers),
            "no_deal_cost": dict(self.no_deal_cost),
        }


def evaluate_timeline(
    scenario: Scenario,
    *,
    levers: Sequence[Any] = (),
    types: Any = None,
    utility: Utility = "linear",
    grid: bool = True,
    evaluate: Callable[..., Any] | None = None,
) -> list[TimePoint]:
    """Verdict and gap at every snapshot date and on the monthly grid.

    Parameters
    ----------
    scenario : Scenario
    levers, types
        Held fixed at every date (see :func:`accord.analysis.agreement.agreement_arrays`).
    utility : {"linear", "quadratic"}
    grid : bool
        Also evaluate the monthly grid between the first and the last date.
    evaluate : callable, optional
        ``evaluate(arrays) -> Relaxation``-like object with ``gap`` and ``actor_gap``;
        default :func:`accord.analysis.agreement.relax_arrays`.

    Returns
    -------
    list of TimePoint
        Sorted by date; a snapshot date that is also a grid date appears once, as a snapshot.
    """
    from accord.analysis.agreement import agreement_arrays, relax_arrays

    run = evaluate or (lambda arr: relax_arrays(arr, utility=utility))
    points: dict[dt.date, str] = {s.date: "snapshot" for s in scenario.timeline}
    dates = timeline_dates(scenario)
    if grid and dates:
        for d in monthly_grid(dates[0], dates[-1]):
            points.setdefault(d, "month")
    cache: dict[tuple[Any, ...], Any] = {}
    out: list[TimePoint] = []
    for date in sorted(points):
        arrays = agreement_arrays(scenario, at=date, levers=levers, types=types)
        snap = snapshot_at(scenario, date)
        key = (snap[0] if snap else None, tuple(np.round(np.asarray(arrays.no_deal_cost, dtype=float).ravel(), 12)))
        if key not in cache:
            cache[key] = run(arrays)
        res = cache[key]
        blockers = {
            a: float(g) for a, g in zip(arrays.actor_ids, res.actor_gap, strict=True) if g > 0
        }
        costs = {a: float(c) for a, c in zip(arrays.actor_ids, arrays.no_deal_cost, strict=True)}
        out.append(
            TimePoint(
                date=date,
                kind=points[date],
                label=arrays.snapshot or "base",
                zone_exists=bool(res.zone_exists),
                gap=float(res.gap),
                blockers=dict(sorted(blockers.items(), key=lambda kv: -kv[1])),
                no_deal_cost=costs,
            )
        )
    return out
