"""Time the DEU III backtest: loading, building scenarios both ways, each model, the whole run.

Run: ``python benchmarks/bench_backtest.py``. Ratios are against baselines measured in
the same run: the Scenario path against the direct arrays path, each model against
the compromise model. The whole backtest of every registered model (bootstrap, 80% and
90% conformal intervals and cross-validation included) should take under 30 seconds for each
capability option; ``calibrated`` reruns every model at each distinct pair of exponents
fitted in the (nested) training folds, so it takes several times as long as the others.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from accord.backtest import deu3 as d3
from accord.backtest import run as bt
from accord.backtest import voting_power
from accord.models.base import model_names

BUDGET_SECONDS = 30.0


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (the best is shown)")
    args = parser.parse_args()

    path = d3.packaged.path("deu3", "deu3.csv")
    text = path.read_text(encoding="utf-8")
    t_load = best_of(args.repeat, lambda: d3.read_deu3(text))
    data = d3.load_deu3()
    cap = d3.capabilities(data, "equal")
    parts = d3.groups(data, cap)
    t_arrays = best_of(args.repeat, lambda: [d3.group_arrays(data, g, cap) for g in parts])
    t_scen = best_of(args.repeat, lambda: [d3.group_scenario(data, g, cap) for g in parts])
    t_power = best_of(1, lambda: d3.capabilities(data, "council_votes"))
    print(f"DEU III: {data.n_issues} issues, {len(parts)} proposal scenarios")
    print(f"  parse the file                {t_load * 1e3:8.1f} ms")
    print(f"  arrays, built directly        {t_arrays * 1e3:8.1f} ms")
    print(f"  Scenario objects (validated)  {t_scen * 1e3:8.1f} ms   "
          f"ratio to direct arrays: {t_scen / t_arrays:6.1f}x")
    print(f"  council_votes capabilities    {t_power * 1e3:8.1f} ms   (exact Banzhaf, first call)")

    print("\nforecasts of every issue, capability equal:")
    base = None
    for name in model_names():
        t = best_of(args.repeat, lambda name=name: bt.model_forecasts(data, name, cap))
        base = base or t
        print(f"  {name:20s} {t:8.3f} s   ratio to compromise: {t / base:7.1f}x")

    print(f"\nwhole backtest, every model, bootstrap 2000, 10 folds, 80% and 90% intervals, voting power recomputed "
          f"(budget {BUDGET_SECONDS:.0f} s):")
    for capability in d3.CAPABILITIES:
        voting_power._council_power.cache_clear()
        start = time.perf_counter()
        result = bt.backtest_deu3(data, capability=capability)  # type: ignore[arg-type]
        total = time.perf_counter() - start
        verdict = "ok" if total < BUDGET_SECONDS else "OVER BUDGET"
        extra = ""
        if capability == "calibrated":
            fits = {(f["alpha"], f["beta"]) for f in result.summary["compromise"]["fitted"]["by_fold"]}
            extra = f"   ({len(fits)} distinct exponent pairs in the outer folds)"
        print(f"  {capability:14s} {total:8.2f} s   {verdict}{extra}")


if __name__ == "__main__":
    main()
