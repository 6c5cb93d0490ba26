"""The agreement analysis over time: the verdict at every snapshot date and on a monthly grid.

How a case is read at a date (the snapshot in force, every no-deal cost on its path) is
set out in :mod:`accord.scenario.case`. The no-deal cost path models how the cost of
continued conflict changes with time, the quantity behind Fearon's (1995) bargaining
range: a side whose cost rises accepts less.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.agreement.bargaining import relax_arrays
from accord.agreement.inputs import Utility, agreement_arrays
from accord.scenario.case import Case
from accord.scenario.schema import Scenario

__all__ = ["TimePoint", "monthly_grid", "timeline_dates", "evaluate_timeline"]


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
    case: Case | Scenario,
    *,
    utility: Utility = "linear",
    grid: bool = True,
    evaluate: Callable[..., Any] | None = None,
) -> list[TimePoint]:
    """Verdict and gap at every snapshot date and on the monthly grid.

    Parameters
    ----------
    case : Case or Scenario
        Its levers and types are held fixed at every date; its own date is ignored.
    utility : {"linear", "quadratic"}
    grid : bool
        Also evaluate the monthly grid between the first and the last date.
    evaluate : callable, optional
        ``evaluate(arrays) -> Relaxation``-like object with ``gap`` and ``actor_gap``;
        default :func:`accord.agreement.relax_arrays`.

    Returns
    -------
    list of TimePoint
        Sorted by date; a snapshot date that is also a grid date appears once, as a snapshot.
    """
    case = Case.of(case)
    scenario = case.scenario
    run = evaluate or (lambda arr: relax_arrays(arr, utility=utility))
    points: dict[dt.date, str] = {s.date: "snapshot" for s in scenario.timeline}
    dates = timeline_dates(scenario)
    if grid and dates:
        for d in monthly_grid(dates[0], dates[-1]):
            points.setdefault(d, "month")
    cache: dict[tuple[Any, ...], Any] = {}
    out: list[TimePoint] = []
    for date in sorted(points):
        dated = case.at(date)
        arrays = agreement_arrays(dated)
        snap = dated.snapshot
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
