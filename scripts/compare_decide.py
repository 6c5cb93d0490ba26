"""Differential test of accord's exchange model against the Decide model.

Decide (``decide-exchange-model`` 2025.3.1, GPL) is used as a test oracle only: it runs
in a virtual environment of its own (Python 3.13), as a separate process, and is never
imported by accord or by its tests. Set it up once::

    ~/.pyenv/versions/3.13.0/bin/python -m venv /tmp/decide-venv
    /tmp/decide-venv/bin/pip install decide-exchange-model==2025.3.1

then, from the repository root::

    .venv/bin/python scripts/compare_decide.py --cases 120 --decide-python /tmp/decide-venv/bin/python

Each case is random (5-15 actors, 3-8 issues, every issue on 0-100, every actor on every
issue; positions with one decimal, saliences and powers with two), in Decide's input
format. Decide runs it at Decimal precision 28 (its default) and 60, accord's ``exchange``
model (equal gain, no randomisation) runs it in floating point, 10 iterations each. The
outcome of every issue after every iteration is compared, to ``--tol`` (1e-4) absolute.
Each case is classified:

- ``agree``: Decide gives the same outcomes at both precisions and accord matches them;
- ``decide-unstable``: Decide's own outcomes change between precision 28 and 60 (accord
  then matches the outcome at precision 28, at 60, or neither: all counted);
- ``decide-unstable-beyond``: Decide agrees with itself at 28 and 60 but, before the
  iteration where accord parts from it, took an overshoot decision with the outcome on
  the demander's position, on the sign of a rounding leftover (about 1e-26 at precision
  28, 1e-58 at 60); at another precision (29, 30, 32, 35, 40, 50, 80 or 100, tried in
  turn) that leftover changes sign and Decide agrees with accord beyond that iteration;
- ``decide-tie``: before accord parts from it, Decide broke an exact tie between two
  exchanges at random (accord breaks ties at random too, with its own generator);
- ``accord-only``: none of the above.

The first two classes are what 28 versus 60 alone shows; the next two look into the
divergences that remain. For every divergence the first iteration where it appears and
its size are printed. ``--json FILE`` writes every case's classification and numbers;
the exit status is 1 when an accord-only divergence is found.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from accord.models.exchange import Exchange
from accord.scenario.arrays import ScenarioArrays

#: Runs Decide on one input file at one precision and prints the outcomes as JSON.
RUNNER = r'''
import decimal, json, random, sys
from pathlib import Path

decimal.getcontext().prec = int(sys.argv[2])
random.seed(0)
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import base, equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop

# Record every overshoot check taken with the outcome on the demander's position to within
# 1e-15: Decide's decision there rests on the sign of the leftover.
edges = []
state = {"iteration": 0}
check_nbs = base.AbstractExchangeActor.check_nbs


def recording_check_nbs(self):
    left = self.opposite_actor.demand.position - self.adjust_nbs(self.supply.position)
    if abs(left) < decimal.Decimal("1e-15"):
        edges.append([state["iteration"], float(left)])
    return check_nbs(self)


base.AbstractExchangeActor.check_nbs = recording_check_nbs
factory = ModelFactory(InputDataFile.open(Path(sys.argv[1])))
model = factory(model_klass=equalgain.EqualGainModel, randomized_value=None)
handler = Observable(model_ref=model, output_directory=Path(sys.argv[1]).parent)
loop = ModelLoop(model, handler, 0)
out, ties = [], []
for t in range(int(sys.argv[3])):
    state["iteration"] = t + 1
    before = model.tie_count
    loop.loop()
    out.append({str(k): str(v) for k, v in model.nbs.items()})
    ties += [t + 1] * (model.tie_count - before)
print(json.dumps({"outcomes": out, "ties": ties, "edges": edges}))
'''


def random_case(rng: np.random.Generator) -> dict:
    """A random case: ids, positions (A, I), saliences (A, I), powers (A,)."""
    n_a = int(rng.integers(5, 16))
    n_i = int(rng.integers(3, 9))
    return {
        "actors": [f"A{a:02d}" for a in range(n_a)],
        "issues": [f"I{i:02d}" for i in range(n_i)],
        "position": np.round(rng.uniform(0, 100, (n_a, n_i)), 1),
        "salience": np.round(rng.uniform(0.05, 1.0, (n_a, n_i)), 2),
        "power": np.round(rng.uniform(0.05, 1.0, n_a), 2),
    }


def decide_csv(case: dict) -> str:
    """The case in Decide's tab-separated input format."""
    lines = [f"'#A'\t'{a}'\t'{a}'\t''" for a in case["actors"]]
    for issue in case["issues"]:
        lines += [f"'#P'\t'{issue}'\t'{issue}'\t''", f"'#M'\t'{issue}'\t0", f"'#M'\t'{issue}'\t100"]
    for a, actor in enumerate(case["actors"]):
        for i, issue in enumerate(case["issues"]):
            lines.append(f"'#D'\t'{actor}'\t'{issue}'\t{case['position'][a, i]:.1f}\t"
                         f"{case['salience'][a, i]:.2f}\t{case['power'][a]:.2f}")
    return "\n".join(lines) + "\n"


