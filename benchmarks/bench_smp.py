"""Benchmark of the ``smp`` model (KTAB's spatial model of politics), and of KTAB itself.

Run from the repository root::

    .venv/bin/python benchmarks/bench_smp.py            # accord only
    .venv/bin/python benchmarks/bench_smp.py --ktab     # accord and KTAB's smpc side by side

Cases: random KTAB scenarios of 26, 34 and 80 actors on one dimension (seeded;
capabilities uniform in 10-200, positions in 0-100 and saliences in 75-99 on KTAB's 0-100
scales, two decimals), written as KTAB CSV files and read by accord's importer, so that
both programs run the same input with KTAB's default settings. accord's times are the best
wall and the best CPU time over several runs of ``accord run``'s model call (an unbatched
run, which also records what happened for ``--explain``); it writes no file. CPU times
are shown beside wall times because the machine may be shared.

With ``--ktab`` the script builds KTAB's command-line ``smpc`` from a copy of the KTAB
repository (``--ktab-src DIR``; by default it clones https://github.com/KAPSARC/KTAB into
``--work``), with the Debian packages ``qtbase5-dev``, ``libtinyxml2-dev``,
``libsqlite3-dev`` and ``libeasyloggingpp-dev`` (``--install-deps`` installs them with
apt-get) and CMake. easylogging++ is compiled from the Debian package's source into a
static library of the work folder. Each case then runs as
``smpc --csv FILE --connstr "Driver=QSQLITE;Database=NAME" --logmin`` in a folder of its
own that holds KTAB's ``smpc-logger.conf`` (``--logmin``, as in KTAB's reference runs, keeps
the SQLite log to the scenario and the position history; ``--ktab-full-log`` drops it, and
smpc then writes every intermediate table: 1.6 GB and 16 of 31 states in 6.5 minutes for the
26-actor case on a shared two-core machine); its time is the wall time of one run, and its output
size the bytes of the SQLite database and log files it leaves there (CPU time: its
process's user + system time). The table shows both times, their ratios (KTAB / accord)
and KTAB's output size and number of states (accord's is under ``states``).

``--verify N`` (with the same build options) compares instead of timing: N random KTAB
scenarios of 5-15 actors on 1-4 dimensions, every actor's position in every state and every
winning probability as smpc prints them, and the number of states.

Target: accord, 80 actors on one dimension, under 1 s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from accord.models.smp import SpatialModelOfPolitics
from accord.scenario.arrays import arrays_from_scenario
from accord.scenario.io import load_scenario

SIZES = (26, 34, 80)
DEBIAN = ("qtbase5-dev", "libtinyxml2-dev", "libsqlite3-dev", "libeasyloggingpp-dev", "cmake", "g++")
ELPP_FLAGS = ("-DAUTO_INITIALIZE_EASYLOGGINGPP -DELPP_NO_DEFAULT_LOG_FILE -DELPP_THREAD_SAFE "
              "-DELPP_FORCE_USE_STD_THREAD -DELPP_DEFAULT_LOGGING_FLAGS=8192")
MODEL = SpatialModelOfPolitics()


def ktab_csv(n_actors: int, seed: int) -> str:
    """A random one-dimensional KTAB scenario as a KTAB CSV file."""
    rng = np.random.default_rng(seed)
    cap = np.round(rng.uniform(10, 200, n_actors), 2)
    pos = np.round(rng.uniform(0, 100, n_actors), 2)
    sal = np.round(rng.uniform(75, 99, n_actors), 2)
    lines = [f"Random-{n_actors},Random one-dimensional scenario,{n_actors},1,",
             "Actor,Description,Power,Position,Salience,"]
    lines += [f"A{a:03d},Random actor,{cap[a]:.2f},{pos[a]:.2f},{sal[a]:.2f}," for a in range(n_actors)]
    return "\n".join(lines) + "\n"


def time_accord(path: Path, budget: float = 5.0, most: int = 10) -> tuple[float, float, int]:
    """Best wall time and best CPU time of the model over up to ``most`` runs within ``budget``
    seconds, and the number of states."""
    arrays = arrays_from_scenario(load_scenario(path, fmt="ktab"))
    best, best_cpu, spent, runs, states = np.inf, np.inf, 0.0, 0, 0
    while runs < most and (runs < 2 or spent < budget):
        start, cpu = time.perf_counter(), time.process_time()
        result = MODEL.run(arrays)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        best, best_cpu = min(best, took), min(best_cpu, took_cpu)
        spent, runs, states = spent + took, runs + 1, int(result.n_states)
    return best, best_cpu, states


def run(cmd: list[str] | str, cwd: Path, log: Path, shell: bool = False) -> None:
    with log.open("a") as out:
        out.write(f"$ {cmd}\n")
        out.flush()
        done = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, shell=shell, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {cmd}\n  see {log}")


def build_smpc(src: Path | None, work: Path, install_deps: bool) -> Path:
    """Build KTAB's ``smpc`` and return its path."""
    log = work / "build.log"
    work.mkdir(parents=True, exist_ok=True)
    if install_deps:
        run(["apt-get", "install", "-y", "-q", *DEBIAN], work, log)
    missing = [p for p in DEBIAN if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if missing:
        raise SystemExit(f"missing Debian packages: {' '.join(missing)} (apt-get install them, or --install-deps)")
    if src is None:
        src = work / "KTAB"
        if not src.exists():
            run(["git", "clone", "--depth", "1", "https://github.com/KAPSARC/KTAB", str(src)], work, log)
    smpc = src / "examples" / "smp" / "smpc"
    if smpc.exists():
        return smpc
    lib = work / "lib"
    lib.mkdir(exist_ok=True)
    if not (lib / "libeasyloggingpp.a").exists():
        run(f"g++ -O2 -std=c++11 {ELPP_FLAGS} -c /usr/include/easylogging++.cc -o {work}/easylogging++.o", work,
            log, shell=True)
        run(["ar", "rcs", str(lib / "libeasyloggingpp.a"), str(work / "easylogging++.o")], work, log)
    cmake = ["cmake", "..", "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_LIBRARY_PATH={lib}",
             f"-DCMAKE_CXX_FLAGS={ELPP_FLAGS}"]
    jobs = f"-j{os.cpu_count() or 1}"
    for name in ("kutils", "kmodel"):  # the libraries only, not their demonstration programs
        part = src / "KTAB" / name
        (part / "build").mkdir(exist_ok=True)
        run(cmake, part / "build", log)
        run(["make", jobs, name], part / "build", log)
    smp = src / "examples" / "smp"
    (smp / "build").mkdir(exist_ok=True)
    # without the GUIs KTAB's CMake file does not look for Qt's Widgets, which libsmp links
    widgets = work / "qt-widgets.cmake"
    widgets.write_text("find_package(Qt5 REQUIRED COMPONENTS Widgets Core Sql)\n")
    run([*cmake, "-DENABLE_QT_SMPQ_GUI=false", "-DENABLE_QT_SASQ_GUI=false",
         f"-DCMAKE_PROJECT_INCLUDE={widgets}"], smp / "build", log)
    run(["make", jobs, "smpc"], smp / "build", log)
    if not smpc.exists():
        raise SystemExit(f"smpc was not built; see {log}")
    return smpc


def time_ktab(smpc: Path, csv: Path, folder: Path, full_log: bool = False) -> tuple[float, float, int, int]:
    """Wall and CPU time of one smpc run, bytes it wrote, and its number of states."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(smpc.parent / "smpc-logger.conf", folder / "smpc-logger.conf")
    shutil.copy(csv, folder / csv.name)
    cmd = [str(smpc), "--csv", csv.name, "--connstr", f"Driver=QSQLITE;Database={csv.stem}"]
    if not full_log:
        cmd.append("--logmin")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"smpc failed on {csv.name}: {done.stderr[-500:]}")
    written = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name not in
                  (csv.name, "smpc-logger.conf"))
    states = 0
    for log in folder.glob("*log*.txt"):
        if m := re.search(r"There were (\d+) states", log.read_text(errors="replace")):
            states = int(m.group(1))
    return took, cpu, written, states


def random_ktab_csv(rng: np.random.Generator, name: str) -> str:
    """A random KTAB scenario of 5-15 actors on 1-4 dimensions (saliences summing to 50-99)."""
    n, k = int(rng.integers(5, 16)), int(rng.integers(1, 5))
    cap = np.round(rng.uniform(10, 200, n), 2)
    pos = np.round(rng.uniform(0, 100, (n, k)), 2)
    raw = rng.uniform(0.1, 1, (n, k))
    sal = np.floor(100 * raw / raw.sum(axis=1, keepdims=True) * rng.uniform(0.5, 0.99, (n, 1)) * 100) / 100
    lines = [f"{name},Random scenario,{n},{k},",
             "Actor,Description,Power," + ",".join(f"Pos{d},Sal{d}" for d in range(k)) + ","]
    for a in range(n):
        cells = ",".join(f"{pos[a, d]:.2f},{sal[a, d]:.2f}" for d in range(k))
        lines.append(f"A{a:02d},Random actor,{cap[a]:.2f},{cells},")
    return "\n".join(lines) + "\n"


def verify(smpc: Path, work: Path, cases: int, seed: int) -> int:
    """Compare accord with smpc on random scenarios: every position in every state (as KTAB
    prints its history, one decimal), every winning probability (four decimals) and the
    number of states. Returns the number of cases that differ."""
    rng = np.random.default_rng(seed)
    differ = 0
    for c in range(cases):
        folder = work / "verify" / f"case{c:03d}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        csv = folder / "case.csv"
        csv.write_text(random_ktab_csv(rng, f"case{c:03d}"))
        _, _, _, states = time_ktab(smpc, csv, folder / "ktab")
        log = next((folder / "ktab").glob("smpc-*log.txt")).read_text(errors="replace")
        arrays = arrays_from_scenario(load_scenario(csv, fmt="ktab"))
        res = MODEL.run(arrays)
        n, k = arrays.n_actors, arrays.n_issues
        hist = log[log.index("History of actor positions"):].splitlines()[1:1 + n * k]
        wins = log[log.index("History of actors' winning"):].splitlines()[1:1 + n]
        values = bad = 0
        for r, line in enumerate(hist):
            a, d = divmod(r, k)
            for t, v in enumerate(line.rsplit(":", 1)[1].split()):
                values += 1
                bad += t >= res.n_states or f"{res.rounds[t, a, d]:5.1f}".strip() != v
        for a, line in enumerate(wins):
            for t, v in enumerate(line.split(", prob :")[1].split()):
                values += 1
                bad += t >= res.n_states or f"{res.win_prob[t, a]:.4f}" != v
        same = bad == 0 and states == res.n_states
        differ += not same
        print(f"case {c:3d}: {n:2d} actors x {k} dimensions, KTAB {states} states, accord {res.n_states}; "
              f"{values} printed values, {bad} differ", flush=True)
    print(f"{cases - differ} of {cases} random cases identical to KTAB as printed")
    return differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ktab", action="store_true", help="Also build and time KTAB's smpc.")
    ap.add_argument("--ktab-src", type=Path, help="A copy of the KTAB repository (default: clone it).")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "accord-bench-ktab",
                    help="Folder for the KTAB build and its runs.")
    ap.add_argument("--install-deps", action="store_true", help="apt-get install the Debian packages.")
    ap.add_argument("--ktab-full-log", action="store_true",
                    help="Let smpc write every table (its default; else --logmin, as in KTAB's reference runs).")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--verify", type=int, default=0, metavar="N",
                    help="Instead of timing, compare accord with smpc on N random scenarios of 1-4 dimensions.")
    args = ap.parse_args(argv)
    if args.verify:
        smpc = build_smpc(args.ktab_src, args.work, args.install_deps)
        return 1 if verify(smpc, args.work, args.verify, args.seed) else 0

    smpc = build_smpc(args.ktab_src, args.work, args.install_deps) if args.ktab else None
    header = f"{'case':<20}{'states':>7}{'accord s':>10}{'(cpu)':>8}"
    if smpc:
        header += f"{'KTAB s':>9}{'(cpu)':>8}{'ratio':>8}{'(cpu)':>8}{'KTAB output':>13}{'states':>8}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            csv = Path(tmp) / f"random-{n}.csv"
            csv.write_text(ktab_csv(n, args.seed + n))
            took, cpu, states = time_accord(csv)
            row = f"{f'{n} actors x 1 dim':<20}{states:>7}{took:>10.3f}{cpu:>8.3f}"
            if smpc:
                k_took, k_cpu, size, k_states = time_ktab(smpc, csv, args.work / "runs" / f"random-{n}",
                                                          args.ktab_full_log)
                row += (f"{k_took:>9.2f}{k_cpu:>8.2f}{k_took / took:>7.0f}x{k_cpu / cpu:>7.0f}x"
                        f"{size / 2**20:>10.1f} MB{k_states:>8}")
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
