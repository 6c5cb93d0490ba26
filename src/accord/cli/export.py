"""``accord export``: a scenario's stances as a spreadsheet (CSV or Excel) to edit and import back."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import SCENARIO_HELP, handle_errors, load


def register(app: typer.Typer) -> None:
    @app.command("export")
    @handle_errors
    def export(
        scenario: str = typer.Argument(..., help=SCENARIO_HELP),
        out: Path = typer.Argument(..., help="stances.csv or stances.xlsx."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
    ) -> None:
        """Write the stances as a sheet; `accord import SHEET --into SCENARIO` reads it back."""
        from accord.tables import stance_table, write_tables

        sc = load(scenario, fmt)
        written = write_tables(out, [stance_table(sc)])
        typer.echo(f"wrote {written[0]} ({len(sc.stances)} stances); edit it, then "
                   f"`accord import {written[0]} --into {scenario} -o scenario.yaml`", err=True)
