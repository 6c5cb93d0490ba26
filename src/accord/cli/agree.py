"""``accord agree``: is an agreement attainable, who blocks it, and what would open a zone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from accord.cli.common import OUT_HELP, SCENARIO_HELP, echo_json, fmt, handle_errors, load, write_out


def register(app: typer.Typer) -> None:
    @app.command("agree")
    @handle_errors
    def agree(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        at: str = typer.Option(None, "--at", help="Analyse the case at this date (YYYY-MM-DD)."),
        lever: list[str] = typer.Option(None, "--lever", help="Apply a lever of the scenario (repeatable)."),
        type_: list[str] = typer.Option(None, "--type", help="Choose an actor's type, ACTOR=TYPE (repeatable)."),
        utility: str = typer.Option("linear", "--utility", help="linear (default) or quadratic."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        draws: int = typer.Option(0, "--draws", min=0, max=1_000_000,
                                  help="Also estimate P(zone) over this many draws of every range and red line."),
        seed: int = typer.Option(0, "--seed", min=0, max=2**63 - 1, help="Seed of the draws."),
        out: Path = typer.Option(None, "--out", help=OUT_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Say whether a deal every veto player prefers to no deal exists, and why."""
        from accord.agreement import analyse_agreement
        from accord.backtest.record import packaged_track_record
        from accord.scenario.case import Case

        if utility not in ("linear", "quadratic"):
            raise typer.BadParameter(f"must be linear or quadratic, got {utility!r}", param_hint="--utility")
        sc = load(scenario, fmt)
        check_choices(sc, lever or [], type_ or [])
        case = Case.resolve(sc, at=at, levers=lever or (), types=type_ or None)
        probability = None
        if draws:
            from accord.experiments.agreement import agreement_probability

            probability = agreement_probability(case, draws, seed=seed, utility=utility)
        report = analyse_agreement(case, utility=utility, probability=probability,
                                   track_record="Track record of the forecasting models: " + packaged_track_record())
        write_out(out, agree_tables(report))
        if as_json:
            echo_json(report.to_json())
            return
        _print(report)


def agree_tables(report: Any) -> list[tuple]:
    """The tables ``accord agree`` prints, with full numbers: deal, blockers, partial deals, levers, timeline."""
    sc = report.scenario
    d = report.deal
    names = {a.id: a.name for a in sc.actors}
    inames = {i.id: i.name for i in sc.issues}
    rows = []
    for issue in sc.issues:
        lo, hi = d.zone.get(issue.id, (None, None))
        rows.append([issue.name, issue.id, sc.status_quo(issue), lo, hi, d.nash.get(issue.id),
                     d.kalai_smorodinsky.get(issue.id), d.relaxed.get(issue.id)])
    tables = [("deal", ["issue", "issue_id", "status_quo", "zone_low", "zone_high", "nash", "kalai_smorodinsky",
                        "relaxed"], rows)]
    if d.blockers:
        tables.append(("blockers", ["actor", "actor_id", "gap", "extra_no_deal_cost", "binding_issues"],
                       [[names[b.actor], b.actor, b.gap, b.extra_no_deal_cost,
                         "; ".join(f"{inames[t.issue]} ({t.loss:.6g})" for t in b.binding)] for b in d.blockers]))
    if report.partial is not None and report.partial.size:
        tables.append(("partial deals", ["issues_covered", "issues_left_out", "veto_players", "margin"],
                       [[", ".join(inames[i] for i in p.issues),
                         ", ".join(inames[i] for i in inames if i not in p.issues),
                         ", ".join(names.get(v, v) for v in p.veto), p.margin] for p in report.partial.deals]))
    if report.levers_ranked:
        lnames = {lv.id: lv.name for lv in sc.levers}
        tables.append(("levers", ["levers", "lever_ids", "zone_exists", "gap", "share_closed", "nash_shift"],
                       [[" + ".join(lnames.get(x, x) for x in e.levers), " + ".join(e.levers), e.zone_exists,
                         e.gap, e.share_closed, e.nash_shift] for e in report.levers_ranked]))
    if report.timeline:
        tables.append(("timeline", ["date", "kind", "snapshot", "zone_exists", "gap", "blockers"],
                       [[p.date.isoformat(), p.kind, p.label, p.zone_exists, p.gap,
                         ", ".join(f"{names.get(a, a)} {g:.6g}" for a, g in p.blockers.items())]
                        for p in report.timeline]))
    return tables


