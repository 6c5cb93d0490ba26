"""Run the analyses that are part of this installation and keep their JSON.

The workbench and the reports call the analysis modules only through their public
functions and show whatever JSON those return, so an analysis that grows new
fields appears without changes here. An analysis whose module is missing is not
offered; one that fails is kept as ``{"error": message}`` beside the others.

:class:`AnalysisOptions` carries what a run asks of the analyses beyond the
scenario: the case analysed by the agreement analysis (a date of the timeline,
levers, actor types, the utility form) and the Monte Carlo draws. The Monte Carlo
study analyses the same case in its agreement part. Each option is passed only to
functions that declare it.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.errors import AccordError
from accord.jsonable import jsonable
from accord.scenario.schema import Scenario

log = logging.getLogger(__name__)

UNCERTAINTY_DRAWS = 1000
#: Draws of the agreement analysis in the Monte Carlo study (the models see every draw).
AGREEMENT_DRAWS = 1024
SENSITIVITY = {"method": "morris", "n": 20, "resamples": 30}
HISTOGRAM_BINS = 40


Progress = Callable[[int, int], None]
PROGRESS_STEPS = 20
"""When progress is followed, the Monte Carlo runs in chunks of at most 1/20 of the draws (same numbers)."""
StepProgress = Callable[[str, int, int], None]


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
        ``run(module, scenario, models, seed, options) -> JSON``, ``options`` an
        :class:`AnalysisOptions`; called with ``progress=`` a ``(done, total)`` callable as
        well when the caller follows progress.
    """

    name: str
    title: str
    module: str
    run: Callable[[Any, Scenario, Sequence[str], int, AnalysisOptions], dict[str, Any]]


OPTION_USERS: dict[str, tuple[str, ...]] = {
    "at": ("agreement", "uncertainty"),
    "levers": ("agreement", "uncertainty"),
    "types": ("agreement", "uncertainty"),
    "utility": ("agreement",),
    "draws": ("uncertainty",),
}


@dataclass(frozen=True)
class AnalysisOptions:
    """What a run asks of the analyses beyond the scenario itself.

    Attributes
    ----------
    at : str or None
        Analyse the case at this date (``YYYY-MM-DD``); None for the scenario as written.
    levers : tuple of str
        Ids of the levers applied, in order.
    types : dict of str to str
        Type id chosen for an actor, by actor id; an actor not named is analysed over all its types.
    utility : {"linear", "quadratic"}
        The agreement analysis's utility form.
    draws : int
        Monte Carlo draws.
    """

    at: str | None = None
    levers: tuple[str, ...] = ()
    types: dict[str, str] = field(default_factory=dict)
    utility: str = "linear"
    draws: int = UNCERTAINTY_DRAWS

    def case(self) -> dict[str, Any]:
        """The keyword arguments that choose the case analysed: ``at``, ``levers``, ``types``."""
        return {"at": self.at, "levers": tuple(self.levers), "types": dict(self.types)}

    def to_json(self, analyses: Collection[str] | None = None) -> dict[str, Any]:
        """The options as JSON data; with ``analyses``, only those that affect one of the named analyses."""
        data = {"at": self.at, "levers": list(self.levers), "types": dict(self.types), "utility": self.utility,
                "draws": self.draws}
        if analyses is None:
            return data
        return {k: v for k, v in data.items() if any(name in analyses for name in OPTION_USERS[k])}


def describe_options(data: Mapping[str, Any] | None, scenario: Scenario | None = None, *,
                     changed_only: bool = False) -> list[str]:
    """Recorded options (:meth:`AnalysisOptions.to_json` data) in words, one phrase per option.

    Parameters
    ----------
    data : mapping, optional
        The recorded options; only the keys present are described.
    scenario : Scenario, optional
        Gives levers, actors, types and snapshots their names; without it they are named by id.
    changed_only : bool
        Describe only the options that differ from their defaults.

    Returns
    -------
    list of str
    """
    data = data or {}
    default = AnalysisOptions().to_json()
    levers = {lv.id: lv.name for lv in scenario.levers} if scenario else {}
    actors = {a.id: a.name for a in scenario.actors} if scenario else {}
    type_names = {(t.actor, t.id): t.name for t in scenario.types} if scenario else {}
    snapshots = {s.date.isoformat(): s.label for s in scenario.timeline} if scenario else {}
    out: list[str] = []
    for key in OPTION_USERS:
        if key not in data or (changed_only and data[key] == default[key]):
            continue
        value = data[key]
        if key == "at":
            label = f" ({snapshots[value]})" if value in snapshots else ""
            out.append(f"as of {value}{label}" if value else "scenario as written")
        elif key == "levers":
            out.append("levers: " + ", ".join(levers.get(v, v) for v in value) if value else "no levers")
        elif key == "types":
            chosen = [f"{actors[a]}: {type_names.get((a, t), t)}" if a in actors else f"{a}={t}"
                      for a, t in value.items()]
            out.append("; ".join(chosen) if chosen else "all actor types")
        elif key == "utility":
            out.append(f"{value} utility")
        else:
            out.append(f"{value:,} Monte Carlo draws")
    return out


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


