"""The compiled kernel of the exchange model equals its NumPy path bit for bit.

Every comparison runs one batch through ``Exchange(compiled=True)`` (the kernel of
``accord.models.exchange_kernel``) and ``Exchange(compiled=False)`` (``_Iteration``, the
reference) with the same generator, and requires identical forecasts, trajectories and
rounds (``np.array_equal``, NaN where a stance is absent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("numba", reason="the compiled kernel needs numba")

from accord.experiments.sampling import sample_arrays  # noqa: E402
from accord.models import exchange, exchange_kernel  # noqa: E402
from accord.models.exchange import Exchange  # noqa: E402
from accord.scenario import builtin  # noqa: E402
from accord.scenario.arrays import ScenarioArrays  # noqa: E402
from accord.scenario.io import load_scenario  # noqa: E402
from regression.test_exchange_golden import decide_arrays  # noqa: E402

COMPILED, REFERENCE = Exchange(compiled=True), Exchange(compiled=False)
VARIANTS = [{}, {"randomized_value": 0.5}, {"random_rate": True}]
ITERATIONS = [1, 3, 10]


def _name(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items()) or "default"


def assert_same(arrays: ScenarioArrays, params: dict, seed: int = 0) -> None:
    """Both paths give identical results on the batch ``arrays``."""
    fast = COMPILED.run(arrays, params, np.random.default_rng(seed))
    slow = REFERENCE.run(arrays, params, np.random.default_rng(seed))
    for field in ("forecast", "trajectory", "rounds"):
        got, want = getattr(fast, field), getattr(slow, field)
        assert got.shape == want.shape
        assert np.array_equal(got, want, equal_nan=True), (
            f"{field} differs in {int(np.sum(~((got == want) | (np.isnan(got) & np.isnan(want)))))} places")


def jittered_batch(arrays: ScenarioArrays, n_draws: int, seed: int, decimals: int = 1) -> ScenarioArrays:
    """``n_draws`` draws of one case, positions and saliences moved a little and rounded
    (so that exact ties occur); absent stances stay absent."""
    rng = np.random.default_rng(seed)
    present = arrays.present
    width = arrays.scale_max - arrays.scale_min
    position = arrays.position + width * rng.uniform(-0.05, 0.05, (n_draws, *present.shape))
    position = np.clip(np.round(position, decimals), arrays.scale_min, arrays.scale_max)
    salience = np.clip(np.round(arrays.salience * rng.uniform(0.8, 1.2, (n_draws, *present.shape)), 2), 0, 1)
    capability = np.repeat(arrays.capability[None], n_draws, 0)
    return replace(arrays, position=np.where(present, position, np.nan), salience=np.where(present, salience, 0.0),
                   capability=capability)


def synthetic_batch(seed: int, n_draws: int = 12, n_actors: int = 7, n_issues: int = 4) -> ScenarioArrays:
    """A random batch with absent stances, zero saliences and capabilities, and positions
    on a coarse grid (duplicate positions, exact ties)."""
    rng = np.random.default_rng(seed)
    lo = rng.choice([0.0, -50.0, 10.0], size=n_issues)
    hi = lo + rng.choice([100.0, 10.0, 250.0], size=n_issues)
    present = rng.random((n_actors, n_issues)) >= 0.25
    present[:2] = True
    grid = rng.integers(0, 5, (n_draws, n_actors, n_issues)) / 4
    position = lo + (hi - lo) * grid
    salience = rng.choice([0.0, 0.25, 0.5, 1.0], size=(n_draws, n_actors, n_issues), p=[0.1, 0.3, 0.3, 0.3])
    capability = rng.choice([0.0, 1.0, 2.0], size=(n_draws, n_actors), p=[0.1, 0.6, 0.3])
    if seed % 2:
        salience[:, :, -1] = 0.0  # an issue where every weight is zero
    return ScenarioArrays(
        tuple(f"A{a:02d}" for a in range(n_actors)), tuple(f"I{k:02d}" for k in range(n_issues)),
        np.where(present, position, np.nan), np.where(present, salience, 0.0), capability, present,
        lo, hi, 0.5 * (lo + hi),
    )


def tied_batch(n_draws: int = 6) -> ScenarioArrays:
    """Q and R are the same actor twice: their exchanges with P have exactly equal gains.
    Actors and issues are not listed in the order of their ids."""
    position = np.array([[10.0, 20.0], [10.0, 20.0], [90.0, 80.0]])
    salience = np.array([[0.9, 0.2], [0.9, 0.2], [0.1, 0.7]])
    capability = np.array([1.0, 1.0, 1.5]) * np.linspace(1.0, 2.0, n_draws)[:, None]
    return ScenarioArrays(
        ("Q", "R", "P"), ("I1", "I0"), np.repeat(position[None], n_draws, 0),
        np.repeat(salience[None], n_draws, 0), capability, np.ones((3, 2), dtype=bool),
        np.zeros(2), np.full(2, 100.0), np.full(2, 50.0),
    )


# --- the generators ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2025, 2**63 - 2])
def test_generator_streams_equal_numpys(seed):
    states = exchange_kernel.generator_states(seed, 2)
    reference = np.random.default_rng(seed)
    kinds = np.random.default_rng(seed % 97).integers(0, 3, 400)
    for i, kind in enumerate(kinds):
        if kind == 0:
            assert exchange_kernel._uniform(states, 1) == reference.random()
        else:
            n = 2 + i % 7 if kind == 1 else 2**31 + 3 * i  # large bounds take Lemire's rejection step
            assert exchange_kernel._below(states, 1, n) == reference.integers(n)
    assert np.array_equal(states[0], exchange_kernel.generator_states(seed, 1)[0])  # draw 0 untouched
    after = reference.bit_generator.state
    assert (int(states[1, 0]) << 64 | int(states[1, 1])) == after["state"]["state"]
    assert int(states[1, 4]) == after["has_uint32"]


# --- identical to the NumPy path -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def builtin_batch() -> ScenarioArrays:
    return sample_arrays(load_scenario(builtin.DEFAULT), 48, seed=7)


@pytest.mark.parametrize("params", VARIANTS, ids=_name)
@pytest.mark.parametrize("iterations", ITERATIONS)
def test_builtin_case(builtin_batch, params, iterations):
    assert_same(builtin_batch, {**params, "iterations": iterations}, seed=iterations)


def test_builtin_case_later_draws_and_other_weights(builtin_batch):
    later = sample_arrays(load_scenario(builtin.DEFAULT), 32, seed=3, start=5000)
    assert_same(later, {"salience_weight": 0.7, "fixed_weight": 0.3, "iterations": 6}, seed=11)
    assert_same(later, {"randomized_value": 1.0, "iterations": 4}, seed=12)


@pytest.fixture(scope="module")
def reference_cases(data_dir) -> list[ScenarioArrays]:
    cases = json.loads((data_dir / "exchange" / "reference_cases.json").read_text())
    arrays = [decide_arrays(c["decide_csv"]) for c in cases]
    return arrays + [decide_arrays((data_dir / "exchange" / "knife_edge_case.csv").read_text())]


@pytest.mark.parametrize("params", VARIANTS, ids=_name)
@pytest.mark.parametrize("iterations", [2, 10])
def test_decide_reference_and_knife_edge_cases(reference_cases, params, iterations):
    for k, arrays in enumerate(reference_cases):
        batch = jittered_batch(arrays, 6, seed=k)
        assert_same(batch, {**params, "iterations": iterations}, seed=k)
        assert_same(arrays.as_batch(), {**params, "iterations": iterations}, seed=k)  # one draw: NumPy both


def test_decide_reference_cases_unjittered_in_a_batch(reference_cases):
    for arrays in reference_cases:
        batch = arrays.as_batch()
        twice = replace(batch, position=np.repeat(batch.position, 2, 0), salience=np.repeat(batch.salience, 2, 0),
                        capability=np.repeat(batch.capability, 2, 0))
        assert_same(twice, {"iterations": 10})


@pytest.mark.parametrize("params", VARIANTS, ids=_name)
@pytest.mark.parametrize("seed", range(6))
def test_synthetic_cases(params, seed):
    batch = synthetic_batch(seed, n_actors=5 + seed, n_issues=2 + seed % 4)
    assert_same(batch, {**params, "iterations": ITERATIONS[seed % 3]}, seed=seed)


def test_exact_ties_are_broken_alike():
    batch = tied_batch()
    one = replace(batch, position=batch.position[0], salience=batch.salience[0], capability=batch.capability[0])
    assert REFERENCE.run(one, {"iterations": 1}).fragility["ties"] >= 1
    first_rounds = set()
    for seed in range(8):
        for params in VARIANTS:
            assert_same(batch, {**params, "iterations": 3}, seed=seed)
        rounds = COMPILED.run(batch, {"iterations": 1}, np.random.default_rng(seed)).rounds
        first_rounds.add(rounds[0, 0].tobytes())
    assert len(first_rounds) == 2  # Q or R exchanges first, as the tie is broken


def test_ties_between_issue_pairs_follow_the_issue_ids():
    # Ib and Ia are the same issue twice, listed against the order of their ids: the
    # exchanges on (Ib, Ic) and (Ia, Ic) tie, and their order is that of the ids.
    n_draws = 4
    position = np.array([[10.0, 10.0, 80.0], [90.0, 90.0, 20.0], [50.0, 50.0, 50.0]])
    salience = np.array([[0.9, 0.9, 0.2], [0.1, 0.1, 0.7], [0.05, 0.05, 0.05]])
    batch = ScenarioArrays(
        ("Y", "X", "Z"), ("Ib", "Ia", "Ic"), np.repeat(position[None], n_draws, 0),
        np.repeat(salience[None], n_draws, 0), np.array([1.0, 1.5, 0.5]) * np.linspace(1, 2, n_draws)[:, None],
        np.ones((3, 3), dtype=bool), np.zeros(3), np.full(3, 100.0), np.full(3, 50.0),
    )
    first_rounds = set()
    for seed in range(8):
        assert_same(batch, {"iterations": 2}, seed=seed)
        first_rounds.add(COMPILED.run(batch, {"iterations": 1}, np.random.default_rng(seed)).rounds[0, 0].tobytes())
    assert len(first_rounds) == 2


def test_many_actors_size_the_tables_by_counting():
    rng = np.random.default_rng(4)
    n_d, n_a, n_i = 2, 60, 13
    assert len(exchange._issue_pairs(n_i)[0]) * (n_a * n_a // 4) > exchange_kernel._COUNT_ABOVE
    batch = ScenarioArrays(
        tuple(f"A{a:02d}" for a in range(n_a)), tuple(f"I{k:02d}" for k in range(n_i)),
        np.round(rng.uniform(0, 100, (n_d, n_a, n_i)), 1), np.round(rng.uniform(0.05, 1, (n_d, n_a, n_i)), 2),
        np.round(rng.uniform(0.05, 1, (n_d, n_a)), 2), np.ones((n_a, n_i), dtype=bool),
        np.zeros(n_i), np.full(n_i, 100.0), np.full(n_i, 50.0),
    )
    assert_same(batch, {"iterations": 1})


# --- when the kernel runs ------------------------------------------------------------------------------


def test_batches_run_through_the_kernel_and_single_draws_do_not(monkeypatch, builtin_batch):
    calls = []
    original = exchange_kernel.iterate

    def counted(*args):
        calls.append(args[0].shape[0])
        return original(*args)

    monkeypatch.setattr(exchange_kernel, "iterate", counted)
    COMPILED.run(builtin_batch, {"iterations": 4})
    assert calls == [48] * 4
    COMPILED.run(builtin_batch.draw(0), {"iterations": 4})
    REFERENCE.run(builtin_batch, {"iterations": 4})
    assert calls == [48] * 4
    assert Exchange().compiled is exchange.JIT


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("1", True), ("", True)])
def test_accord_jit_environment_variable(value, expected):
    env = {**os.environ, "ACCORD_JIT": value}
    code = "from accord.models.exchange import JIT, Exchange; print(JIT, Exchange().compiled)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(expected)] * 2
