"""The report of the agreement analysis: the verdict, its reasons and the JSON of ``accord agree``."""


from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from accord.agreement.bargaining import Problem
from accord.agreement.conflict import Limit, Opening, conflict_set, openings
from accord.agreement.deal import DealResult, analyse_deal
from accord.agreement.inputs import Utility, agreement_arrays
from accord.agreement.levers import LeverEffect, rank_levers
from accord.agreement.partial import PartialDeals, partial_deals
from accord.agreement.probability import ZoneProbability
from accord.agreement.timeline import TimePoint, evaluate_timeline
from accord.agreement.types import ActorTypes, analyse_types
from accord.errors import ParameterError
from accord.scenario.case import Case, TypeChoice
from accord.scenario.schema import Scenario, nearest_anchor

__all__ = ["AgreementReport", "analyse_agreement"]


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
    conflict : tuple of Limit
        Why there is no zone: an irreducible set of limits no package meets.
    openings : tuple of Opening
        The least changes that would open a zone, most likely first.
    red_lines : tuple of dict
        Every red-line bound of the case: actor, issue, bound, value, credibility, where
        it was set, its evidence, whether it is held and whether it binds.
    probability : ZoneProbability or None
        P(zone) over draws, when asked for.
    problem : Problem or None
        The comprehensive deal's problem (ids and scales for the JSON).
    track_record : str or None
        One sentence on the models' record against real outcomes, given by the caller.
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
    levers_ranked: tuple[LeverEffect, ...] = ()
    timeline: tuple[TimePoint, ...] = ()
    types_report: tuple[ActorTypes, ...] = ()
    conflict: tuple[Limit, ...] = ()
    openings: tuple[Opening, ...] = ()
    red_lines: tuple[dict[str, Any], ...] = ()
    probability: ZoneProbability | None = None
    problem: Problem | None = None
    track_record: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def unconstrained(self) -> tuple[str, ...]:
        """Issues whose zone interval is the whole scale: no veto player limits them."""
        out = []
        for issue in self.scenario.issues:
            interval = self.deal.zone.get(issue.id)
            if interval is None:
                continue
            lo, hi = interval
            if lo <= issue.scale.min + 1e-6 and hi >= issue.scale.max - 1e-6:
                out.append(issue.id)
        return tuple(out)

    @property
    def caveats(self) -> list[str]:
        """What the verdict rests on: the reading of the red lines, the draws, the track record."""
        out = []
        held = [r for r in self.red_lines if r["held"]]
        if self.red_lines:
            out.append(f"It holds every one of the {len(held)} red-line bounds as stated; each may be a posture "
                       f"(credibility {min(r['credibility'] for r in held):.2f}–"
                       f"{max(r['credibility'] for r in held):.2f})." if held else
                       "No red line is held in this reading.")
        else:
            out.append("The scenario states no red lines: every demand can be traded against gains elsewhere.")
        if self.probability is not None:
            pr = self.probability
            out.append(f"Drawing every range and each red line as real with its credibility, a zone exists in "
                       f"{100 * pr.p_zone:.1f}% of {len(pr.zone)} draws (± {100 * pr.p_zone_se:.1f}).")
        if self.track_record:
            out.append(self.track_record)
        return out

    def limit_text(self, lim: Limit) -> str:
        names = _names(self.scenario)
        inames = {i.id: i.name for i in self.scenario.issues}
        actor = names.get(self.scenario.actors[lim.actor].id, "?")
        if lim.kind == "surplus":
            return f"{actor} accepts nothing worth less than no deal"
        if lim.kind == "requires":
            return f"{actor}'s requirement of at least {lim.value:g} condition(s)"
        issue = inames[self.scenario.issues[lim.issue].id] if lim.issue is not None else "?"
        sign = "≥" if lim.kind == "at_least" else "≤"
        return f"{actor}: {issue} {sign} {lim.value:g}"

    @property
    def verdict(self) -> str:
        """The answer in one sentence."""
        names = _names(self.scenario)
        d = self.deal
        vetoes = _join([names[v] for v in d.veto])
        when = f" at {self.date.isoformat()}" if self.date else ""
        if d.zone_exists and d.margin is not None and d.margin <= 1e-9:
            return (
                f"No veto player gains anything from signing{when}: packages exist that leave every veto "
                f"player ({vetoes}) exactly as well off as without a deal, none that leaves any better off."
            )
        if d.zone_exists:
            return (
                f"An agreement is attainable{when}: some packages give every veto player "
                f"({vetoes}) at least what it expects without a deal and respect every red line held."
            )
        if self.conflict and any(lim.kind != "surplus" for lim in self.conflict):
            why = _join([self.limit_text(lim) for lim in self.conflict])
            return f"No agreement is attainable{when}: {why} cannot all hold."
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
            free = self.unconstrained
            if free:
                out.append(f"Unconstrained: no veto player limits {len(free)} of {len(sc.issues)} issues "
                           f"({_join([inames[i] for i in free])}); their zone is the whole scale, not a finding.")
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
        if self.openings:
            first = self.openings[0]
            if first.changes:
                changes_text = _join([self.change_text(c) for c in first.changes])
                odds = (f" (the chance that all of these are postures: {first.p_posture:.2f})"
                        if first.p_posture is not None else "")
                out.append(f"The cheapest opening: {changes_text}{odds}.")
        if self.partial is not None:
            if self.partial.size:
                best = self.partial.deals[0]
                issues = _join([inames[i] for i in best.issues])
                out.append(
                    f"Partial deals: {self.partial.n_feasible} deal(s) on {self.partial.size} of "
                    f"{len(sc.issues)} issues have a zone, e.g. one on {issues}."
                )
            elif not self.partial.complete:
                out.append(f"The search for partial deals stopped after {self.partial.lps} programs, among deals on "
                           f"{self.partial.stopped_at} of {len(sc.issues)} issues, before finding one with a zone.")
            else:
                out.append("No partial deal, on any subset of the issues, has a zone of agreement either.")
        if self.levers_ranked:
            top = self.levers_ranked[0]
            label = " + ".join(top.levers)
            if not d.zone_exists:
                if top.zone_exists:
                    out.append(f"Lever {label} would open a zone of agreement.")
                elif top.gap_closed > 1e-9:
                    out.append(f"The most effective lever, {label}, closes {100 * (top.share_closed or 0):.0f}% "
                               f"of the gap; none opens a zone.")
                else:
                    out.append("No lever, alone or in pairs, narrows the gap.")
            elif top.nash_shift is not None:
                out.append(f"The lever that moves the Nash package most is {label} "
                           f"({top.nash_shift:.1f} points of scale in all).")
        if self.timeline:
            opened = [t for t in self.timeline if t.zone_exists]
            start, end = self.timeline[0], self.timeline[-1]
            trend = (f"the gap goes from {start.gap:.3f} ({start.date.isoformat()}) to {end.gap:.3f} "
                     f"({end.date.isoformat()})")
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

    def change_text(self, change: Any) -> str:
        names = _names(self.scenario)
        lim = change.limit
        actor = names[self.scenario.actors[lim.actor].id]
        if lim.kind == "surplus":
            return f"{actor} accepting {change.size:.3f} less than no deal is worth to it"
        issue = self.scenario.issues[lim.issue].name
        word = "at least" if lim.kind == "at_least" else "at most"
        return f"{actor} settling for {issue} {word} {change.end:.0f} instead of {change.start:.0f}"

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
            "caveats": self.caveats,
            "unconstrained": list(self.unconstrained),
            "conflict": [self._limit_json(lim) for lim in self.conflict],
            "openings": [o.to_json(self.problem) for o in self.openings] if self.problem is not None else [],
            "red_lines": [dict(r) for r in self.red_lines],
            **self._probability_json(),
            "timings": dict(self.timings),
        }

    def _limit_json(self, lim: Limit) -> dict[str, Any]:
        out = lim.to_json(self.problem) if self.problem is not None else {}
        if lim.kind in ("at_least", "at_most"):
            match = [r for r in self.red_lines if r["index"] == lim.index]
            if match:
                out["source"] = match[0]["source"]
                out["evidence"] = match[0]["evidence"]
        return out

    def _probability_json(self) -> dict[str, Any]:
        pr = self.probability
        if pr is None:
            return {}
        return {
            "p_zone": pr.p_zone,
            "p_zone_se": pr.p_zone_se,
            "draws": int(len(pr.zone)),
            "pivotal_draws": pr.pivotal_draws,
            "pivotal": [{**{k: r[k] for k in ("actor", "issue", "bound", "value")},
                         "share": float(pr.pivotal[r["index"]])} for r in self.red_lines],
        }


