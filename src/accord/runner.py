"""Run models on a scenario and shape the results for people and programs.

The CLI, the web app and reports all go through :func:`run_models` and
:func:`run_to_json`, so they show the same numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.jsonable import finite_or_none
from accord.models.base import ModelResult, get_model, model_names
from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
from accord.scenario.schema import Scenario, nearest_anchor


@dataclass(frozen=True, eq=False)
class Run:
    """The results of several models on one scenario.

    Attributes
    ----------
    scenario : Scenario
    arrays : ScenarioArrays
        The unbatched arrays the models ran on.
    results : dict of str to ModelResult
        By model name, in the order requested.
    seconds : dict of str to float
        Wall time of each model.
    """

    scenario: Scenario
    arrays: ScenarioArrays
    results: dict[str, ModelResult]
    seconds: dict[str, float] = field(default_factory=dict)


def resolve_params(model_name: str, rounds: int | None, settings: dict[str, Any]) -> dict[str, Any]:
    """Parameters for ``model_name`` from a generic ``rounds`` and ``KEY=VALUE`` settings.

    ``rounds`` fills whichever of ``rounds`` or ``iterations`` the model declares;
    a setting applies to a model when the model declares a parameter of that name.
    """
    declared = get_model(model_name).Params.model_fields
    params = {k: v for k, v in settings.items() if k in declared}
    if rounds is not None:
        for key in ("rounds", "iterations"):
            if key in declared:
                params[key] = rounds
    return params


def run_models(
    scenario: Scenario,
    models: list[str] | None = None,
    *,
    rounds: int | None = None,
    settings: dict[str, Any] | None = None,
    seed: int = 0,
) -> Run:
    """Run ``models`` (default: every registered model) on the scenario's midpoint arrays."""
    arrays = arrays_from_scenario(scenario)
    names = models or model_names()
    results: dict[str, ModelResult] = {}
    seconds: dict[str, float] = {}
    for name in names:
        model = get_model(name)
        params = resolve_params(model.name, rounds, settings or {})
        start = time.perf_counter()
        results[model.name] = model.run(arrays, params, np.random.default_rng(seed))
        seconds[model.name] = time.perf_counter() - start
    return Run(scenario, arrays, results, seconds)


def run_to_json(run: Run) -> dict[str, Any]:
    """The run as plain JSON data.

    Shape: ``{"scenario": ID, "models": {MODEL: {"params": {...}, "issues": {ISSUE: {...}}}}}``;
    each issue has ``forecast`` and the nearest labelled ``anchor``; models that work in
    rounds add ``actors`` (present on the issue), ``rounds`` (their positions after each
    round), ``trajectory`` (forecast after each round) and ``events``; models that report
    winning probabilities per round (``smp``) add ``win_prob`` (per round, per actor).
    """
    scenario, arrays = run.scenario, run.arrays
    out: dict[str, Any] = {"scenario": scenario.id, "models": {}}
    for name, result in run.results.items():
        issues: dict[str, Any] = {}
        for i, issue in enumerate(scenario.issues):
            x = finite_or_none(result.forecast[i])
            entry: dict[str, Any] = {"forecast": x}
            anchor = nearest_anchor(issue, x) if x is not None else None
            if anchor is not None:
                entry["anchor"] = {"value": anchor[0], "label": anchor[1]}
            if result.rounds is not None and result.trajectory is not None:
                who = np.flatnonzero(arrays.present[:, i])
                # models whose runs stop on their own pad their rounds and say how many are real
                n_rounds = int(getattr(result, "n_states", None) or result.rounds.shape[0])
                entry["actors"] = [arrays.actor_ids[a] for a in who]
                entry["rounds"] = [[finite_or_none(v) for v in result.rounds[r, who, i]]
                                   for r in range(n_rounds)]
                entry["trajectory"] = [finite_or_none(v) for v in result.trajectory[:n_rounds, i]]
                win = getattr(result, "win_prob", None)
                if win is not None:
                    entry["win_prob"] = [[finite_or_none(v) for v in win[r, who]] for r in range(n_rounds)]
                entry["events"] = [e.to_dict() for e in result.events if e.issue == issue.id]
            issues[issue.id] = entry
        out["models"][name] = {"params": result.params, "issues": issues,
                               "seconds": run.seconds.get(name)}
        fragility = getattr(result, "fragility", None)
        if fragility is not None:
            out["models"][name]["fragility"] = fragility
    return out
