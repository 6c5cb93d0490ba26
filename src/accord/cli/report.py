"""``accord report``: a report a reader can circulate (HTML that opens offline, or PDF/PNG)."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.common import (
    DB_HELP,
    MAX_ROUNDS,
    MAX_SEED,
    SCENARIO_HELP,
    echo_json,
    handle_errors,
    import_extra,
    keep_result,
    load,
    parse_settings,
    safe_text,
)
from accord.cli.progress import QUIET_HELP, LazyProgress, Pulse

FORMATS = ("html", "pdf", "png")


def register(app: typer.Typer) -> None:
    @app.command("report")
    @handle_errors
    def report(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        output: Path = typer.Option(None, "-o", "--output",
                                    help="File to write. Default: report.html (or .pdf/.png)."),
        fmt: str = typer.Option(None, "--format",
                                help="html, pdf or png. Default: from the output's suffix, else html."),
        run_id: str = typer.Option(None, "--run", help="Report a stored run (id or 'latest') instead of running."),
        model: list[str] = typer.Option(None, "--model", "-m", help="Model to run (repeatable). Default: all."),
        rounds: int = typer.Option(None, "--rounds", min=1, max=MAX_ROUNDS,
                                   help="Rounds (or iterations) for dynamic models."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="Random seed for models and analyses."),
        analysis: list[str] = typer.Option(None, "--analysis", "-a",
                                           help="Analysis to include (repeatable). Default: every one available."),
        no_analyses: bool = typer.Option(False, "--no-analyses", help="Include no analysis, only the models."),
        at: str = typer.Option(None, "--at", help="Analyse the case at this date (YYYY-MM-DD)."),
        lever: list[str] = typer.Option(None, "--lever", help="Apply a lever of the scenario (repeatable)."),
        type_: list[str] = typer.Option(None, "--type", help="Choose an actor's type, ACTOR=TYPE (repeatable)."),
        utility: str = typer.Option("linear", "--utility", help="Agreement utility: linear (default) or quadratic."),
        draws: int = typer.Option(None, "--draws", min=10, max=10_000_000,
                                  help="Monte Carlo draws of the uncertainty analysis."),
        input_format: str = typer.Option(None, "--input-format", help="Force bdm, decide or ktab input."),
        save: bool = typer.Option(False, "--save", help="Also record the run in the run history."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
    ) -> None:
        """Write a report: verdict, forecasts, figures, uncertainty, and the sources behind every stance."""
        kind = fmt or (output.suffix.lstrip(".").lower() if output is not None and output.suffix else "html")
        if kind not in FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}, got {kind!r}", param_hint="--format")
        output = output or Path(f"report.{kind}")
        unsaved: Exception | None = None
        reports = import_extra("accord.report")
        if run_id is not None:
            if scenario is not None:
                raise typer.BadParameter("give a scenario or --run, not both", param_hint="--run")
            with import_extra("accord.store").open_store(db) as store:
                rep = reports.from_record(store.get_run(run_id))
        else:
            from accord.report.analyses import SPECS

            unknown = [a for a in analysis or [] if a not in SPECS]
            if unknown:
                raise typer.BadParameter(f"unknown analysis {unknown[0]!r}; known: {', '.join(SPECS)}",
                                         param_hint="--analysis")
            sc = load(scenario, input_format)
            names = [] if no_analyses else (list(analysis) if analysis else None)
            options = _analysis_options(sc, at, lever or [], type_ or [], utility, draws)
            with LazyProgress("running", enabled=not (as_json or quiet)) as bar:
                rep = reports.prepare(sc, models=model or None, rounds=rounds,
                                      settings=parse_settings(setting, model), seed=seed, analyses=names,
                                      options=options, progress=bar.step)
            if save:
                store_mod = import_extra("accord.store")
                try:
                    stored = store_mod.record_run(
                        rep.run, sc, params=rep.meta["params"], seed=seed, analyses=rep.analyses, url=db)
                    rep.meta.update(run_id=stored.id, version=stored.version_number)
                except Exception as exc:  # noqa: BLE001 - the computed run is kept whatever went wrong
                    unsaved = exc
        output.parent.mkdir(parents=True, exist_ok=True)
        with Pulse(f"writing the {kind.upper()} report", enabled=not (as_json or quiet)):
            if kind == "html":
                output.write_text(reports.render_html(rep), encoding="utf-8")
                written = [output]
            elif kind == "pdf":
                written = [reports.write_pdf(rep, output)]
            else:
                written = reports.write_pngs(rep, output)
        if as_json:
            echo_json({"format": kind, "written": [str(p) for p in written], "run_id": rep.meta.get("run_id")})
        else:
            for p in written:
                typer.echo(f"wrote {p}", err=True)
        if unsaved is not None:
            kept = keep_result({"run": rep.run, "analyses": rep.analyses, "seed": seed,
                                "params": rep.meta["params"]})
            typer.echo(f"error: the run was computed but could not be stored ({safe_text(unsaved)}); "
                       f"the report was written and the results are kept in {kept}", err=True)
            raise typer.Exit(1)


def _analysis_options(sc, at, levers, types, utility, draws):  # noqa: ANN001, ANN202
    """The analysis options, checked against the scenario before anything runs."""
    from accord.report.analyses import UNCERTAINTY_DRAWS, AnalysisOptions

    if utility not in ("linear", "quadratic"):
        raise typer.BadParameter(f"must be linear or quadratic, got {utility!r}", param_hint="--utility")
    chosen: dict[str, str] = {}
    if at is not None or levers or types:
        from accord.scenario.case import Case

        chosen = Case.resolve(sc, at=at, levers=levers, types=types).type_ids
    return AnalysisOptions(at=at, levers=tuple(dict.fromkeys(levers)), types=chosen, utility=utility,
                           draws=draws or UNCERTAINTY_DRAWS)
