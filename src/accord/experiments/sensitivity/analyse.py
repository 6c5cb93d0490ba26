"""Which judgements matter: global sensitivity analysis with SALib.

The uncertain inputs are the scenario's ranges
(:func:`~accord.experiments.factors.scenario_factors`), by default those the output
reads (a model forecast reads positions, saliences and capabilities; the agreement
analysis also no-deal costs, expectations and hold probabilities), or every range with
``factors="all"``. Each is sampled over its range with the scenario's distribution
(uniform, or PERT through its quantile function), and ``group="actor"`` or
``group="issue"`` treats the judgements about one actor (or one issue) as one factor.

Methods (Herman & Usher 2017, *SALib*, JOSS 2(9):97)
    One module per method, registered in :data:`METHODS`:
    :mod:`~accord.experiments.sensitivity.sobol` (first- and total-order indices) and
    :mod:`~accord.experiments.sensitivity.morris` (elementary effects).

Outputs
    An issue id: the model's forecast on that issue. ``"agreement"``: the agreement score,
    the margin where a zone exists and minus the gap where none does
    (:func:`accord.experiments.evaluate.agreement_outputs`), continuous across the verdict.

Tornado
    For every factor (or group): the output with it at the low end and at the high end of
    its range(s), every other input at its midpoint.

The design and the tornado rows are one :class:`~accord.experiments.sampling.FixedSample`
evaluated chunk by chunk through the same :class:`~accord.experiments.evaluate.Plan` as
Monte Carlo, so an executor such as
:class:`~accord.experiments.executors.DaskExecutor` can run the chunks on a cluster with
the same results as in this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.errors import AccordError, ParameterError
from accord.experiments.evaluate import Evaluation, Executor, Outputs, Plan, default_chunk_size, evaluate, run_plan
from accord.experiments.factors import scenario_factors, unit_to_distribution
from accord.experiments.sampling import FixedSample
from accord.experiments.sensitivity.design import (
    GROUPS,
    Grouping,
    Method,
    choose_factors,
    factors_for_issues,
    group_label,
    indices,
)
from accord.experiments.sensitivity.morris import MORRIS
from accord.experiments.sensitivity.sobol import SOBOL
from accord.jsonable import finite_or_none
from accord.models.base import get_model
from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain

#: The sensitivity methods by name.
METHODS: dict[str, Method] = {SOBOL.name: SOBOL, MORRIS.name: MORRIS}


@dataclass(frozen=True)
class SensitivityRow:
    """One factor (or group of factors) and what it does to the output.

    Attributes
    ----------
    name : str
        The factor's path, or the group's name.
    label : str
        The judgement in words.
    factors : tuple of str
        Paths of the factors in it.
    indices : dict of str to float
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (Sobol) or ``mu``, ``mu_star``,
        ``mu_star_conf``, ``sigma`` (Morris); NaN where SALib gives none.
    low, high : float
        Tornado: the output with the factor at its low and its high end.
    """

    name: str
    label: str
    factors: tuple[str, ...]
    indices: dict[str, float]
    low: float
    high: float

    @property
    def swing(self) -> float:
        """``|high - low|``: the width of the tornado bar."""
        return abs(self.high - self.low)


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """A sensitivity study.

    Attributes
    ----------
    scenario_id : str
    output : str
        Issue id, or ``"agreement"``.
    method : {"sobol", "morris"}
    model : str or None
        None for the agreement output.
    group : {"actor", "issue"} or None
    n : int
        Base sample size (Sobol) or trajectories (Morris).
    seed : int
    evaluations : int
        Model (or agreement) evaluations, tornado included.
    distribution : str
    baseline : float
        The output with every input at its midpoint.
    output_mean, output_sd : float
        Of the output over the design.
    rows : tuple of SensitivityRow
        Ranked: most important first (by ``ST`` for Sobol, ``mu_star`` for Morris).
    seconds : float
    notes : tuple of str
    """

    scenario_id: str
    output: str
    method: str
    model: str | None
    group: str | None
    n: int
    seed: int
    evaluations: int
    distribution: str
    baseline: float
    output_mean: float
    output_sd: float
    rows: tuple[SensitivityRow, ...]
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def index_names(self) -> tuple[str, ...]:
        """The indices of the method, in the order reports show them."""
        return METHODS[self.method].index_names

    def to_frame(self) -> pd.DataFrame:
        """One row per factor, ranked.

        Columns: ``rank``, ``name``, ``label``, the indices, ``low``, ``high``, ``swing``.
        """
        records = [
            {
                "rank": k + 1,
                "name": r.name,
                "label": r.label,
                **{i: r.indices.get(i, np.nan) for i in self.index_names},
                "low": r.low,
                "high": r.high,
                "swing": r.swing,
            }
            for k, r in enumerate(self.rows)
        ]
        columns = ["rank", "name", "label", *self.index_names, "low", "high", "swing"]
        return pd.DataFrame(records, columns=columns)

    def tornado(self) -> list[dict[str, Any]]:
        """Tornado chart data, widest bar first: ``name``, ``label``, ``low``, ``high``, ``baseline``."""
        rows = sorted(self.rows, key=lambda r: -r.swing if np.isfinite(r.swing) else 0.0)
        return [
            {
                "name": r.name,
                "label": r.label,
                "low": finite_or_none(r.low),
                "high": finite_or_none(r.high),
                "baseline": finite_or_none(self.baseline),
            }
            for r in rows
        ]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (NaN as null)."""
        return {
            "scenario": self.scenario_id,
            "output": self.output,
            "method": self.method,
            "model": self.model,
            "group": self.group,
            "n": self.n,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "distribution": self.distribution,
            "baseline": finite_or_none(self.baseline),
            "output_mean": finite_or_none(self.output_mean),
            "output_sd": finite_or_none(self.output_sd),
            "seconds": self.seconds,
            "ranking": [
                {
                    "rank": k + 1,
                    "name": r.name,
                    "label": r.label,
                    "factors": list(r.factors),
                    **{i: finite_or_none(r.indices.get(i, np.nan)) for i in self.index_names},
                }
                for k, r in enumerate(self.rows)
            ],
            "tornado": self.tornado(),
            "notes": list(self.notes),
        }


