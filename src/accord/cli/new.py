"""``accord new``: start a case folder from a scenario or from the annotated template."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import SCENARIO_HELP, handle_errors, load


def register(app: typer.Typer) -> None:
    @app.command("new")
    @handle_errors
    def new(
        folder: Path = typer.Argument(..., help="Folder of the new case (created if missing)."),
        source: str = typer.Option(None, "--from", help=SCENARIO_HELP + " Default: a small annotated template."),
        fmt: str = typer.Option(None, "--format", help="Force the input format of --from: bdm, decide or ktab."),
    ) -> None:
        """Write FOLDER/scenario.yaml, with its sources beside it, ready to edit and run."""
        from accord.scenario.files import new_case

        written = new_case(folder, load(source, fmt) if source else None)
        what = f"a copy of {source}" if source else "the annotated template"
        typer.echo(f"wrote {written[0]} ({what})", err=True)
        if len(written) > 1:
            typer.echo(f"wrote {len(written) - 1} source text(s) beside it in {written[1].parent}", err=True)
        typer.echo(f"next: edit it, then `accord validate {written[0]}` and `accord brief {written[0]}`", err=True)
