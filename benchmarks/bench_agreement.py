"""Benchmark of the agreement analysis (``accord agree``) on the built-in case.

Run from the repository root::

    .venv/bin/python benchmarks/bench_agreement.py

Prints three tables, every number measured in this run:

1. The full analysis of ``ukraine-2025`` (comprehensive deal, all partial deals, every
   lever and pair of levers, the timeline with its monthly grid, both types of Russia):
   the time of each part (best of several runs) and of the whole ``accord agree --json``
   command in a fresh process, against the 2 s target.
2. The partial-deal search against its baseline, one linear program for every subset it
   examines, on the built-in case and on a harder variant in which every actor expects
   90% of its demands without a deal and no one bears a cost (the largest partial deals are
   then small, so nearly every subset is examined). The baseline's time is the mean time of
   the programs of a random sample of subsets times the number of subsets.
3. ``zone_batch`` on sampled draws against a loop of one relaxation per draw.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np

from accord.agreement import (
    Deal,
    Problem,
    agreement_arrays,
    analyse_agreement,
    partial_deals,
    relax_arrays,
    zone_batch,
)
from accord.experiments.sampling import Sampler
from accord.scenario.io import load_scenario

TARGET = 2.0
RUNS = 5
SAMPLE = 256
DRAWS = 1024


def best_report(scenario):  # noqa: ANN001, ANN201
    best = None
    for _ in range(RUNS):
        report = analyse_agreement(scenario)
        if best is None or report.timings["total"] < best.timings["total"]:
            best = report
    return best


def cli_seconds() -> float:
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "accord", "agree", "--json"], capture_output=True, text=True,
                         timeout=120)
    took = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return took


def main() -> None:
    scenario = load_scenario("ukraine-2025")
    analyse_agreement(scenario)  # warm up imports and caches
    report = best_report(scenario)
    cli = cli_seconds()
    print(f"1. accord agree on ukraine-2025 (best of {RUNS}); target {TARGET:.1f} s")
    print(f"   {'part':<44}{'seconds':>10}")
    labels = {
        "deal": "comprehensive deal",
        "partial": f"partial deals ({report.partial.subsets_checked} subsets, {report.partial.lps} programs)",
        "levers": f"levers ({len(report.levers_ranked)} single and pairs)",
        "timeline": f"timeline ({len(report.timeline)} dates)",
        "types": f"types ({sum(len(t.verdicts) for t in report.types_report)} types)",
    }
    for key, label in labels.items():
        print(f"   {label:<44}{report.timings.get(key, 0.0):>10.3f}")
    total = report.timings["total"]
    print(f"   {'analysis, in process':<44}{total:>10.3f}   {total / TARGET:.2f} of target")
    print(f"   {'accord agree --json, new process':<44}{cli:>10.3f}   {cli / TARGET:.2f} of target")

    base = Problem.from_arrays(agreement_arrays(scenario))
    hard = replace(base, eps=0.9 * base.pi + 0.1 * base.eps, cost=0.0 * base.cost)
    print()
    print("2. partial-deal search (largest subsets first) against one program per subset examined")
    print(f"   {'case':<44}{'size':>5}{'subsets':>9}{'programs':>10}{'search s':>10}{'baseline s':>12}{'ratio':>8}")
    for label, problem in (("ukraine-2025", base), ("variant: all expect 90% of their demands", hard)):
        start = time.perf_counter()
        part = partial_deals(problem, detail=False)
        ours = time.perf_counter() - start
        n_i = len(problem.issue_ids)
        sizes = range(n_i - 1, max(part.size, 1) - 1, -1)
        subsets = [c for k in sizes for c in itertools.combinations(range(n_i), k)]
        rng = np.random.default_rng(0)
        pick = rng.choice(len(subsets), size=min(SAMPLE, len(subsets)), replace=False)
        start = time.perf_counter()
        for k in pick:
            cover = np.zeros(n_i, dtype=bool)
            cover[list(subsets[k])] = True
            Deal(problem, cover).relax()
        brute = (time.perf_counter() - start) / len(pick) * len(subsets)
        print(f"   {label:<44}{part.size:>5}{part.subsets_checked:>9}{part.lps:>10}{ours:>10.3f}{brute:>12.3f}"
              f"{brute / ours:>8.1f}")
    print(f"   (baseline: mean time of the programs of up to {SAMPLE} sampled subsets x subsets examined)")

    draws = Sampler(scenario, seed=1).draws(0, DRAWS)
    arrays = agreement_arrays(scenario, value_of=draws.value_of)
    start = time.perf_counter()
    zone, gap, _ = zone_batch(arrays)
    batch = time.perf_counter() - start
    start = time.perf_counter()
    for d in range(arrays.n_draws):
        relax_arrays(arrays.draw(d))
    loop = time.perf_counter() - start
    print()
    print(f"3. zone_batch on {DRAWS} draws of ukraine-2025 (P(zone) = {zone.mean():.3f}, mean gap {gap.mean():.4f})")
    print(f"   zone_batch {batch:.3f} s ({1e3 * batch / DRAWS:.2f} ms a draw); loop of relaxations {loop:.3f} s; "
          f"speed-up {loop / batch:.1f}x")


if __name__ == "__main__":
    main()
