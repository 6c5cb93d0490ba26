"""Is an agreement attainable? Zones of agreement, bargaining solutions, the gap and who blocks.

The model
    A *package* ``x`` puts every issue at a point of its scale. Actor ``i``'s utility is

        U_i(x) = −Σ_p s_ip |x_p − pos_ip| / range_p              (``utility="linear"``, default)
        U_i(x) = −Σ_p s_ip ((x_p − pos_ip) / range_p)²           (``utility="quadratic"``)

    over the issues where ``i`` holds a stance (``s`` salience, ``pos`` position,
    ``range`` the width of the issue's scale). Without a deal ``i`` expects ``e_ip``
    on each issue (``Stance.expects``; default the issue's status quo) and bears a
    cost ``c_i ≥ 0`` of continued conflict (``Actor.no_deal_cost``, in utility units,
    or ``no_deal_cost_path`` at a date). Its reservation value is
    ``r_i = U_i(e_i) − c_i``: it accepts a deal worth at least that (Fearon 1995: costly
    conflict opens a bargaining range).

Enforcement
    A deal's terms may not be honoured. With hold probability ``h_p`` on issue ``p``
    (the issue's ``hold_probability`` times the scenario's ``hold_probability``) the
    deal is worth, term by term, ``h_p u_ip(x_p) + (1 − h_p) u_ip(e_ip)`` to actor ``i``
    (``u_ip`` being the issue's term of ``U_i``): what the actor is promised if the term
    holds, what it expects without a deal if not. With a single ``h`` for the deal
    this is ``h U_i(x) + (1 − h) U_i(e_i)``. The cost of conflict is avoided by signing,
    whether or not the terms are later honoured. Actor ``i``'s *surplus* is

        G_i(x) = Σ_p h_p (u_ip(x_p) − u_ip(e_ip)) + c_i,

    and it accepts when ``G_i(x) ≥ 0``. A guarantee that may not hold discounts what a
    side is promised on that issue, so concessions received on weakly enforced issues
    count for less than concessions made on well enforced ones (the commitment
    problem, Fearon 1995).

Who must accept, and partial deals
    A deal *covers* a set of issues: all of them (the comprehensive deal) or a subset
    (a partial deal). Every ``veto`` actor of a covered issue must accept (Tsebelis
    2002: the win-set of the status quo is the intersection of the veto players'
    acceptable sets; Putnam 1988: ratifiers such as a legislature are veto players of
    the issues they must ratify). When no issue of the scenario names veto players,
    every actor with a stance on an issue is a veto player for it (unanimity).
    On an uncovered issue the package stays at no deal: its value is reported as the
    status quo, and each actor values it at what it expects without a deal, on both
    sides of the comparison, so the term cancels from ``G_i``. A partial deal does not
    end the whole conflict: it relieves each actor of the share of its no-deal cost
    that the covered issues carry in its salience, ``c_i Σ_{p covered} s_ip / Σ_p s_ip``.
    The comprehensive deal relieves all of it.

What is computed
    * Zone of agreement: the packages every veto player accepts. With the linear form
      the surpluses are concave and piecewise linear, so feasibility is a linear
      program (scipy ``linprog``, HiGHS) with one auxiliary variable per stance,
      ``v ≤ −|z − p|`` written as two inequalities. With the quadratic form every
      program is a smooth convex one (concave surpluses), solved by SLSQP from a feasible
      start. The zone on each issue is the interval
      ``[min x_p, max x_p]`` over the zone: two linear programs per issue.
    * The Nash bargaining solution (Nash 1950): the package maximising
      ``Σ_i w_i log G_i(x)`` over the zone, ``w`` the veto players' capabilities
      (normalised). The objective is concave. With the linear form the surpluses are
      linear inside each box between consecutive positions on every issue, so the
      program is solved box by box with SLSQP over ``x`` alone, moving to a neighbouring
      box while that gains (the objective's directional derivative separates by issue,
      so no gain from any single issue means the optimum); with the quadratic form it is
      smooth and solved directly. Veto players whose surplus is zero everywhere in the
      zone (no stake, or pinned at their reservation) are kept as constraints only.
    * The Kalai–Smorodinsky point (Kalai & Smorodinsky 1975): maximise ``t`` subject to
      ``G_i(x) ≥ t · ideal_i``, ``ideal_i`` the largest surplus ``i`` can get in the
      zone: a linear program (plus one per veto player for the ideals).
      Where a bargaining solution leaves some issues undetermined (no veto player cares),
      the package is the one closest to the status quo in Σ|x_p − sq_p| / range_p.
    * When there is no zone: the smallest total relaxation ``min Σ_i e_i`` subject to
      ``G_i(x) + e_i ≥ 0``, ``e ≥ 0`` (a linear program). Its split between actors is
      not unique; the split reported is the one, among the smallest totals, whose
      largest single relaxation is smallest (a second linear program), so a gap two
      sides share appears on both. The *blockers* are the actors with ``e_i > 0``. The
      *relaxed package* is a package achieving those relaxations, the closest to the
      status quo; a blocker's *binding issues* are the covered issues on which, at the
      relaxed package, it gets less than it expects without a deal, ranked by the loss
      ``h_p s_ip (|x_p − pos_ip| − |e_ip − pos_ip|) / range_p``. The gap in concrete
      terms: an extra no-deal cost of ``e_i`` (divided by the share of the cost the deal
      relieves) closes blocker ``i``'s part; or a shift of its position on one binding
      issue, toward the relaxed package (holding the package fixed, so an upper bound),
      that raises its surplus there by ``e_i``.
    * Partial deals: every subset of issues is a candidate. Zone existence is not
      monotone in the subset (dropping an issue can remove a compensation as well as a
      veto player), so subsets are examined from the largest down, all subsets of one
      size before the next, stopping at the first size that has a zone. Most subsets
      are decided without a linear program: a subset has a zone if one of a set of
      candidate packages (status quo, every actor's ideal and expectations, weighted
      medians, and every package found so far) is accepted by all its veto players;
      it has none if a dual certificate ``λ ≥ 0`` gives ``max_x Σ_i λ_i G_i(x) < 0``
      (the maximum separates by issue; the certificates are the dual values of the
      programs solved so far and pairwise weightings of the veto players). The rest get
      the relaxation program.

Arrays for sampling
    :func:`agreement_arrays` turns a scenario (at a date, with levers and types) into
    :class:`AgreementArrays`, calling ``value_of(path, Uncertain)`` for every uncertain
    input exactly as :func:`accord.scenario.arrays.arrays_from_scenario` does; a
    sampler returning ``D`` draws per input gives arrays with a leading draw axis.
    :func:`zone_batch` evaluates every draw. :func:`analyse_agreement` is the full
    analysis behind ``accord agree``.

Modules
    :mod:`~accord.analysis.agreement_arrays` (the inputs), :mod:`~accord.analysis.bargaining`
    (the programs for one problem), :mod:`~accord.analysis.deal_analysis` (what a deal means for
    each veto player), :mod:`~accord.analysis.partial_deals` (subsets of issues),
    :mod:`~accord.analysis.levers`, :mod:`~accord.analysis.timeline`, :mod:`~accord.analysis.types`;
    this module assembles the report and re-exports the public names.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.analysis.agreement_arrays import TOL, AgreementArrays, Utility, agreement_arrays
from accord.analysis.bargaining import Deal, Problem, Relaxation, nash_of, relax_arrays, zone_batch
from accord.analysis.deal_analysis import BindingTerm, Blocker, DealResult, analyse_deal
from accord.analysis.partial_deals import PartialDeals, partial_deals
from accord.errors import ParameterError
from accord.scenario.schema import Scenario, nearest_anchor

__all__ = [
    "TOL",
    "Utility",
    "AgreementArrays",
    "agreement_arrays",
    "Problem",
    "Deal",
    "Relaxation",
    "relax_arrays",
    "zone_batch",
    "nash_of",
    "BindingTerm",
    "Blocker",
    "DealResult",
    "PartialDeals",
    "analyse_deal",
    "partial_deals",
    "AgreementReport",
    "analyse_agreement",
]


# --------------------------------------------------------------------------- the report


def _anchor_text(scenario: Scenario, issue_id: str, value: float) -> str | None:
    anchor = nearest_anchor(scenario.issue(issue_id), value)
    return f"{anchor[0]:g}: {anchor[1]}" if anchor else None


def _names(scenario: Scenario) -> dict[str, str]:
    return {a.id: a.name for a in scenario.actors}


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class AgreementReport:
    """Everything ``accord agree`` says about a case.

    Attributes
    ----------
    scenario : Scenario
    utility : str
    date, snapshot, levers, types
        The case analysed.
    deal : DealResult
        The comprehensive deal.
    partial : PartialDeals or None
    levers_ranked : tuple of LeverEffect
    timeline : tuple of TimePoint
    types_report : tuple of ActorTypes
    timings : dict of str to float
        Seconds spent on each part.
    """

    scenario: Scenario
    utility: str
    date: dt.date | None
    snapshot: str | None
    levers: tuple[str, ...]
    types: dict[str, str]
    deal: DealResult
    partial: PartialDeals | None
    levers_ranked: tuple[Any, ...] = ()
    timeline: tuple[Any, ...] = ()
    types_report: tuple[Any, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """The answer in one sentence."""
        names = _names(self.scenario)
        d = self.deal
        vetoes = _join([names[v] for v in d.veto])
        when = f" at {self.date.isoformat()}" if self.date else ""
        if d.zone_exists:
            return (
                f"An agreement is attainable{when}: some packages give every veto player "
                f"({vetoes}) at least what it expects without a deal."
            )
        parts = _join([f"{names[b.actor]} {b.gap:.3f}" for b in d.blockers])
        return (
            f"No agreement is attainable{when}: no package gives every veto player ({vetoes}) what it "
            f"expects without a deal; the smallest concession that would open a zone is {d.gap:.3f} "
            f"utility units in all ({parts})."
        )

    @property
    def reasons(self) -> list[str]:
        """The reasons behind the verdict, one sentence each."""
        sc = self.scenario
        names = _names(sc)
        inames = {i.id: i.name for i in sc.issues}
        d = self.deal
        out: list[str] = []
        if d.zone_exists:
            for label, pkg in (("Nash bargaining solution", d.nash), ("Kalai-Smorodinsky point", d.kalai_smorodinsky)):
                moves = []
                for i, v in pkg.items():
                    issue = sc.issue(i)
                    sq = sc.status_quo(issue)
                    share = abs(v - sq) / (issue.scale.max - issue.scale.min)
                    if share > 1e-6:
                        moves.append((share, i, sq, v))
                moves.sort(key=lambda m: -m[0])
                if not moves:
                    out.append(f"The {label} is the status quo.")
                    continue
                text = "; ".join(
                    f"{inames[i]} {sq:.0f} → {v:.0f}" + (f" ({a})" if (a := _anchor_text(sc, i, v)) else "")
                    for _, i, sq, v in moves[:3]
                )
                out.append(f"The {label} moves {len(moves)} of {len(pkg)} issues from the status quo, "
                           f"most {text}.")
            if d.margin is not None:
                out.append(f"Every veto player can gain at least {d.margin:.3f} over no deal at once.")
        else:
            for b in d.blockers:
                terms = _join([f"{inames[t.issue]} ({t.loss:.3f})" for t in b.binding[:3]]) or "no single issue"
                line = (f"{names[b.actor]} blocks: at the closest package it falls {b.gap:.3f} short of what it "
                        f"expects without a deal, losing most on {terms}")
                if b.extra_no_deal_cost is not None:
                    line += f"; a no-deal cost higher by {b.extra_no_deal_cost:.3f} would close its part"
                shiftable = [t for t in b.binding if t.shift_to is not None]
                if shiftable:
                    t = min(shiftable, key=lambda t: t.shift or 0.0)
                    line += (f", as would moving its position on {inames[t.issue]} from {t.position:.0f} "
                             f"to {t.shift_to:.0f}")
                out.append(line + ".")
        if self.partial is not None:
            if self.partial.size:
                best = self.partial.deals[0]
                issues = _join([inames[i] for i in best.issues])
                out.append(
                    f"Partial deals: {self.partial.n_feasible} deal(s) on {self.partial.size} of "
                    f"{len(sc.issues)} issues have a zone, e.g. one on {issues}."
                )
            else:
                out.append("No partial deal, on any subset of the issues, has a zone of agreement either.")
        if self.levers_ranked:
            best = self.levers_ranked[0]
            label = " + ".join(best.levers)
            if not d.zone_exists:
                if best.zone_exists:
                    out.append(f"Lever {label} would open a zone of agreement.")
                elif best.gap_closed > 1e-9:
                    out.append(f"The most effective lever, {label}, closes {100 * (best.share_closed or 0):.0f}% "
                               f"of the gap; none opens a zone.")
                else:
                    out.append("No lever, alone or in pairs, narrows the gap.")
            elif best.nash_shift is not None:
                out.append(f"The lever that moves the Nash package most is {label} "
                           f"({best.nash_shift:.1f} points of scale in all).")
        if self.timeline:
            opened = [t for t in self.timeline if t.zone_exists]
            first, last = self.timeline[0], self.timeline[-1]
            trend = (f"the gap goes from {first.gap:.3f} ({first.date.isoformat()}) to {last.gap:.3f} "
                     f"({last.date.isoformat()})")
            if opened:
                out.append(f"Over the timeline a zone exists on {len(opened)} of {len(self.timeline)} dates; {trend}.")
            else:
                out.append(f"Over the timeline no date has a zone; {trend}.")
        for at in self.types_report:
            if at.actor == "*":
                out.append(f"Over every combination of types, a zone exists with probability {at.p_zone:.2f}.")
                continue
            with_zone = [v.name for v in at.verdicts if v.zone_exists]
            out.append(
                f"If {names.get(at.actor, at.actor)}'s type is uncertain, a zone exists with probability "
                f"{at.p_zone:.2f}" + (f" (under: {_join(with_zone)})" if with_zone else " (under no type)") + "."
            )
            if at.proposals:
                out.append(f"A probe: {at.proposals[0].describe(inames)}.")
        return out

    def to_json(self) -> dict[str, Any]:
        sc = self.scenario
        d = self.deal
        issues = {}
        for issue in sc.issues:
            entry: dict[str, Any] = {"status_quo": sc.status_quo(issue), "zone": list(d.zone[issue.id])
                                     if issue.id in d.zone else None}
            for key, pkg in (("nash", d.nash), ("kalai_smorodinsky", d.kalai_smorodinsky), ("relaxed", d.relaxed)):
                if issue.id in pkg:
                    entry[key] = pkg[issue.id]
                    entry[f"{key}_anchor"] = _anchor_text(sc, issue.id, pkg[issue.id])
            issues[issue.id] = entry
        inames = {i.id: i.name for i in sc.issues}
        return {
            "scenario": sc.id,
            "utility": self.utility,
            "at": self.date.isoformat() if self.date else None,
            "snapshot": self.snapshot,
            "levers_applied": list(self.levers),
            "types_applied": dict(self.types),
            "verdict": self.verdict,
            "reasons": self.reasons,
            "zone_exists": d.zone_exists,
            "zone": {k: [lo, hi] for k, (lo, hi) in d.zone.items()},
            "nash": dict(d.nash),
            "kalai_smorodinsky": dict(d.kalai_smorodinsky),
            "gap": d.gap,
            "blockers": [b.to_json() for b in d.blockers],
            "veto_players": list(d.veto),
            "margin": d.margin,
            "nash_surplus": dict(d.nash_surplus),
            "ks_surplus": dict(d.ks_surplus),
            "relaxed": dict(d.relaxed),
            "reservation": {k: dict(v) for k, v in d.reservation.items()},
            "issues": issues,
            "partial_deals": self.partial.to_json() if self.partial is not None else None,
            "levers": [e.to_json() for e in self.levers_ranked],
            "timeline": [t.to_json() for t in self.timeline],
            "types": [t.to_json(inames) for t in self.types_report],
            "timings": dict(self.timings),
        }


def analyse_agreement(
    scenario: Scenario,
    *,
    at: Any = None,
    levers: Sequence[str] = (),
    types: Mapping[str, str] | Iterable[str] | None = None,
    utility: Utility = "linear",
    partial: bool = True,
    lever_pairs: bool = True,
    timeline: bool = True,
    with_types: bool = True,
    max_partial: int = 5,
) -> AgreementReport:
    """The full agreement analysis of a case.

    Parameters
    ----------
    scenario : Scenario
    at : date or str, optional
        Analyse the case at this date (snapshot and cost paths).
    levers : sequence of str
        Levers applied to the case.
    types : mapping or iterable of ``"ACTOR=TYPE"``, optional
        Types chosen for the case.
    utility : {"linear", "quadratic"}
    partial, lever_pairs, timeline, with_types : bool
        Parts to compute (all by default).
    max_partial : int
        Largest partial deals reported in full.

    Returns
    -------
    AgreementReport
    """
    from accord.analysis.levers import rank_levers
    from accord.analysis.timeline import evaluate_timeline
    from accord.analysis.types import analyse_types

    if utility not in ("linear", "quadratic"):
        raise ParameterError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    arrays = agreement_arrays(scenario, at=at, levers=levers, types=types)
    problem = Problem.from_arrays(arrays, utility)
    deal = analyse_deal(problem)
    timings["deal"] = time.perf_counter() - start

    part = None
    if partial:
        start = time.perf_counter()
        part = partial_deals(problem, limit=max_partial)
        timings["partial"] = time.perf_counter() - start

    ranked: list[Any] = []
    if scenario.levers:
        start = time.perf_counter()
        ranked = rank_levers(scenario, at=at, levers=arrays.levers, types=types, utility=utility,
                             pairs=lever_pairs, base=arrays)
        timings["levers"] = time.perf_counter() - start

    points: list[Any] = []
    if timeline and (scenario.timeline or any(a.no_deal_cost_path for a in scenario.actors)):
        start = time.perf_counter()
        points = evaluate_timeline(scenario, levers=arrays.levers, types=types, utility=utility)
        timings["timeline"] = time.perf_counter() - start

    typed: list[Any] = []
    if with_types and scenario.types:
        start = time.perf_counter()
        typed = analyse_types(scenario, at=at, levers=arrays.levers, types=types, utility=utility)
        timings["types"] = time.perf_counter() - start

    timings["total"] = sum(timings.values())
    return AgreementReport(
        scenario=scenario,
        utility=utility,
        date=arrays.date,
        snapshot=arrays.snapshot,
        levers=arrays.levers,
        types=dict(arrays.types),
        deal=deal,
        partial=part,
        levers_ranked=tuple(ranked),
        timeline=tuple(points),
        types_report=tuple(typed),
        timings=timings,
    )