def resolve_outputs(scenario: Scenario, outputs: Sequence[str]) -> tuple[list[str], list[int]]:
    """Output ids (issue ids, or ``"agreement"``) and the forecast column of each (-1 for the agreement)."""
    if not outputs:
        raise ParameterError("no output to analyse")
    ids: list[str] = []
    columns: list[int] = []
    issue_ids = [i.id for i in scenario.issues]
    for out in outputs:
        if out == "agreement":
            ids.append("agreement")
            columns.append(-1)
            continue
        issue = next((i for i in scenario.issues if out == i.id or out in i.aliases), None)
        if issue is None:
            raise ParameterError(
                f"output must be an issue id or 'agreement', got {out!r}; issues: {', '.join(issue_ids)}"
            )
        ids.append(issue.id)
        columns.append(issue_ids.index(issue.id))
    if len(set(ids)) != len(ids):
        raise ParameterError(f"an output is named twice: {', '.join(outputs)}")
    return ids, columns


def output_matrix(outputs: Outputs, columns: Sequence[int], model: str | None, n: int) -> np.ndarray:
    """The studied outputs as columns.

    Parameters
    ----------
    outputs : Outputs
        Of E evaluations.
    columns : sequence of int, length K
        Forecast column of each output of ``model``; -1 for the agreement gap.
    model : str or None
    n : int
        E.

    Returns
    -------
    ndarray, shape (E, K)
    """
    y = np.empty((n, len(columns)))
    for k, c in enumerate(columns):
        if c >= 0 and model is not None:
            y[:, k] = outputs.forecasts[model][:, c]
        elif c < 0 and outputs.agreement is not None:
            y[:, k] = outputs.agreement["score"]
        else:
            raise ValueError(f"output column {c} was not evaluated")
    return y


def sensitivity(scenario: Scenario, output: str, **options: Any) -> SensitivityResult:
    """Global sensitivity of one output to the scenario's ranges.

    Parameters
    ----------
    scenario : Scenario
    output : str
        An issue id (or alias): the forecast of ``model`` on it; or ``"agreement"``: the
        agreement score (the margin where a zone exists, minus the gap where none does).
    **options
        As for :func:`sensitivity_many`.

    Returns
    -------
    SensitivityResult
    """
    return next(iter(sensitivity_many(scenario, [output], **options).values()))


