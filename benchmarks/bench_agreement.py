"""Benchmark of the agreement analysis (``accord agree``) on the built-in case, now against a baseline.

Run from the repository root::

    .venv/bin/python benchmarks/bench_agreement.py [--draws 10000] [--mc-draws 512]
        [--baseline REV | --baseline-src PATH] [--repeat 3]

Every number is measured in this run, the baseline's and this tree's alternately, each in a
fresh process with its own ``src`` on ``PYTHONPATH`` (the baseline is git revision ``REV``,
default ``ee4c42f``, the analysis before :mod:`accord.agreement.solver`, checked out into a
temporary worktree; or an existing ``src`` directory given by ``--baseline-src``). Best of
``--repeat`` runs; the ratio is now / before. Both trees run from compiled bytecode, as an
installed package does: it is written under a temporary ``PYTHONPYCACHEPREFIX`` by a first,
untimed run of each (``PYTHONDONTWRITEBYTECODE`` is ignored here).

1. ``accord agree --json``, whole process (target under 1 s).
2. The analysis in process (``analyse_agreement``, its parts), best of three inside each
   process; identical programs are solved once, so the store of solved programs is
   emptied before each run.
3. P(zone) over ``--draws`` draws of every range and red line (``agreement_probability``
   without pivotality; target well under 10 s).
4. The Monte Carlo agreement outputs (``agreement_outputs``: zone, gap, each actor's gap and
   the score) on ``--mc-draws`` draws, in milliseconds a draw.

Each measurement prints a digest of its results (the JSON without its timings, the zone of
every draw, the outputs' arrays): now and before must agree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_AGREE = 1.0
TARGET_P_ZONE = 10.0

PRELUDE = """
import hashlib, json, sys, time
import numpy as np
from accord.scenario.case import Case
from accord.scenario.io import load_scenario
try:
    from accord.agreement.solver import clear_memo
except ImportError:
    def clear_memo():
        pass
case = Case.resolve(load_scenario("ukraine-2025"))
def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes())
    return h.hexdigest()[:16]
"""

ANALYSIS = PRELUDE + """
from accord.agreement import analyse_agreement
best = None
for _ in range(3):
    clear_memo()
    report = analyse_agreement(case)
    if best is None or report.timings["total"] < best.timings["total"]:
        best = report
data = best.to_json()
data.pop("timings")
print(json.dumps({"timings": best.timings,
                  "digest": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]}))
