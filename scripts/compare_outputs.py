"""Compare accord's JSON outputs between two source trees (for refactors that must not move numbers).

    python scripts/compare_outputs.py OLD_SRC NEW_SRC

Runs ``accord run --json``, ``accord agree --json``, ``accord mc --json --seed 1`` and
``accord backtest deu3 --json`` on the built-in case and the packaged reference data
with each tree first on ``PYTHONPATH``, and reports, per command, whether the outputs are
identical once timings are removed (keys named ``timings``, ``seconds``, ``elapsed`` or
ending in ``_seconds``). Then, for every model the old tree has, it compares every draw's
forecast of ``monte_carlo(draws=4096, seed=1)`` on the built-in case bit for bit (a SHA-256
of the arrays): the old tree in one process against the new tree in one process and on
two worker processes, each with and without compiled loops (``ACCORD_JIT=0``). Exit
status 1 when any output differs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

COMMANDS = {
    "run": ["run", "--json"],
    "agree": ["agree", "--json"],
    "mc": ["mc", "--json", "--seed", "1", "--draws", "2048"],
    "backtest": ["backtest", "deu3", "--json"],
    "run eum ec": ["run", "--json", "--model", "expected_utility", "tests/data/eum/ec_car_emissions_1994.csv"],
    "run ktab": ["run", "--json", "tests/data/ktab/dummyData_3Dim.csv"],
}
DRAWS_SCRIPT = """
import hashlib, sys
from accord.experiments.montecarlo import monte_carlo
from accord.scenario import builtin
from accord.scenario.io import load_scenario
workers = int(sys.argv[2])
kwargs = {}
if workers > 1:
    from accord.experiments.processes import ProcessExecutor
    kwargs["executor"] = ProcessExecutor(workers=workers, min_seconds=0)
res = monte_carlo(load_scenario(builtin.DEFAULT), [sys.argv[1]], draws=4096, seed=1, agreement=False,
                  chunk_size=1024, **kwargs)
print(hashlib.sha256(res.forecasts[sys.argv[1]].tobytes()).hexdigest())
"""
TIMING_KEYS = {"timings", "seconds", "elapsed", "time", "duration"}


def strip_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_timings(v) for k, v in value.items()
                if k not in TIMING_KEYS and not k.endswith("_seconds")}
    if isinstance(value, list):
        return [strip_timings(v) for v in value]
    return value


def run(src: Path, args: list[str]) -> Any:
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"}
    command = [sys.executable, "-c", "from accord.cli.app import main; main()", *args]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if proc.returncode != 0:
        return {"exit": proc.returncode, "stderr": proc.stderr[-400:]}
    return strip_timings(json.loads(proc.stdout))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path or '/'}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: only in {'new' if k in b else 'old'}"
            found = first_difference(a[k], b[k], f"{path}/{k}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{k}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = (Path(p).resolve() for p in argv)
    status = 0
    for name, args in COMMANDS.items():
        a, b = run(old, args), run(new, args)
        failed = [f"{tree} exit {r['exit']}: {r['stderr'].strip()[-200:]}"
                  for tree, r in (("old", a), ("new", b)) if isinstance(r, dict) and "exit" in r]
        diff = "; ".join(failed) if failed else first_difference(a, b)
        print(f"{name:<12} {'identical' if diff is None else 'DIFFERS at ' + diff}")
        status |= diff is not None
    names = subprocess.run([sys.executable, "-c", "from accord.models import model_names; print(*model_names())"],
                           env={**os.environ, "PYTHONPATH": str(old)}, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in names:
        ref = draws_digest(old, name, 1, "1")
        for workers in (1, 2):
            for jit in ("1", "0"):
                got = draws_digest(new, name, workers, jit)
                label = f"mc {name} ({workers} proc{'s' if workers > 1 else ''}, ACCORD_JIT={jit})"
                print(f"{label:<44} {'identical' if got == ref else 'DIFFERS: ' + got[:12] + ' vs ' + ref[:12]}")
                status |= got != ref
    return status


def draws_digest(src: Path, model: str, workers: int, jit: str) -> str:
    """SHA-256 of every draw's forecast of ``model`` (4,096 draws, seed 1) with the tree ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), "ACCORD_JIT": jit}
    proc = subprocess.run([sys.executable, "-c", DRAWS_SCRIPT, model, str(workers)], env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    return proc.stdout.strip()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
