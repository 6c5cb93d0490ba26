"""Monte Carlo throughput and memory: now against an earlier commit, chunks against a loop.

Run from the repository root::

    .venv/bin/python benchmarks/bench_montecarlo.py [--draws 100000] [--loop 1000]
        [--baseline-ref ee4c42f] [--baseline-draws 10000] [--skip-memory] [--skip-loop]

Table 0: draws per second of ``--draws`` draws of the built-in case through each
registered model (no agreement analysis), now on every core
(:class:`~accord.experiments.processes.ProcessExecutor`) and in one process, and for
``--baseline-ref`` (default: the commit before the compiled exchange loop and the worker
processes), whose source is extracted with ``git archive`` and timed in a subprocess in
the same run on ``--baseline-draws`` draws (its rate is what is compared). The floor is
the rate of the Monte Carlo machinery alone, sampling every range and building the
model's arrays without running a model, measured on the same draws: no model can go
faster in one process. The 100,000-draw targets (2 cores): expected utility under 10 s,
exchange under 15 s.

Table 1: ``--draws`` draws of the built-in case through each registered model with
:func:`accord.experiments.montecarlo.monte_carlo` (sampling, arrays and model, chunked,
each chunk one vectorised call), against a loop that runs the model on one draw at a
time. The loop is timed on the first ``--loop`` draws only (fewer for a slow model: it
stops after :data:`LOOP_BUDGET` seconds) and extrapolated linearly to all draws; it
times the model calls alone (the draws are sampled beforehand), so the ratio
understates the gain. The loop's forecasts are checked against the vectorised ones.

Table 2: peak resident memory (Linux ``VmHWM``) of 1,000,000 draws of the compromise
model, each measured in a fresh process: with the default chunk size, and for
comparison with 100,000 draws in a single chunk (no chunking). Target: under 2 GB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from accord.experiments.factors import scenario_factors
from accord.experiments.montecarlo import monte_carlo
from accord.experiments.processes import ProcessExecutor, local_cores
from accord.experiments.sampling import Sampler, sample_arrays
from accord.models import get_model, model_names
from accord.scenario import builtin
from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
from accord.scenario.io import load_scenario

try:  # the exchange model registers on import, should the package not import it yet
    import accord.models.exchange  # noqa: F401
except ImportError:  # pragma: no cover
    pass

LOOP_BUDGET = 20.0
BASELINE_REF = "ee4c42f"
TARGETS = {"expected_utility": 10.0, "exchange": 15.0}

RATE_SCRIPT = """
import json, sys, time
from accord.experiments.montecarlo import monte_carlo
from accord.scenario import builtin
from accord.scenario.io import load_scenario
sc = load_scenario(builtin.DEFAULT)
out = {}
for name in sys.argv[2:]:
    monte_carlo(sc, [name], draws=64, seed=0, agreement=False)
    start = time.perf_counter()
    monte_carlo(sc, [name], draws=int(sys.argv[1]), seed=0, agreement=False)
    out[name] = int(sys.argv[1]) / (time.perf_counter() - start)
print(json.dumps(out))
"""
MEMORY_LIMIT = 2 * 2**30

PEAK_SCRIPT = """
import resource, sys, time
from accord.experiments.montecarlo import monte_carlo
from accord.scenario import builtin
from accord.scenario.io import load_scenario


def rss(key):
    # Linux: VmRSS (now) and VmHWM (peak) of this process's own memory, reset by exec
    # (ru_maxrss is not: it keeps the peak of the process that started this one).
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