def analyse_agreement(
    case: Case | Scenario,
    *,
    at: Any = None,
    levers: Sequence[str] = (),
    types: TypeChoice = None,
    utility: Utility = "linear",
    partial: bool = True,
    lever_pairs: bool = True,
    timeline: bool = True,
    with_types: bool = True,
    max_partial: int = 5,
    probability: ZoneProbability | None = None,
    track_record: str | None = None,
) -> AgreementReport:
    """The full agreement analysis of a case.

    Parameters
    ----------
    case : Case or Scenario
        The case analysed; a scenario is resolved with ``at``, ``levers`` and ``types``
        (see :meth:`accord.scenario.case.Case.resolve`).
    at : date or str, optional
    levers : sequence of str
    types : mapping or iterable of ``"ACTOR=TYPE"``, optional
    utility : {"linear", "quadratic"}
    partial, lever_pairs, timeline, with_types : bool
        Parts to compute (all by default).
    max_partial : int
        Largest partial deals reported in full.
    probability : ZoneProbability, optional
        P(zone) over draws of the same case, computed by the caller (see
        :func:`accord.experiments.agreement.agreement_probability`).
    track_record : str, optional
        A sentence on the models' record, added to the caveats.

    Returns
    -------
    AgreementReport
    """
    if utility not in ("linear", "quadratic"):
        raise ParameterError(f"utility must be 'linear' or 'quadratic', got {utility!r}")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    case = Case.of(case, at=at, levers=levers, types=types)
    scenario = case.scenario
    arrays = agreement_arrays(case)
    problem = Problem.from_arrays(arrays, utility)
    deal = analyse_deal(problem)
    timings["deal"] = time.perf_counter() - start

    start = time.perf_counter()
    linear = problem.with_utility("linear")
    conflict = conflict_set(linear) if not deal.zone_exists else ()
    opened = openings(linear) if not deal.zone_exists else ()
    timings["conflict"] = time.perf_counter() - start

    part = None
    if partial:
        start = time.perf_counter()
        part = partial_deals(problem, limit=max_partial)
        timings["partial"] = time.perf_counter() - start

    ranked: list[LeverEffect] = []
    if scenario.levers:
        start = time.perf_counter()
        ranked = rank_levers(case, utility=utility, pairs=lever_pairs, base=arrays)
        timings["levers"] = time.perf_counter() - start

    points: list[TimePoint] = []
    if timeline and (scenario.timeline or any(a.no_deal_cost_path for a in scenario.actors)):
        start = time.perf_counter()
        points = evaluate_timeline(case, utility=utility)
        timings["timeline"] = time.perf_counter() - start

    typed: list[ActorTypes] = []
    if with_types and scenario.types:
        start = time.perf_counter()
        typed = analyse_types(case, utility=utility)
        timings["types"] = time.perf_counter() - start

    if ranked and opened:
        opened = _attach_levers(scenario, opened, ranked)
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
        conflict=conflict,
        openings=opened,
        red_lines=_red_lines(scenario, arrays, deal, conflict),
        probability=probability,
        problem=problem,
        track_record=track_record,
        timings=timings,
    )


