"""The expected utility model's NumPy and compiled paths against the frozen reference, bit for bit.

The reference (``tests/oracles/eum_reference.py``) is the model's NumPy rounds as they
were before the compiled kernels; every comparison here is exact (``np.array_equal``).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from accord.experiments.sampling import sample_arrays
from accord.models import expected_utility as eu
from accord.models import expected_utility_kernel as kernel
from accord.models.expected_utility import ExpectedUtility, simulate_rows
from accord.scenario import builtin
from accord.scenario.io import load_scenario
from oracles import eum_reference

VARIANTS = ("scholz2011", "bdm1994")
PATHS = [
    pytest.param(False, id="numpy"),
    pytest.param(True, id="compiled",
                 marks=pytest.mark.skipif(not kernel.COMPILED, reason="numba is not installed")),
]


def rows_of(arrays):
    """(position, capability, salience, present), each of shape (D I, A), as the model folds them."""
    batch = arrays.as_batch()
    draws, actors, issues = batch.position.shape
    fold = (draws * issues, actors)
    return (
        np.moveaxis(batch.position, -1, 1).reshape(fold),
        np.broadcast_to(batch.capability[:, None, :], (draws, issues, actors)).reshape(fold),
        np.moveaxis(batch.salience, -1, 1).reshape(fold),
        np.broadcast_to(batch.present.T[None], (draws, issues, actors)).reshape(fold),
    )


def assert_same_as_reference(rows, rounds, variant, compiled):
    """Both runs are silenced: the reference computes a risk exponent for absent actors too
    and discards it, and on the grid positions of the synthetic rows that can divide by 0."""
    with np.errstate(all="ignore"):
        expected = eum_reference.simulate_rows(*rows, rounds, variant, record=True)
        got = simulate_rows(*rows, rounds, variant, record=True, compiled=compiled)
    for name, want, have in zip(("path", "forecast", "kind", "partner"), expected, got, strict=True):
        assert have is not None and want is not None
        assert have.shape == want.shape and have.dtype == want.dtype, name
        assert np.array_equal(have, want, equal_nan=True), f"{name}: {np.sum(have != want)} cells differ"


def synthetic_rows(rng, rows, actors, absent, grid):
    """Random rows with absent actors, zero saliences and capabilities, shared positions."""
    position = rng.integers(0, grid + 1, (rows, actors)) * (100.0 / grid)
    capability = rng.random((rows, actors))
    capability[rng.random((rows, actors)) < 0.05] = 0.0
    salience = rng.random((rows, actors))
    salience[rng.random((rows, actors)) < 0.1] = 0.0
    salience[rng.random(rows) < 0.05] = 0.0
    mask = rng.random((rows, actors)) >= absent
    mask[rng.random(rows) < 0.02] = False
    return position, capability, salience, mask


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_built_in_case_batch_equals_reference(variant, compiled):
    arrays = sample_arrays(load_scenario(builtin.DEFAULT), 256, seed=3)
    assert_same_as_reference(rows_of(arrays), 10, variant, compiled)


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("actors", "absent", "grid", "rounds"), [
    (1, 0.0, 10, 3), (2, 0.2, 4, 5), (3, 0.3, 2, 10), (5, 0.4, 10, 10), (5, 0.0, 3, 7),
    (8, 0.25, 20, 6), (9, 0.5, 1000, 4), (13, 0.3, 8, 3), (23, 0.1, 50, 2),
])
def test_synthetic_rows_equal_reference(actors, absent, grid, rounds, variant, compiled):
    rng = np.random.default_rng(1000 * actors + rounds)
    rows = synthetic_rows(rng, 120, actors, absent, grid)
    assert_same_as_reference(rows, rounds, variant, compiled)


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_edge_rows_equal_reference(variant, compiled):
    position = np.array([
        [10.0, 40.0, 90.0, 70.0],   # one absent
        [30.0, 30.0, 30.0, 30.0],   # everyone at one position
        [10.0, 40.0, 90.0, 60.0],   # nobody with salience
        [5.0, 0.0, 10.0, 50.0],     # a tie between offers
        [42.0, 0.0, 0.0, 0.0],      # one actor
        [0.0, 0.0, 0.0, 0.0],       # nobody
    ])
    capability = np.array([[1, 2, 3, 9], [1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1.0]])
    salience = np.array([[0.6, 0.5, 0.4, 0.9], [0.1, 0.5, 0.9, 1.0], [0, 0, 0, 0],
                         [0.05, 0.5, 0.5, 0.0], [0.8, 0, 0, 0], [0.5, 0.5, 0.5, 0.5]])
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]], dtype=bool)
    assert_same_as_reference((position, capability, salience, mask), 10, variant, compiled)


@pytest.mark.skipif(not kernel.COMPILED, reason="numba is not installed")
@pytest.mark.parametrize("variant", VARIANTS)
def test_compiled_blocks_do_not_change_results(variant, monkeypatch):
    rows = synthetic_rows(np.random.default_rng(6), 50, 6, 0.3, 10)
    whole = simulate_rows(*rows, 5, variant, compiled=True)
    monkeypatch.setattr(eu, "BLOCK_CELLS", 7 * 36)
    blocked = simulate_rows(*rows, 5, variant, compiled=True)
    for a, b in zip(whole[:2], blocked[:2], strict=True):
        assert np.array_equal(a, b, equal_nan=True)


@pytest.mark.skipif(not kernel.COMPILED, reason="numba is not installed")
def test_model_run_takes_the_compiled_path_on_large_batches_only(monkeypatch):
    calls = []
    original = kernel.offers_and_moves

    def counted(*args):
        calls.append(args[0].shape)
        return original(*args)

    monkeypatch.setattr(kernel, "offers_and_moves", counted)
    monkeypatch.setattr(eu, "USE_COMPILED", True)
    arrays = sample_arrays(load_scenario(builtin.DEFAULT), 64, seed=0)
    big = ExpectedUtility().run(arrays)
    assert len(calls) == 10
    monkeypatch.setattr(eu, "USE_COMPILED", False)
    assert ExpectedUtility().run(arrays).trajectory.tobytes() == big.trajectory.tobytes()
    monkeypatch.setattr(eu, "USE_COMPILED", True)
    ExpectedUtility().run(arrays.draw(0))
    assert len(calls) == 10


def test_accord_jit_0_forces_the_numpy_path():
    code = "import accord.models.expected_utility as e; print(e.USE_COMPILED)"
    env = {**os.environ, "ACCORD_JIT": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not kernel.COMPILED, reason="numba is not installed")
@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 136, 137, 300, 1031, 5000])
def test_pairwise_sum_adds_in_numpys_order(count):
    rng = np.random.default_rng(count)
    values = rng.standard_normal(count + 3) * np.exp(rng.uniform(-30, 30, count + 3))
    assert 0.0 + kernel.pairwise_sum(values, 3, count) == np.sum(values[3:])


def test_powers_per_row_counts_every_power_of_a_round():
    mask = np.array([[True, True, False, True], [False] * 4, [True, False, False, False]])
    assert kernel.powers_per_row(mask).tolist() == [3 * (3 * 2 + 1), 0, 1]


def test_model_runs_without_numba():
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np\n"
        "import accord.models.expected_utility as e\n"
        "from accord.testing import random_arrays\n"
        "assert not e.kernel.COMPILED and not e.USE_COMPILED\n"
        "arrays = random_arrays(np.random.default_rng(0), n_actors=6, n_issues=4, n_draws=200)\n"
        "print(e.ExpectedUtility().run(arrays).trajectory.shape)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "(200, 10, 4)"


@pytest.mark.skipif(not kernel.COMPILED, reason="numba is not installed")
def test_rows_that_do_not_move_are_settled_and_then_copied():
    x = np.array([[30.0, 30.0, 30.0], [5.0, 0.0, 10.0]])
    weight = np.array([[1.0, 2.0, 3.0], [0.05, 0.5, 0.5]])
    sal = np.array([[0.5, 0.5, 0.5], [0.05, 0.5, 0.5]])
    mask = np.ones((2, 3), dtype=bool)
    span = np.array([0.0, 10.0])
    settled = np.zeros(2, dtype=bool)
    offsets = np.zeros(3, dtype=np.int64)
    np.cumsum(kernel.powers_per_row(mask), out=offsets[1:])
    bases, exponents = np.empty(offsets[-1]), np.empty(offsets[-1])
    new, forecast = np.empty_like(x), np.empty(2)
    kind, partner = np.zeros((2, 3), dtype=np.int8), np.zeros((2, 3), dtype=np.int64)
    kernel.risk_and_bases(x, span, weight, sal, mask, False, settled, offsets, bases, exponents)
    powers = np.power(bases, exponents)
    kernel.offers_and_moves(x, span, weight, sal, mask, False, settled, offsets, powers, new, kind, partner,
                            forecast, forecast)
    assert settled.tolist() == [True, False]
    assert np.array_equal(new[0], x[0]) and not np.array_equal(new[1], x[1])
    previous = np.array([-1.0, -2.0])
    settled[:] = True
    kernel.offers_and_moves(x, span, weight, sal, mask, False, settled, offsets, powers, new, kind, partner,
                            forecast, previous)
    assert np.array_equal(new, x) and forecast.tolist() == [-1.0, -2.0]
