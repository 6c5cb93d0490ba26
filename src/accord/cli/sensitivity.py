"""``accord sensitivity``: which judgements matter most (Sobol indices or Morris screening)."""

from __future__ import annotations

import typer

from accord.cli.common import (
    MAX_ROUNDS,
    MAX_SEED,
    MAX_WORKERS,
    SCENARIO_HELP,
    SCHEDULER_HELP,
    WORKERS_HELP,
    chunk_executor,
    did_you_mean,
    echo_json,
    handle_errors,
    load,
    parse_settings,
)
from accord.cli.progress import QUIET_HELP


def register(app: typer.Typer) -> None:
    @app.command("sensitivity")
    @handle_errors
    def sensitivity(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        output: str = typer.Option(
            ...,
            "--output",
            "-o",
            help="An issue id (the model's forecast on it) or 'agreement' (the gap to a deal).",
        ),
        method: str = typer.Option("sobol", "--method", help="sobol (variance-based) or morris (screening)."),
        model: str = typer.Option("compromise", "--model", "-m", help="Model whose forecast is analysed."),
        group: str = typer.Option(None, "--group", help="Treat the judgements about one actor or issue as one factor."),
        n: int = typer.Option(
            None,
            "--n",
            min=2,
            max=2**24,
            help="Sobol base sample, a power of two (default 1024), or Morris trajectories (100).",
        ),
        seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="Random seed."),
        all_factors: bool = typer.Option(
            False, "--all-factors", help="Make every range a factor, not only those the output reads."
        ),
        rounds: int = typer.Option(None, "--rounds", min=1, max=MAX_ROUNDS,
                                   help="Rounds (or iterations) for dynamic models."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        top: int = typer.Option(15, "--top", min=1, max=100_000, help="Rows of the ranked table to print."),
        scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
        workers: int = typer.Option(None, "--workers", min=1, max=MAX_WORKERS, help=WORKERS_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Rank the judgements (ranges) by how much they move one output."""
        from accord.cli.progress import LazyProgress
        from accord.experiments.sensitivity import GROUPS, METHODS
        from accord.experiments.sensitivity import sensitivity as run_sensitivity
        from accord.runner import resolve_params

        if method not in METHODS:
            raise typer.BadParameter(f"must be one of {', '.join(METHODS)}, got {method!r}", param_hint="--method")
        if group is not None and group not in GROUPS:
            raise typer.BadParameter(f"must be one of {', '.join(GROUPS)}, got {group!r}", param_hint="--group")
        if method == "sobol" and n is not None and n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            raise typer.BadParameter(
                f"must be a power of two for Sobol, got {n}; try {lower} or {2 * lower}", param_hint="--n"
            )
        sc = load(scenario, fmt)
        issues = [i.id for i in sc.issues]
        if output != "agreement" and output not in issues:
            typer.echo(f"error: output must be an issue id or 'agreement'; {sc.id} has no issue {output!r}"
                       f"{did_you_mean(output, issues + ['agreement'])} (issues: {', '.join(issues)})", err=True)
            raise typer.Exit(1)
        params = resolve_params(model, rounds, parse_settings(setting, model)) if output != "agreement" else {}
        with (
            chunk_executor(scheduler, workers) as executor,
            LazyProgress("evaluating", enabled=not (as_json or quiet)) as progress,
        ):
            result = run_sensitivity(
                sc,
                output,
                method=method,
                model=model,
                params=params,
                group=group,
                n=n,
                seed=seed,
                factors="all" if all_factors else "relevant",
                progress=progress,
                executor=executor,
            )
        if as_json:
            echo_json(result.to_json())
            return
        _print(sc, result, top)


def _pm(value: float, conf: float) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:.3f} ± {conf:.3f}" if conf == conf else f"{value:.3f}"


def _print(sc, result, top: int) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.table import Table

    console = Console()
    what = f"{result.model} forecast of {result.output}" if result.model else "gap to a zone of agreement"
    console.print(
        f"{sc.title}: {result.method} sensitivity of the {what}; {len(result.rows)} "
        f"{'groups' if result.group else 'factors'}, {result.evaluations:,} evaluations, "
        f"{result.seconds:.1f} s. "
        f"At the midpoints: {result.baseline:.2f}; over the ranges: mean {result.output_mean:.2f}, "
        f"sd {result.output_sd:.2f}.",
        highlight=False,
    )
    table = Table(title="The judgements that matter most", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("judgement")
    if result.method == "sobol":
        table.add_column("first order S1", justify="right")
        table.add_column("total ST", justify="right")
    else:
        table.add_column("mu*", justify="right")
        table.add_column("sigma", justify="right")
    table.add_column("low → high", justify="right")
    for k, row in enumerate(result.rows[:top]):
        ix = row.indices
        if result.method == "sobol":
            cells = [_pm(ix["S1"], ix["S1_conf"]), _pm(ix["ST"], ix["ST_conf"])]
        else:
            cells = [_pm(ix["mu_star"], ix["mu_star_conf"]), _pm(ix["sigma"], float("nan"))]
        table.add_row(str(k + 1), row.label, *cells, f"{row.low:.2f} → {row.high:.2f}")
    console.print(table)
    if len(result.rows) > top:
        console.print(f"({len(result.rows) - top} more; --top to show them, --json for all)", highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
