"""accord: model and forecast multi-party, multi-issue negotiations.

The public API, importable from ``accord`` itself::

    import accord

    scenario = accord.load_scenario("ukraine-2025")
    run = accord.run_models(scenario)
    report = accord.analyse_agreement(scenario)
    study = accord.monte_carlo(scenario, draws=10_000, seed=1)

Scenarios
    :func:`load_scenario`, :class:`Scenario`, :class:`Case` (a scenario resolved at a
    date, with levers and actor types applied), :class:`ScenarioArrays` and
    :func:`arrays_from_scenario` (the dense arrays every model computes on).
Models
    :func:`get_model`, :func:`model_names`, :func:`run_models`.
Analyses
    :func:`analyse_agreement` (zones of agreement, bargaining solutions, who blocks),
    :func:`monte_carlo` (the scenario's ranges sampled), :func:`sensitivity` and
    :func:`sensitivity_many` (which judgements matter).
Errors
    :mod:`accord.errors`: every error accord raises on purpose derives from
    :class:`~accord.errors.AccordError`.

Names are imported on first use, so ``import accord`` stays cheap.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False

__version__ = "0.1.0"

_HOMES = {
    "AccordError": "accord.errors",
    "Case": "accord.scenario.case",
    "Scenario": "accord.scenario.schema",
    "ScenarioArrays": "accord.scenario.arrays",
    "analyse_agreement": "accord.agreement",
    "arrays_from_scenario": "accord.scenario.arrays",
    "errors": "accord.errors",
    "get_model": "accord.models",
    "load_scenario": "accord.scenario.io",
    "model_names": "accord.models",
    "monte_carlo": "accord.experiments.montecarlo",
    "run_models": "accord.runner",
    "sensitivity": "accord.experiments.sensitivity",
    "sensitivity_many": "accord.experiments.sensitivity",
}

__all__ = [
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

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from accord import errors
    from accord.agreement import analyse_agreement
    from accord.errors import AccordError
    from accord.experiments.montecarlo import monte_carlo
    from accord.experiments.sensitivity import sensitivity, sensitivity_many
    from accord.models import get_model, model_names
    from accord.runner import run_models
    from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
    from accord.scenario.case import Case
    from accord.scenario.io import load_scenario
    from accord.scenario.schema import Scenario


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    __import__(home)
    module = sys.modules[home]
    value = module if home == f"{__name__}.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
