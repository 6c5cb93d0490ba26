"""Time and memory of refusing every bad input: each file of ``tests/data/bad/`` under every command.

Run from the repository root::

    .venv/bin/python benchmarks/bench_bad_inputs.py [--jobs 2] [--only PATTERN]

Each file goes through ``accord validate``, ``run``, ``agree``, ``mc --draws 50`` and
``import``, each in a fresh process (``python -m accord``), ``--jobs`` at a time. For
every run the wall time and the peak resident memory of the process (``ru_maxrss``
from ``wait4``) are recorded. The script prints the slowest and the largest runs and
exits 1 if any run took over 10 s, used over 500 MB, or did not exit with 1.
Also measured: a 21 MiB file (refused before it is read), generated in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
COMMANDS = (["validate"], ["run"], ["agree"], ["mc", "--draws", "50"], ["import"])
MAX_SECONDS = 10.0
MAX_MB = 500.0


def measure(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of ``python -m accord ARGS`` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "accord", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="Only files whose name contains this text.")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        huge = Path(tmp) / "huge.yaml"
        with huge.open("wb") as fh:
            fh.truncate(21 * 1024 * 1024)
        files = [p for p in sorted(BAD.iterdir()) if p.name != "README.md" and opts.only in p.name] + [huge]
        jobs = [(f, cmd) for f in files for cmd in COMMANDS]
        start = time.perf_counter()
        with ThreadPoolExecutor(opts.jobs) as pool:
            results = list(pool.map(lambda job: (job, *measure([*job[1], str(job[0])])), jobs))
        total = time.perf_counter() - start
    failures = [r for r in results if r[1] > MAX_SECONDS or r[2] > MAX_MB or r[3] != 1]
    print(f"{len(files)} files × {len(COMMANDS)} commands = {len(results)} runs in {total:.0f} s ({opts.jobs} jobs)")
    print(f"{'file':45s} {'command':10s} {'seconds':>8s} {'peak MB':>8s} {'exit':>5s}")
    print("slowest:")
    for (f, cmd), sec, mb, rc in sorted(results, key=lambda r: -r[1])[:8]:
        print(f"  {f.name:43s} {cmd[0]:10s} {sec:8.2f} {mb:8.0f} {rc:5d}")
    print("largest:")
    for (f, cmd), sec, mb, rc in sorted(results, key=lambda r: -r[2])[:8]:
        print(f"  {f.name:43s} {cmd[0]:10s} {sec:8.2f} {mb:8.0f} {rc:5d}")
    secs = [r[1] for r in results]
    mbs = [r[2] for r in results]
    print(f"max {max(secs):.2f} s, median {sorted(secs)[len(secs) // 2]:.2f} s; "
          f"max {max(mbs):.0f} MB, median {sorted(mbs)[len(mbs) // 2]:.0f} MB")
    for (f, cmd), sec, mb, rc in failures:
        print(f"FAIL {f.name} {cmd[0]}: {sec:.2f} s, {mb:.0f} MB, exit {rc}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