def sensitivity_many(
    scenario: Scenario,
    outputs: Sequence[str] | None = None,
    *,
    method: str = "sobol",
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    group: str | None = None,
    n: int | None = None,
    seed: int = 0,
    factors: str | Sequence[str] = "relevant",
    levels: int = 4,
    conf_level: float = 0.95,
    resamples: int = 100,
    chunk_size: int | None = None,
    at: Any = None,
    levers: Sequence[str] = (),
    types: Any = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> dict[str, SensitivityResult]:
    """Global sensitivity of several outputs, from one design and one pass of evaluations.

    Parameters
    ----------
    scenario : Scenario
    outputs : sequence of str, optional
        Issue ids (forecasts of ``model``) and/or ``"agreement"`` (the agreement score). Default: every issue.
    method : {"sobol", "morris"}
        A name in :data:`METHODS`.
    model : str
        Registered model (unused when the only output is ``"agreement"``).
    params : dict, optional
        The model's parameters.
    group : {"actor", "issue"}, optional
        Treat the judgements about one actor (issue) as one factor.
    n : int, optional
        Sobol base sample (a power of two; default 1024) or Morris trajectories (default 100).
    seed : int
    factors : "relevant", "all" or sequence of str
        The ranges the outputs read, every range, or these paths.
    levels : int
        Morris grid levels (even, >= 2).
    conf_level : float
        Confidence level of the bootstrap intervals.
    resamples : int
        Bootstrap resamples.
    chunk_size : int, optional
        Evaluations per vectorised call
        (default :func:`~accord.experiments.evaluate.default_chunk_size`).
    at, levers, types :
        Passed to :func:`~accord.agreement.agreement_arrays` for the agreement output.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of evaluations.
    executor : Executor, optional
        ``executor(run_chunk, plan, indices)`` yielding chunks in any order, e.g.
        :class:`~accord.experiments.executors.DaskExecutor`. Default: the chunks one
        after another in this process. The results do not depend on it.

    Returns
    -------
    dict of str to SensitivityResult
        By output id, in the order given.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    how = METHODS[method]
    if group is not None and group not in GROUPS:
        raise ParameterError(f"group must be one of {', '.join(GROUPS)}, got {group!r}")
    n = how.default_n if n is None else n
    if not isinstance(n, int | np.integer) or n < 2:
        raise ParameterError(f"n must be an integer >= 2, got {n!r}")
    how.check(int(n), levels)
    if not 0 < conf_level < 1:
        raise ParameterError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int | np.integer) or chunk_size < 1):
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    seed = int(seed)

    output_ids, columns = resolve_outputs(scenario, [i.id for i in scenario.issues] if outputs is None else outputs)
    m = get_model(model) if any(c >= 0 for c in columns) else None
    if m is not None:
        m.parse_params(dict(params or {}))
    model_name = m.name if m is not None else None
    evaluation = Evaluation(
        scenario,
        (m.name,) if m is not None else (),
        {m.name: dict(params or {})} if m is not None else {},
        {"at": at, "levers": tuple(levers), "types": types} if "agreement" in output_ids else None,
    )

    # Which ranges do the outputs read? One evaluation at the midpoints tells.
    read: set[str] = set()

    def recording(path: str, value: Uncertain) -> np.ndarray:
        read.add(path)
        return np.full(1, value.mid)

    baseline = output_matrix(
        evaluate(evaluation, recording, 1, lambda name: np.random.default_rng(seed)), columns, model_name, 1
    )[0]
    chosen = choose_factors(scenario_factors(scenario), factors, read)
    scope_notes: list[str] = []
    if factors == "relevant" and m is not None and m.issues_independent and "agreement" not in output_ids:
        studied = set(output_ids)
        holders = {st.actor for st in scenario.stances if st.issue in studied}
        scoped = factors_for_issues(chosen, studied, holders)
        if not scoped:
            scope_notes.append(
                f"no range of the scenario can move the forecast of {', '.join(output_ids)}: the {m.name} model "
                "forecasts each issue from its own stances, and none of them is uncertain"
            )
        elif len(scoped) < len(chosen):
            scope_notes.append(
                f"{len(scoped)} of the {len(chosen)} ranges the {m.name} model reads can move the forecast of "
                f"{', '.join(output_ids)}: the model forecasts each issue from its own stances, so the other "
                f"{len(chosen) - len(scoped)} are left out (--all-factors keeps every range)"
            )
            chosen = scoped
    grouping = Grouping.of(chosen, group)
    problem = grouping.problem()
    design = how.sample(problem, int(n), levels=levels, seed=seed)
    distribution = scenario.distribution
    unit = np.concatenate([unit_to_distribution(design, distribution), grouping.tornado()])
    source = FixedSample({f.path: j for j, f in enumerate(grouping.factors)}, unit, seed)
    step = int(chunk_size or default_chunk_size(scenario, {model_name or "agreement": dict(params or {})}))
    plan = Plan(evaluation, source, source.size, step)
    y = output_matrix(run_plan(plan, executor, progress), columns, model_name, plan.size)
    seconds = time.perf_counter() - started

    results: dict[str, SensitivityResult] = {}
    for k, out in enumerate(output_ids):
        t0 = time.perf_counter()
        y_design, y_tornado = y[: len(design), k], y[len(design) :, k]
        if not np.all(np.isfinite(y_design)):
            raise AccordError(
                f"the output {out!r} is undefined (NaN) for some inputs; sensitivity needs a defined output"
            )
        raw, notes = indices(
            how,
            problem,
            design,
            y_design,
            grouping.order,
            levels=levels,
            conf_level=conf_level,
            resamples=resamples,
            seed=seed,
        )
        rows = [
            SensitivityRow(
                name=g,
                label=group_label(g, grouping.members(g), group),
                factors=tuple(f.path for f in grouping.members(g)),
                indices={key: float(v[idx]) for key, v in raw.items()},
                low=float(y_tornado[2 * idx]),
                high=float(y_tornado[2 * idx + 1]),
            )
            for idx, g in enumerate(grouping.order)
        ]
        key = how.rank_by
        rows.sort(key=lambda r: (-(r.indices[key] if np.isfinite(r.indices[key]) else -np.inf), -r.swing))
        results[out] = SensitivityResult(
            scenario_id=scenario.id,
            output=out,
            method=method,
            model=model_name if out != "agreement" else None,
            group=group,
            n=int(n),
            seed=seed,
            evaluations=unit.shape[0],
            distribution=distribution,
            baseline=float(baseline[k]),
            output_mean=float(np.mean(y_design)),
            output_sd=float(np.std(y_design, ddof=1)),
            rows=tuple(rows),
            seconds=seconds + time.perf_counter() - t0,
            notes=(*scope_notes, *notes),
        )
    return results
