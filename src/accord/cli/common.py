"""Helpers every command uses: loading scenarios, printing JSON, turning errors into exit codes."""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

SCENARIO_HELP = "A built-in scenario name, a YAML/JSON scenario file (- for stdin), or a BDM/Decide/KTAB file."

MAX_SEED = 2**63 - 1
"""The largest seed: seeds are stored as signed 64-bit integers."""
SEED_HELP = f"Seed of the random generator, 0 to {MAX_SEED} (2**63 - 1); the same seed gives the same numbers."
MAX_ROUNDS = 10_000
MAX_WORKERS = 256

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def safe_text(text: object) -> str:
    """``text`` made safe to print on a terminal: control, format and bidi characters shown as ``\\uXXXX``.

    Escape sequences (``ESC [ ...``), right-to-left overrides and zero-width characters
    in a scenario's names would otherwise reach the terminal raw. Tabs and newlines are kept.
    """
    import unicodedata

    out = []
    for ch in str(text):
        if ch in "\n\t" or unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def rich_text(text: object) -> str:
    """``text`` for a rich console or table cell: :func:`safe_text`, with rich's ``[markup]`` escaped."""
    from rich.markup import escape

    return escape(safe_text(text))


def keep_result(data: Any, stem: str = "accord-run") -> str:
    """Write ``data`` as JSON to a new file (current folder, else the temporary folder); return its path.

    Used when a computed result could not be stored, so that it is never lost.
    """
    import datetime as dt
    import tempfile
    from pathlib import Path

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        try:
            fd, name = tempfile.mkstemp(prefix=f"{stem}-{stamp}-", suffix=".json", dir=folder)
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return name
        except OSError:
            continue
    raise OSError("no folder to keep the result in")


def handle_errors(func: F) -> F:
    """Run a command; print accord's own errors as messages on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from accord.errors import AccordError

        try:
            return func(*args, **kwargs)
        except AccordError as exc:
            typer.echo(f"error: {safe_text(exc)}", err=True)
            raise typer.Exit(1) from None
        except MemoryError:
            typer.echo("error: out of memory; the scenario or the options ask for more work than this "
                       "machine can hold (see the limits in the scenario format documentation)", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def load(ref: str | None, fmt: str | None = None):  # noqa: ANN201
    """The scenario ``ref`` (default: the built-in case; ``-``: a YAML/JSON document on stdin)."""
    from pathlib import Path

    from accord.scenario import builtin
    from accord.scenario.io import convert, load_scenario, scenario_from_text

    if ref == "-":
        text = sys.stdin.read()
        if fmt in ("bdm", "decide", "ktab"):
            return convert(text, fmt, name="stdin", file="<stdin>")
        return scenario_from_text(text, file="<stdin>", base_dir=Path.cwd(),
                                  fmt="json" if text.lstrip().startswith("{") else "yaml")
    sc = load_scenario(ref or builtin.DEFAULT, fmt=fmt)
    if ref and (fmt in ("bdm", "decide", "ktab") or Path(ref).suffix.lower() in (".csv", ".tsv", ".txt")):
        from accord.cli.import_ import say_scales

        say_scales(sc)
    return sc


def echo_json(data: Any) -> None:
    """Print ``data`` as JSON (NaN is not allowed: callers convert it to null)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` (case-insensitive), or ``""``."""
    import difflib

    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def check_models(models: list[str] | str | None) -> None:
    """Exit 1 naming the closest registered model when one of ``models`` is unknown."""
    from accord.errors import AccordError
    from accord.models.base import get_model, model_names

    for name in [models] if isinstance(models, str) else models or []:
        try:
            get_model(name)
        except AccordError:
            known = model_names()
            typer.echo(f"error: no model named {name!r}{did_you_mean(name, known)}; available: "
                       f"{', '.join(known)}", err=True)
            raise typer.Exit(1) from None


def parse_settings(items: list[str] | None, models: list[str] | str | None = None) -> dict[str, Any]:
    """``["variant=bdm1994", "rounds=5"]`` -> ``{"variant": "bdm1994", "rounds": 5}`` (values read as YAML scalars).

    Every key must be a parameter of at least one of ``models`` (default: every
    registered model); an unknown key is a usage error with the closest known key.
    """
    import yaml

    from accord.models.base import get_model, model_names

    check_models(models)
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--set")
        out[key.strip()] = yaml.safe_load(value) if value.strip() else ""
    if out:
        names = [models] if isinstance(models, str) else list(models or model_names())
        known = sorted({p for n in names for p in get_model(n).Params.model_fields})
        for key in out:
            if key not in known:
                which = "the models run" if len(names) > 1 else f"model {get_model(names[0]).name}"
                raise typer.BadParameter(
                    f"{key!r} is not a parameter of {which}{did_you_mean(key, known)}; "
                    f"known: {', '.join(known) or 'none'}",
                    param_hint="--set",
                )
    return out


DB_HELP = "Run-history database: a SQLAlchemy URL or a SQLite file. Default: $ACCORD_DB or the user data directory."


def import_extra(module: str) -> ModuleType:
    """Import an optional part of accord; print its one-line install hint and exit 1 when an extra is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if "pip install" not in str(exc):
            raise
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


SCHEDULER_HELP = "Run chunks on the Dask scheduler at ADDRESS (needs accord[scale])."
WORKERS_HELP = (
    "Worker processes on this machine. Default: one per core; 1 runs every chunk in this process. "
    "The results are the same either way."
)


@contextlib.contextmanager
def chunk_executor(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """The executor asked for by ``--scheduler``/``--workers``.

    With ``--scheduler``, a :class:`~accord.experiments.executors.DaskExecutor` connected
    to that cluster; otherwise a :class:`~accord.experiments.processes.ProcessExecutor`
    with ``workers`` processes (default one per core), which runs small studies in this
    process. Closing the Dask client is quiet: the scheduler may log a closed connection
    (``CommClosedError``) while it disconnects, which says nothing about the results, so
    Dask's log messages are silenced for the shutdown; errors of the work itself still
    reach the command as exceptions.
    """
    if scheduler is not None and workers is not None:
        raise typer.BadParameter("give --scheduler or --workers, not both", param_hint="--workers")
    if scheduler is None:
        from accord.experiments.processes import ProcessExecutor

        yield ProcessExecutor(workers)
        return
    from accord.experiments.executors import DaskExecutor

    executor = DaskExecutor(scheduler=scheduler)
    executor.__enter__()
    try:
        yield executor
    finally:
        with _quiet_logs("distributed", "tornado", "asyncio"):
            executor.close()



@contextlib.contextmanager
def _quiet_logs(*names: str) -> Iterator[None]:
    import logging

    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)



def fmt(x: float | None, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals, or "–" when there is no number."""
    return "–" if x is None else f"{x:.{digits}f}"


OUT_HELP = "Also write the tables to FILE.csv or FILE.xlsx (one sheet per table; in CSV one file per table)."


def write_out(out: Any, tables: list) -> None:
    """Write ``tables`` to ``out`` (when given) and say where on stderr."""
    if out is None:
        return
    from accord.tables import write_tables

    written = write_tables(out, tables)
    typer.echo("wrote " + ", ".join(str(p) for p in written), err=True)
