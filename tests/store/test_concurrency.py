"""Runs are written in one transaction, and runs from several processes at once all land (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

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


def _counts(url: str) -> tuple[int, int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                         for t in ("runs", "scenario_versions", "scenarios"))
    finally:
        engine.dispose()


def _column(url: str, query: str) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text(query))]
    finally:
        engine.dispose()


def test_parallel_processes_all_land(db_url, small_text):
    workers, per_worker = 6, 8
    start = time.time() + 2.0
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(w), str(per_worker), str(start), small_text],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    failures = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        if p.returncode != 0:
            failures.append(err[-2000:])
    assert not failures, failures
    runs, versions, scenarios = _counts(db_url)
    assert runs == workers * per_worker
    assert scenarios == 1
    assert versions == 1 + workers // 2
    notes = set(_column(db_url, "SELECT note FROM runs"))
    numbers = sorted(_column(db_url, "SELECT number FROM scenario_versions"))
    assert notes == {f"{w}-{k}" for w in range(workers) for k in range(per_worker)}
    assert numbers == list(range(1, versions + 1))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_before_its_commit_leaves_nothing(db_url, tmp_path, small_text, small):
    from accord.store import open_store

    open_store(db_url).close()
    marker = tmp_path / "marker"
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", KILLED, db_url, str(marker), small_text],
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert proc.poll() is None, errors.read_text()[-2000:]
            assert time.time() < deadline, "the writer never reached its commit"
            time.sleep(0.05)
        assert marker.read_text() == "written, not committed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.time() + 30
    while _counts(db_url) != (0, 0, 0) and time.time() < deadline:
        time.sleep(0.2)
    assert _counts(db_url) == (0, 0, 0)
    from accord.runner import run_models, run_to_json

    with open_store(db_url) as store:
        rec = store.record(run_to_json(run_models(small)), small)
    assert rec.version_number == 1
    assert _counts(db_url) == (1, 1, 1)
