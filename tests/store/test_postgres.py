"""The run history on PostgreSQL: versions, 64-bit seeds and parallel writers (the server the suite starts)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest


@pytest.fixture
def pg_url(postgres_server):
    return postgres_server.new_database()


def test_record_read_and_version(pg_url, small):
    from accord.runner import run_models, run_to_json
    from accord.store import diff_runs, open_store

    with open_store(pg_url) as store:
        a = store.record(run_to_json(run_models(small)), small, seed=1)
        b = store.record(run_to_json(run_models(small)), small.model_copy(update={"stances": small.stances[1:]}))
        assert (a.version_number, b.version_number) == (1, 2)
        assert store.get_run(a.id).results["scenario"] == "small"
        assert diff_runs(store.get_run(a.id), store.get_run(b.id))["inputs"]["stances"]["removed"] == ["a / x"]
        assert [s.runs for s in store.list_scenarios()] == [2]
        big = store.record(run_to_json(run_models(small)), small, seed=2**63 - 1)
        assert store.get_run(big.id).seed == 2**63 - 1


WORKER = """
import sys, time
from accord.runner import run_models, run_to_json
from accord.scenario.io import scenario_from_text
from accord.store import open_store

url, worker, start, text = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
scenario = scenario_from_text(text)
if worker % 2:
    scenario = scenario.model_copy(update={"title": f"edited by worker {worker}"})
time.sleep(max(0.0, start - time.time()))
with open_store(url) as store:
    for k in range(5):
        store.record(run_to_json(run_models(scenario, seed=k)), scenario, seed=k, note=f"{worker}-{k}")
"""


def test_parallel_processes_all_land(pg_url, small_text):
    from sqlalchemy import create_engine, text

    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, pg_url, str(w), str(start), small_text],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for w in range(4)]
    errors = [p.communicate(timeout=240)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT count(*) FROM runs")).scalar()
        numbers = sorted(r[0] for r in conn.execute(text("SELECT number FROM scenario_versions")))
    engine.dispose()
    assert runs == 20 and numbers == [1, 2, 3]
