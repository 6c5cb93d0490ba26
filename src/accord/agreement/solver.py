"""Linear and mixed-integer programs of the agreement analysis, solved by HiGHS without per-call overhead.

Every program of :mod:`accord.agreement` is small (tens of variables and rows) and is
solved many times: most of the time of :func:`scipy.optimize.linprog` and
:func:`scipy.optimize.milp` on such programs goes to argument checks, sparse-matrix
building and option parsing, not to HiGHS (Huangfu and Hall 2018). This module hands
the same model with the same options to the same HiGHS that SciPy bundles
(``scipy.optimize._highspy``, SciPy ≥ 1.15), so that every solution is the one SciPy
would return, bit for bit:

- the constraint matrix in compressed-column form with the nonzeros of each column in
  row order (what ``scipy.sparse.csc_array`` makes of a dense matrix), rows
  ``−∞ ≤ A x ≤ b``, infinite bounds as ``±inf``;
- ``linprog(method="highs")``'s options (presolve on, the dual simplex, no output) for
  linear programs, ``milp``'s (no console log) for mixed-integer ones;
- SciPy's status codes and messages, and ``linprog``'s check of the solution against
  the bounds and rows (a tolerance of ``10 √1e−9``).

A HiGHS built separately (the ``highspy`` package, another version) may stop at another
optimal vertex of a degenerate program, so it is not used. Without SciPy's bindings
(SciPy < 1.15) the programs go through ``linprog`` and ``milp`` themselves.

Identical programs are solved once: each result is kept under a digest of the arrays HiGHS
is given (:data:`MEMO_SIZE` results, least recently used dropped first; shared by threads,
each of which has its own HiGHS instance).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

try:
    from scipy.optimize._highspy import _core as highs_core
except ImportError:  # SciPy < 1.15: through linprog and milp
    highs_core = None

__all__ = ["MEMO_SIZE", "Solution", "bound_arrays", "clear_memo", "solve"]

#: Results of distinct programs kept for reuse.
MEMO_SIZE = 4096

#: ``linprog``'s check of a solution: ``10 √tol`` with its default ``tol = 1e−9``.
CHECK_TOL = math.sqrt(1e-9) * 10


@dataclass(eq=False)
class Solution:
    """The result of one program, as SciPy reports it.

    Attributes
    ----------
    status : int
        0 optimal; 1 iteration or time limit; 2 infeasible; 3 unbounded; 4 other
        (SciPy's codes).
    message : str
    x : ndarray, shape (n,), or None
        The solution (None when there is none).
    fun : float or None
        Its objective value.
    marginals : ndarray, shape (m,), or None
        Dual values of the rows (linear programs; zeros for mixed-integer ones).
    n_planes : int
        Leading rows that are the planes of the linear form (set by the caller).
    """

    status: int
    message: str
    x: np.ndarray | None
    fun: float | None
    marginals: np.ndarray | None
    n_planes: int = 0

    def copy(self) -> Solution:
        """A copy whose arrays can be changed without changing this one."""
        return Solution(self.status, self.message, None if self.x is None else self.x.copy(), self.fun,
                        None if self.marginals is None else self.marginals.copy(), self.n_planes)


def _options(linear: bool) -> Any:
    assert highs_core is not None
    options = highs_core.HighsOptions()
    if linear:
        options.presolve = "on"
        options.highs_debug_level = highs_core.HighsDebugLevel.kHighsDebugLevelNone
        options.log_to_console = False
        options.output_flag = False
        options.simplex_strategy = highs_core.simplex_constants.SimplexStrategy.kSimplexStrategyDual
    else:
        options.log_to_console = False
    return options


if highs_core is not None:
    _LP_OPTIONS = _options(linear=True)
    _MIP_OPTIONS = _options(linear=False)
    _MS = highs_core.HighsModelStatus
    _STATUS = {
        _MS.kNotset: (4, ""),
        _MS.kLoadError: (4, ""),
        _MS.kModelError: (2, ""),
        _MS.kPresolveError: (4, ""),
        _MS.kSolveError: (4, ""),
        _MS.kPostsolveError: (4, ""),
        _MS.kModelEmpty: (4, ""),
        _MS.kObjectiveBound: (4, ""),
        _MS.kObjectiveTarget: (4, ""),
        _MS.kOptimal: (0, "Optimization terminated successfully. "),
        _MS.kTimeLimit: (1, "Time limit reached. "),
        _MS.kIterationLimit: (1, "Iteration limit reached. "),
        _MS.kInfeasible: (2, "The problem is infeasible. "),
        _MS.kUnbounded: (3, "The problem is unbounded. "),
        _MS.kUnboundedOrInfeasible: (4, "The problem is unbounded or infeasible. "),
    }
    _MIP_WITH_X = (_MS.kOptimal, _MS.kTimeLimit, _MS.kIterationLimit, _MS.kSolutionLimit)
    _VAR_TYPE = [highs_core.HighsVarType(k) for k in range(4)]

_memo: OrderedDict[bytes, Solution] = OrderedDict()
_memo_lock = threading.Lock()
_local = threading.local()


def _highs() -> Any:
    """This thread's HiGHS instance: ``passModel`` replaces its model and clears its solution and basis."""
    highs = getattr(_local, "highs", None)
    if highs is None:
        assert highs_core is not None
        highs = _local.highs = highs_core._Highs()
    return highs


def clear_memo() -> None:
    """Forget the results kept for reuse."""
    with _memo_lock:
        _memo.clear()


def _columns(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A`` (shape (m, n)) in compressed-column form, as ``scipy.sparse.csc_array(A)`` stores it.

    Returns
    -------
    start : ndarray of int32, shape (n + 1,)
    index : ndarray of int32, shape (nnz,)
        Row of each nonzero, in row order within each column.
    value : ndarray, shape (nnz,)
    """
    columns = A.T
    nonzero = columns != 0
    start = np.zeros(A.shape[1] + 1, dtype=np.int32)
    np.cumsum(nonzero.sum(axis=1), out=start[1:])
    return start, np.nonzero(nonzero)[1].astype(np.int32), columns[nonzero]


def _key(*parts: np.ndarray | None) -> bytes:
    """A digest of a program: every array HiGHS is given (BLAKE2b, 160 bits)."""
    return hashlib.blake2b(b"".join(b"-" if part is None else part.tobytes() for part in parts),
                           digest_size=20).digest()


def solve(c: np.ndarray, A: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray,
          integrality: np.ndarray | None = None) -> Solution:
    """Minimise ``c @ x`` subject to ``A x ≤ b`` and ``lower ≤ x ≤ upper`` (some ``x`` integer).

    Parameters
    ----------
    c : ndarray, shape (n,)
    A : ndarray, shape (m, n)
    b : ndarray, shape (m,)
    lower, upper : ndarray, shape (n,)
        Bounds; ``-inf`` and ``inf`` where there is none.
    integrality : ndarray of int, shape (n,), optional
        1 where ``x`` must be an integer; with one, a mixed-integer program (as
        ``scipy.optimize.milp``), otherwise a linear one (as
        ``scipy.optimize.linprog(method="highs")``).

    Returns
    -------
    Solution
    """
    c = np.asarray(c, dtype=np.float64)
    A = np.asarray(A, dtype=np.float64).reshape(-1, len(c))
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    lower = np.asarray(lower, dtype=np.float64)
    upper = np.asarray(upper, dtype=np.float64)
    integers = np.asarray(integrality, dtype=np.uint8) if integrality is not None and np.any(integrality) else None
    if not (np.isfinite(c).all() and np.isfinite(A).all() and np.isfinite(b).all()):
        raise ValueError("a program's costs, rows and right-hand sides must be finite")
    columns = _columns(A)
    key = _key(np.array(A.shape, dtype=np.int64), c, b, lower, upper, *columns, integers)
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit.copy()
    if highs_core is None:
        out = _solve_scipy(c, A, b, lower, upper, integers)
    else:
        out = _solve_highs(c, columns, b, lower, upper, integers)
    with _memo_lock:
        _memo[key] = out.copy()
        if len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return out


def bound_arrays(bounds: Sequence[tuple[float | None, float | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds, shape (n,) each, from ``(low, high)`` pairs with None where there is none."""
    lower = np.array([-np.inf if lo is None else lo for lo, _ in bounds], dtype=np.float64)
    upper = np.array([np.inf if hi is None else hi for _, hi in bounds], dtype=np.float64)
    return lower, upper


def _solve_highs(c: np.ndarray, columns: tuple[np.ndarray, np.ndarray, np.ndarray], b: np.ndarray,
                 lower: np.ndarray, upper: np.ndarray, integrality: np.ndarray | None) -> Solution:
    assert highs_core is not None
    n, m = len(c), len(b)
    lp = highs_core.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.format_ = highs_core.MatrixFormat.kColwise
    lp.col_cost_ = c
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.full(m, -np.inf)
    lp.row_upper_ = b
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = columns
    if integrality is not None:
        lp.integrality_ = [_VAR_TYPE[k] for k in integrality.tolist()]
    highs = _highs()
    highs.passOptions(_LP_OPTIONS if integrality is None else _MIP_OPTIONS)
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    if integrality is None:
        solved = status == _MS.kOptimal
    else:
        solved = status in _MIP_WITH_X and not (
            status != _MS.kOptimal and info.objective_function_value == highs_core.kHighsInf)
    if not solved:
        detail = (f"model_status is {highs.modelStatusToString(status)}; "
                  f"primal_status is {highs.solutionStatusToString(info.primal_solution_status)}")
        code, message = _message(status, detail)
        return Solution(code, message, None, None, None)
    solution = highs.getSolution()
    x = np.array(solution.col_value)
    fun = float(info.objective_function_value)
    code, message = _message(status, highs.modelStatusToString(status))
    if integrality is not None:
        return Solution(code, message, x, fun, np.zeros(m))
    code, message = _check(code, message, x, fun, b - np.asarray(solution.row_value), lower, upper)
    return Solution(code, message, x, fun, np.array(solution.row_dual))


def _message(status: object, detail: str) -> tuple[int, str]:
    code, text = _STATUS.get(status, (4, "The HiGHS status code was not recognized. "))
    return code, f"{text}(HiGHS Status {int(status)}: {detail})"  # type: ignore[call-overload]


def _check(code: int, message: str, x: np.ndarray, fun: float, slack: np.ndarray, lower: np.ndarray,
           upper: np.ndarray) -> tuple[int, str]:
    """``linprog``'s check of a linear program's solution (``scipy.optimize._linprog_util._check_result``)."""
    if np.isnan(x).any() or np.isnan(fun) or np.isnan(slack).any():
        feasible = False
    else:
        feasible = bool(np.all((x >= lower - CHECK_TOL) & (x <= upper + CHECK_TOL))) and not (
            code != 3 and (slack < -CHECK_TOL).any())
    if code == 0 and not feasible:
        return 4, ("The solution does not satisfy the constraints within the required tolerance of "
                   f"{CHECK_TOL:.2E}, yet no errors were raised and there is no certificate of infeasibility "
                   "or unboundedness. Check whether the slack and constraint residuals are acceptable; if not, "
                   "consider enabling presolve, adjusting the tolerance option(s), and/or using a different "
                   "method. Please consider submitting a bug report.")
    if code == 2 and feasible:
        return 4, ("The solution is feasible, but the solver did not report that the solution was optimal. "
                   "Please try a different method.")
    return code, message


def _solve_scipy(c: np.ndarray, A: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                 integrality: np.ndarray | None) -> Solution:
    if integrality is not None:
        constraints = [LinearConstraint(A, -np.inf, b)] if len(A) else []
        res = milp(c, integrality=integrality, bounds=Bounds(lower, upper), constraints=constraints)
        if res.x is None:
            return Solution(int(res.status), res.message, None, None, None)
        return Solution(int(res.status), res.message, res.x, float(res.fun), np.zeros(len(A)))
    bounds = [(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi)
              for lo, hi in zip(lower.tolist(), upper.tolist(), strict=True)]
    res = linprog(c, A_ub=A if len(A) else None, b_ub=b if len(b) else None, bounds=bounds, method="highs")
    marginals = None if res.x is None else res.ineqlin.marginals
    return Solution(int(res.status), res.message, res.x, None if res.fun is None else float(res.fun), marginals)
