"""Chunks on local worker processes give exactly the single-process numbers."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.experiments.montecarlo import monte_carlo
from accord.experiments.processes import ProcessExecutor, local_cores
from accord.experiments.sensitivity import sensitivity_many
from accord.models import model_names
from accord.scenario import builtin
from accord.scenario.io import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(builtin.DEFAULT)


@pytest.mark.slow
@pytest.mark.parametrize("model", model_names())
def test_every_model_on_two_workers_matches_one_process(scenario, model):
    kwargs = dict(draws=3 * 1024 - 100, seed=1, agreement=False, chunk_size=1024)
    ref = monte_carlo(scenario, [model], **kwargs)
    pool = ProcessExecutor(workers=2, min_seconds=0)
    seen = []
    res = monte_carlo(scenario, [model], executor=pool, progress=lambda d, t: seen.append(d), **kwargs)
    assert pool.used_pool
    assert sorted(seen) == seen and seen[-1] == kwargs["draws"] and len(seen) == 3
    assert np.array_equal(res.forecasts[model], ref.forecasts[model], equal_nan=True)


@pytest.mark.slow
def test_the_agreement_analysis_on_two_workers_matches_one_process(scenario):
    kwargs = dict(draws=2048, seed=4, agreement_draws=600, pivotal=True)
    ref = monte_carlo(scenario, ["compromise"], **kwargs)
    pool = ProcessExecutor(workers=2, min_seconds=0)
    res = monte_carlo(scenario, ["compromise"], executor=pool, **kwargs)
    assert pool.used_pool and res.agreement is not None and ref.agreement is not None
    for key in ("zone_exists", "gap", "actor_gap", "score", "held", "pivotal"):
        assert np.array_equal(getattr(res.agreement, key), getattr(ref.agreement, key), equal_nan=True), key


@pytest.mark.slow
def test_sensitivity_on_two_workers_matches_one_process(scenario):
    kwargs = dict(method="sobol", model="compromise", group="actor", n=64, seed=5, chunk_size=100)
    ref = sensitivity_many(scenario, ["territory", "agreement"], **kwargs)
    pool = ProcessExecutor(workers=2, min_seconds=0)
    res = sensitivity_many(scenario, ["territory", "agreement"], executor=pool, **kwargs)
    assert pool.used_pool
    for out in ("territory", "agreement"):
        assert res[out].rows == ref[out].rows


def test_small_work_stays_in_this_process(scenario):
    pool = ProcessExecutor(workers=2, min_seconds=3600)
    res = monte_carlo(scenario, ["compromise"], draws=4096, chunk_size=1024, agreement=False, executor=pool)
    assert not pool.used_pool and res.forecasts["compromise"].shape == (4096, len(scenario.issues))


def _fail_on_two(plan, index):
    if index == 2:
        raise ValueError(f"chunk {index} failed")
    return index


def test_an_error_in_a_worker_reaches_the_caller():
    pool = ProcessExecutor(workers=2, min_seconds=0)
    with pytest.raises(ValueError, match="chunk 2 failed"):
        list(pool(_fail_on_two, None, range(4)))
    assert pool.used_pool


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_workers_must_be_a_positive_integer(workers):
    with pytest.raises(ParameterError, match="workers"):
        ProcessExecutor(workers=workers)


def test_the_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ACCORD_POOL_MIN_SECONDS", "7.5")
    assert ProcessExecutor().min_seconds == 7.5
    monkeypatch.setenv("ACCORD_POOL_MIN_SECONDS", "soon")
    with pytest.raises(ParameterError, match="ACCORD_POOL_MIN_SECONDS"):
        ProcessExecutor()


def test_default_workers_are_the_local_cores():
    assert ProcessExecutor().workers == local_cores() >= 1

