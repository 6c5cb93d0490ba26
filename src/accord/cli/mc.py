"""``accord mc``: Monte Carlo over every range in a scenario."""

from __future__ import annotations

import sys
import time
from typing import Any

import typer

from accord.cli.common import (
    MAX_ROUNDS,
    MAX_SEED,
    MAX_WORKERS,
    SCENARIO_HELP,
    SCHEDULER_HELP,
    SEED_HELP,
    WORKERS_HELP,
    chunk_executor,
    echo_json,
    handle_errors,
    load,
    parse_settings,
    rich_text,
)

NOISE_HELP = (
    "Global noise KIND=SIGMA (repeatable): position=5 adds N(0, 5) scale points to every position, "
    "salience=0.1 adds N(0, 0.1) to every salience (both clipped to their bounds), capability=0.2 "
    "multiplies every capability by 1 + N(0, 0.2)."
)


class LazyProgress:
    """A rich progress bar on stderr that appears only once the work will take over ``delay`` seconds.

    Call it as ``progress(done, total)``; nothing is shown when ``enabled`` is False or
    stderr is not a terminal. Use as a context manager so the bar is closed.
    """

    def __init__(self, description: str, enabled: bool = True, delay: float = 1.0) -> None:
        self.description = description
        self.enabled = enabled and sys.stderr.isatty()
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            elapsed = time.monotonic() - self.started
            projected = elapsed * total / done if done else float("inf")
            if done >= total or (elapsed < self.delay and projected < self.delay):
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, completed=done)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


MAX_DRAWS = 100_000_000


def check_draw_cells(draws: int, actors: int, issues: int) -> None:
    """Refuse, before any work, a Monte Carlo run whose draws × actors × issues exceed the limit."""
    from accord.errors import ParameterError
    from accord.scenario.limits import check_count

    message = check_count("draw_cells", draws * actors * issues,
                          f"{draws:,} draws of {actors:,} actors on {issues:,} issues make")
    if message is not None:
        raise ParameterError(message + " (or lower --draws)")


def model_params(models: list[str] | None, rounds: int | None, settings: dict[str, Any]) -> dict[str, dict]:
    """Parameters by model from ``--rounds`` and ``--set`` (as ``accord run`` reads them)."""
    from accord.models.base import get_model, model_names
    from accord.runner import resolve_params

    names = [get_model(m).name for m in (models or model_names())]
    return {name: resolve_params(name, rounds, settings) for name in names}


def register(app: typer.Typer) -> None:
    @app.command("mc")
    @handle_errors
    def mc(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        model: list[str] = typer.Option(None, "--model", "-m", help="Model to run (repeatable). Default: all."),
        draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=MAX_DRAWS, help="Number of draws."),
        seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help=SEED_HELP),
        chunk_size: int = typer.Option(
            None, "--chunk-size", min=1, max=MAX_DRAWS,
            help="Draws evaluated at once (rounded up to whole blocks of 1024).",
        ),
        noise: list[str] = typer.Option(None, "--noise", help=NOISE_HELP),
        agreement: bool = typer.Option(
            None,
            "--agreement/--no-agreement",
            help="Sample the agreement analysis too. Default: when the scenario has veto players.",
        ),
        rounds: int = typer.Option(None, "--rounds", min=1, max=MAX_ROUNDS,
                                   help="Rounds (or iterations) for dynamic models."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
        workers: int = typer.Option(None, "--workers", min=1, max=MAX_WORKERS, help=WORKERS_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Sample every range in the scenario and summarise each model's forecasts."""
        sc = load(scenario, fmt)
        check_draw_cells(draws, len(sc.actors), len(sc.issues))
        from accord.errors import ParameterError
        from accord.experiments.montecarlo import monte_carlo, parse_noise

        try:
            sigma = parse_noise(noise)
        except ParameterError as exc:
            raise typer.BadParameter(str(exc), param_hint="--noise") from None
        params = model_params(model, rounds, parse_settings(setting))
        with LazyProgress("sampling", enabled=not as_json) as progress:
            kwargs = dict(
                draws=draws,
                seed=seed,
                chunk_size=chunk_size,
                noise=sigma,
                params=params,
                agreement=agreement,
                progress=progress,
            )
            with chunk_executor(scheduler, workers) as executor:
                result = monte_carlo(sc, list(params), executor=executor, **kwargs)
        if as_json:
            echo_json(result.to_json())
            return
        _print(sc, result)


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _print(sc, result) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table

    console = Console()
    names = {i.id: rich_text(i.name) for i in sc.issues}
    summary = result.summary()
    noise = ", ".join(f"{k}={v:g}" for k, v in result.noise.items()) or "none"
    console.print(
        f"{rich_text(sc.title)}: {result.draws:,} draws, seed {result.seed}, {len(result.factors)} uncertain inputs "
        f"({result.distribution}), noise {noise}, {result.seconds:.1f} s",
        highlight=False,
    )
    for model, by_issue in summary.items():
        table = Table(title=f"{model}: forecast over the draws", title_justify="left")
        table.add_column("issue")
        for col in ("mean", "sd", "p10", "p50", "p90"):
            table.add_column(col, justify="right")
        for iid, stats in by_issue.items():
            table.add_row(names[iid], *[_fmt(stats[c]) for c in ("mean", "sd", "p10", "p50", "p90")])
        console.print(table)
    if result.agreement is not None:
        ag = result.agreement
        gap = ag.to_json()["gap"]
        console.print(
            f"Zone of agreement in {ag.p_zone:.1%} of draws; gap to one (utility units): "
            f"p10 {_fmt(gap['p10'], 3)}, median {_fmt(gap['p50'], 3)}, p90 {_fmt(gap['p90'], 3)}.",
            highlight=False,
        )
        console.print("How often each actor blocks a deal:", highlight=False)
        table = Table()
        table.add_column("actor")
        table.add_column("blocks in", justify="right")
        for actor, rate in sorted(zip(ag.actor_ids, ag.block_rate, strict=True), key=lambda t: -t[1]):
            table.add_row(rich_text(actor), f"{rate:.1%}")
        console.print(table)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
