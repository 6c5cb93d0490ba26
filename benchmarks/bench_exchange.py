"""Benchmark of the exchange model against its plain-Python loop oracle.

Run from the repository root::

    .venv/bin/python benchmarks/bench_exchange.py [--oracle-limit SECONDS]

Prints one table: the three Decide reference cases (``tests/data/exchange``), random
cases of 10, 15, 17, 50, 100 and 200 actors x 13 issues and a batch of 50 draws of 8 x 6
(random, seeded, every actor on every issue, positions and saliences rounded as in real
data), 10 iterations each. For every case: the time of the vectorised model (best of
several runs), the time of the loop oracle ``tests/oracles/exchange_loop.py`` measured
once in the same run, and their ratio. When the oracle's predicted time for 10
iterations exceeds the limit (default 60 s), it runs as many iterations as fit (the
``iters`` column) and the ratio compares it with the model on the same iterations; when
not even one fits, it is skipped. The prediction scales the oracle's time per iteration
at the largest size measured so far by ``actors^k``, with ``k`` fitted to the sizes
measured so far (3 until there are two). Below the table: the fitted exponent ``k`` of
``time ~ actors^k`` over the random 13-issue cases, for the model and for the oracle.

Target: 15 actors x 13 issues x 10 iterations under 0.1 s for one draw.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from accord.models.exchange import Exchange  # noqa: E402
from accord.scenario.arrays import ScenarioArrays  # noqa: E402
from oracles.exchange_loop import run_exchange_loop  # noqa: E402
from regression.test_exchange_golden import decide_arrays  # noqa: E402

ITERATIONS = 10
ISSUES = 13
GROWTH_ACTORS = (10, 15, 17, 50, 100, 200)
MODEL = Exchange()


def random_case(n_actors: int, n_issues: int, n_draws: int | None = None,
                seed: int = 2025) -> ScenarioArrays:
    rng = np.random.default_rng(seed)
    lead = () if n_draws is None else (n_draws,)
    position = np.round(rng.uniform(0, 100, (*lead, n_actors, n_issues)), 1)
    salience = np.round(rng.uniform(0.05, 1.0, (*lead, n_actors, n_issues)), 2)
    capability = np.round(rng.uniform(0.05, 1.0, (*lead, n_actors)), 2)
    return ScenarioArrays(
        tuple(f"A{a:03d}" for a in range(n_actors)), tuple(f"I{k:02d}" for k in range(n_issues)),
        position, salience, capability, np.ones((n_actors, n_issues), dtype=bool),
        np.zeros(n_issues), np.full(n_issues, 100.0), np.full(n_issues, 50.0),
    )


def time_model(arrays: ScenarioArrays, iterations: int, budget: float = 3.0, most: int = 20) -> float:
    """Best wall time of the model over up to ``most`` runs within ``budget`` seconds."""
    best, spent, runs = math.inf, 0.0, 0
    while runs < most and (runs < 3 or spent < budget):
        start = time.perf_counter()
        MODEL.run(arrays, {"iterations": iterations}, np.random.default_rng(0))
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best


def time_oracle(arrays: ScenarioArrays, iterations: int) -> tuple[float, int]:
    """Wall time of the oracle over every draw, and the exchanges it carried out."""
    batch = arrays.as_batch()
    start = time.perf_counter()
    done = 0
    for d in range(batch.n_draws):
        one = batch.draw(d)
        _, _, exchanges = run_exchange_loop(
            one.position.tolist(), one.salience.tolist(), one.capability.tolist(), one.present.tolist(),
            one.scale_min.tolist(), one.scale_max.tolist(), iterations=iterations,
            rng=np.random.default_rng(0), actor_ids=one.actor_ids, issue_ids=one.issue_ids)
        done += sum(len(e) for e in exchanges)
    return time.perf_counter() - start, done


def fitted_exponent(sizes: list[int], times: list[float]) -> float:
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oracle-limit", type=float, default=60.0,
                        help="largest predicted time, in seconds, of one oracle run")
    limit = parser.parse_args().oracle_limit

    cases = [(c["name"], decide_arrays(c["decide_csv"]), None) for c in
             json.loads((ROOT / "tests" / "data" / "exchange" / "reference_cases.json").read_text())]
    cases += [(f"random {a} x {ISSUES}", random_case(a, ISSUES), a) for a in GROWTH_ACTORS]
    cases.append(("50 draws of 8 x 6", random_case(8, 6, n_draws=50), None))

    header = (f"{'case':<24} {'actors x issues':>15} {'exchanges':>9} {'model s':>9} "
              f"{'oracle s':>9} {'iters':>5} {'oracle/model':>12}")
    print(header)
    print("-" * len(header))
    growth: dict[int, float] = {}
    oracle_growth: dict[int, float] = {}
    for name, arrays, actors in cases:
        shape = f"{arrays.n_actors} x {arrays.n_issues}"
        model_s = time_model(arrays, ITERATIONS)
        if actors is not None:
            growth[actors] = model_s
        iters = ITERATIONS
        if actors is not None and oracle_growth:
            sizes = sorted(oracle_growth)
            k = fitted_exponent(sizes, [oracle_growth[s] for s in sizes]) if len(sizes) > 1 else 3.0
            per_iteration = oracle_growth[sizes[-1]] * (actors / sizes[-1]) ** k
            iters = min(ITERATIONS, int(limit // per_iteration))
        if iters < 1:
            print(f"{name:<24} {shape:>15} {'':>9} {model_s:>9.3f} {'skipped':>9} {0:>5} {'':>12}")
            continue
        oracle_s, exchanges = time_oracle(arrays, iters)
        same = model_s if iters == ITERATIONS else time_model(arrays, iters)
        if actors is not None:
            oracle_growth[actors] = oracle_s / iters
        shown = f"{exchanges}" if iters == ITERATIONS else f"({exchanges})"
        ratio = oracle_s / same
        print(f"{name:<24} {shape:>15} {shown:>9} {model_s:>9.3f} {oracle_s:>9.2f} {iters:>5} "
              f"{ratio:>11.{0 if ratio >= 10 else 1}f}x", flush=True)

    sizes = sorted(growth)
    print()
    print(f"model:  time ~ actors^{fitted_exponent(sizes, [growth[s] for s in sizes]):.2f} "
          f"over {', '.join(map(str, sizes))} actors x {ISSUES} issues, {ITERATIONS} iterations")
    measured = sorted(oracle_growth)
    if len(measured) > 1:
        k = fitted_exponent(measured, [oracle_growth[s] for s in measured])
        print(f"oracle: time per iteration ~ actors^{k:.2f} over {', '.join(map(str, measured))} actors")
    target = growth.get(15, math.nan)
    print(f"target: 15 x {ISSUES} x {ITERATIONS} iterations in {target:.3f} s (goal < 0.1 s)")


if __name__ == "__main__":
    main()