def _attach_levers(scenario: Scenario, opened: Sequence[Opening], ranked: Sequence[LeverEffect]
                   ) -> tuple[Opening, ...]:
    """Each opening with the levers or pairs that open a zone and act on the limits it changes."""
    lever_by_id = {lv.id: lv for lv in scenario.levers}
    actors = [a.id for a in scenario.actors]
    issues = [i.id for i in scenario.issues]

    def touches(combo: tuple[str, ...], change: Any) -> bool:
        lim = change.limit
        for lever_id in combo:
            for e in lever_by_id[lever_id].edits:
                if e.actor != actors[lim.actor]:
                    continue
                if lim.kind in ("at_least", "at_most"):
                    if e.field == "red_line" and e.issue == issues[lim.issue]:
                        return True
                elif e.field != "red_line":
                    return True
        return False

    opening_combos = [e.levers for e in ranked if e.zone_exists]
    out = []
    for o in opened:
        combos = tuple(c for c in opening_combos if o.changes and all(touches(c, ch) for ch in o.changes))
        out.append(replace(o, levers=combos))
    matched = {c for o in out for c in o.levers}
    out += [Opening((), None, (c,)) for c in opening_combos if c not in matched]
    return tuple(out)


def _red_line_evidence(scenario: Scenario, source: str) -> tuple[list[dict[str, str]], str | None]:
    """The evidence and assumption of the element a red line was set by (its ``red_source`` path)."""
    match = re.fullmatch(r"(stances|types|levers|timeline)\[(\d+)\](?:\.stances\[(\d+)\])?(?:\.edits\[\d+\])?"
                         r"(?:\.red_line)?", source)
    if match is None:
        return [], None
    section, k, j = match.group(1), int(match.group(2)), match.group(3)
    item: Any
    if section == "stances":
        item = scenario.stances[k].red_line
    elif section == "types":
        item = scenario.types[k].stances[int(j)].red_line
    elif section == "levers":
        item = scenario.levers[k]
    else:
        item = scenario.timeline[k]
    if item is None:
        return [], None
    return [{"source": e.source, "quote": e.quote} for e in item.evidence], item.assumption


def _red_lines(scenario: Scenario, arrays: Any, deal: DealResult, conflict: Sequence[Limit]
               ) -> tuple[dict[str, Any], ...]:
    in_conflict = {lim.index for lim in conflict if lim.kind in ("at_least", "at_most")}
    out = []
    for r in range(arrays.n_red_lines):
        label = arrays.red_label(r)
        evidence, assumption = _red_line_evidence(scenario, arrays.red_source[r])
        issue = scenario.issue(label["issue"])
        zone = deal.zone.get(label["issue"])
        touching = zone is not None and any(abs(end - label["value"]) <= 1e-6 * (issue.scale.max - issue.scale.min)
                                            for end in zone)
        veto = label["actor"] in deal.veto
        binds = bool(veto and (r in in_conflict or r in deal.line_gap or touching))
        out.append({
            "index": r,
            **label,
            "credibility": float(np.mean(arrays.red_credibility[..., r])),
            "held": bool(np.all(arrays.red_real[..., r])),
            "veto_player": veto,
            "binds": binds,
            "source": arrays.red_source[r],
            "evidence": evidence,
            "assumption": assumption,
        })
    return tuple(out)
