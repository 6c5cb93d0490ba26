"""The public API: ``accord.__all__`` is pinned, sorted, and every name in it is importable."""

from __future__ import annotations

import subprocess
import sys

import pytest

import accord

PUBLIC = [
    "AccordError",
    "Case",
    "Scenario",
    "ScenarioArrays",
    "__version__",
    "analyse_agreement",
    "arrays_from_scenario",
    "errors",
    "get_model",
    "load_scenario",
    "model_names",
    "monte_carlo",
    "run_models",
    "sensitivity",
    "sensitivity_many",
]


def test_all_is_pinned_and_sorted():
    assert accord.__all__ == PUBLIC
    assert accord.__all__ == sorted(accord.__all__)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_importable(name):
    namespace: dict[str, object] = {}
    exec(f"from accord import {name}", namespace)
    assert namespace[name] is getattr(accord, name)


def test_public_names_are_the_ones_of_their_modules():
    from accord.agreement import analyse_agreement
    from accord.experiments.montecarlo import monte_carlo
    from accord.experiments.sensitivity import sensitivity
    from accord.scenario.case import Case
    from accord.scenario.io import load_scenario

    assert accord.load_scenario is load_scenario and accord.Case is Case
    assert accord.analyse_agreement is analyse_agreement and accord.monte_carlo is monte_carlo
    assert accord.sensitivity is sensitivity and accord.errors.AccordError is accord.AccordError


def test_star_import_gives_exactly_all():
    namespace: dict[str, object] = {}
    exec("from accord import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(PUBLIC)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        accord.nope  # noqa: B018


def test_import_accord_loads_no_numeric_library():
    heavy = ("numpy", "scipy", "pydantic", "pandas")
    code = f"import sys, accord\nprint(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_exception_derives_from_accord_error():
    classes = [v for v in vars(accord.errors).values() if isinstance(v, type) and issubclass(v, BaseException)]
    assert len(classes) >= 12
    assert all(issubclass(c, accord.AccordError) for c in classes)
    for name in ("StoreError", "RunNotFoundError", "ServeError", "RunFormError", "CSRFError"):
        assert name in accord.errors.__doc__ and issubclass(getattr(accord.errors, name), accord.AccordError)
    assert issubclass(accord.errors.RunNotFoundError, accord.errors.StoreError)
