"""``accord runs``: the run history (list, show, diff)."""

from __future__ import annotations

from typing import Any

import typer

from accord.cli.common import DB_HELP, echo_json, fmt, handle_errors, import_extra


def _store(db: str | None):  # noqa: ANN202
    return import_extra("accord.store").open_store(db)


def register(app: typer.Typer) -> None:
    runs_app = typer.Typer(help="The run history: list, show and compare stored runs.", no_args_is_help=True)
    app.add_typer(runs_app, name="runs")

    @runs_app.command("list")
    @handle_errors
    def list_(
        scenario: str = typer.Option(None, "--scenario", help="Only runs of this scenario id."),
        limit: int = typer.Option(20, "--limit", min=1, max=100_000, help="How many runs, newest first."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """List stored runs, newest first."""
        with _store(db) as store:
            runs = store.list_runs(scenario_id=scenario, limit=limit)
            total = store.count_runs(scenario_id=scenario)
        if as_json:
            echo_json({"total": total, "runs": [r.to_json() for r in runs]})
            return
        from rich.console import Console
        from rich.table import Table

        if not runs:
            typer.echo("No runs stored yet" + (f" for {scenario}" if scenario else "") + ".")
            return
        table = Table(title=f"Runs ({len(runs)} of {total})", title_justify="left")
        for col in ("run", "time (UTC)", "scenario", "version", "models", "seed", "origin"):
            table.add_column(col, justify="right" if col in ("run", "version", "seed") else "left")
        for r in runs:
            table.add_row(str(r.id), r.created_at.strftime("%Y-%m-%d %H:%M:%S"), r.scenario_id,
                          f"v{r.version_number} {r.content_hash[:8]}", ", ".join(r.models), str(r.seed), r.origin)
        Console().print(table)

    @runs_app.command("show")
    @handle_errors
    def show(
        run: str = typer.Argument(..., help="Run id (or 'latest')."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Show one stored run: its inputs, settings and forecasts."""
        with _store(db) as store:
            record = store.get_run(run)
        if as_json:
            data = record.to_json()
            data["version"] = record.version.to_json(with_document=False) if record.version else None
            echo_json(data)
            return
        _print_run(record)

    @runs_app.command("diff")
    @handle_errors
    def diff(
        old: str = typer.Argument(..., help="The earlier run id."),
        new: str = typer.Argument(..., help="The later run id (or 'latest')."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """What changed between two runs: inputs (actors, issues, stances...) and forecasts."""
        store_mod = import_extra("accord.store")
        with store_mod.open_store(db) as store:
            a, b = store.get_run(old), store.get_run(new)
        data = store_mod.diff_runs(a, b)
        if as_json:
            echo_json(data)
            return
        _print_diff(data)


def _cell(x: Any, digits: int = 2) -> str:
    if x is None or isinstance(x, float):
        return fmt(x, digits)
    text = str(x)
    return text if len(text) <= 70 else text[:67] + "..."


def _print_run(record) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]Run {record.id}[/bold]  {record.created_at:%Y-%m-%d %H:%M:%S} UTC  ({record.origin})",
                  highlight=False)
    console.print(f"scenario {record.scenario_id} v{record.version_number} ({record.scenario_title}), "
                  f"content {record.content_hash[:16]}", highlight=False)
    console.print(f"models {', '.join(record.models)}; seed {record.seed}; params {record.params or {}}; "
                  f"accord {record.accord_version}", highlight=False)
    models = list(record.results.get("models", {}))
    table = Table(title="Forecasts", title_justify="left")
    table.add_column("issue")
    for name in models:
        table.add_column(name, justify="right")
    issues = list(next(iter(record.results["models"].values()))["issues"]) if models else []
    for issue in issues:
        table.add_row(issue, *[_cell(record.results["models"][m]["issues"].get(issue, {}).get("forecast"))
                               for m in models])
    console.print(table)
    if record.analyses:
        console.print("analyses: " + ", ".join(record.analyses), highlight=False)


def _print_diff(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    o, n = data["old"], data["new"]
    console.print(f"[bold]Run {o['id']} → run {n['id']}[/bold]: {o['scenario']} v{o['version']} → "
                  f"{n['scenario']} v{n['version']}", highlight=False)
    for key, change in data["settings"].items():
        console.print(f"  {key}: {_cell(change['old'])} → {_cell(change['new'])}", highlight=False)
    inputs = data["inputs"]
    if inputs.get("same"):
        console.print("Inputs: identical scenario content.")
    else:
        console.print("[bold]Inputs[/bold]")
        for key, change in inputs.get("header", {}).items():
            console.print(f"  {key}: {_cell(change['old'])} → {_cell(change['new'])}", highlight=False)
        for section, parts in inputs.items():
            if section in ("same", "header"):
                continue
            for key in parts["added"]:
                console.print(f"  + {section[:-1] if section.endswith('s') else section} {key}", highlight=False)
            for key in parts["removed"]:
                console.print(f"  - {section[:-1] if section.endswith('s') else section} {key}", highlight=False)
            for key, fields in parts["changed"].items():
                for fname, change in fields.items():
                    console.print(f"  ~ {section} {key}: {fname} {_cell(change['old'])} → {_cell(change['new'])}",
                                  highlight=False)
    table = Table(title="Forecasts", title_justify="left")
    for col in ("model", "issue", "old", "new", "change"):
        table.add_column(col, justify="right" if col in ("old", "new", "change") else "left")
    for model, m in data["results"]["models"].items():
        for issue, e in m["issues"].items():
            delta = e["delta"]
            table.add_row(model if m["status"] == "both" else f"{model} ({m['status']})", issue, _cell(e["old"]),
                          _cell(e["new"]), "–" if delta is None else f"{delta:+.2f}")
    console.print(table)
    for name, changes in data.get("analyses", {}).items():
        console.print(f"[bold]{name}[/bold]: {len(changes)} value(s) changed", highlight=False)
        for c in changes[:15]:
            console.print(f"  {c['path']}: {_cell(c['old'])} → {_cell(c['new'])}", highlight=False)
