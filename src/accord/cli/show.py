"""``accord show``: a readable summary of a scenario, or the scenario written back out."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import SCENARIO_HELP, handle_errors, load, rich_text


def register(app: typer.Typer) -> None:
    @app.command("show")
    @handle_errors
    def show(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        output: str = typer.Option("text", "--format", help="text, yaml or json."),
        input_format: str = typer.Option(None, "--input-format", help="Force bdm, decide or ktab input."),
        out: Path = typer.Option(
            None, "--output", "-o",
            help="Write the YAML/JSON document to this file, the source texts beside it (default: stdout, "
                 "source texts inline).",
        ),
    ) -> None:
        """Summarise a scenario (or write it out as YAML/JSON that loads where it is written)."""
        if output not in ("text", "yaml", "json"):
            raise typer.BadParameter(f"must be text, yaml or json, got {output!r}", param_hint="--format")
        if out is not None and output == "text":
            raise typer.BadParameter("-o writes yaml or json: add --format yaml or --format json", param_hint="-o")
        sc = load(scenario, input_format)
        if output != "text":
            from accord.scenario.files import inline_sources, write_scenario
            from accord.scenario.io import dump_scenario

            if out is not None:
                written = write_scenario(sc, out, output)
                typer.echo(f"wrote {written[0]}" + (f" and {len(written) - 1} source text(s) beside it"
                                                    if len(written) > 1 else ""), err=True)
                return
            typer.echo(dump_scenario(inline_sources(sc), output), nl=False)
            if any(src.file for src in sc.sources):
                typer.echo("note: the source texts are written inline; with -o FILE they go beside it",
                           err=True)
            return
        _summary(sc)


def _summary(sc) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table

    console = Console()
    t = rich_text
    console.print(f"[bold]{t(sc.title)}[/bold]  ({t(sc.id)}" + (f", as of {sc.as_of}" if sc.as_of else "") + ")")
    if sc.description:
        console.print(t(sc.description.strip()), highlight=False)
    actors = Table(title="Actors", title_justify="left")
    for col in ("id", "name", "kind", "capability"):
        actors.add_column(col)
    for a in sc.actors:
        actors.add_row(t(a.id), t(a.name), a.kind, str(a.capability))
    console.print(actors)
    issues = Table(title="Issues", title_justify="left")
    for col in ("id", "name", "scale", "status quo", "veto"):
        issues.add_column(col)
    for i in sc.issues:
        issues.add_row(t(i.id), t(i.name), f"{i.scale.min:g}–{i.scale.max:g}",
                       "–" if i.status_quo is None else f"{i.status_quo:g}", t(", ".join(i.veto)))
    console.print(issues)
    stances = Table(title="Stances", title_justify="left")
    for col in ("actor", "issue", "position", "salience", "basis"):
        stances.add_column(col)
    for s in sc.stances:
        basis = f"{len(s.evidence)} quote(s)" if s.evidence else "assumption"
        stances.add_row(t(s.actor), t(s.issue), str(s.position), str(s.salience), basis)
    console.print(stances)
    if sc.sources:
        console.print("Sources:")
        for src in sc.sources:
            who = ", ".join(x for x in (src.author, src.publisher, str(src.date) if src.date else None) if x)
            console.print(t(f"  {src.id}: {src.title}" + (f" ({who})" if who else "")), highlight=False)
