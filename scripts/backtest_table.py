"""Regenerate the DEU III backtest tables in ``docs/backtest.md`` and ``README.md`` (between the markers).

Run: ``python scripts/backtest_table.py`` (``--check`` exits 1 if the file is out of
date instead of writing it). The tables are the full backtest of every registered
model and the baselines, with the package defaults (seed 0, 2000 bootstrap resamples of
proposals, 10 grouped folds, 80% and 90% intervals), under every capability option, and the
plain-words sentence of :func:`accord.backtest.run.track_record_sentence`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from accord.backtest.deu3 import CAPABILITIES, load_deu3
from accord.backtest.run import (
    LEVELS,
    TRACK_RECORD_FILE,
    backtest_deu3,
    backtest_to_json,
    compare_capabilities,
    track_record_sentence,
)

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


def _intervals(e: dict[str, Any]) -> list[str]:
    if e["intervals"] is None:
        return ["no interval"] * len(LEVELS)
    return [f"{_f(iv['coverage'], 3)} ({_f(iv['mean_width'], 1)})" for iv in e["intervals"]]


def main_table(report: dict[str, Any]) -> list[str]:
    levels = " | ".join(f"{round(100 * v)}% interval coverage (width)" for v in report["levels"])
    lines = [
        "| forecast | kind | n | proposals | MAE (95% CI) | RMSE | median AE | within 10 "
        f"| ΔMAE vs compromise (95% CI) | MAE COD | MAE CNS | {levels} |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|" + "--:|" * len(report["levels"]),
    ]
    for name, e in report["models"].items():
        proc = e["by_procedure"]
        lines.append(
            f"| {name} | {e['kind']} | {e['n']} | {e['proposals']} | {_f(e['mae'])}{_ci(e['mae_ci'])} "
            f"| {_f(e['rmse'])} | {_f(e['median_ae'])} | {_f(e['within10'], 3)} | {_diff(e)} "
            f"| {_f(proc.get('COD', {}).get('mae'))} | {_f(proc.get('CNS', {}).get('mae'))} "
            f"| {' | '.join(_intervals(e))} |"
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


def _cap_cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "–"
    if entry["diff_vs_reference"] is None:
        return _f(entry["mae"])
    ci = entry["ci"]
    ci_text = f"; {ci[0]:.1f} to {ci[1]:.1f}" if ci and None not in ci else ""
    return f"{_f(entry['mae'])} ({entry['diff_vs_reference']:+.2f}{ci_text})"


def capability_table(comparison: dict[str, dict[str, Any]], reports: dict[str, dict[str, Any]]) -> list[str]:
    names = list(comparison["equal"])
    lines = ["| capability | " + " | ".join(f"{n} MAE (Δ vs equal, 95% CI)" for n in names) + " |",
             "|---|" + "--:|" * len(names)]
    for cap, rows in comparison.items():
        label = f"{cap} (fitted in-fold)" if cap == "calibrated" else cap
        lines.append(f"| {label} | " + " | ".join(_cap_cell(rows.get(n)) for n in names) + " |")
    lines += ["", "Where each option's capabilities come from:", ""]
    for cap, report in reports.items():
        lines.append(f"- `{cap}`: {report['capability_note']}.")
    fits = reports["calibrated"]["models"]["compromise"]["fitted"]["by_fold"]
    pairs = ", ".join(f"({f['alpha']:g}, {f['beta']:g})" for f in fits)
    lines.append(f"- `calibrated`, fitted (α, β) in the 10 training folds: {pairs}.")
    return lines


def render() -> str:
    data = load_deu3()
    results = {cap: backtest_deu3(data, capability=cap, shrink=True) for cap in CAPABILITIES}
    reports = {cap: backtest_to_json(r) for cap, r in results.items()}
    comparison = compare_capabilities(results)
    equal = reports["equal"]
    notes = equal["data_notes"]
    fixes = "; ".join(f"{f['issue']} filed under {f['file']}, counted in {f['used']}"
                      for f in notes["proposal_corrections"])
    ref = notes["reference_points"]
    out = [
        START,
        f"**{track_record_sentence(equal, comparison=comparison)}**",
        "",
        f"DEU III, {equal['issues']} issues with a valid outcome in {equal['proposals']} proposals "
        f"({len(equal['excluded'])} excluded: no outcome; proposal from the issue id: {fixes}); "
        f"{notes['positions_without_salience']['count']} positions without a salience left out; "
        f"{ref['missing']} issues without a reference point; capability `equal`; seed {equal['seed']}, "
        f"{equal['bootstrap']} bootstrap resamples of proposals, {equal['folds']} folds grouped by proposal; "
        "fitted rows and every interval out of sample.",
        "",
        *main_table(equal),
        "",
        "By procedure (COD co-decision, CNS consultation):",
        "",
        *procedure_table(equal),
        "",
        "MAE under each capability option, and the paired difference from the same row under `equal` "
        "(95% CI, cluster bootstrap over proposals):",
        "",
        *capability_table(comparison, reports),
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
    record = ROOT / "src" / "accord" / "data" / TRACK_RECORD_FILE
    text = json.dumps({"sentence": track_record_sentence(), "source": "scripts/backtest_table.py"}, indent=2) + "\n"
    if args.check:
        if not record.exists() or record.read_text(encoding="utf-8") != text:
            stale.append(record)
    else:
        record.write_text(text, encoding="utf-8")
        print(f"updated {record}")
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
