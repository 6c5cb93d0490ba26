"""What one deal means for each veto player: the zone, the packages, the blockers and what would close their gap.

The equations and their sources are set out in :mod:`accord.agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.agreement.bargaining import Deal, Problem, bargaining_weights

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
        Veto player -> ``expects_utility`` (``U_i(e_i)``), ``no_deal_cost`` (the expected
        cost a deal spares it: each issue's share of the cost times its hold probability)
        and ``reservation`` (their difference).
    line_gap : dict of int to float
        Red-line bound (index into the problem's red lines) -> how far the relaxation
        moves it, in points of the issue's scale (bounds that do not move are left out).
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
    line_gap: dict[int, float] = field(default_factory=dict)

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
            "line_gap": {str(k): v for k, v in self.line_gap.items()},
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
        c = float(problem.cost[a] * deal.relief[a])
        reservation[aids[a]] = {"expects_utility": expects_u, "no_deal_cost": c, "reservation": expects_u - c}
    actor_gap = {aids[a]: float(rel.actor_gap[a]) for a in deal.V}
    if not rel.zone_exists:
        x = problem.to_scale(rel.z)
        blockers = []
        if detail:
            terms_now = problem.cost_share() - problem.terms(rel.z)
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
                relief = float(deal.relief[a])
                blockers.append(Blocker(aids[a], e, e / relief if relief > 0 else None, tuple(binding)))
        return DealResult(
            issues=covered,
            veto=veto,
            zone_exists=False,
            gap=rel.gap,
            actor_gap=actor_gap,
            relaxed={ids[q]: float(x[q]) for q in deal.C},
            blockers=tuple(blockers),
            reservation=reservation,
            line_gap={int(r): float(g * problem.span[problem.line_issue[r]])
                      for r, g in enumerate(rel.line_gap) if g > 0},
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
        y_nash = deal.nash(bargaining_weights(problem, deal), ideals_a, ys)
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