def run_decide(python: str, path: Path, precision: int, iterations: int, issues: list[str]) -> dict:
    """Decide's run: ``outcomes`` (iterations, issues), ``ties`` (iterations of the exact
    ties it broke at random) and ``edges`` ((iteration, leftover) of every overshoot check taken with the
    outcome on the demander's position to within 1e-15)."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(RUNNER)
        runner = f.name
    try:
        done = subprocess.run([python, runner, str(path), str(precision), str(iterations)],
                              capture_output=True, text=True, check=True, cwd=path.parent)
    finally:
        Path(runner).unlink()
    data = json.loads(done.stdout.strip().splitlines()[-1])
    # Decide names an issue "ID [LOWER - UPPER]"
    rows = [{k.split(" [")[0]: v for k, v in row.items()} for row in data["outcomes"]]
    data["outcomes"] = np.array([[float(row[i]) for i in issues] for row in rows])
    return data


def run_accord(case: dict, iterations: int) -> np.ndarray:
    """accord's outcomes, shape (iterations, issues)."""
    n_a, n_i = case["position"].shape
    arrays = ScenarioArrays(
        tuple(case["actors"]), tuple(case["issues"]), case["position"], case["salience"],
        case["power"].astype(float), np.ones((n_a, n_i), dtype=bool), np.zeros(n_i), np.full(n_i, 100.0),
        np.full(n_i, 50.0),
    )
    return Exchange().run(arrays, {"iterations": iterations}).trajectory


