"""``accord mc``: Monte Carlo over every range in a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from accord.cli.common import (
    MAX_ROUNDS,
    MAX_SEED,
    MAX_WORKERS,
    OUT_HELP,
    SCENARIO_HELP,
    SCHEDULER_HELP,
    SEED_HELP,
    WORKERS_HELP,
    chunk_executor,
    echo_json,
    handle_errors,
    load,
    parse_settings,
    write_out,
)
from accord.cli.progress import QUIET_HELP, LazyProgress

NOISE_HELP = (
    "Global noise KIND=SIGMA (repeatable): position=5 adds N(0, 5) scale points to every position, "
    "salience=0.1 adds N(0, 0.1) to every salience (both clipped to their bounds), capability=0.2 "
    "multiplies every capability by 1 + N(0, 0.2)."
)


MAX_DRAWS = 100_000_000
#: Draws of the agreement analysis by default (its standard error on P(zone) is at most 1.1 points).
AGREEMENT_DRAWS = 2048


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
        agreement_draws: int = typer.Option(
            AGREEMENT_DRAWS, "--agreement-draws", min=1, max=MAX_DRAWS,
            help="Run the agreement analysis on the first N draws only (its programs take milliseconds a draw).",
        ),
        pivotal: bool = typer.Option(
            False, "--pivotal", help="Also find, in each draw without a zone, the red lines that alone block one.",
        ),
        rounds: int = typer.Option(None, "--rounds", min=1, max=MAX_ROUNDS,
                                   help="Rounds (or iterations) for dynamic models."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
        workers: int = typer.Option(None, "--workers", min=1, max=MAX_WORKERS, help=WORKERS_HELP),
        out: Path = typer.Option(None, "--out", help=OUT_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Sample every range in the scenario and summarise each model's forecasts."""
        sc = load(scenario, fmt)
        check_draw_cells(draws, len(sc.actors), len(sc.issues))
        from accord.errors import ParameterError
        from accord.experiments.factors import parse_noise
        from accord.experiments.montecarlo import monte_carlo

        try:
            sigma = parse_noise(noise)
        except ParameterError as exc:
            raise typer.BadParameter(str(exc), param_hint="--noise") from None
        params = model_params(model, rounds, parse_settings(setting, model))
        with LazyProgress("sampling", enabled=not (as_json or quiet)) as progress:
            kwargs = dict(
                draws=draws,
                seed=seed,
                chunk_size=chunk_size,
                noise=sigma,
                params=params,
                agreement=agreement,
                pivotal=pivotal,
                agreement_draws=agreement_draws,
                progress=progress,
            )
            with chunk_executor(scheduler, workers) as executor:
                result = monte_carlo(sc, list(params), executor=executor, **kwargs)
        write_out(out, mc_tables(sc, result))
        if as_json:
            echo_json(result.to_json())
            return
        _print(sc, result)


def mc_tables(sc, result) -> list[tuple]:  # noqa: ANN001
    """One table per model (issue, id, mean, sd, p10, p50, p90) and one of how often each actor blocks."""
    names = {i.id: i.name for i in sc.issues}
    cols = ("mean", "sd", "p10", "p50", "p90")
    tables = [(model, ["issue", "issue_id", *cols], [[names[iid], iid, *[stats[c] for c in cols]]
                                                    for iid, stats in by_issue.items()])
              for model, by_issue in result.summary().items()]
    if result.agreement is not None:
        ag = result.agreement
        actors = {a.id: a.name for a in sc.actors}
        tables.append(("blocks", ["actor", "actor_id", "block_rate"],
                       [[actors.get(a, a), a, float(r)] for a, r in zip(ag.actor_ids, ag.block_rate, strict=True)]))
    return tables


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _print(sc, result) -> None:  # noqa: ANN001
    from accord.cli.render import column, console, model_header, table, titled

    con = console()
    names = {i.id: i.name for i in sc.issues}
    actors = {a.id: a.name for a in sc.actors}
    summary = result.summary()
    noise = ", ".join(f"{k}={v:g}" for k, v in result.noise.items()) or "none"
    con.print(
        f"{sc.title}: {result.draws:,} draws, seed {result.seed}, {len(result.factors)} uncertain inputs "
        f"({result.distribution}), noise {noise}, {result.seconds:.1f} s"
    )
    stats_cols = ("mean", "sd", "p10", "p50", "p90")
    for model, by_issue in summary.items():
        rows = [[names[iid], *[_fmt(stats[c]) for c in stats_cols]] for iid, stats in by_issue.items()]
        t = table(compact=True)
        column(t, "issue")
        for k, col in enumerate(stats_cols):
            column(t, col, numeric=True, values=[r[1 + k] for r in rows])
        for row in rows:
            t.add_row(*row)
        titled(con, f"{model_header(model)}: forecast over the draws", t)
    if result.agreement is not None:
        ag = result.agreement
        gap = ag.to_json()["gap"]
        con.print(
            f"Zone of agreement in {ag.p_zone:.1%} of {ag.zone_exists.size:,} draws (± {ag.p_zone_se:.1%}), "
            f"every red line drawn real "
            f"with its credibility; gap to one (utility units): "
            f"p10 {_fmt(gap['p10'], 3)}, median {_fmt(gap['p50'], 3)}, p90 {_fmt(gap['p90'], 3)}."
        )
        t = table(compact=True)
        column(t, "actor")
        column(t, "blocks in", numeric=True, values=["100.0%"])
        for actor, rate in sorted(zip(ag.actor_ids, ag.block_rate, strict=True), key=lambda t: -t[1]):
            t.add_row(actors.get(actor, actor), f"{rate:.1%}")
        titled(con, "How often each actor blocks a deal", t)
        lines = ag.to_json().get("red_lines") or []
        if lines:
            rows = []
            for r in lines:
                sign = "≥" if r["bound"] == "at_least" else "≤"
                rows.append([f"{actors.get(r['actor'], r['actor'])}: {names[r['issue']]} {sign} {r['value']:g}",
                             f"{r['held']:.0%}", "–" if r["pivotal"] is None else f"{r['pivotal']:.1%}"])
            t = table(compact=True)
            column(t, "red line")
            for k, head in enumerate(("held", "pivotal")):
                column(t, head, numeric=True, values=[r[1 + k] for r in rows])
            for row in rows:
                t.add_row(*row)
            titled(con, "Red lines: how often held, and how often the one that blocks", t)
    for note in result.notes:
        con.print(f"note: {note}")
