"""Benchmark of the expected utility model against its plain-Python loop oracle.

Run from the repository root::

    .venv/bin/python benchmarks/bench_expected_utility.py

Prints one table of cases (time of the vectorised model, time of the loop oracle
``tests/oracles/eum_loop.py`` measured in the same run, their ratio) and one of the
growth of time with the number of actors, with the fitted exponent of
``time ~ actors^k``. Every case is random and seeded; every actor is present on every
issue; 10 rounds, variant ``scholz2011``. The model's time is the best of several runs.
The oracle is run once, and skipped when its predicted time exceeds
:data:`ORACLE_LIMIT` seconds; the prediction scales a measured one-issue run by the
number of issues and draws, and by ``actors^3`` from the largest measured size.

Targets: 17 actors x 10 rounds under 5 ms; 100 actors x 20 issues under 1 s; 10,000
draws of 6 actors x 12 issues under 5 s.

A first table times a 10,000-draw batch of the built-in case (``sample_arrays(...,
seed=0)``, default parameters), each in its own processes, run in turn
:data:`PASSES` times, best of :data:`PASSES` x :data:`REPEATS`: the
code of another checkout given with ``--baseline SRC`` (its ``src`` directory on
``PYTHONPATH``), this tree's NumPy path (``ACCORD_JIT=0``) and this tree's compiled
path; it prints draws per second, the ratio to the first line, and a digest of the
forecasts, which must be the same on every line. Target: at least 6,000 draws/s on
one core. ``--builtin-only`` stops after that table::

    .venv/bin/python benchmarks/bench_expected_utility.py --baseline ../base/src --builtin-only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from accord.models.expected_utility import ExpectedUtility  # noqa: E402
from accord.scenario.arrays import ScenarioArrays  # noqa: E402
from accord.testing import random_arrays  # noqa: E402
from oracles.eum_loop import run_arrays  # noqa: E402

ROUNDS = 10
ORACLE_LIMIT = 60.0
CASES = [
    ("17 actors", 17, 1, None),
    ("100 actors x 20 issues", 100, 20, None),
    ("10,000 draws of 6 x 12", 6, 12, 10_000),
]
GROWTH_ACTORS = (10, 17, 50, 100, 200)
GROWTH_ISSUES = 4

MODEL = ExpectedUtility()
SRC = Path(__file__).resolve().parent.parent / "src"
BUILTIN_DRAWS = 10_000
REPEATS = 3
#: The processes of the built-in table run in turn this many times (the best counts), so
#: that a busy spell of the machine does not fall on one line alone.
PASSES = 3

#: Run in a fresh process: times the model on the built-in batch, prints one JSON line.
BUILTIN_RUN = """
import hashlib, json, time
import numpy as np
from accord.experiments.sampling import sample_arrays
from accord.models.base import get_model
from accord.scenario import builtin
from accord.scenario.io import load_scenario
arrays = sample_arrays(load_scenario(builtin.DEFAULT), {draws}, seed=0)
model = get_model("expected_utility")
model.run(arrays, {{}}, np.random.default_rng(0))
best = float("inf")
for _ in range({repeats}):
    start = time.perf_counter()
    result = model.run(arrays, {{}}, np.random.default_rng(0))
    best = min(best, time.perf_counter() - start)
