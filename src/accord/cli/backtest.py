"""``accord backtest``: check every model's forecasts against what was really decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from accord.cli.common import (
    MAX_SEED,
    echo_json,
    fmt,
    handle_errors,
    parse_settings,
)
from accord.cli.progress import QUIET_HELP, Pulse

DATASETS = ("deu3",)
REPORT_HINT = "install accord[report] (matplotlib) to draw errors.png"


def register(app: typer.Typer) -> None:
    @app.command("backtest")
    @handle_errors
    def backtest(
        dataset: str = typer.Argument(
            ..., help="deu3 (the packaged DEU III data) or a file in the DEU III layout."),
        model: list[str] = typer.Option(
            None, "--model", "-m",
            help="Model to test (repeatable). Default: all; compromise is always included."),
        capability: str = typer.Option(
            "equal", "--capability",
            help="Actors' capability: equal, gdp, council_votes or calibrated (GDP^a x salience^b, "
                 "a and b fitted on the training folds only)."),
        council_date: str = typer.Option(
            "adoption", "--council-date",
            help="Date that picks the Council's voting rule: adoption (of the act) or introduction."),
        grouping: str = typer.Option(
            "proposal", "--grouping", help="One scenario per proposal (its issues together) or per issue."),
        setting: list[str] = typer.Option(None, "--set", help="Model parameter KEY=VALUE (repeatable)."),
        limit: int = typer.Option(
            None, "--limit", min=1, max=1_000_000, help="Use only the first N proposals (a quick check)."),
        bootstrap: int = typer.Option(
            2000, "--bootstrap", min=0, max=1_000_000, help="Bootstrap resamples of proposals (0: none)."),
        folds: int = typer.Option(10, "--folds", min=2, max=10_000,
                                  help="Cross-validation folds, grouped by proposal."),
        level: list[float] = typer.Option(
            None, "--level", min=0.01, max=0.99,
            help="Coverage of the prediction intervals (repeatable; default 0.8 and 0.9)."),
        seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED,
                                 help="Seed of the models, the folds and the bootstrap."),
        shrink: bool = typer.Option(
            False, "--shrink",
            help="Add the compromise shrunk toward the reference point (weight fitted by CV)."),
        out: Path = typer.Option(None, "--out", help="Folder for predictions.csv and errors.png."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Backtest the models on real negotiations (DEU III: 353 valid issues in 136 EU proposals)."""
        from accord.backtest.deu3 import CAPABILITIES, COUNCIL_DATES

        _choice(capability, CAPABILITIES, "--capability")
        _choice(council_date, COUNCIL_DATES, "--council-date")
        _choice(grouping, ("proposal", "issue"), "--grouping")
        if out is not None:
            import importlib.util

            if importlib.util.find_spec("matplotlib") is None:
                typer.echo(f"error: --out needs matplotlib: {REPORT_HINT}", err=True)
                raise typer.Exit(1)

        from accord.backtest.deu3 import load_deu3
        from accord.backtest.run import LEVELS, backtest_deu3, backtest_to_json
        from accord.runner import resolve_params

        path = None if dataset in DATASETS and not Path(dataset).exists() else Path(dataset)
        data = load_deu3(path)
        if limit is not None:
            data = data.first_proposals(limit)
        settings = parse_settings(setting, model)
        names = model or None
        params = {}
        if settings:
            from accord.models.base import get_model, model_names

            params = {get_model(n).name: resolve_params(get_model(n).name, None, settings)
                      for n in (names or model_names())}
            params.setdefault("compromise", resolve_params("compromise", None, settings))
        with Pulse(f"backtesting on {data.n_issues} issues", enabled=not (as_json or quiet)):
            result = backtest_deu3(
                data, names, capability=capability, council_date=council_date, grouping=grouping, params=params,
                n_boot=bootstrap, n_folds=folds, levels=sorted(set(level or LEVELS)), seed=seed,
                shrink=shrink,  # type: ignore[arg-type]
            )
        report = backtest_to_json(result)
        written: list[Path] = []
        if out is not None:
            written = _write_outputs(result, out)
        if as_json:
            if written:
                report["files"] = [str(p) for p in written]
            echo_json(report)
            return
        _print_tables(report)
        if written:
            typer.echo("wrote " + ", ".join(str(p) for p in written))


def _choice(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise typer.BadParameter(f"must be one of {', '.join(allowed)}, got {value!r}", param_hint=name)


def _write_outputs(result: Any, out: Path) -> list[Path]:
    import csv

    from accord.backtest.run import predictions_table
    from accord.errors import AccordError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AccordError(f"cannot create folder {out}: {exc.strerror}") from None
    header, rows = predictions_table(result)
    csv_path = out / "predictions.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    png_path = out / "errors.png"
    plot_errors(result, png_path)
    return [csv_path, png_path]


def plot_errors(result: Any, path: Path) -> None:
    """Draw the distribution of each row's errors: the share within each distance, and the signed errors."""
    try:
        import matplotlib
    except ImportError:
        typer.echo(f"error: {REPORT_HINT}", err=True)
        raise typer.Exit(1) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    y = result.data.outcome
    names = list(result.names)
    errors = {n: (result.forecast[n] - y)[np.isfinite(result.forecast[n])] for n in names}
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 0.45 * len(names) + 4), constrained_layout=True)
    grid = np.linspace(0, 100, 201)
    for name in names:
        a = np.sort(np.abs(errors[name]))
        style = "--" if result.kinds[name] == "baseline" else "-"
        share = np.searchsorted(a, grid, side="right") / max(a.size, 1)
        left.plot(grid, share, style, label=f"{name} (MAE {np.mean(a):.1f}, n={a.size})")
    left.axvline(10, color="grey", lw=0.8, ls=":")
    left.set_xlabel("absolute error (points on the 0-100 scale)")
    left.set_ylabel("share of issues with at most this error")
    left.set_xlim(0, 100)
    left.set_ylim(0, 1)
    left.legend(fontsize=8, loc="lower right")
    left.grid(alpha=0.3)
    right.boxplot([errors[n] for n in names], vert=False, showmeans=True)
    right.set_yticks(range(1, len(names) + 1), names)
    right.axvline(0, color="grey", lw=0.8)
    right.invert_yaxis()
    right.set_xlabel("forecast minus outcome")
    right.grid(alpha=0.3, axis="x")
    data = result.data
    fig.suptitle(f"Backtest on {data.source}: {data.n_issues} issues, "
                 f"capability {result.settings['capability']}")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _ci(pair: list[float | None] | None) -> str:
    if not pair or pair[0] is None or pair[1] is None:
        return ""
    return f"{pair[0]:.1f}–{pair[1]:.1f}"


