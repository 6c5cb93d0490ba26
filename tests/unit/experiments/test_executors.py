"""Chunks on a Dask cluster give exactly the single-process numbers; Dask stays optional."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from accord.errors import AccordError, ParameterError
from accord.experiments import executors
from accord.experiments.executors import INSTALL_HINT, DaskExecutor
from accord.experiments.montecarlo import monte_carlo
from accord.experiments.sensitivity import sensitivity_many
from accord.scenario import builtin
from accord.scenario.io import load_scenario


@pytest.fixture(scope="module")
def two_workers():
    pytest.importorskip("dask.distributed")
    with DaskExecutor(workers=2) as executor:
        assert len(executor.client.scheduler_info()["workers"]) == 2
        yield executor


@pytest.mark.slow
def test_two_worker_local_cluster_matches_the_single_process_run(two_workers):
    sc = load_scenario(builtin.DEFAULT)
    kwargs = dict(draws=5000, seed=21, agreement=False, noise={"position": 3})
    ref = monte_carlo(sc, ["compromise", "median"], chunk_size=5000, **kwargs)
    seen = []
    res = monte_carlo(
        sc,
        ["compromise", "median"],
        chunk_size=1024,
        executor=two_workers,
        progress=lambda d, t: seen.append(d),
        **kwargs,
    )
    assert len(seen) == 5 and seen[-1] == 5000
    for m in ("compromise", "median"):
        assert np.array_equal(res.forecasts[m], ref.forecasts[m], equal_nan=True)


@pytest.mark.slow
def test_sensitivity_on_two_workers_matches_the_single_process_run(two_workers):
    sc = load_scenario(builtin.DEFAULT)
    kwargs = dict(method="sobol", model="compromise", group="actor", n=64, seed=5)
    outputs = ["territory", "agreement"]
    ref = sensitivity_many(sc, outputs, chunk_size=10_000, **kwargs)
    seen = []
    res = sensitivity_many(sc, outputs, chunk_size=100, executor=two_workers,
                           progress=lambda d, t: seen.append((d, t)), **kwargs)
    total = ref["territory"].evaluations
    assert len(seen) == -(-total // 100) and seen[-1] == (total, total)
    for out in outputs:
        assert res[out].rows == ref[out].rows
        assert res[out].output_sd == ref[out].output_sd


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either a scheduler address or a number of workers"),
        ({"scheduler": "tcp://x:1", "workers": 2}, "not both"),
        ({"workers": 0}, "positive integer"),
    ],
)
def test_executor_arguments(kwargs, message):
    pytest.importorskip("dask.distributed")
    with pytest.raises(ParameterError, match=message):
        DaskExecutor(**kwargs)


def test_closed_executor_is_an_error():
    pytest.importorskip("dask.distributed")
    with pytest.raises(AccordError, match="not open"):
        DaskExecutor(workers=1).client  # noqa: B018


def test_without_dask_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setattr(executors, "distributed", None)
    assert not executors.dask_available()
    with pytest.raises(AccordError, match=r"pip install 'accord\[scale\]'"):
        DaskExecutor(workers=2)
    assert "accord[scale]" in INSTALL_HINT


def test_experiments_import_no_cli_library_and_dask_only_for_a_cluster():
    code = (
        "import sys\n"
        "import accord.experiments.montecarlo, accord.experiments.sensitivity\n"
        "heavy = ['typer', 'rich', 'dask', 'distributed']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
