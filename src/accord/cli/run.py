"""``accord run``: forecast every issue with one or more models."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import (
    DB_HELP,
    MAX_ROUNDS,
    MAX_SEED,
    OUT_HELP,
    SCENARIO_HELP,
    SEED_HELP,
    echo_json,
    handle_errors,
    import_extra,
    keep_result,
    load,
    parse_settings,
    safe_text,
    write_out,
)


def register(app: typer.Typer) -> None:
    @app.command("run")
    @handle_errors
    def run(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        model: list[str] = typer.Option(None, "--model", "-m", help="Model to run (repeatable). Default: all."),
        rounds: int = typer.Option(None, "--rounds", min=1, max=MAX_ROUNDS,
                                   help="Rounds (or iterations) for dynamic models."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        explain: bool = typer.Option(False, "--explain", help="Also print what happened in each round."),
        seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help=SEED_HELP),
        save: bool = typer.Option(False, "--save/--no-save", help="Store the run in the run history."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
        out: Path = typer.Option(None, "--out", help=OUT_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Forecast the outcome of every issue."""
        settings = parse_settings(setting, model)
        # the exchange model checks how firm its forecast is (models without the parameter ignore it)
        settings.setdefault("fragility_runs", 4)
        store = import_extra("accord.store") if save else None
        sc = load(scenario, fmt)
        from accord.runner import run_models, run_to_json

        result = run_models(sc, model or None, rounds=rounds, settings=settings, seed=seed)
        data = run_to_json(result)
        failed = None
        if store is not None:
            try:
                record = store.record_run(
                    data, sc, params={"rounds": rounds, "settings": settings}, seed=seed,
                    timings=result.seconds, url=db,
                )
                typer.echo(f"stored as run {record.id}", err=True)
            except Exception as exc:  # noqa: BLE001 - the computed run is kept whatever went wrong
                failed = exc
        write_out(out, [forecast_table(sc, data)])
        if as_json:
            echo_json(data)
        else:
            _print_table(sc, result, data, explain)
        if failed is not None:
            kept = keep_result({"run": data, "seed": seed, "params": {"rounds": rounds, "settings": settings}})
            typer.echo(f"error: the run was computed but could not be stored ({safe_text(failed)}); "
                       f"its results are kept in {kept}", err=True)
            raise typer.Exit(1)


def forecast_table(sc, data) -> tuple:  # noqa: ANN001
    """The forecasts as a table: issue, id, status quo, one column per model, the first model's anchor."""
    models = list(data["models"])
    rows = []
    for issue in sc.issues:
        entries = [data["models"][m]["issues"][issue.id] for m in models]
        anchor = entries[0].get("anchor") if entries else None
        rows.append([issue.name, issue.id, issue.status_quo, *[e["forecast"] for e in entries],
                     f"{anchor['value']:g}: {anchor['label']}" if anchor else None])
    return "forecasts", ["issue", "issue_id", "status_quo", *models, f"anchor_{models[0]}"], rows


def _print_table(sc, result, data, explain: bool) -> None:  # noqa: ANN001
    from accord.cli.render import column, console, details, hanging, model_header, table, titled
    from accord.scenario.schema import nearest_anchor

    con = console()
    models = list(result.results)
    rows = []
    anchors = []
    for issue in sc.issues:
        values = [data["models"][m]["issues"][issue.id]["forecast"] for m in models]
        first = values[0]
        anchor = nearest_anchor(issue, first) if first is not None else None
        if anchor:
            anchors.append((f"{issue.name}:", f"{anchor[0]:g}, {anchor[1]}"))
        rows.append([issue.name, f"{issue.status_quo:.1f}" if issue.status_quo is not None else "–",
                     *[f"{v:.2f}" if v is not None else "–" for v in values]])
    t = table(compact=True)
    column(t, "issue")
    column(t, "status quo", numeric=True, values=[r[1] for r in rows])
    for k, name in enumerate(models):
        column(t, model_header(name), numeric=True, values=[r[2 + k] for r in rows])
    for row in rows:
        t.add_row(*row)
    titled(con, f"{sc.title}: forecasts", t)
    details(con, f"Nearest labelled point of each forecast ({model_header(models[0])})", anchors)
    issues = {i.id: i.name for i in sc.issues}
    if explain:
        for name, res in result.results.items():
            notes = (getattr(res, "fragility", None) or {}).get("notes", [])
            if not res.events and not notes:
                continue
            con.print(f"\n{model_header(name)}: what happened", style="bold")
            for event in res.events:
                hanging(con, f"round {event.round}, {issues.get(event.issue, event.issue)}: {event.text}")
            if notes:
                con.print(f"\n[bold]{name}[/bold]: how firm the forecast is")
                for note in notes:
                    hanging(con, f"round {note['round']}, {issues.get(note['issue'], note['issue'])}: {note['text']}")
