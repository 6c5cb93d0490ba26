"""Runs are written in one transaction, and runs from several processes at once all land."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

WORKER = textwrap.dedent(
    """
    import sys, time
    from accord.runner import run_models, run_to_json
    from accord.scenario.io import scenario_from_text
    from accord.store import open_store

    url, worker, count, start, text = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    scenario = scenario_from_text(text)
    if worker % 2:
        scenario = scenario.model_copy(update={"title": f"edited by worker {worker}"})
    time.sleep(max(0.0, start - time.time()))
    store = open_store(url)
    for k in range(count):
        run = run_models(scenario, seed=k)
        store.record(run_to_json(run), scenario, seed=k, note=f"{worker}-{k}")
    store.close()
    """
)

KILLED = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from accord.runner import run_models, run_to_json
    from accord.scenario.io import scenario_from_text
    from accord.store import open_store

    url, marker, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    scenario = scenario_from_text(text)

    @event.listens_for(Session, "before_commit")
    def stall(session):
        session.flush()
        marker.write_text("written, not committed")
        time.sleep(120)

    store = open_store(url)
    store.record(run_to_json(run_models(scenario)), scenario)
    """
)


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("runs", "scenario_versions", "scenarios"))


def test_parallel_processes_all_land(tmp_path, small_text):
    path = tmp_path / "shared.db"
    url = f"sqlite:///{path}"
    workers, per_worker = 6, 8
    start = time.time() + 2.0
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, str(w), str(per_worker), str(start), small_text],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    failures = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        if p.returncode != 0:
            failures.append(err[-2000:])
    assert not failures, failures
    runs, versions, scenarios = _counts(path)
    assert runs == workers * per_worker
    assert scenarios == 1
    assert versions == 1 + workers // 2
    with sqlite3.connect(path) as conn:
        notes = {row[0] for row in conn.execute("SELECT note FROM runs")}
        numbers = sorted(row[0] for row in conn.execute("SELECT number FROM scenario_versions"))
    assert notes == {f"{w}-{k}" for w in range(workers) for k in range(per_worker)}
    assert numbers == list(range(1, versions + 1))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_half_way_leaves_nothing(tmp_path, small_text, small):
    from accord.store import open_store

    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    open_store(url).close()
    marker = tmp_path / "marker"
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", KILLED, url, str(marker), small_text],
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert proc.poll() is None, errors.read_text()[-2000:]
            assert time.time() < deadline, "the writer never reached its commit"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _counts(path) == (0, 0, 0)
    from accord.runner import run_models, run_to_json

    with open_store(url) as store:
        rec = store.record(run_to_json(run_models(small)), small)
    assert rec.version_number == 1
    assert _counts(path) == (1, 1, 1)
