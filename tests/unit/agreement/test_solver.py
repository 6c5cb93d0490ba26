"""The solver module returns what ``scipy.optimize.linprog`` and ``milp`` return, bit for bit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from accord.agreement import solver
from accord.agreement.bargaining import Problem, Requirement

needs_bindings = pytest.mark.skipif(solver.highs_core is None, reason="SciPy without its HiGHS bindings")


def random_program(rng: np.random.Generator, n: int, m: int, *, integers: int = 0, sparse: float = 0.6,
                   degenerate: bool = False) -> tuple[np.ndarray, ...]:
    """``min c x, A x ≤ b, lower ≤ x ≤ upper`` with a share of zero coefficients; ties when ``degenerate``."""
    A = rng.normal(size=(m, n)) * (rng.random((m, n)) > sparse)
    if degenerate:
        A = np.round(A)
        A[m // 2 :] = A[: m - m // 2]
    b = rng.normal(size=m) + (0.0 if degenerate else 0.5)
    c = np.round(rng.normal(size=n)) if degenerate else rng.normal(size=n)
    lower = np.where(rng.random(n) < 0.2, -np.inf, -rng.random(n))
    upper = np.where(rng.random(n) < 0.2, np.inf, 1.0 + rng.random(n))
    integrality = np.zeros(n)
    integrality[:integers] = 1
    if integers:
        lower[:integers], upper[:integers] = 0.0, 1.0
    return c, A, b, lower, upper, integrality


def assert_same(out: solver.Solution, status: int, message: str, x: np.ndarray | None, fun: float | None,
                marginals: np.ndarray | None = None) -> None:
    assert out.status == status
    assert out.message == message
    if x is None:
        assert out.x is None
        return
    assert out.x is not None and np.array_equal(out.x, x)
    assert out.fun == fun
    if marginals is not None:
        assert out.marginals is not None and np.array_equal(out.marginals, marginals)


def scipy_bounds(lower: np.ndarray, upper: np.ndarray) -> list[tuple[float | None, float | None]]:
    return [(None if np.isinf(lo) else float(lo), None if np.isinf(hi) else float(hi))
            for lo, hi in zip(lower, upper, strict=True)]


@needs_bindings
@pytest.mark.parametrize("degenerate", [False, True])
def test_linear_programs_match_linprog(degenerate):
    rng = np.random.default_rng(7)
    statuses = set()
    for _ in range(150):
        c, A, b, lower, upper, _ = random_program(rng, int(rng.integers(2, 12)), int(rng.integers(1, 15)),
                                                  degenerate=degenerate)
        ref = linprog(c, A_ub=A, b_ub=b, bounds=scipy_bounds(lower, upper), method="highs")
        solver.clear_memo()
        out = solver.solve(c, A, b, lower, upper)
        marginals = ref.ineqlin.marginals if ref.x is not None else None
        assert_same(out, ref.status, ref.message, ref.x, ref.fun, marginals)
        statuses.add(ref.status)
    assert {0, 2} <= statuses


@needs_bindings
def test_mixed_integer_programs_match_milp():
    rng = np.random.default_rng(11)
    statuses = set()
    for _ in range(120):
        n = int(rng.integers(3, 12))
        c, A, b, lower, upper, integrality = random_program(rng, n, int(rng.integers(1, 12)),
                                                            integers=int(rng.integers(1, n)))
        ref = milp(c, integrality=integrality, bounds=Bounds(lower, upper),
                   constraints=[LinearConstraint(A, -np.inf, b)])
        solver.clear_memo()
        out = solver.solve(c, A, b, lower, upper, integrality)
        assert_same(out, ref.status, ref.message, ref.x, None if ref.fun is None else float(ref.fun))
        statuses.add(ref.status)
    assert {0, 2} <= statuses


@needs_bindings
def test_the_fallback_through_scipy_gives_the_same_solutions(monkeypatch):
    rng = np.random.default_rng(3)
    programs = [random_program(rng, 8, 10, integers=k, degenerate=True) for k in (0, 0, 2, 3)]
    direct = []
    for c, A, b, lower, upper, integrality in programs:
        solver.clear_memo()
        direct.append(solver.solve(c, A, b, lower, upper, integrality))
    monkeypatch.setattr(solver, "highs_core", None)
    for (c, A, b, lower, upper, integrality), first in zip(programs, direct, strict=True):
        solver.clear_memo()
        again = solver.solve(c, A, b, lower, upper, integrality)
        assert_same(again, first.status, first.message, first.x, first.fun, first.marginals)


def test_a_program_without_rows():
    out = solver.solve(np.array([1.0, -1.0]), np.zeros((0, 2)), np.zeros(0), np.zeros(2), np.array([2.0, 3.0]))
    assert out.status == 0
    assert np.array_equal(out.x, [0.0, 3.0])
    assert out.fun == -3.0


def test_an_infinite_cost_is_refused():
    with pytest.raises(ValueError, match="finite"):
        solver.solve(np.array([np.inf]), np.ones((1, 1)), np.ones(1), np.zeros(1), np.ones(1))


def test_repeated_programs_are_solved_once_and_returned_as_copies(monkeypatch):
    calls = []
    solve_highs, solve_scipy = solver._solve_highs, solver._solve_scipy

    def count_highs(*args):
        calls.append(1)
        return solve_highs(*args)

    def count_scipy(*args):
        calls.append(1)
        return solve_scipy(*args)

    monkeypatch.setattr(solver, "_solve_highs", count_highs)
    monkeypatch.setattr(solver, "_solve_scipy", count_scipy)
    c, A, b = np.array([-1.0, -2.0]), np.array([[1.0, 1.0]]), np.array([1.5])
    lower, upper = np.zeros(2), np.ones(2)
    solver.clear_memo()
    first = solver.solve(c, A, b, lower, upper)
    first.x[:] = 99.0
    second = solver.solve(c, A, b, lower, upper)
    assert len(calls) == 1
    assert np.array_equal(second.x, [0.5, 1.0])
    assert second.x is not first.x
    solver.solve(c, A, b, lower, upper, np.array([1, 0]))
    solver.solve(c, A, b + 1e-9, lower, upper)
    assert len(calls) == 3
    solver.clear_memo()
    solver.solve(c, A, b, lower, upper)
    assert len(calls) == 4


def test_bound_arrays():
    lower, upper = solver.bound_arrays([(0.0, None), (None, 2.0), (-1.0, 1.0)])
    assert np.array_equal(lower, [0.0, -np.inf, -1.0])
    assert np.array_equal(upper, [np.inf, 2.0, 1.0])


def random_problem(rng: np.random.Generator, n_a: int = 3, n_i: int = 4) -> Problem:
    """A problem with red lines, a requirement and an indivisible issue, its values on a coarse grid."""
    grid = np.linspace(0.0, 1.0, 5)
    n_r = 6
    present = rng.random((n_a, n_i)) < 0.8
    requirement = Requirement(actor=int(rng.integers(n_a)), k=2, issue=np.array([0, 1, 2]),
                              at_least=np.array([True, False, True]), value=rng.choice(grid, size=3))
    options = [None] * n_i
    options[3] = np.array([0.0, 0.5, 1.0])
    return Problem(
        actor_ids=tuple(f"a{k}" for k in range(n_a)), issue_ids=tuple(f"i{k}" for k in range(n_i)),
        pi=rng.choice(grid, size=(n_a, n_i)), eps=rng.choice(grid, size=(n_a, n_i)),
        sal=rng.random((n_a, n_i)), w=rng.random((n_a, n_i)), cost=rng.random(n_a), cap=rng.random(n_a),
        veto=rng.random((n_a, n_i)) < 0.7, present=present, sq=rng.choice(grid, size=n_i),
        lo=np.zeros(n_i), span=np.full(n_i, 100.0),
        line_actor=rng.integers(n_a, size=n_r), line_issue=rng.integers(n_i, size=n_r),
        line_at_least=rng.random(n_r) < 0.5, line_value=rng.choice(grid, size=n_r),
        line_real=rng.random(n_r) < 0.7, line_credibility=rng.random(n_r),
        requirements=(requirement,), options=tuple(options),
    )


def test_limits_of_many_packages_and_deals_at_once_match_one_at_a_time():
    rng = np.random.default_rng(5)
    grid = np.linspace(0.0, 1.0, 5)
    for _ in range(40):
        problem = random_problem(rng)
        n_a, n_i = problem.pi.shape
        Z = rng.choice(grid, size=(12, n_i)) + rng.choice([0.0, 1e-10, -1e-10, 1e-8], size=(12, n_i))
        actors = rng.random((7, n_a)) < 0.6
        cover = rng.random((7, n_i)) < 0.7
        got = problem.hard_ok_many(Z, actors, cover)
        want = np.array([[problem.hard_ok(np.where(cover[s], Z[k], problem.sq), actors[s], cover[s])
                          for k in range(len(Z))] for s in range(len(actors))])
        assert np.array_equal(got, want)
        assert got.any() and not got.all()


def test_threads_solving_at_once_get_the_solutions_of_one_thread():
    rng = np.random.default_rng(13)
    programs = [random_program(rng, 8, 10, integers=k % 3, degenerate=k % 2 == 0) for k in range(40)]
    solver.clear_memo()
    alone = [solver.solve(*p) for p in programs]

    def solve_all(offset: int) -> list[solver.Solution]:
        out = []
        for k in range(len(programs)):
            solver.clear_memo()
            out.append(solver.solve(*programs[(k + offset) % len(programs)]))
        return [out[(k - offset) % len(programs)] for k in range(len(programs))]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(solve_all, range(4)))
    for together in results:
        for first, again in zip(alone, together, strict=True):
            assert_same(again, first.status, first.message, first.x, first.fun, first.marginals)
