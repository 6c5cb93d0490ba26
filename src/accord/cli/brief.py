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


def print_brief(data: dict[str, Any]) -> None:
    """The brief on one screen."""
    from accord.brief import digits_for, model_label, timeline_text, verdict_facts, whole
    from accord.cli.render import column, console, facts, table, titled

    con = console()
    con.print(data["title"], style="bold")
    con.print(data["verdict"]["headline"], style="bold")
    con.print(facts(verdict_facts(data)))

    forecasts = data["forecasts"]
    models = list(forecasts[0]["models"]) if forecasts else []
    t = table(compact=True)
    rows = [["*" if f["disagree"] else "", f["name"], whole(f["status_quo"], d := digits_for(f.get("scale"))),
             *[whole(f["models"][m], d) for m in models]] for f in forecasts]
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
    con.print(facts(rows))
