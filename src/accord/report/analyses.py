"""Run the analyses that are part of this installation and keep their JSON.

The workbench and the reports call the analysis modules only through their public
functions and show whatever JSON those return, so an analysis that grows new
fields appears without changes here. An analysis whose module is missing is not
offered; one that fails is kept as ``{"error": message}`` beside the others.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import AccordError
from accord.scenario.schema import Scenario

log = logging.getLogger(__name__)

UNCERTAINTY_DRAWS = 1000
SENSITIVITY = {"method": "morris", "n": 20, "resamples": 30}
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class AnalysisSpec:
    """An analysis the workbench knows how to start.

    Attributes
    ----------
    name : str
        Key of its JSON in a run's ``analyses``.
    title : str
        Heading to show.
    module : str
        The module that must be importable for the analysis to be offered.
    run : callable
        ``run(module, scenario, models, seed) -> JSON``.
    """

    name: str
    title: str
    module: str
    run: Callable[[Any, Scenario, Sequence[str], int], dict[str, Any]]


def _to_json(obj: Any) -> Any:
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return obj


def _call(func: Callable[..., Any], scenario: Scenario, **optional: Any) -> Any:
    """Call ``func(scenario, ...)`` passing only the keyword arguments it declares."""
    params = inspect.signature(func).parameters
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in optional.items() if accepts_any or k in params}
    return func(scenario, **kwargs)


def _agreement(module: Any, scenario: Scenario, models: Sequence[str], seed: int) -> dict[str, Any]:
    report = _call(module.analyse_agreement, scenario, seed=seed)
    data = _to_json(report)
    if isinstance(data, dict) and "verdict" not in data and hasattr(report, "verdict"):
        data = {"verdict": _to_json(report.verdict), **data}
    return data


def _histograms(scenario: Scenario, forecasts: dict[str, np.ndarray]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model, values in forecasts.items():
        by_issue = {}
        for k, issue in enumerate(scenario.issues):
            column = np.asarray(values[:, k], dtype=float)
            column = column[np.isfinite(column)]
            if not column.size:
                continue
            counts, edges = np.histogram(column, bins=HISTOGRAM_BINS, range=(issue.scale.min, issue.scale.max))
            by_issue[issue.id] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
        out[model] = by_issue
    return out


def _uncertainty(module: Any, scenario: Scenario, models: Sequence[str], seed: int) -> dict[str, Any]:
    result = module.monte_carlo(scenario, list(models), draws=UNCERTAINTY_DRAWS, seed=seed)
    data = _to_json(result)
    forecasts = getattr(result, "forecasts", None)
    if isinstance(data, dict) and isinstance(forecasts, dict):
        data["histograms"] = _histograms(scenario, forecasts)
    return data


def _sensitivity(module: Any, scenario: Scenario, models: Sequence[str], seed: int) -> dict[str, Any]:
    model = models[0] if models else "compromise"
    outputs: dict[str, Any] = {}
    for issue in scenario.issues:
        try:
            outputs[issue.id] = _to_json(module.sensitivity(scenario, issue.id, model=model, seed=seed,
                                                            **SENSITIVITY))
        except AccordError as exc:
            outputs[issue.id] = {"error": str(exc)}
    return {"model": model, **{k: v for k, v in SENSITIVITY.items()}, "outputs": outputs}


SPECS: dict[str, AnalysisSpec] = {
    spec.name: spec
    for spec in (
        AnalysisSpec("agreement", "Zone of agreement", "accord.analysis.agreement", _agreement),
        AnalysisSpec("uncertainty", "Uncertainty (Monte Carlo)", "accord.analysis.uncertainty", _uncertainty),
        AnalysisSpec("sensitivity", "Sensitivity", "accord.analysis.sensitivity", _sensitivity),
    )
}


def _module(spec: AnalysisSpec) -> Any | None:
    try:
        return importlib.import_module(spec.module)
    except ImportError:
        return None


def available() -> list[AnalysisSpec]:
    """The analyses whose modules are part of this installation."""
    return [spec for spec in SPECS.values() if _module(spec) is not None]


def title(name: str) -> str:
    """The heading of analysis ``name`` (its name, capitalised, when unknown)."""
    spec = SPECS.get(name)
    return spec.title if spec else name.replace("_", " ").capitalize()


def jsonable(value: Any) -> Any:
    """``value`` as strict JSON data: NaN and infinities become None, numpy scalars Python numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def run_analyses(
    scenario: Scenario,
    names: Sequence[str],
    *,
    models: Sequence[str] = (),
    seed: int = 0,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Run the named analyses; return their JSON and their wall times, by name.

    Unknown or unavailable analyses are skipped; one that raises is recorded as
    ``{"error": message}`` so that the others still show.
    """
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name in names:
        spec = SPECS.get(name)
        module = _module(spec) if spec else None
        if spec is None or module is None:
            continue
        start = time.perf_counter()
        try:
            results[name] = jsonable(spec.run(module, scenario, list(models), seed))
        except AccordError as exc:
            results[name] = {"error": str(exc)}
        except Exception as exc:  # an analysis bug must not take the run with it
            log.exception("analysis %s failed", name)
            results[name] = {"error": f"the {name} analysis failed: {type(exc).__name__}: {exc}"}
        seconds[name] = time.perf_counter() - start
    return results, seconds
