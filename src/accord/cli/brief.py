"""``accord brief``: the case on one screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from accord.cli.common import OUT_HELP, SCENARIO_HELP, echo_json, handle_errors, load, write_out

JSON_KEYS = ("verdict", "p_zone", "p_zone_se", "conflict", "openings", "forecasts", "timeline", "track_record")


def register(app: typer.Typer) -> None:
    @app.command("brief")
    @handle_errors
    def brief(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        draws: int = typer.Option(1000, "--draws", "-n", min=0, help="Monte Carlo draws behind P(zone); 0: none."),
        seed: int = typer.Option(0, "--seed", min=0, help="Seed of the Monte Carlo and of the models."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        out: Path = typer.Option(None, "--out", help=OUT_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Is a deal attainable, how sure, who blocks, what would open a zone: one screen."""
        from accord.brief import build_brief

        sc = load(scenario, fmt)
        data = build_brief(sc, draws=draws, seed=seed)
        write_out(out, [brief_table(data)])
        if as_json:
            echo_json(data)
            return
        print_brief(data)


def brief_table(data: dict[str, Any]) -> tuple:
    """The brief's forecasts as a table: issue, id, status quo, each model, spread, whether they disagree."""
    forecasts = data["forecasts"]
    models = list(forecasts[0]["models"]) if forecasts else []
    rows = [[f["name"], f["issue"], f["status_quo"], *[f["models"][m] for m in models], f["spread"],
             "yes" if f["disagree"] else "no"] for f in forecasts]
    return "forecasts", ["issue", "issue_id", "status_quo", *models, "spread", "models_disagree"], rows


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def verdict_facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The labelled facts under the headline."""
    from accord.brief import join_words

    v = data["verdict"]
    rows: list[tuple[str, str]] = []
    if data.get("p_zone") is not None:
        se = data.get("p_zone_se")
        n = data.get("draws")
        text = _pct(data["p_zone"]) + (f" ± {_pct(se)}" if se is not None else "")
        if n:
            text += f" (1 s.e.) over {n:,} draws of every range"
        rows.append(("P(zone)", text))
    if v["veto_players"]:
        rows.append(("Veto players", join_words(v["veto_players"])))
    if v["zone_exists"] and v.get("margin") is not None:
        rows.append(("Margin", f"each gains at least {max(v['margin'], 0.0):.3f} utility units over no deal"))
    elif not v["zone_exists"] and v.get("gap") is not None:
        rows.append(("Gap", f"the smallest concession that opens a zone is {v['gap']:.3f} utility units"))
    rows.append(("Who blocks", blockers_text(data)))
    rows.append(("To open" if not v["zone_exists"] else "To widen", openings_text(data)))
    if data.get("pivotal"):
        rows.append(("Pivotal", pivotal_text(data["pivotal"])))
    return rows


def blockers_text(data: dict[str, Any]) -> str:
    """Who blocks and on what, from the conflict set or the blockers."""
    from accord.brief import join_words

    conflict = data.get("conflict") or []
    parts = []
    for c in conflict[:4]:
        if "bound" in c:
            parts.append(f"{c['actor_name']} on {c['issue_name']} ({c['bound']} {_fmtv(c.get('value'))})")
        else:
            on = join_words(c.get("issue_names", [])[:2]) or "the package as a whole"
            parts.append(f"{c['actor_name']}, short {c['gap']:.3f}, on {on}")
    text = "; ".join(parts) if parts else "nobody at the central values"
    if len(conflict) > 4:
        text += f"; and {len(conflict) - 4} more"
    rates = {a: r for a, r in (data.get("block_rates") or {}).items() if r > 0}
    if data.get("block_rates") is not None and data.get("draws"):
        if rates:
            top = sorted(rates.items(), key=lambda t: -t[1])[:3]
            text += "; in the draws: " + ", ".join(f"{a} {_pct(r)}" for a, r in top)
        elif data.get("block_rates"):
            text += "; nobody in any draw"
    return text


def _fmtv(x: Any) -> str:
    return f"{x:g}" if isinstance(x, int | float) else str(x)


def openings_text(data: dict[str, Any]) -> str:
    """The cheapest way to open (or widen) a zone, first of the openings."""
    openings = data.get("openings") or []
    if not openings:
        return "nothing found among the scenario's levers and single position shifts"
    o = openings[0]
    if "changes" in o:
        moves = [f"{c['actor_name']} {c.get('bound', '')} on {c['issue_name']} {_fmtv(c.get('from'))} → "
                 f"{_fmtv(c.get('to'))}".replace("  ", " ") for c in o["changes"]]
        text = "; ".join(moves) or "no change of red line"
        if o.get("lever_names"):
            text += " with " + " + ".join(o["lever_names"])
        return text
    if o.get("kind") == "lever":
        label = " + ".join(o["lever_names"])
        if data["verdict"]["zone_exists"]:
            return f"{label} moves the Nash package most ({o['nash_shift']:.1f} points of scale in all)"
        if o.get("opens_zone"):
            return f"{label} opens a zone"
        return f"{label} closes {100 * (o.get('share_closed') or 0):.0f}% of the gap"
    return f"{o['actor_name']} moves on {o['issue_name']} from {o['from']:.0f} to {o['to']:.0f}"


def pivotal_text(pivotal: Any) -> str:
    if isinstance(pivotal, list):
        return ", ".join(str(p.get("name", p.get("actor", p)) if isinstance(p, dict) else p) for p in pivotal[:4])
    return str(pivotal)


def timeline_text(tl: dict[str, Any]) -> str:
    """How the verdict moves over the timeline, in one sentence."""
    if not tl["dates"]:
        return "the scenario has no timeline"
    first, last = tl["first"], tl["last"]
    text = f"a zone on {tl['with_zone']} of {tl['dates']} dates, {first['date']} to {last['date']}"
    for ch in tl["changes"][:3]:
        text += f"; {'opens' if ch['zone_exists'] else 'closes'} {ch['date']} ({ch['label']})"
    if not tl["changes"]:
        if tl["with_zone"] == tl["dates"]:
            text += "; the verdict holds throughout"
        elif tl["with_zone"] == 0:
            text += f"; the gap goes from {first['gap']:.3f} to {last['gap']:.3f}"
    return text


def print_brief(data: dict[str, Any]) -> None:
    """The brief on one screen."""
    from accord.brief import model_label
    from accord.cli.render import column, console, facts, table, titled

    con = console()
    con.print(data["title"], style="bold")
    con.print(data["verdict"]["headline"], style="bold")
    con.print(facts(verdict_facts(data)))

    forecasts = data["forecasts"]
    models = list(forecasts[0]["models"]) if forecasts else []
    t = table(compact=True)
    rows = [["*" if f["disagree"] else "", f["name"], _num(f["status_quo"]),
             *[_num(f["models"][m]) for m in models]] for f in forecasts]
    t.add_column("", width=1, no_wrap=True)
    column(t, "issue")
    column(t, "status quo", numeric=True, values=[r[2] for r in rows])
    for k, m in enumerate(models):
        column(t, model_label(m), numeric=True, values=[r[3 + k] for r in rows])
    for row in rows:
        t.add_row(*row)
    titled(con, "Forecasts (* the models disagree by a fifth of the scale or more)", t)
    disagree = sorted((f for f in forecasts if f["disagree"]), key=lambda f: -f["spread"])
    rows = []
    if disagree:
        widest = "; ".join(
            f"{f['name']} ({model_label(f['lowest']['model'])} {f['lowest']['value']:.0f}, "
            f"{model_label(f['highest']['model'])} {f['highest']['value']:.0f})" for f in disagree[:2])
        rows.append(("Disagreement", f"{len(disagree)} of {len(forecasts)} issues; widest: {widest}"))
    rows += [("Over time", timeline_text(data["timeline"])),
             ("Track record", data["track_record"]["text"])]
    if data["track_record"].get("source"):
        rows[-1] = ("Track record", rows[-1][1] + " (cached backtest, scripts/track_record.py)")
    con.print(facts(rows))
