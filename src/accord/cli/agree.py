"""``accord agree``: is an agreement attainable, who blocks it, and what would open a zone."""

from __future__ import annotations

from typing import Any

import typer

from accord.cli.common import SCENARIO_HELP, echo_json, handle_errors, load, rich_text


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
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Say whether a deal every veto player prefers to no deal exists, and why."""
        if utility not in ("linear", "quadratic"):
            raise typer.BadParameter(f"must be linear or quadratic, got {utility!r}", param_hint="--utility")
        sc = load(scenario, fmt)
        from accord.agreement import analyse_agreement

        report = analyse_agreement(sc, at=at, levers=lever or (), types=type_ or None, utility=utility)
        if as_json:
            echo_json(report.to_json())
            return
        _print(report)


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _print(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from accord.scenario.schema import nearest_anchor

    sc = report.scenario
    deal = report.deal
    names = {a.id: rich_text(a.name) for a in sc.actors}
    console = Console()
    console.print(rich_text(report.verdict), style="bold", highlight=False)
    for reason in report.reasons:
        console.print(f"  • {rich_text(reason)}", highlight=False)

    def anchor(issue_id: str, value: float) -> str:
        a = nearest_anchor(sc.issue(issue_id), value)
        return f"{a[0]:g}: {rich_text(a[1])}" if a else ""

    table = Table(title="Comprehensive deal", title_justify="left")
    table.add_column("issue")
    table.add_column("status quo", justify="right")
    if deal.zone_exists:
        table.add_column("zone", justify="right")
        table.add_column("Nash", justify="right")
        table.add_column("Kalai–Smorodinsky", justify="right")
        table.add_column("Nash: nearest anchor")
    else:
        table.add_column("relaxed package", justify="right")
        table.add_column("nearest anchor")
    for issue in sc.issues:
        row = [rich_text(issue.name), _fmt(sc.status_quo(issue))]
        if deal.zone_exists:
            lo, hi = deal.zone[issue.id]
            x = deal.nash[issue.id]
            row += [f"{lo:.1f}–{hi:.1f}", _fmt(x), _fmt(deal.kalai_smorodinsky[issue.id]), anchor(issue.id, x)]
        else:
            x = deal.relaxed.get(issue.id)
            row += [_fmt(x), anchor(issue.id, x) if x is not None else ""]
        table.add_row(*row)
    console.print(table)

    if deal.blockers:
        table = Table(title="Blockers (their part of the gap, in utility units)", title_justify="left")
        for col in ("actor", "gap", "extra no-deal cost", "binding issues (loss)", "position shift that closes it"):
            table.add_column(col)
        inames = {i.id: rich_text(i.name) for i in sc.issues}
        for b in deal.blockers:
            shifts = [t for t in b.binding if t.shift_to is not None]
            best = min(shifts, key=lambda t: t.shift or 0.0) if shifts else None
            table.add_row(
                names[b.actor],
                f"{b.gap:.3f}",
                _fmt(b.extra_no_deal_cost, 3),
                ", ".join(f"{inames[t.issue]} ({t.loss:.3f})" for t in b.binding[:4]),
                f"{inames[best.issue]}: {best.position:.0f} → {best.shift_to:.0f}" if best else "none on one issue",
            )
        console.print(table)

    if report.partial is not None and report.partial.size:
        table = Table(
            title=f"Largest partial deals with a zone ({report.partial.size} of {len(sc.issues)} issues)",
            title_justify="left",
        )
        table.add_column("issues covered")
        table.add_column("veto players")
        table.add_column("margin", justify="right")
        for d in report.partial.deals:
            table.add_row(rich_text(", ".join(d.issues)), rich_text(", ".join(d.veto)), _fmt(d.margin, 3))
        console.print(table)

    if report.levers_ranked:
        table = Table(title="Levers, best first", title_justify="left")
        for col in ("lever(s)", "zone", "gap", "gap closed", "Nash shift"):
            table.add_column(col)
        for e in report.levers_ranked:
            table.add_row(
                " + ".join(e.levers),
                "yes" if e.zone_exists else "no",
                f"{e.gap:.3f}",
                f"{100 * e.share_closed:.0f}%" if e.share_closed is not None else "–",
                _fmt(e.nash_shift),
            )
        console.print(table)

    if report.timeline:
        table = Table(title="Over time", title_justify="left")
        for col in ("date", "snapshot in force", "zone", "gap", "blockers"):
            table.add_column(col)
        for t in report.timeline:
            table.add_row(
                t.date.isoformat() + ("" if t.kind == "snapshot" else " (month)"),
                t.label,
                "yes" if t.zone_exists else "no",
                f"{t.gap:.3f}",
                ", ".join(f"{names.get(a, a)} {g:.3f}" for a, g in t.blockers.items()),
            )
        console.print(table)

    for at in report.types_report:
        if at.actor == "*":
            console.print(f"Probability of a zone over every combination of types: {at.p_zone:.2f}")
            continue
        table = Table(title=f"Types of {names.get(at.actor, at.actor)}: P(zone) = {at.p_zone:.2f}",
                      title_justify="left")
        for col in ("type", "prior", "zone", "gap"):
            table.add_column(col)
        for v in at.verdicts:
            table.add_row(v.name, f"{v.prior:.2f}", "yes" if v.zone_exists else "no", f"{v.gap:.3f}")
        console.print(table)
        inames = {i.id: rich_text(i.name) for i in sc.issues}
        for p in at.proposals:
            console.print(f"  probe: {p.describe(inames)}", highlight=False)