"""

P_ZONE = PRELUDE + """
from accord.experiments.agreement import agreement_probability
clear_memo()
start = time.perf_counter()
prob = agreement_probability(case, int(sys.argv[1]), seed=1, pivotal=False)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "p_zone": prob.p_zone, "digest": digest(prob.zone)}))
"""

MC = PRELUDE + """
from accord.experiments.evaluate import agreement_outputs
from accord.experiments.sampling import Sampler
n = int(sys.argv[1])
draws = Sampler(case.scenario, seed=1).draws(0, n)
clear_memo()
start = time.perf_counter()
out = agreement_outputs(case.scenario, draws.value_of, n, {"at": None, "levers": (), "types": None})
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "digest": digest(*(out[k] for k in sorted(out)))}))
"""


BYTECODE = Path(tempfile.mkdtemp(prefix="bench-agreement-pycache-"))


def _env(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(BYTECODE)}


def agree_seconds(src: Path) -> tuple[float, str]:
    """Wall time of ``accord agree --json`` in a fresh process, and a digest of its JSON without timings."""
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "accord", "agree", "--json"], capture_output=True, text=True,
                         env=_env(src), timeout=600)
    took = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    data = json.loads(res.stdout)
    data.pop("timings", None)
    return took, json.dumps(data, sort_keys=True)


def snippet(src: Path, code: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=_env(src),
                         timeout=3600)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def best_of(repeat: int, run_now, run_before) -> tuple[list, list]:  # noqa: ANN001
    now, before = [], []
    for _ in range(repeat):
        before.append(run_before())
        now.append(run_now())
    return now, before


def ratio_line(label: str, now: float, before: float, unit: str = "s", scale: float = 1.0) -> str:
    return (f"   {label}: now {now * scale:.3f} {unit}, before {before * scale:.3f} {unit}, "
            f"ratio {now / before:.2f}")


def run(new_src: Path, old_src: Path, args: argparse.Namespace) -> None:
    agree_seconds(new_src)
    agree_seconds(old_src)
    now, before = best_of(args.repeat, lambda: agree_seconds(new_src), lambda: agree_seconds(old_src))
    t_now, t_before = min(t for t, _ in now), min(t for t, _ in before)
    same = len({out for _, out in now + before}) == 1
    print(f"1. accord agree --json on ukraine-2025, whole process, best of {args.repeat} "
          f"(target under {TARGET_AGREE:.0f} s)")
    print(ratio_line("wall time", t_now, t_before))
    print(f"   now {t_now / TARGET_AGREE:.2f} of the target; output identical to before: {same}")

    now, before = best_of(args.repeat, lambda: snippet(new_src, ANALYSIS), lambda: snippet(old_src, ANALYSIS))
    best_now = min(now, key=lambda r: r["timings"]["total"])
    best_before = min(before, key=lambda r: r["timings"]["total"])
    print()
    print(f"2. the analysis in process (analyse_agreement), best of {3 * args.repeat} (seconds)")
    print(f"   {'part':<12}{'now':>8}{'before':>9}{'ratio':>8}")
    for key, value in best_now["timings"].items():
        old = best_before["timings"].get(key, float("nan"))
        print(f"   {key:<12}{value:>8.3f}{old:>9.3f}{value / old:>8.2f}")
    print(f"   results identical: {len({r['digest'] for r in now + before}) == 1}")

    now, before = best_of(args.repeat, lambda: snippet(new_src, P_ZONE, str(args.draws)),
                          lambda: snippet(old_src, P_ZONE, str(args.draws)))
    s_now, s_before = min(r["seconds"] for r in now), min(r["seconds"] for r in before)
    print()
    print(f"3. P(zone) over {args.draws:,} draws, without pivotality, best of {args.repeat} "
          f"(target well under {TARGET_P_ZONE:.0f} s)")
    print(ratio_line("time", s_now, s_before))
    print(ratio_line("a draw", s_now / args.draws, s_before / args.draws, "ms", 1e3))
    print(f"   P(zone) {now[0]['p_zone']:.4f}; zone of every draw identical to before: "
          f"{len({r['digest'] for r in now + before}) == 1}")

    now, before = best_of(args.repeat, lambda: snippet(new_src, MC, str(args.mc_draws)),
                          lambda: snippet(old_src, MC, str(args.mc_draws)))
    s_now, s_before = min(r["seconds"] for r in now), min(r["seconds"] for r in before)
    print()
    print(f"4. Monte Carlo agreement outputs (zone, gap, actor gaps, score) on {args.mc_draws:,} draws, "
          f"best of {args.repeat}")
    print(ratio_line("a draw", s_now / args.mc_draws, s_before / args.mc_draws, "ms", 1e3))
    print(f"   outputs identical to before: {len({r['digest'] for r in now + before}) == 1}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--mc-draws", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="ee4c42f", help="git revision of the baseline")
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="the baseline's src directory (instead of checking out --baseline)")
    args = parser.parse_args()
    try:
        if args.baseline_src is not None:
            run(ROOT / "src", args.baseline_src.resolve(), args)
        else:
            with_baseline_worktree(args)
    finally:
        shutil.rmtree(BYTECODE, ignore_errors=True)


def with_baseline_worktree(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            run(ROOT / "src", old / "src", args)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False,
                           capture_output=True)


if __name__ == "__main__":
    main()