def _agreement(module: Any, scenario: Scenario, models: Sequence[str], seed: int,
               options: AnalysisOptions, progress: Progress | None = None) -> dict[str, Any]:
    report = _call(module.analyse_agreement, scenario, seed=seed, utility=options.utility, **options.case())
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


def _uncertainty(module: Any, scenario: Scenario, models: Sequence[str], seed: int,
                 options: AnalysisOptions, progress: Progress | None = None) -> dict[str, Any]:
    chunk = {}
    if progress is not None and hasattr(module, "default_chunk_size"):
        chunk["chunk_size"] = max(1, min(module.default_chunk_size(scenario), options.draws // PROGRESS_STEPS))
    result = _call(module.monte_carlo, scenario, models=list(models), draws=options.draws, seed=seed,
                   progress=progress, agreement_draws=AGREEMENT_DRAWS, **chunk, **options.case())
    data = _to_json(result)
    forecasts = getattr(result, "forecasts", None)
    if isinstance(data, dict) and isinstance(forecasts, dict):
        data["histograms"] = _histograms(scenario, forecasts)
    return data


def _sensitivity(module: Any, scenario: Scenario, models: Sequence[str], seed: int,
                 options: AnalysisOptions, progress: Progress | None = None) -> dict[str, Any]:
    model = models[0] if models else "compromise"
    outputs: dict[str, Any] = {}
    for k, issue in enumerate(scenario.issues):
        if progress is not None:
            progress(k, len(scenario.issues))
        try:
            outputs[issue.id] = _to_json(module.sensitivity(scenario, issue.id, model=model, seed=seed,
                                                            **SENSITIVITY))
        except AccordError as exc:
            outputs[issue.id] = {"error": str(exc)}
    return {"model": model, **{k: v for k, v in SENSITIVITY.items()}, "outputs": outputs}


SPECS: dict[str, AnalysisSpec] = {
    spec.name: spec
    for spec in (
        AnalysisSpec("agreement", "Zone of agreement", "accord.agreement", _agreement),
        AnalysisSpec("uncertainty", "Uncertainty (Monte Carlo)", "accord.experiments.montecarlo", _uncertainty),
        AnalysisSpec("sensitivity", "Sensitivity", "accord.experiments.sensitivity", _sensitivity),
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


def run_analyses(
    scenario: Scenario,
    names: Sequence[str],
    *,
    models: Sequence[str] = (),
    seed: int = 0,
    options: AnalysisOptions | None = None,
    progress: StepProgress | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Run the named analyses; return their JSON and their wall times, by name.

    Unknown or unavailable analyses are skipped; one that raises is recorded as
    ``{"error": message}`` so that the others still show.

    Parameters
    ----------
    scenario : Scenario
    names : sequence of str
        Analyses to run (keys of :data:`SPECS`).
    models : sequence of str
        Models the analyses evaluate.
    seed : int
    options : AnalysisOptions, optional
        The case and the draws; default :class:`AnalysisOptions` (the scenario as written, 1000 draws).
    progress : callable, optional
        Called as ``progress(title, done, total)`` as each analysis starts and, for the Monte
        Carlo draws and the sensitivity's issues, as it goes.

    Returns
    -------
    results : dict of str to JSON
    seconds : dict of str to float
    """
    options = options or AnalysisOptions()
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name in names:
        spec = SPECS.get(name)
        module = _module(spec) if spec else None
        if spec is None or module is None:
            continue
        start = time.perf_counter()
        step = None
        if progress is not None:
            progress(spec.title, 0, 1)

            def step(done: int, total: int, title: str = spec.title) -> None:
                progress(title, done, total)
        try:
            extra = {"progress": step} if step is not None else {}
            results[name] = jsonable(spec.run(module, scenario, list(models), seed, options, **extra))
        except AccordError as exc:
            results[name] = {"error": str(exc)}
        except Exception as exc:  # an analysis bug must not take the run with it
            log.exception("analysis %s failed", name)
            results[name] = {"error": f"the {name} analysis failed: {type(exc).__name__}: {exc}"}
        seconds[name] = time.perf_counter() - start
    return results, seconds
