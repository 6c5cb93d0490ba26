"""Regenerate the DEU III backtest tables in ``docs/backtest.md`` and ``README.md`` (between the markers).

Run: ``python scripts/backtest_table.py`` (``--check`` exits 1 if the file is out of
date instead of writing it). The tables are the full backtest of every registered
model and the baselines, with the package defaults (seed 0, 2000 bootstrap resamples of
proposals, 10 grouped folds, 90% intervals).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from accord.backtest.deu3 import CAPABILITIES, load_deu3
from accord.backtest.run import backtest_deu3, backtest_to_json

START = "<!-- backtest-table:start -->"
END = "<!-- backtest-table:end -->"
ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "backtest.md"
README = ROOT / "README.md"


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _ci(pair: list[float | None] | None) -> str:
    if not pair or pair[0] is None or pair[1] is None:
        return ""
    return f" ({pair[0]:.1f} to {pair[1]:.1f})"


def _diff(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "–"
    d = entry.get("mae_diff_vs_compromise")
    if d is None:
        return "reference"
    return "–" if d["diff"] is None else f"{d['diff']:+.2f}{_ci(d['ci'])}"


def main_table(report: dict[str, Any]) -> list[str]:
    level = round(100 * report["level"])
    lines = [
        "| forecast | kind | n | MAE (95% CI) | RMSE | median AE | within 10 | ΔMAE vs compromise (95% CI) "
        f"| MAE COD | MAE CNS | {level}% interval coverage (width) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, e in report["models"].items():
        proc = e["by_procedure"]
        lines.append(
            f"| {name} | {e['kind']} | {e['n']} | {_f(e['mae'])}{_ci(e['mae_ci'])} | {_f(e['rmse'])} "
            f"| {_f(e['median_ae'])} | {_f(e['within10'], 3)} | {_diff(e)} "
            f"| {_f(proc.get('COD', {}).get('mae'))} | {_f(proc.get('CNS', {}).get('mae'))} "
            f"| {_f(e['interval']['coverage'], 3)} ({_f(e['interval']['mean_width'], 1)}) |"
        )
    return lines


def procedure_table(report: dict[str, Any]) -> list[str]:
    lines = ["| forecast | COD n | COD ΔMAE vs compromise (95% CI) "
             "| CNS n | CNS ΔMAE vs compromise (95% CI) |",
             "|---|--:|--:|--:|--:|"]
    for name, e in report["models"].items():
        cod, cns = e["by_procedure"].get("COD"), e["by_procedure"].get("CNS")
        lines.append(f"| {name} | {cod['n'] if cod else '–'} | {_diff(cod)} | {cns['n'] if cns else '–'} "
                     f"| {_diff(cns)} |")
    return lines


def capability_table(reports: dict[str, dict[str, Any]]) -> list[str]:
    names = [n for n, e in next(iter(reports.values()))["models"].items() if e["kind"] != "baseline"]
    lines = ["| capability | " + " | ".join(f"{n} MAE" for n in names) + " |",
             "|---|" + "--:|" * len(names)]
    for cap, report in reports.items():
        lines.append(f"| {cap} | " + " | ".join(_f(report["models"][n]["mae"]) for n in names) + " |")
    return lines


def render() -> str:
    data = load_deu3()
    reports = {cap: backtest_to_json(backtest_deu3(data, capability=cap, shrink=True))
               for cap in CAPABILITIES}
    equal = reports["equal"]
    out = [
        START,
        f"DEU III, {equal['issues']} issues with a valid outcome in {equal['proposals']} proposals "
        f"({len(equal['excluded'])} excluded); capability `equal`; seed {equal['seed']}, "
        f"{equal['bootstrap']} bootstrap resamples of proposals, {equal['folds']} folds grouped by proposal.",
        "",
        *main_table(equal),
        "",
        "By procedure (COD co-decision, CNS consultation):",
        "",
        *procedure_table(equal),
        "",
        "MAE of the models under each capability option:",
        "",
        *capability_table(reports),
        END,
    ]
    return "\n".join(out)


def update(text: str, block: str) -> str:
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the file is out of date; write nothing")
    parser.add_argument("--output", type=Path, nargs="+", default=[DOC, README],
                        help="files to update (default docs/backtest.md and README.md)")
    args = parser.parse_args()
    block = render()
    stale = []
    for path in args.output:
        old = path.read_text(encoding="utf-8") if path.exists() else "# Backtest\n"
        new = update(old, block)
        if args.check:
            if new != old:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
        print(f"updated {path}")
    for path in stale:
        print(f"{path} is out of date: run python scripts/backtest_table.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
