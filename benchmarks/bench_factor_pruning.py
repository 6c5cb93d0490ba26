"""Sensitivity of one issue's forecast: every range the model reads, or only those that can move it.

Run from the repository root::

    .venv/bin/python benchmarks/bench_factor_pruning.py [--n 512] [--issue territory]

For each model that forecasts issues one by one (``Model.issues_independent``), a Sobol
study of one issue's forecast on the built-in case, twice with the same seed: with every
range the model reads as a factor (what ``factors="relevant"`` meant before: the paths
are passed explicitly, so nothing is dropped), and with the default, which keeps only
the ranges of that issue and of the actors on it. It prints the factors and evaluations
of each, the time and its ratio, and how the indices of the factors both studies share
compare: the largest difference; how many pruned-study indices fall outside the full
study's 95% interval (the two studies draw different designs, so with errors of equal
size about 1 in 6 would by chance); and how many differ by more than the two intervals
combined, ``sqrt(c_full**2 + c_pruned**2)`` (about 1 in 20 by chance). The factors
left out cannot move the forecast (the conformance check ``issues_independent`` tests
the models' claim), so the true indices are the same and only the estimates differ.
"""

from __future__ import annotations

import argparse
import time

from accord.experiments.sensitivity import sensitivity, sensitivity_many
from accord.models import get_model, model_names
from accord.scenario import builtin
from accord.scenario.io import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--issue", default="territory")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sc = load_scenario(builtin.DEFAULT)
    print(f"Sobol, n={args.n}, seed {args.seed}, forecast of {args.issue!r} on {sc.id}")
    header = (f"{'model':<17}{'ranges':>7}{'evals':>7}{'s':>6}{'kept':>5}{'evals':>6}{'s':>5}{'ratio':>6}"
              f"{'max|d|':>7}{'>CI':>4}{'>both':>8}")
    print(header)
    print("-" * len(header))
    for name in model_names():
        model = get_model(name)
        if not model.issues_independent:
            continue
        every_issue = sensitivity_many(sc, None, method="sobol", model=name, n=2, seed=args.seed)
        read = sorted({p for r in next(iter(every_issue.values())).rows for p in r.factors})
        t0 = time.perf_counter()
        full = sensitivity(sc, args.issue, method="sobol", model=name, n=args.n, seed=args.seed, factors=read)
        t_full = time.perf_counter() - t0
        t0 = time.perf_counter()
        pruned = sensitivity(sc, args.issue, method="sobol", model=name, n=args.n, seed=args.seed)
        t_pruned = time.perf_counter() - t0
        ref = {r.name: r for r in full.rows}
        worst, outside, beyond, count = 0.0, 0, 0, 0
        for row in pruned.rows:
            for key in ("S1", "ST"):
                old, conf = ref[row.name].indices[key], ref[row.name].indices[f"{key}_conf"]
                new, new_conf = row.indices[key], row.indices[f"{key}_conf"]
                worst = max(worst, abs(new - old))
                outside += abs(new - old) > conf
                beyond += abs(new - old) > (conf**2 + new_conf**2) ** 0.5
                count += 1
        print(f"{name:<17}{len(full.rows):>7}{full.evaluations:>7}{t_full:>6.2f}{len(pruned.rows):>5}"
              f"{pruned.evaluations:>6}{t_pruned:>5.2f}{t_full / t_pruned:>5.1f}x{worst:>7.3f}"
              f"{outside:>4}{f'{beyond}/{count}':>8}")
    print("(s: seconds end to end, one process; >CI: pruned S1/ST outside the full study's\n"
          " 95% interval; >both: farther than both intervals combined)")


if __name__ == "__main__":
    main()
