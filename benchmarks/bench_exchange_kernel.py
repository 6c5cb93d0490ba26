"""Benchmark of the exchange model's compiled kernel against its NumPy path.

Run from the repository root::

    .venv/bin/python benchmarks/bench_exchange_kernel.py [--draws 10000] [--repeats 3] [--variants [2048]]

Prints, for a batch of the built-in case (``accord.experiments.sampling.sample_arrays``,
seed 1, 10 iterations), the draws per second of the NumPy path (``Exchange(compiled=False)``)
and of the compiled kernel (``Exchange(compiled=True)``) on one core, best of
``--repeats`` runs each, wall and CPU time, their ratio, and whether the two paths gave
identical results (``np.array_equal`` on forecast, trajectory and rounds). ``--variants N``
adds ``randomized_value=0.5`` and ``random_rate`` on the first N draws (default 2,048: the
NumPy path of the randomised variant takes minutes on 10,000).

Above the table: the kernel's compile time, measured in fresh processes as the time of the
first run of a two-draw batch less that of the second: cold (an empty numba cache
directory) and warm (the cache that the cold run filled).

Target: at least 4,000 draws/s on one core for the default variant.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from accord.experiments.sampling import sample_arrays
from accord.models.exchange import Exchange
from accord.scenario import builtin
from accord.scenario.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
FIRST_CALL = """
import time, numpy as np
from accord.experiments.sampling import sample_arrays
from accord.models.exchange import Exchange
from accord.scenario import builtin
from accord.scenario.io import load_scenario
arrays = sample_arrays(load_scenario(builtin.DEFAULT), 2, seed=1)
took = []
for _ in range(2):
    start = time.perf_counter()
    Exchange(compiled=True).run(arrays, {}, np.random.default_rng(0))
    took.append(time.perf_counter() - start)
print(took[0] - took[1])
"""


def compile_seconds(cache_dir: str) -> float:
    """Compile (or cache load) time of the kernel in a fresh process using ``cache_dir``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def best_run(model: Exchange, arrays, params: dict, repeats: int):  # noqa: ANN001, ANN201
    """The result and the best wall and CPU seconds over ``repeats`` runs."""
    wall, cpu, result = np.inf, np.inf, None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = model.run(arrays, params, np.random.default_rng(0))
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return result, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", type=int, nargs="?", const=2048, default=0, metavar="DRAWS",
                        help="also randomized_value=0.5 and random_rate, on this many draws")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        cold = compile_seconds(cache)
        warm = compile_seconds(cache)
    print(f"compile time: cold {cold:.2f} s, warm (from the cache) {warm:.3f} s")

    arrays = sample_arrays(load_scenario(builtin.DEFAULT), args.draws, seed=1)
    print(f"built-in case, {arrays.n_actors} actors x {arrays.n_issues} issues, 10 iterations, "
          f"best of {args.repeats}, one core")
    header = (f"{'variant':<20} {'draws':>6} {'NumPy draws/s':>14} {'compiled draws/s':>17} {'ratio':>7} "
              f"{'(CPU: NumPy':>12} {'compiled':>9} {'ratio)':>7} {'identical':>10}")
    print(header)
    print("-" * len(header))
    variants = [({}, args.draws)]
    if args.variants:
        variants += [({"randomized_value": 0.5}, args.variants), ({"random_rate": True}, args.variants)]
    fast, slow = Exchange(compiled=True), Exchange(compiled=False)
    fast.run(sample_arrays(load_scenario(builtin.DEFAULT), 2, seed=1))  # compiled or loaded before timing
    for params, n in variants:
        name = ",".join(f"{k}={v}" for k, v in params.items()) or "default"
        batch = arrays if n == args.draws else sample_arrays(load_scenario(builtin.DEFAULT), n, seed=1)
        got, wall_c, cpu_c = best_run(fast, batch, params, args.repeats)
        want, wall_n, cpu_n = best_run(slow, batch, params, args.repeats)
        same = all(np.array_equal(getattr(got, f), getattr(want, f), equal_nan=True)
                   for f in ("forecast", "trajectory", "rounds"))
        print(f"{name:<20} {n:>6} {n / wall_n:>14,.0f} {n / wall_c:>17,.0f} {wall_n / wall_c:>6.1f}x "
              f"{n / cpu_n:>12,.0f} {n / cpu_c:>9,.0f} {cpu_n / cpu_c:>6.1f}x {str(same):>10}", flush=True)


if __name__ == "__main__":
    main()