digest = hashlib.sha256(result.trajectory.tobytes() + result.rounds.tobytes()).hexdigest()[:16]
print(json.dumps({{"seconds": best, "digest": digest}}))
"""


def case(n_actors: int, n_issues: int, n_draws: int | None, seed: int = 2025) -> ScenarioArrays:
    return random_arrays(np.random.default_rng(seed), n_actors=n_actors, n_issues=n_issues,
                         n_draws=n_draws, missing=0.0)


def time_model(arrays: ScenarioArrays, budget: float = 3.0, most: int = 50) -> float:
    """Best wall time of the model on ``arrays`` over up to ``most`` runs within ``budget`` seconds."""
    best, spent, runs = np.inf, 0.0, 0
    while runs < most and (runs < 2 or spent < budget):
        start = time.perf_counter()
        MODEL.run(arrays, {"rounds": ROUNDS})
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best


def time_oracle(arrays: ScenarioArrays) -> float:
    batch = arrays.as_batch()
    start = time.perf_counter()
    run_arrays(batch.position, batch.salience, batch.capability, batch.present, ROUNDS)
    return time.perf_counter() - start


class OracleClock:
    """Times the oracle, or predicts its time from one-issue runs and skips it past the limit."""

    def __init__(self) -> None:
        self.per_issue: dict[int, float] = {}

    def one_issue(self, n_actors: int) -> float:
        if n_actors not in self.per_issue:
            known = [a for a in self.per_issue if a <= n_actors]
            if known:
                ref = max(known)
                guess = self.per_issue[ref] * (n_actors / ref) ** 3
                if guess > ORACLE_LIMIT:
                    return guess
            self.per_issue[n_actors] = time_oracle(case(n_actors, 1, None, seed=7))
        return self.per_issue[n_actors]

    def run(self, arrays: ScenarioArrays) -> tuple[float | None, float]:
        """(measured seconds or None when skipped, predicted seconds)."""
        units = arrays.n_issues * arrays.n_draws
        predicted = self.one_issue(arrays.n_actors) * units
        if predicted > ORACLE_LIMIT:
            return None, predicted
        return time_oracle(arrays), predicted


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def slope(actors: list[int], seconds: list[float]) -> float:
    return float(np.polyfit(np.log(actors), np.log(seconds), 1)[0])


def time_builtin(src: Path, jit: bool) -> dict[str, float | str]:
    """Best time and forecast digest of the built-in batch with the code under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), "ACCORD_JIT": "1" if jit else "0"}
    code = BUILTIN_RUN.format(draws=BUILTIN_DRAWS, repeats=REPEATS)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def builtin_table(baseline: Path | None) -> None:
    runs = []
    if baseline is not None:
        runs.append((f"baseline ({baseline})", baseline, False))
    runs += [("NumPy path (ACCORD_JIT=0)", SRC, False), ("compiled path", SRC, True)]
    print(f"built-in case, {BUILTIN_DRAWS:,} draws, 10 rounds, {PASSES} processes each in turn, "
          f"best of {PASSES} x {REPEATS}")
    header = f"{'code':<48} {'seconds':>8} {'draws/s':>9} {'ratio':>6}  digest"
    print(header)
    print("-" * len(header))
    best = [float("inf")] * len(runs)
    digests: list[set[str]] = [set() for _ in runs]
    for _ in range(PASSES):
        for k, (_, src, jit) in enumerate(runs):
            res = time_builtin(src, jit)
            best[k] = min(best[k], float(res["seconds"]))
            digests[k].add(str(res["digest"]))
    for k, (label, _, _) in enumerate(runs):
        print(f"{label:<48} {best[k]:>8.3f} {BUILTIN_DRAWS / best[k]:>9,.0f} {best[0] / best[k]:>5.2f}x  "
              f"{' '.join(sorted(digests[k]))}")
    print("forecasts identical on every line" if len(set.union(*digests)) == 1 else "FORECASTS DIFFER")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="src directory of the code to compare with")
    parser.add_argument("--builtin-only", action="store_true", help="only the built-in case's table")
    args = parser.parse_args()
    builtin_table(args.baseline.resolve() if args.baseline else None)
    if args.builtin_only:
        return
    MODEL.run(case(5, 2, None))
    clock = OracleClock()

    header = (f"{'case':<24} {'actors':>6} {'issues':>6} {'draws':>6} {'model':>11} {'oracle':>11} "
              f"{'oracle/model':>12}")
    print(header)
    print("-" * len(header))
    notes = []
    for label, n_actors, n_issues, n_draws in CASES:
        arrays = case(n_actors, n_issues, n_draws)
        model_s = time_model(arrays)
        oracle_s, predicted = clock.run(arrays)
        ratio = f"{oracle_s / model_s:.0f}x" if oracle_s is not None else "-"
        print(f"{label:<24} {n_actors:>6} {n_issues:>6} {n_draws or 1:>6} {fmt_time(model_s):>11} "
              f"{fmt_time(oracle_s):>11} {ratio:>12}")
        if oracle_s is None:
            notes.append(f"oracle skipped for '{label}': predicted {predicted:.0f} s > {ORACLE_LIMIT:.0f} s")

    print()
    header = f"{'actors':>6} {'issues':>6} {'model':>11} {'oracle':>11} {'oracle/model':>12}"
    print(f"growth with actors ({GROWTH_ISSUES} issues, {ROUNDS} rounds)")
    print(header)
    print("-" * len(header))
    model_times, oracle_points = [], []
    for n_actors in GROWTH_ACTORS:
        arrays = case(n_actors, GROWTH_ISSUES, None)
        model_s = time_model(arrays)
        oracle_s, predicted = clock.run(arrays)
        model_times.append(model_s)
        if oracle_s is not None:
            oracle_points.append((n_actors, oracle_s))
        else:
            notes.append(f"oracle skipped for {n_actors} actors: predicted {predicted:.0f} s "
                         f"> {ORACLE_LIMIT:.0f} s")
        ratio = f"{oracle_s / model_s:.0f}x" if oracle_s is not None else "-"
        print(f"{n_actors:>6} {GROWTH_ISSUES:>6} {fmt_time(model_s):>11} {fmt_time(oracle_s):>11} "
              f"{ratio:>12}")
    print()
    print(f"fitted exponent k in time ~ actors^k, model, {GROWTH_ACTORS[0]}-{GROWTH_ACTORS[-1]} actors: "
          f"{slope(list(GROWTH_ACTORS), model_times):.2f}")
    print(f"fitted exponent k, model, {GROWTH_ACTORS[2]}-{GROWTH_ACTORS[-1]} actors: "
          f"{slope(list(GROWTH_ACTORS[2:]), model_times[2:]):.2f}")
    if len(oracle_points) >= 2:
        xs, ys = zip(*oracle_points, strict=True)
        print(f"fitted exponent k, oracle, {xs[0]}-{xs[-1]} actors: {slope(list(xs), list(ys)):.2f}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
