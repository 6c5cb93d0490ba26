"""One pytest test per model and conformance check.

Like scikit-learn's ``parametrize_with_checks``::

    from accord.testing import parametrize_with_checks

    @parametrize_with_checks(["my_model"])
    def test_conformance(model, check):
        check(model)

gives one test id per check (``my_model-determinism``, ``my_model-shapes``, ...), so a
failure names the check that failed and the others still run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from accord.models.base import Model, get_model
from accord.scenario.arrays import ScenarioArrays
from accord.testing.conformance import CHECKS, SEED, random_arrays


@dataclass(frozen=True, eq=False)
class ConformanceCheck:
    """One conformance check, bound to the cases it runs on.

    Attributes
    ----------
    name : str
        A key of :data:`~accord.testing.conformance.CHECKS`.
    cases : tuple of ScenarioArrays
    """

    name: str
    cases: tuple[ScenarioArrays, ...]

    def __call__(self, model: Model) -> None:
        """Run the check on every case; AssertionError names the model and the check."""
        for case in self.cases:
            try:
                CHECKS[self.name](model, case)
            except AssertionError as exc:
                raise AssertionError(f"{model.name}: conformance check {self.name!r} failed: {exc}") from None

    def __repr__(self) -> str:
        return f"ConformanceCheck({self.name!r})"


def default_cases(seed: int = SEED) -> tuple[ScenarioArrays, ...]:
    """The random cases of :func:`~accord.testing.conformance.check_model`: one unbatched, one of three draws."""
    rng = np.random.default_rng(seed)
    return (random_arrays(rng), random_arrays(rng, n_actors=5, n_issues=3, n_draws=3))


def parametrize_with_checks(
    models: Sequence[str | Model],
    arrays: ScenarioArrays | Sequence[ScenarioArrays] | None = None,
    seed: int = SEED,
) -> Callable[[Any], Any]:
    """A ``pytest.mark.parametrize`` over every model and every conformance check.

    Parameters
    ----------
    models : sequence of str or Model
        Registered model names, or model instances.
    arrays : ScenarioArrays or sequence of them, optional
        The cases to check on; default :func:`default_cases` from ``seed``.
    seed : int

    Returns
    -------
    decorator
        Parametrizes the test's ``model`` (a :class:`~accord.models.base.Model`) and
        ``check`` (a :class:`ConformanceCheck`: call ``check(model)``), with ids
        ``"<model>-<check>"``.
    """
    if arrays is None:
        cases = default_cases(seed)
    elif isinstance(arrays, ScenarioArrays):
        cases = (arrays,)
    else:
        cases = tuple(arrays)
    params = []
    for m in models:
        model = get_model(m) if isinstance(m, str) else m
        for name in CHECKS:
            params.append(pytest.param(model, ConformanceCheck(name, cases), id=f"{model.name}-{name}"))
    return pytest.mark.parametrize(("model", "check"), params)