def check_choices(sc: Any, levers: list[str], types: list[str]) -> None:
    """Exit 1 with the closest id when a lever, an actor or a type given on the command line is unknown."""
    from accord.cli.common import did_you_mean

    def fail(what: str, given: str, known: list[str], where: str = "") -> None:
        hint = did_you_mean(given, known) or f"; known: {', '.join(known) or 'none'}"
        typer.echo(f"error: unknown {what} {given!r}{where} in {sc.id}{hint}", err=True)
        raise typer.Exit(1)

    for lv in levers:
        if lv not in (ids := [x.id for x in sc.levers]):
            fail("lever", lv, ids)
    for choice in types:
        actor, sep, kind = (x.strip() for x in choice.partition("="))
        if not sep:
            continue
        if actor not in (ids := [a.id for a in sc.actors]):
            fail("actor", actor, ids)
        if kind not in (ids := [t.id for t in sc.types if t.actor == actor]):
            fail("type", kind, ids, f" of {actor!r}")


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    return f"{0.0 if abs(x) < 0.5 * 10 ** -digits else x:.{digits}f}"


def _print(report: Any) -> None:
    from accord.cli.render import column, console, details, hanging, table, titled
    from accord.scenario.schema import nearest_anchor

    sc = report.scenario
    deal = report.deal
    names = {a.id: a.name for a in sc.actors}
    inames = {i.id: i.name for i in sc.issues}
    lnames = {lv.id: lv.name for lv in sc.levers}
    con = console()
    con.print(report.verdict, style="bold")
    for caveat in report.caveats:
        hanging(con, f"({caveat})")
    for reason in report.reasons:
        hanging(con, f"• {reason}")
    if report.conflict:
        con.print("Why not: these limits cannot all hold", style="bold")
        for lim in report.conflict:
            quote = next((r["evidence"][0] for r in report.red_lines
                          if r["index"] == lim.index and r["evidence"] and lim.kind in ("at_least", "at_most")), None)
            line = f"- {report.limit_text(lim)}"
            if quote:
                line += f': "{quote["quote"]}" ({quote["source"]})'
            hanging(con, line)
    if report.openings:
        con.print("What would open a zone, most likely first", style="bold")
        for o in report.openings[:6]:
            changes = "; ".join(report.change_text(c) for c in o.changes) or "a lever alone"
            odds = f" (chance all are postures {o.p_posture:.2f})" if o.p_posture is not None else ""
            levers = ", ".join(" + ".join(lnames.get(x, x) for x in c) for c in o.levers)
            hanging(con, f"- {changes}{odds}" + (f"; achieved by: {levers}" if levers else ""))
    if report.probability is not None:
        pr = report.probability
        rows = []
        for r in report.red_lines:
            sign = "≥" if r["bound"] == "at_least" else "≤"
            rows.append([f"{names[r['actor']]}: {inames[r['issue']]} {sign} {r['value']:g}",
                         f"{r['credibility']:.2f}", f"{pr.held[r['index']]:.2f}", f"{pr.pivotal[r['index']]:.2f}"])
        t = table(compact=True)
        column(t, "red line")
        for k, head in enumerate(("credibility", "held", "pivotal")):
            column(t, head, numeric=True, values=[r[1 + k] for r in rows])
        for row in rows:
            t.add_row(*row)
        titled(con, f"P(zone) = {pr.p_zone:.3f} ± {pr.p_zone_se:.3f} over {len(pr.zone):,} draws; "
                    "how often each red line is held and is the one that blocks", t)

    def anchor(issue_id: str, value: float) -> str:
        a = nearest_anchor(sc.issue(issue_id), value)
        return f"{a[0]:g}, {a[1]}" if a else ""

    rows = []
    anchors = []
    for issue in sc.issues:
        row = [issue.name, fmt(sc.status_quo(issue), 1)]
        if deal.zone_exists:
            lo, hi = deal.zone[issue.id]
            x = deal.nash[issue.id]
            row += [f"{lo:.1f}–{hi:.1f}", _fmt(x), _fmt(deal.kalai_smorodinsky[issue.id])]
        else:
            x = deal.relaxed.get(issue.id)
            row += [_fmt(x)]
        if x is not None and (text := anchor(issue.id, x)):
            anchors.append((f"{issue.name}:", text))
        rows.append(row)
    t = table(compact=True)
    column(t, "issue")
    heads = ["status quo", "zone", "Nash", "Kalai–Smorodinsky"] if deal.zone_exists else ["status quo",
                                                                                            "relaxed package"]
    for k, head in enumerate(heads):
        column(t, head, numeric=True, values=[r[1 + k] for r in rows])
    for row in rows:
        t.add_row(*row)
    titled(con, "Comprehensive deal", t)
    details(con, "Nearest labelled point of the " + ("Nash package" if deal.zone_exists else "relaxed package"),
            anchors)

    if deal.blockers:
        t = table(compact=True)
        for col in ("actor", "gap", "extra no-deal cost", "binding issues (loss)", "position shift that closes it"):
            column(t, col, numeric=col in ("gap", "extra no-deal cost"), values=["0.000"])
        for b in deal.blockers:
            shifts = [s for s in b.binding if s.shift_to is not None]
            best = min(shifts, key=lambda s: s.shift or 0.0) if shifts else None
            t.add_row(
                names[b.actor],
                f"{b.gap:.3f}",
                _fmt(b.extra_no_deal_cost, 3),
                ", ".join(f"{inames[s.issue]} ({s.loss:.3f})" for s in b.binding[:4]),
                f"{inames[best.issue]}: {best.position:.0f} → {best.shift_to:.0f}" if best else "none on one issue",
            )
        titled(con, "Blockers (their part of the gap, in utility units)", t)

    if report.partial is not None and report.partial.size:
        t = table(compact=True)
        column(t, "issues left out")
        column(t, "veto players")
        column(t, "margin", numeric=True, values=["-0.000"])
        for d in report.partial.deals:
            left = [inames[i] for i in inames if i not in d.issues]
            veto = ("those of the full deal" if set(d.veto) == set(deal.veto)
                    else ", ".join(names.get(v, v) for v in d.veto))
            t.add_row(", ".join(left) or "none", veto, _fmt(d.margin, 3))
        titled(con, f"Largest partial deals with a zone ({report.partial.size} of {len(sc.issues)} issues)", t)

    if report.levers_ranked:
        t = table(compact=True)
        column(t, "lever(s)")
        for col in ("zone", "gap", "gap closed", "Nash shift"):
            column(t, col, numeric=True, values=["0.000", "100%"])
        for e in report.levers_ranked:
            t.add_row(
                " + ".join(lnames.get(x, x) for x in e.levers),
                "yes" if e.zone_exists else "no",
                f"{e.gap:.3f}",
                f"{100 * e.share_closed:.0f}%" if e.share_closed is not None else "–",
                fmt(e.nash_shift, 1),
            )
        titled(con, "Levers, best first", t)

    if report.timeline:
        shown, prev = [], None
        for p in report.timeline:
            state = (p.zone_exists, round(p.gap, 3), tuple(sorted(p.blockers)))
            if p.kind == "snapshot" or state != prev or p is report.timeline[-1]:
                shown.append(p)
            prev = state
        t = table(compact=True)
        column(t, "date", numeric=True, values=["2025-01-01 (month)"])
        column(t, "snapshot in force")
        column(t, "zone", numeric=True, values=["yes"])
        column(t, "gap", numeric=True, values=["0.000"])
        if any(p.blockers for p in shown):
            column(t, "blockers")
        for p in shown:
            row = [p.date.isoformat() + ("" if p.kind == "snapshot" else " (month)"), p.label,
                   "yes" if p.zone_exists else "no", f"{p.gap:.3f}"]
            if any(q.blockers for q in shown):
                row.append(", ".join(f"{names.get(a, a)} {g:.3f}" for a, g in p.blockers.items()))
            t.add_row(*row)
        left_out = len(report.timeline) - len(shown)
        titled(con, "Over time" + (f" ({left_out} monthly dates without change left out; --json lists them)"
                                   if left_out else ""), t)

    for at in report.types_report:
        if at.actor == "*":
            con.print(f"Probability of a zone over every combination of types: {at.p_zone:.2f}")
            continue
        t = table(compact=True)
        column(t, "type")
        for col in ("prior", "zone", "gap"):
            column(t, col, numeric=True, values=["0.000"])
        for v in at.verdicts:
            t.add_row(v.name, f"{v.prior:.2f}", "yes" if v.zone_exists else "no", f"{v.gap:.3f}")
        titled(con, f"Types of {names.get(at.actor, at.actor)}: P(zone) = {at.p_zone:.2f}", t)
        for p in at.proposals:
            hanging(con, f"probe: {p.describe(inames)}")
