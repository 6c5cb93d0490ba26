"""Gather what a report needs: the scenario, the run, the analyses, and where they came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.report.analyses import AnalysisOptions, available, run_analyses
from accord.scenario.schema import Scenario


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows.

    Attributes
    ----------
    scenario : Scenario
    run : dict
        :func:`accord.runner.run_to_json` output.
    analyses : dict
        Analysis JSON by name (see :mod:`accord.report.analyses`).
    meta : dict
        Provenance: ``run_id``, ``created_at``, ``seed``, ``params``, ``content_hash``,
        ``version``, ``accord_version``.
    """

    scenario: Scenario
    run: dict[str, Any]
    analyses: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def default_analyses() -> list[str]:
    """Names of the analyses a report includes by default: every one available."""
    return [spec.name for spec in available()]


def prepare(
    scenario: Scenario,
    *,
    models: Sequence[str] | None = None,
    rounds: int | None = None,
    settings: dict[str, Any] | None = None,
    seed: int = 0,
    analyses: Sequence[str] | None = None,
    options: AnalysisOptions | None = None,
    progress: Any = None,
) -> ReportInput:
    """Run the models (and analyses) on ``scenario`` for a report, as ``accord run`` would.

    ``options`` (the date, levers, types, utility form and Monte Carlo draws) go to the
    analyses and are recorded in ``meta["params"]["analysis_options"]`` where they apply.
    """
    from accord import __version__
    from accord.runner import run_models, run_to_json

    run = run_to_json(run_models(scenario, list(models) if models else None, rounds=rounds, settings=settings,
                                 seed=seed))
    names = default_analyses() if analyses is None else list(analyses)
    results, _ = run_analyses(scenario, names, models=list(run["models"]), seed=seed, options=options,
                              progress=progress)
    params: dict[str, Any] = {"rounds": rounds, "settings": settings or {}}
    recorded = options.to_json(results) if options is not None else {}
    if recorded:
        params["analysis_options"] = recorded
    meta: dict[str, Any] = {"seed": seed, "params": params, "accord_version": __version__,
                            "created_at": dt.datetime.now(dt.UTC)}
    try:
        from accord.store.content import content_hash
    except ImportError:
        pass
    else:
        meta["content_hash"] = content_hash(scenario)
    return ReportInput(scenario, run, results, meta)


def from_record(record: Any) -> ReportInput:
    """A report of a stored run (an :class:`accord.store.RunRecord`), with its exact scenario version."""
    return ReportInput(
        scenario=record.version.scenario(),
        run=record.results,
        analyses=record.analyses,
        meta={"run_id": record.id, "created_at": record.created_at.replace(tzinfo=dt.UTC), "seed": record.seed,
              "params": record.params, "content_hash": record.content_hash, "version": record.version_number,
              "accord_version": record.accord_version},
    )
