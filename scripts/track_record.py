"""Write the backtest summary that ``accord brief`` quotes as the models' track record.

Runs ``accord backtest deu3`` with its default settings and keeps, for every model and
baseline, the error measures of the whole sample (not the per-procedure breakdown) in
``src/accord/data/backtest_summary.json``. Run it again whenever a model changes; a test
checks that the file matches a fresh backtest.

Usage: ``python scripts/track_record.py``
"""

from __future__ import annotations

import json
from pathlib import Path

from accord import __version__
from accord.backtest.run import backtest_deu3, backtest_to_json

OUT = Path(__file__).resolve().parent.parent / "src" / "accord" / "data" / "backtest_summary.json"
KEEP = ("kind", "n", "mae", "rmse", "median_ae", "within10", "mae_ci", "mae_diff_vs_compromise")


def track_record() -> dict:
    """The summary kept in the package: the settings and the measures of every row."""
    data = backtest_to_json(backtest_deu3())
    return {
        "dataset": data["dataset"],
        "issues": data["issues"],
        "proposals": data["proposals"],
        "seed": data["seed"],
        "bootstrap": data["bootstrap"],
        "capability": data["capability"],
        "grouping": data["grouping"],
        "accord_version": __version__,
        "models": {name: {k: row[k] for k in KEEP if k in row} for name, row in data["models"].items()},
    }


def main() -> None:
    OUT.write_text(json.dumps(track_record(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
