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
        from accord.errors import AccordError, ImportFormatError
        from accord.scenario import io as importers
        from accord.scenario.io import dump_scenario, read_text

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
        out = dump_scenario(sc, "json" if output is not None and output.suffix == ".json" else "yaml")
        if output is None:
            typer.echo(out, nl=False)
        else:
            _write(output, out)
            typer.echo(f"wrote {output} ({len(sc.actors)} actors, {len(sc.issues)} issues)", err=True)


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
