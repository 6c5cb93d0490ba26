"""A Sobol study of the built-in case's expected utility forecasts, end to end.

Run from the repository root::

    .venv/bin/python benchmarks/bench_sobol.py [--n 1024] [--loop 300]

Every range of the built-in scenario is a factor (``factors="all"``); one Saltelli
design of ``N (F + 2)`` points is evaluated by the expected utility model (10 rounds)
in chunks, and first- and total-order indices with bootstrap confidence intervals are
computed for each of the 12 issues' forecasts. The time is end to end: SALib's import,
sampling, evaluation and analysis. Target: under 60 s on a 2-core machine.

For comparison, the same evaluations as a loop of single-draw model runs, timed on the
first ``--loop`` design points and extrapolated linearly (said so in the table).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from accord.experiments.factors import scenario_factors
from accord.experiments.sampling import sample_arrays
from accord.experiments.sensitivity import sensitivity_many
from accord.models import get_model
from accord.scenario import builtin
from accord.scenario.io import load_scenario

TARGET = 60.0
MODEL = "expected_utility"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--loop", type=int, default=300)
    args = parser.parse_args()
    sc = load_scenario(builtin.DEFAULT)
    factors = scenario_factors(sc)

    evaluated = []
    start = time.perf_counter()
    results = sensitivity_many(
        sc,
        None,
        method="sobol",
        model=MODEL,
        n=args.n,
        factors="all",
        progress=lambda done, total: evaluated.append((time.perf_counter(), total)),
    )
    total_s = time.perf_counter() - start
    evaluations = next(iter(results.values())).evaluations
    eval_s = evaluated[-1][0] - start

    model = get_model(MODEL)
    batch = sample_arrays(sc, args.loop, seed=0)
    t0 = time.perf_counter()
    for d in range(args.loop):
        model.run(
            replace(
                batch,
                position=batch.position[d : d + 1],
                salience=batch.salience[d : d + 1],
                capability=batch.capability[d : d + 1],
            )
        )
    loop_s = (time.perf_counter() - t0) / args.loop * evaluations

    print(
        f"\nSobol study: {sc.id}, {MODEL} (10 rounds), {len(factors)} factors (every range), "
        f"N = {args.n}, {len(results)} issue forecasts"
    )
    header = f"{'step':<52}{'seconds':>10}{'ratio':>10}"
    print(header)
    print("-" * len(header))
    print(
        f"{'end to end (import, sample, evaluate, analyse)':<52}{total_s:>10.1f}{total_s / TARGET:>9.2f}x"
        f"  of the {TARGET:.0f} s target"
    )
    print(
        f"{f'evaluation ({evaluations:,} model runs, chunked)':<52}{eval_s:>10.1f}{eval_s / total_s:>9.2f}x"
        f"  of end to end"
    )
    print(
        f"{f'same runs as a per-draw loop (timed on {args.loop}, extrap.)':<52}{loop_s:>10.1f}"
        f"{loop_s / eval_s:>9.1f}x  slower than chunked"
    )
    print(f"\nMost important judgements (total-order index ST, ± 95% half-width), {MODEL}")
    for issue, res in results.items():
        top = ", ".join(f"{r.label} {r.indices['ST']:.2f}±{r.indices['ST_conf']:.2f}" for r in res.rows[:3])
        print(f"  {issue:<22}{top}")
    verdict = "under" if total_s < TARGET else "OVER"
    print(f"\n{verdict} the {TARGET:.0f} s target: {total_s:.1f} s end to end")


if __name__ == "__main__":
    main()
