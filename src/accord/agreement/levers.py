"""How much each lever, alone or in pairs, moves the agreement analysis.

A lever is a named list of edits (:mod:`accord.scenario.edits`). :func:`rank_levers`
evaluates every lever alone and every pair of levers (the first's edits, then the
second's) on the comprehensive deal. When no zone of agreement exists, levers are ranked
by how much of the gap they close (Fearon 1995: raising a side's cost of fighting widens
the bargaining range); when one exists, levers that keep it come first, ranked by how far
they move the Nash bargaining solution (Nash 1950), in percent of each issue's scale
summed over issues.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.agreement.bargaining import Problem, nash_of, relax_arrays
from accord.agreement.inputs import AgreementArrays, Utility, agreement_arrays
from accord.scenario.case import Case, resolve_levers
from accord.scenario.schema import Scenario

__all__ = ["LeverEffect", "rank_levers"]


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
    case: Case | Scenario,
    *,
    utility: Utility = "linear",
    candidates: Sequence[str] | None = None,
    pairs: bool = True,
    base: AgreementArrays | None = None,
) -> list[LeverEffect]:
    """Every lever alone and every pair, ranked by their effect on the comprehensive deal.

    Parameters
    ----------
    case : Case or Scenario
        The case evaluated; the candidates are applied on top of its own levers.
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
    case = Case.of(case)
    scenario = case.scenario
    applied = case.lever_ids
    names = [lv.id for lv in scenario.levers if lv.id not in applied] if candidates is None else list(candidates)
    resolve_levers(scenario, names)
    base_arrays = base if base is not None else agreement_arrays(case)
    base_res = relax_arrays(base_arrays, utility=utility)
    base_nash = nash_of(Problem.from_arrays(base_arrays, utility)) if base_res.zone_exists else None
    issue_ids = base_arrays.issue_ids
    span = base_arrays.scale_max - base_arrays.scale_min

    combos: list[tuple[str, ...]] = [(n,) for n in names]
    if pairs:
        combos += list(itertools.combinations(names, 2))
    out: list[LeverEffect] = []
    for combo in combos:
        arrays = agreement_arrays(case.with_levers(combo))
        res = relax_arrays(arrays, utility=utility)
        nash = shift = None
        if res.zone_exists:
            x = nash_of(Problem.from_arrays(arrays, utility))
            assert x is not None  # the same relaxation found a zone
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
