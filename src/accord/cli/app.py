"""The ``accord`` command line: one Typer app, one module per command.

Each command module defines ``register(app)``; heavy imports happen inside the
command functions so that ``accord --help`` starts fast. Exit codes: 0 ok,
1 invalid input or a failed check, 2 usage error.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = (
    "brief",
    "run",
    "validate",
    "show",
    "new",
    "listing",
    "import_",
    "export",
    "evidence",
    "sources",
    "backtest",
    "runs",
    "serve",
    "report",
    "mc",
    "sensitivity",
    "agree",
)

app = typer.Typer(
    name="accord",
    help="Model and forecast multi-party, multi-issue negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from accord import __version__

        typer.echo(f"accord {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version,
    ),
) -> None:
    """Model and forecast multi-party, multi-issue negotiations."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"accord.cli.{_name}").register(app)


def main() -> None:
    app()