def first_divergence(a: np.ndarray, b: np.ndarray, tol: float) -> tuple[int, float] | None:
    """(1-based iteration, largest difference) of the first iteration where a and b differ."""
    diff = np.abs(a - b).max(axis=1)
    bad = np.flatnonzero(diff > tol)
    return None if bad.size == 0 else (int(bad[0]) + 1, float(diff.max()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--decide-python", default="/tmp/decide-venv/bin/python")
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    kinds = ("agree", "decide-unstable", "decide-unstable-beyond", "decide-tie", "accord-only")
    counts = dict.fromkeys(kinds, 0)
    naive = {"agree": 0, "decide-unstable": 0, "accord-only": 0}
    unstable_match = {"28": 0, "60": 0, "neither": 0}
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.cases):
            case = random_case(rng)
            path = Path(tmp) / f"case{k:03d}.csv"
            path.write_text(decide_csv(case))
            run = {p: run_decide(args.decide_python, path, p, args.iterations, case["issues"]) for p in (28, 60)}
            d28, d60 = run[28]["outcomes"], run[60]["outcomes"]
            ours = run_accord(case, args.iterations)
            precision = first_divergence(d28, d60, args.tol)
            vs28 = first_divergence(ours, d28, args.tol)
            vs60 = first_divergence(ours, d60, args.tol)
            note = ""
            if precision is not None:
                kind = "decide-unstable"
                unstable_match["28" if vs28 is None else "60" if vs60 is None else "neither"] += 1
                note = f"Decide 28 vs 60 from iteration {precision[0]} (up to {precision[1]:.3g})"
            elif vs28 is None:
                kind = "agree"
            else:
                kind, note = explain(args, path, case, run, ours, vs28)
            naive[kind if kind in ("agree", "decide-unstable") else "accord-only"] += 1
            counts[kind] += 1
            size = f"{len(case['actors'])} actors x {len(case['issues'])} issues"
            print(f"case {k:3d} ({size}): {kind}{': ' + note if note else ''}", flush=True)
            records.append({"case": k, "kind": kind, "note": note, "actors": len(case["actors"]),
                            "issues": len(case["issues"]), "decide_28_vs_60": precision, "accord_vs_28": vs28,
                            "accord_vs_60": vs60, "edges": {p: run[p]["edges"] for p in run},
                            "ties": run[28]["ties"], "csv": decide_csv(case)})
    print(f"\n{args.cases} cases, tolerance {args.tol:g}, precisions 28 and 60: {naive['agree']} agree, "
          f"{naive['decide-unstable']} Decide-unstable (accord matches precision 28 on {unstable_match['28']}, "
          f"60 on {unstable_match['60']}, neither on {unstable_match['neither']}), "
          f"{naive['accord-only']} diverge with Decide stable at 28 and 60, of which:")
    print(f"  {counts['decide-unstable-beyond']} rest on a decision Decide takes on the sign of a rounding "
          f"leftover; at another precision Decide agrees with accord there")
    print(f"  {counts['decide-tie']} follow an exact tie that Decide breaks at random")
    print(f"  {counts['accord-only']} accord-only divergences")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"counts": counts, "naive": naive,
                                                   "unstable_match": unstable_match, "cases": records}, indent=1))
    return 0 if counts["accord-only"] == 0 else 1


#: Further precisions tried when Decide took a decision on a rounding leftover.
EXTRA_PRECISIONS = (29, 30, 32, 35, 40, 50, 80, 100)


def explain(args: argparse.Namespace, path: Path, case: dict, run: dict, ours: np.ndarray,
            vs28: tuple[int, float]) -> tuple[str, str]:
    """Classify a divergence from a Decide that agrees with itself at precisions 28 and 60."""
    start = vs28[0]
    leftovers = [e for p in run for e in run[p]["edges"] if e[0] <= start and e[1] != 0.0]
    if leftovers:
        # a precision at which Decide's leftover takes the other sign and Decide then agrees
        # with accord beyond the iteration where they parted
        for p in EXTRA_PRECISIONS:
            other = run_decide(args.decide_python, path, p, args.iterations, case["issues"])["outcomes"]
            again = first_divergence(ours, other, args.tol)
            if again is None or again[0] > start:
                upto = "every iteration" if again is None else f"iteration {again[0] - 1}"
                return "decide-unstable-beyond", (
                    f"accord vs Decide from iteration {start} (up to {vs28[1]:.3g}); Decide decides on a "
                    f"leftover of {leftovers[0][1]:.1e} in iteration {leftovers[0][0]}, and at precision {p} "
                    f"agrees with accord through {upto}")
    ties = [t for t in run[28]["ties"] if t <= start]
    if ties:
        return "decide-tie", (f"accord vs Decide from iteration {start} (up to {vs28[1]:.3g}), after an exact tie "
                              f"in iteration {ties[0]} that Decide breaks at random")
    return "accord-only", f"accord vs Decide from iteration {start} (up to {vs28[1]:.3g})"


if __name__ == "__main__":
    sys.exit(main())
