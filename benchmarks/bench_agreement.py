"""Benchmark of the agreement analysis (``accord agree``) on the built-in case, against the analysis before red lines.

Run from the repository root::

    .venv/bin/python benchmarks/bench_agreement.py [--draws 10000] [--baseline REV]

Every number is measured in this run. The baseline is the analysis at git revision ``REV``
(default ``b32dd01``: the layout of the packages, before red lines, requirements and the
commitment formula), checked out into a temporary worktree and run from it.

1. ``accord agree --json`` in a fresh process, best of three, new and baseline alternated;
   target 2 s.
2. The parts of the analysis in process (best of three).
3. P(zone) over ``--draws`` draws of every range and of each red line (real with its
   credibility), without and with the pivotality of each red line (on a tenth of the
   draws), against the baseline's ``zone_batch`` over the same number of draws (it had
   no red lines to draw); target 10 s for P(zone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from accord.agreement import analyse_agreement
from accord.experiments.agreement import agreement_probability
from accord.scenario.case import Case
from accord.scenario.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TARGET_AGREE = 2.0
TARGET_P_ZONE = 10.0
OLD_ZONE_BATCH = """
import sys, time
from accord.agreement import agreement_arrays, zone_batch
from accord.experiments.montecarlo import Sampler
from accord.scenario.io import load_scenario
n = int(sys.argv[1])
sc = load_scenario("ukraine-2025")
start = time.perf_counter()
zones = 0
for lo in range(0, n, 1024):
    draws = Sampler(sc, seed=1).draws(lo, min(n, lo + 1024))
    zone, _, _ = zone_batch(agreement_arrays(sc, value_of=draws.value_of))
    zones += int(zone.sum())
print(time.perf_counter() - start, zones / n)
"""


def agree_seconds(src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", "from accord.cli.app import main; main()", "agree", "--json"],
                         capture_output=True, text=True, env=env, timeout=600)
    took = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--baseline", default="b32dd01")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            new_times, old_times = [], []
            for _ in range(3):
                new_times.append(agree_seconds(ROOT / "src"))
                old_times.append(agree_seconds(old / "src"))
            print(f"1. accord agree --json on ukraine-2025, fresh process, best of 3 (target {TARGET_AGREE:.1f} s)")
            print(f"   now {min(new_times):.2f} s ({min(new_times) / TARGET_AGREE:.2f} of target); "
                  f"before red lines ({args.baseline}) {min(old_times):.2f} s; "
                  f"ratio {min(new_times) / min(old_times):.2f}")

            case = Case.resolve(load_scenario("ukraine-2025"))
            best = None
            for _ in range(3):
                report = analyse_agreement(case)
                if best is None or report.timings["total"] < best.timings["total"]:
                    best = report
            print()
            print("2. the analysis in process, best of 3 (seconds)")
            for key, value in best.timings.items():
                print(f"   {key:<12}{value:>8.3f}")

            env = {**os.environ, "PYTHONPATH": str(old / "src")}
            res = subprocess.run([sys.executable, "-c", OLD_ZONE_BATCH, str(args.draws)], capture_output=True,
                                 text=True, env=env, timeout=3600, check=True)
            old_seconds, old_p = (float(x) for x in res.stdout.split())
            start = time.perf_counter()
            prob = agreement_probability(case, args.draws, seed=1, pivotal=False)
            seconds = time.perf_counter() - start
            tenth = max(1, args.draws // 10)
            start = time.perf_counter()
            agreement_probability(case, tenth, seed=1, pivotal=True)
            pivot_seconds = time.perf_counter() - start
            print()
            print(f"3. P(zone) over {args.draws:,} draws (target {TARGET_P_ZONE:.0f} s)")
            print(f"   now: P(zone) {prob.p_zone:.4f} ± {prob.p_zone_se:.4f} in {seconds:.2f} s "
                  f"({seconds / TARGET_P_ZONE:.2f} of target, {1e3 * seconds / args.draws:.2f} ms a draw)")
            print(f"   now with pivotality, {tenth:,} draws: {pivot_seconds:.2f} s "
                  f"({1e3 * pivot_seconds / tenth:.2f} ms a draw)")
            print(f"   before red lines ({args.baseline}), zone_batch: P(zone) {old_p:.4f} in {old_seconds:.2f} s "
                  f"({1e3 * old_seconds / args.draws:.2f} ms a draw); ratio {seconds / old_seconds:.2f}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False,
                           capture_output=True)


if __name__ == "__main__":
    main()
