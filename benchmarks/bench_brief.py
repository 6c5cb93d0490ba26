"""Benchmark of ``accord brief`` on the built-in case against the 5 s target.

Run from the repository root::

    .venv/bin/python benchmarks/bench_brief.py

Times, in fresh processes and in the same run, ``accord brief`` (text and ``--json``)
and ``accord run``, best of three each, and the parts of the brief measured inside one
process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

TARGET = 5.0
REPEAT = 3


def whole_process(*args: str) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "accord", *args], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = [
        ("accord brief", whole_process("brief")),
        ("accord brief --json", whole_process("brief", "--json")),
        ("accord run", whole_process("run")),
    ]
    out = subprocess.run([sys.executable, "-m", "accord", "brief", "--json"], check=True, capture_output=True)
    parts = json.loads(out.stdout)["seconds"]
    print(f"{'command (whole process, best of ' + str(REPEAT) + ')':<44}{'seconds':>10}")
    for name, sec in rows:
        print(f"{name:<44}{sec:>10.2f}")
    print(f"target for accord brief: under {TARGET:.0f} s -> {'met' if rows[0][1] < TARGET else 'NOT met'}")
    print("parts of the brief inside the process:")
    for name, sec in parts.items():
        print(f"  {name:<42}{sec:>10.2f}")


if __name__ == "__main__":
    main()
