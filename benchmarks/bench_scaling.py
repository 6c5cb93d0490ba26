"""How Monte Carlo time grows with the number of actors and issues, per model.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scaling.py [--budget 0.5]

Random scenarios (seeded) in which every actor holds a stance on every issue and every
position, salience and capability is a range. For each model and size,
:func:`accord.experiments.montecarlo.monte_carlo` runs enough draws to take about
``--budget`` seconds (one draw at least, 16,384 at most; the number grows from one
until a run takes that long) and the table gives the time per draw in milliseconds, sampling and array
building included. Two sweeps: actors 10 to 200 on 5 issues, and issues 1 to 50 with 10
actors. The last columns are the ratio of the largest size's time to the smallest's and
the exponent ``k`` of a least-squares fit ``time ~ size^k``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from accord.experiments.montecarlo import monte_carlo
from accord.models import model_names
from accord.scenario.io import scenario_from_data
from accord.scenario.schema import Scenario

try:  # the exchange model registers on import, should the package not import it yet
    import accord.models.exchange  # noqa: F401
except ImportError:  # pragma: no cover
    pass

ACTORS = (10, 20, 50, 100, 200)
ISSUES = (1, 5, 10, 20, 50)
MAX_DRAWS = 16_384


def synthetic(n_actors: int, n_issues: int, seed: int = 2025) -> Scenario:
    """A random scenario with every value a range."""
    rng = np.random.default_rng(seed)
    stances = []
    for a in range(n_actors):
        for i in range(n_issues):
            p, s = rng.uniform(0, 90), rng.uniform(0.1, 0.8)
            stances.append(
                {
                    "actor": f"a{a}",
                    "issue": f"i{i}",
                    "position": [round(p, 3), round(p + 10, 3)],
                    "salience": [round(s, 3), round(s + 0.2, 3)],
                    "assumption": "synthetic",
                }
            )
    return scenario_from_data(
        {
            "id": f"synthetic-{n_actors}x{n_issues}",
            "title": "Synthetic",
            "actors": [{"id": f"a{a}", "name": f"A{a}", "capability": [1, 3]} for a in range(n_actors)],
            "issues": [{"id": f"i{i}", "name": f"I{i}"} for i in range(n_issues)],
            "stances": stances,
        }
    )


def per_draw(sc: Scenario, model: str, budget: float) -> tuple[float, int]:
    """Seconds per draw, and the number of draws timed (grown until a run takes ``budget``)."""
    draws = 1
    while True:
        start = time.perf_counter()
        monte_carlo(sc, [model], draws=draws, agreement=False)
        took = time.perf_counter() - start
        if took >= budget or draws >= MAX_DRAWS:
            return took / draws, draws
        draws = min(MAX_DRAWS, int(draws * min(16.0, max(2.0, 1.2 * budget / took))))


def sweep(title: str, label: str, sizes: tuple[int, ...], make, budget: float) -> None:  # noqa: ANN001
    scenarios = [make(s) for s in sizes]
    print(f"\n{title}: milliseconds per draw (draws timed)")
    header = f"{'model':<18}" + "".join(f"{f'{label}={s}':>18}" for s in sizes) + f"{'ratio':>9}{'k':>7}"
    print(header)
    print("-" * len(header))
    for model in model_names():
        times = []
        cells = []
        for sc in scenarios:
            t, d = per_draw(sc, model, budget)
            times.append(t)
            cells.append(f"{t * 1e3:>9.3f} ({d:>5})")
        k = np.polyfit(np.log(sizes), np.log(times), 1)[0]
        print(f"{model:<18}" + "".join(f"{c:>18}" for c in cells) + f"{times[-1] / times[0]:>8.0f}x{k:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=0.5, help="Seconds to spend on each measurement.")
    args = parser.parse_args()
    sweep("Actors (5 issues)", "A", ACTORS, lambda a: synthetic(a, 5), args.budget)
    sweep("Issues (10 actors)", "I", ISSUES, lambda i: synthetic(10, i), args.budget)
    print("\nratio: time per draw at the largest size over the smallest; k: fitted exponent of time ~ size^k")
    print("(with one issue the exchange model has no pair of issues to trade across, so it returns at once)")


if __name__ == "__main__":
    main()