sc = load_scenario(builtin.DEFAULT)
monte_carlo(sc, ["compromise"], draws=10, agreement=False)
before = rss("VmRSS")
draws, chunk = int(sys.argv[1]), (int(sys.argv[2]) or None)
start = time.perf_counter()
res = monte_carlo(sc, ["compromise"], draws=draws, chunk_size=chunk, agreement=False)
took = time.perf_counter() - start
print(before, rss("VmHWM"), took, res.chunk_size, res.forecasts["compromise"].nbytes)
"""


def one_draw(batch: ScenarioArrays, d: int) -> ScenarioArrays:
    """Draw ``d`` as a batch of one (so models skip building explanations, as in the batch)."""
    return replace(
        batch,
        position=batch.position[d : d + 1],
        salience=batch.salience[d : d + 1],
        capability=batch.capability[d : d + 1],
    )


def throughput(draws: int, loop_draws: int) -> None:
    sc = load_scenario(builtin.DEFAULT)
    loop_arrays = sample_arrays(sc, loop_draws, seed=0)
    print(
        f"\n{draws:,} draws of {sc.id} ({len(sc.actors)} actors x {len(sc.issues)} issues, "
        f"{len(scenario_factors(sc))} uncertain inputs)"
    )
    header = (
        f"{'model':<18}{'vectorised s':>14}{'draws/s':>12}{'loop draws':>12}{'loop s':>10}"
        f"{'loop s (extrap.)':>18}{'speed-up':>10}{'max |diff|':>12}"
    )
    print(header)
    print("-" * len(header))
    for name in model_names():
        model = get_model(name)
        start = time.perf_counter()
        res = monte_carlo(sc, [name], draws=draws, seed=0, agreement=False)
        vec = time.perf_counter() - start
        sampler = Sampler(sc, 0)  # the model's generator, as monte_carlo gives it
        out, n, spent = [], 0, 0.0
        while n < loop_draws and spent < LOOP_BUDGET:
            t0 = time.perf_counter()
            out.append(model.run(one_draw(loop_arrays, n), {}, sampler.model_rng(name)).forecast[0])
            spent += time.perf_counter() - t0
            n += 1
        loop = np.array(out)
        diff = float(np.nanmax(np.abs(loop - res.forecasts[name][:n]))) if n else float("nan")
        extrap = spent / n * draws
        print(
            f"{name:<18}{vec:>14.2f}{draws / vec:>12,.0f}{n:>12,}{spent:>10.2f}{extrap:>18.1f}"
            f"{extrap / vec:>9.0f}x{diff:>12.1e}"
        )
    print(
        f"(loop timed on the first draws, at most {LOOP_BUDGET:.0f} s per model, and extrapolated to "
        f"{draws:,} draws; the loop excludes sampling, the vectorised time includes it)"
    )


def baseline_rates(ref: str, draws: int, names: list[str]) -> dict[str, float]:
    """Draws per second of each model at commit ``ref``, timed in a subprocess on its own source."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(root), "archive", ref, "src"], capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        known = subprocess.run([sys.executable, "-c", "from accord.models import model_names; print(*model_names())"],
                               capture_output=True, text=True, check=True, env=env).stdout.split()
        out = subprocess.run([sys.executable, "-c", RATE_SCRIPT, str(draws), *[n for n in names if n in known]],
                             capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def floor_rate(draws: int) -> float:
    """Draws per second of sampling every range and building the arrays, without a model."""
    sc = load_scenario(builtin.DEFAULT)
    sampler = Sampler(sc, 0)
    start = time.perf_counter()
    for lo in range(0, draws, 8192):
        hi = min(draws, lo + 8192)
        arrays_from_scenario(sc, sampler.draws(lo, hi).value_of)
    return draws / (time.perf_counter() - start)


def versus_baseline(draws: int, ref: str, baseline_draws: int) -> None:
    sc = load_scenario(builtin.DEFAULT)
    names = list(model_names())
    base = baseline_rates(ref, baseline_draws, names)
    cores = local_cores()
    print(f"\n{draws:,} draws of {sc.id}, no agreement analysis;\nbaseline {ref} on {baseline_draws:,} draws")
    header = (f"{'model':<17}{f'{cores} procs s':>10}{'draws/s':>9}{'1 proc s':>9}{'draws/s':>9}"
              f"{'before/s':>9}{'ratio':>8}{'target':>8}")
    print(header)
    print("-" * len(header))
    for name in names:
        monte_carlo(sc, [name], draws=64, seed=0, agreement=False)
        start = time.perf_counter()
        pooled = monte_carlo(sc, [name], draws=draws, seed=0, agreement=False, executor=ProcessExecutor())
        t_all = time.perf_counter() - start
        start = time.perf_counter()
        alone = monte_carlo(sc, [name], draws=draws, seed=0, agreement=False)
        t_one = time.perf_counter() - start
        if not np.array_equal(pooled.forecasts[name], alone.forecasts[name], equal_nan=True):
            raise SystemExit(f"{name}: the worker processes' forecasts differ from one process's")
        before = base.get(name, float("nan"))
        target = TARGETS.get(name)
        # the targets are for 100,000 draws; smaller runs keep more of their time in fixed costs
        verdict = "" if target is None or draws < 100_000 else ("met" if t_all < target else "MISSED")
        print(f"{name:<17}{t_all:>10.2f}{draws / t_all:>9,.0f}{t_one:>9.2f}{draws / t_one:>9,.0f}"
              f"{before:>9,.0f}{draws / t_all / before:>7.1f}x{verdict:>8}")
    print(f"floor (sampling and arrays, no model, one process): {floor_rate(draws):,.0f} draws/s")
    print("(ratio: now on every core against the baseline in one process, which had no\n"
          " worker processes; the forecasts on every core are checked equal to one\n process's)")


def peak_memory() -> None:
    print("\nPeak resident memory, compromise model, each run in a fresh process")
    header = f"{'run':<36}{'chunk':>8}{'seconds':>10}{'RSS after imports':>19}{'peak RSS':>12}{'forecasts':>11}"
    print(header)
    print("-" * len(header))
    rows = []
    for label, draws, chunk in (
        ("1,000,000 draws, default chunks", 1_000_000, 0),
        ("100,000 draws in a single chunk", 100_000, 100_352),
    ):
        out = subprocess.run(
            [sys.executable, "-c", PEAK_SCRIPT, str(draws), str(chunk)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        before, peak, took, size, forecasts = (
            int(out[0]),
            int(out[1]),
            float(out[2]),
            int(out[3]),
            int(out[4]),
        )
        rows.append(peak)
        print(
            f"{label:<36}{size:>8,}{took:>10.2f}{before / 2**20:>16.0f} MB{peak / 2**20:>9.0f} MB"
            f"{forecasts / 2**20:>8.0f} MB"
        )
    verdict = "under" if rows[0] < MEMORY_LIMIT else "OVER"
    print(
        f"1,000,000 draws: peak {rows[0] / 2**30:.2f} GB, {verdict} the 2 GB target; "
        f"{rows[0] / rows[1]:.2f}x the peak of 100,000 draws in one chunk"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--loop", type=int, default=1_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-loop", action="store_true")
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--baseline-draws", type=int, default=10_000)
    args = parser.parse_args()
    versus_baseline(args.draws, args.baseline_ref, args.baseline_draws)
    if not args.skip_loop:
        throughput(args.draws, args.loop)
    if not args.skip_memory:
        peak_memory()


if __name__ == "__main__":
    main()
