"""``accord import``: convert a BDM, Decide or KTAB file into a scenario file."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import handle_errors, load


def register(app: typer.Typer) -> None:
    @app.command("import")
    @handle_errors
    def import_(
        file: Path = typer.Argument(..., help="The file to convert."),
        fmt: str = typer.Option(None, "--format", help="bdm, decide or ktab (detected when absent)."),
        output: Path = typer.Option(None, "-o", "--output", help="Write here (.yaml or .json); default stdout."),
        into: str = typer.Option(
            None, "--into",
            help="Read FILE as a stance sheet (.csv or .xlsx from accord export) and put its stances into this "
                 "scenario.",
        ),
    ) -> None:
        """Convert a file of another tool into an accord scenario, or read a stance sheet back."""
        from accord.errors import AccordError, ImportFormatError
        from accord.scenario import io as importers
        from accord.scenario.io import dump_scenario, read_text

        if into is not None or file.suffix.lower() == ".xlsx":
            _import_sheet(file, into, output)
            return

        if fmt is not None and fmt not in importers.FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(importers.FORMATS)}, got {fmt!r}",
                                     param_hint="--format")
        if output is not None and output.is_dir():
            raise AccordError(f"-o {output} is a folder; give a file name ending in .yaml or .json")
        text = read_text(file)
        fmt = fmt or importers.detect_format(text)
        if fmt is None:
            raise ImportFormatError(
                f"{file}: line 1: not a BDM CSV, Decide file or KTAB CSV; use --format to force one"
            )
        sc = importers.convert(text, fmt, name=file.stem, file=str(file))
        say_scales(sc)
        out = dump_scenario(sc, "json" if output is not None and output.suffix == ".json" else "yaml")
        if output is None:
            typer.echo(out, nl=False)
        else:
            _write(output, out)
            typer.echo(f"wrote {output} ({len(sc.actors)} actors, {len(sc.issues)} issues)", err=True)


def say_scales(sc) -> None:  # noqa: ANN001
    """Tell on stderr how an imported file's scales were chosen (the importers note it in each issue)."""
    for issue in sc.issues:
        if issue.description and issue.description.startswith("Scale ") and (
                "inferred" in issue.description or "assumed" in issue.description):
            typer.echo(f"note: {issue.name}: {issue.description}", err=True)


def _import_sheet(file: Path, into: str | None, output: Path | None) -> None:
    from accord.errors import AccordError
    from accord.scenario.files import inline_sources, write_scenario
    from accord.scenario.io import dump_scenario
    from accord.tables import apply_stance_table, read_table

    if into is None:
        raise AccordError(f"{file}: a stance sheet goes into a scenario: add --into SCENARIO")
    base = load(into)
    header, rows = read_table(file)
    sc = apply_stance_table(base, header, rows, name=str(file))
    if output is None:
        typer.echo(dump_scenario(inline_sources(sc), "yaml"), nl=False)
        return
    written = write_scenario(sc, output)
    typer.echo(f"wrote {written[0]} ({len(sc.stances)} stances from {file})"
               + (f" and {len(written) - 1} source text(s) beside it" if len(written) > 1 else ""), err=True)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, creating missing folders; an AccordError on failure."""
    import os
    import tempfile

    from accord.errors import AccordError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise AccordError(f"cannot write {path}: {exc.strerror or exc}") from None