def _diff(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "–"
    d = entry.get("mae_diff_vs_compromise")
    if d is None:
        return "reference"
    if d["diff"] is None:
        return "–"
    ci = _ci(d["ci"])
    return f"{d['diff']:+.1f} ({ci})" if ci else f"{d['diff']:+.1f}"


def _interval_cells(entry: dict[str, Any], levels: list[float]) -> list[str]:
    if entry.get("intervals") is None:
        return ["no interval"] + [""] * (2 * len(levels) - 1)
    cells = []
    for iv in entry["intervals"]:
        cells += [fmt(iv["coverage"], 3), fmt(iv["mean_width"], 1)]
    return cells


def _print_tables(report: dict[str, Any]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = report["models"]
    conf = int(round(100 * report["ci"]))
    levels = report["levels"]
    notes = report["data_notes"]
    ref = notes["reference_points"]
    fixes = notes["proposal_corrections"]
    fixed_text = ""
    if fixes:
        fixed_text = "; proposal taken from the issue id for " + ", ".join(
            f"{f['issue']} ({f['file']} -> {f['used']})" for f in fixes)
    console.print(
        f"Backtest on {report['dataset']}: {report['issues']} issues in {report['proposals']} proposals "
        f"({len(report['excluded'])} left out: no valid outcome){fixed_text}.\n"
        f"Positions without a salience: {notes['positions_without_salience']['count']} "
        f"({notes['positions_without_salience']['treatment']}). "
        f"Reference points: {ref['recorded']} recorded, {ref['missing']} missing ({ref['treatment']}: "
        f"{fmt(ref['status_quo_when_missing'], 0)}).\n"
        f"Capability {report['capability']}: {report['capability_note']}.",
        highlight=False,
    )

    def table(title: str, *columns: str) -> Table:
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False,
                  pad_edge=False)
        t.add_column("forecast", no_wrap=True)
        for c in columns:
            t.add_column(c, justify="right", no_wrap=True)
        return t

    acc = table("Accuracy (points on the 0-100 scale), out of sample for fitted rows", "n", "proposals", "MAE",
                f"{conf}% CI", "RMSE", "median AE", "within 10")
    for name, e in rows.items():
        acc.add_row(name, str(e["n"]), str(e["proposals"]), fmt(e["mae"]), _ci(e["mae_ci"]), fmt(e["rmse"]),
                    fmt(e["median_ae"]), fmt(e["within10"], 3))
    console.print(acc)
    procedures = [p for p in ("COD", "CNS") if any(p in e["by_procedure"] for e in rows.values())]
    diff = table(f"MAE minus the compromise model's ({conf}% CI, paired bootstrap over proposals)",
                 "all issues", *procedures)
    for name, e in rows.items():
        diff.add_row(name, _diff(e), *(_diff(e["by_procedure"].get(p)) for p in procedures))
    console.print(diff)
    by = table("By procedure (COD co-decision, CNS consultation)",
               *(f"{p} {m}" for p in procedures for m in ("n", "MAE")))
    for name, e in rows.items():
        cells = []
        for p in procedures:
            s = e["by_procedure"].get(p)
            cells += ["–", "–"] if s is None else [str(s["n"]), fmt(s["mae"])]
        by.add_row(name, *cells)
    console.print(by)
    iv = table("Prediction intervals (conformal, out of sample): share of outcomes covered, mean width",
               *(f"{round(100 * v)}% {m}" for v in levels for m in ("covered", "width")))
    for name, e in rows.items():
        iv.add_row(name, *_interval_cells(e, levels))
    console.print(iv)
    kinds: dict[str, list[str]] = {}
    for name, e in rows.items():
        kinds.setdefault(e["kind"], []).append(f"{name} ({fmt(e['seconds'], 2)} s)")
    for kind, names in kinds.items():
        console.print(f"{kind}: {', '.join(names)}", highlight=False)
    shown_fits: dict[str, list[str]] = {}
    for name, e in rows.items():
        if "fitted" in e:
            shown = ", ".join(
                "(" + ", ".join(f"{v:g}" for v in x.values()) + ")" if isinstance(x, dict) else f"{x:g}"
                for x in e["fitted"]["by_fold"])
            shown_fits.setdefault(f"fitted {e['fitted']['parameter']} by fold: {shown}", []).append(name)
    for text, names in shown_fits.items():
        console.print(f"{', '.join(names)}: {text}", highlight=False)
    console.print(report["track_record"], highlight=False)
