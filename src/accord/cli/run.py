"""``accord run``: forecast every issue with one or more models."""

from __future__ import annotations

import typer

from accord.cli.common import (
    DB_HELP,
    MAX_ROUNDS,
    MAX_SEED,
    SCENARIO_HELP,
    SEED_HELP,
    echo_json,
    handle_errors,
    import_extra,
    keep_result,
    load,
    parse_settings,
    rich_text,
    safe_text,
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
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Forecast the outcome of every issue."""
        settings = parse_settings(setting)
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
        if as_json:
            echo_json(data)
        else:
            _print_table(sc, result, data, explain)
        if failed is not None:
            kept = keep_result({"run": data, "seed": seed, "params": {"rounds": rounds, "settings": settings}})
            typer.echo(f"error: the run was computed but could not be stored ({safe_text(failed)}); "
                       f"its results are kept in {kept}", err=True)
            raise typer.Exit(1)


def _print_table(sc, result, data, explain: bool) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table

    from accord.scenario.schema import nearest_anchor

    console = Console()
    models = list(result.results)
    table = Table(title=f"{rich_text(sc.title)} — forecasts", title_justify="left")
    table.add_column("issue")
    table.add_column("status quo", justify="right")
    for name in models:
        table.add_column(rich_text(name), justify="right")
    table.add_column(f"nearest anchor ({models[0]})")
    for issue in sc.issues:
        values = [data["models"][m]["issues"][issue.id]["forecast"] for m in models]
        first = values[0]
        anchor = nearest_anchor(issue, first) if first is not None else None
        table.add_row(
            rich_text(issue.name),
            f"{issue.status_quo:.1f}" if issue.status_quo is not None else "–",
            *[f"{v:.2f}" if v is not None else "–" for v in values],
            f"{anchor[0]:g}: {rich_text(anchor[1])}" if anchor else "",
        )
    console.print(table)
    if explain:
        for name, res in result.results.items():
            if not res.events:
                continue
            console.print(f"\n[bold]{name}[/bold]: what happened")
            for event in res.events:
                console.print(f"  round {event.round}, {event.issue}: {rich_text(event.text)}", highlight=False,
                              soft_wrap=True)
