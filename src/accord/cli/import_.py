"""``accord import``: convert a BDM, Decide or KTAB file into a scenario file."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import handle_errors


def register(app: typer.Typer) -> None:
    @app.command("import")
    @handle_errors
    def import_(
        file: Path = typer.Argument(..., help="The file to convert."),
        fmt: str = typer.Option(None, "--format", help="bdm, decide or ktab (detected when absent)."),
        output: Path = typer.Option(None, "-o", "--output", help="Write here (.yaml or .json); default stdout."),
    ) -> None:
        """Convert a file of another tool into an accord scenario."""
        from accord.errors import ImportFormatError
        from accord.scenario import io as importers
        from accord.scenario.io import dump_scenario, read_text

        if fmt is not None and fmt not in importers.FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(importers.FORMATS)}, got {fmt!r}",
                                     param_hint="--format")
        text = read_text(file)
        fmt = fmt or importers.detect_format(text)
        if fmt is None:
            raise ImportFormatError(f"{file}: not a BDM CSV, Decide file or KTAB CSV; use --format to force one")
        sc = importers.convert(text, fmt, name=file.stem, file=str(file))
        say_scales(sc)
        out = dump_scenario(sc, "json" if output is not None and output.suffix == ".json" else "yaml")
        if output is None:
            typer.echo(out, nl=False)
        else:
            output.write_text(out, encoding="utf-8")
            typer.echo(f"wrote {output} ({len(sc.actors)} actors, {len(sc.issues)} issues)", err=True)


def say_scales(sc) -> None:  # noqa: ANN001
    """Tell on stderr how an imported file's scales were chosen (the importers note it in each issue)."""
    for issue in sc.issues:
        if issue.description and issue.description.startswith("Scale ") and (
                "inferred" in issue.description or "assumed" in issue.description):
            typer.echo(f"note: {issue.name}: {issue.description}", err=True)
