"""Why there is no deal, and what would open one: the conflicting limits and the cheapest openings.

The limits
    A deal is ruled out by its *limits*: each veto player's acceptance (its surplus
    ``G_i(x) ≥ 0``, :mod:`accord.agreement`), each held red-line bound of a veto player
    on a covered issue (``x_p ≥ v`` or ``x_p ≤ v``), and each requirement of a veto player
    (at least ``k`` of its conditions). A zone exists when some package meets them all.

Why not: the conflict set
    When no package meets every limit, :func:`conflict_set` names an *irreducible
    infeasible subset* (IIS): limits that no package meets together, while dropping any
    one of them lets some package meet the rest (Chinneck and Dravnieks 1991; Chinneck
    2008). It is found with the deletion filter: starting from every limit, each is
    dropped in turn and stays dropped when the rest still admits no package. Limits are
    tried in this order, so that the set keeps the limits that are hardest to wish away:
    acceptance constraints first, then requirements, then red lines from the least to
    the most credible. Each test is one linear (or mixed-integer) feasibility program.

What would it take: openings
    :func:`openings` finds the least change that opens a zone with everything else held:
    for each red-line bound of a veto player, the smallest move of the bound (points of
    the issue's scale); for each veto player, the smallest lowering of its reservation
    value (utility units: what it would have to accept below what it expects without a
    deal); when no single red line opens a zone, every pair of red lines (the least total
    move of the two); when no pair does either, the least total move of all the red lines
    together. Openings are ranked by the probability that every red line they
    move is a bargaining posture, ``Π_r (1 − credibility_r)`` (the midpoint of a
    credibility range), highest first; then by size. Openings that move only reservation
    values have no such probability and come after those that move red lines.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.agreement.bargaining import Deal, Problem

__all__ = ["Change", "Limit", "Opening", "conflict_set", "openings"]

#: Red-line pairs tried when no single change opens a zone.
MAX_PAIRS = 200


@dataclass(frozen=True)
class Limit:
    """One limit of a deal.

    Attributes
    ----------
    kind : {"surplus", "at_least", "at_most", "requires"}
    actor : int
    index : int
        The red-line bound (index into the problem's red lines), the requirement (index
        into ``problem.requirements``) or, for ``surplus``, the actor.
    issue : int or None
    value : float or None
        The bound on the issue's scale (red lines); ``k`` (requirements).
    """

    kind: str
    actor: int
    index: int
    issue: int | None = None
    value: float | None = None

    def to_json(self, problem: Problem) -> dict[str, Any]:
        return {
            "actor": problem.actor_ids[self.actor],
            "issue": problem.issue_ids[self.issue] if self.issue is not None else None,
            "bound": "requires" if self.kind == "requires" else self.kind,
            "value": self.value,
        }


@dataclass(frozen=True)
class Change:
    """One change of an opening: a red-line bound moved, or a reservation value lowered.

    Attributes
    ----------
    limit : Limit
    start, end : float
        The bound before and after (scale units), or 0 and the lowered reservation
        (utility units, negative) for ``surplus``.
    """

    limit: Limit
    start: float
    end: float

    @property
    def size(self) -> float:
        return abs(self.end - self.start)

    def to_json(self, problem: Problem) -> dict[str, Any]:
        out = self.limit.to_json(problem)
        out.pop("value")
        out.update({"from": self.start, "to": self.end})
        return out


@dataclass(frozen=True)
class Opening:
    """A least change that opens a zone of agreement.

    Attributes
    ----------
    changes : tuple of Change
    p_posture : float or None
        Probability that every red line moved is a posture; None when only reservation
        values move.
    levers : tuple of tuple of str
        Levers or lever pairs that open a zone and act on the limits changed (filled by
        the report).
    """

    changes: tuple[Change, ...]
    p_posture: float | None
    levers: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def points(self) -> float:
        """Total move of the red lines, in points of scale."""
        return sum(c.size for c in self.changes if c.limit.kind != "surplus")

    @property
    def utility(self) -> float:
        """Total lowering of reservation values, in utility units."""
        return sum(c.size for c in self.changes if c.limit.kind == "surplus")

    def sort_key(self) -> tuple[float, ...]:
        posture = self.p_posture if self.p_posture is not None else -1.0
        return (-posture, len(self.changes), self.points, self.utility)

    def to_json(self, problem: Problem) -> dict[str, Any]:
        return {
            "changes": [c.to_json(problem) for c in self.changes],
            "p_posture": self.p_posture,
            "points": self.points,
            "utility": self.utility,
            "levers": [list(combo) for combo in self.levers],
        }


def limits_of(deal: Deal) -> list[Limit]:
    """Every limit of ``deal`` (acceptance of each veto player, held red lines, requirements)."""
    p = deal.problem
    out = [Limit("surplus", int(a), int(a)) for a in deal.V]
    out += [Limit("requires", req.actor, k, None, float(req.k)) for k, req in deal.reqs]
    for r in deal.L:
        kind = "at_least" if p.line_at_least[r] else "at_most"
        value = float(p.to_scale(np.full(p.pi.shape[1], p.line_value[r]))[p.line_issue[r]])
        out.append(Limit(kind, int(p.line_actor[r]), int(r), int(p.line_issue[r]), value))
    return out


def _deal_with(problem: Problem, cover: np.ndarray | None, kept: Sequence[Limit]) -> Deal:
    n_a = problem.pi.shape[0]
    surplus = np.zeros(n_a, dtype=bool)
    lines = np.zeros(problem.n_lines, dtype=bool)
    reqs = np.zeros(len(problem.requirements), dtype=bool)
    for lim in kept:
        if lim.kind == "surplus":
            surplus[lim.index] = True
        elif lim.kind == "requires":
            reqs[lim.index] = True
        else:
            lines[lim.index] = True
    return Deal(problem, cover, surplus=surplus, lines=lines, requirements=reqs)


def conflict_set(problem: Problem, cover: np.ndarray | None = None) -> tuple[Limit, ...]:
    """An irreducible set of limits that no package meets (empty when a zone exists).

    Parameters
    ----------
    problem : Problem
    cover : ndarray of bool, shape (I,), optional

    Returns
    -------
    tuple of Limit
        In the order acceptance, requirements, red lines.
    """
    deal = Deal(problem, cover)
    members = limits_of(deal)
    if _deal_with(problem, cover, members).feasible():
        return ()
    credibility = problem.line_credibility

    def order(lim: Limit) -> tuple[int, float]:
        if lim.kind == "surplus":
            return (0, 0.0)
        if lim.kind == "requires":
            return (1, 0.0)
        return (2, float(credibility[lim.index]))

    kept = sorted(members, key=order)
    k = 0
    while k < len(kept):
        trial = kept[:k] + kept[k + 1 :]
        if not _deal_with(problem, cover, trial).feasible():
            kept = trial
        else:
            k += 1
    return tuple(kept)


def _posture(problem: Problem, lines: Sequence[int]) -> float | None:
    if not lines:
        return None
    return float(math.prod(1.0 - float(problem.line_credibility[r]) for r in lines))


def _change_for_line(problem: Problem, lim: Limit, amount: float) -> Change:
    q = int(problem.line_issue[lim.index])
    move = amount * float(problem.span[q])
    start = float(lim.value or 0.0)
    return Change(lim, start, start - move if lim.kind == "at_least" else start + move)


def openings(problem: Problem, cover: np.ndarray | None = None, *, limit: int = 10) -> tuple[Opening, ...]:
    """The least changes that open a zone, most likely first (see the module notes).

    Parameters
    ----------
    problem : Problem
    cover : ndarray of bool, shape (I,), optional
    limit : int
        Openings returned.

    Returns
    -------
    tuple of Opening
        Empty when a zone already exists or nothing tried opens one.
    """
    deal = Deal(problem, cover)
    if deal.feasible():
        return ()
    members = limits_of(deal)
    lines = [m for m in members if m.kind in ("at_least", "at_most")]
    found: list[Opening] = []
    for lim in lines:
        res = deal.min_relaxation(lines=[lim.index])
        if res is not None:
            found.append(Opening((_change_for_line(problem, lim, float(res[1][0])),),
                                 _posture(problem, [lim.index])))
    for a in deal.V:
        res = deal.min_relaxation(actors=[int(a)])
        if res is not None:
            lim = Limit("surplus", int(a), int(a))
            found.append(Opening((Change(lim, 0.0, -float(res[1][0])),), None))
    if not any(o.p_posture is not None for o in found):
        for pair in itertools.islice(itertools.combinations(lines, 2), MAX_PAIRS):
            res = deal.min_relaxation(lines=[pair[0].index, pair[1].index])
            if res is not None:
                changes = tuple(_change_for_line(problem, lim, float(x)) for lim, x in zip(pair, res[1], strict=True))
                changes = tuple(c for c in changes if c.size > 1e-9) or changes[:1]
                found.append(Opening(changes, _posture(problem, [c.limit.index for c in changes])))
    if lines and not any(o.p_posture is not None for o in found):
        res = deal.min_relaxation(lines=[m.index for m in lines])
        if res is not None:
            moved = (_change_for_line(problem, lim, float(x)) for lim, x in zip(lines, res[1], strict=True))
            kept = tuple(c for c in moved if c.size > 1e-9)
            found.append(Opening(kept, _posture(problem, [c.limit.index for c in kept])))
    if not found:
        res = deal.min_relaxation(lines=[m.index for m in lines], actors=[int(a) for a in deal.V])
        if res is not None:
            moves = [_change_for_line(problem, lim, float(x)) for lim, x in zip(lines, res[1], strict=False)]
            moves += [Change(Limit("surplus", int(a), int(a)), 0.0, -float(x))
                      for a, x in zip(deal.V, res[1][len(lines):], strict=True)]
            kept = tuple(c for c in moves if c.size > 1e-9)
            found.append(Opening(kept, _posture(problem, [c.limit.index for c in kept
                                                          if c.limit.kind != "surplus"])))
    unique: dict[tuple[Any, ...], Opening] = {}
    for o in found:
        key = tuple((c.limit.kind, c.limit.index, round(c.end, 9)) for c in o.changes)
        unique.setdefault(key, o)
    return tuple(sorted(unique.values(), key=Opening.sort_key)[:limit])
