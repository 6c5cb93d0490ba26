"""Which judgements matter: global sensitivity analysis with SALib.

The uncertain inputs are the scenario's ranges (:func:`~accord.experiments.montecarlo.scenario_factors`),
by default those the output reads (a model forecast reads positions, saliences and
capabilities; the agreement analysis also no-deal costs, expectations and hold
probabilities), or every range with ``factors="all"``. Each is sampled over its range
with the scenario's distribution (uniform, or PERT through its quantile function), and
``group="actor"`` or ``group="issue"`` treats the judgements about one actor (or one
issue) as one factor.

Methods (Herman & Usher 2017, *SALib*, JOSS 2(9):97)
    ``sobol``: Saltelli's scheme (Saltelli 2002; Saltelli et al. 2010) on a scrambled
    Sobol' sequence, ``N (F + 2)`` evaluations; first-order ``S1`` and total-order ``ST``
    indices with bootstrap confidence half-widths at ``conf_level``. ``N`` must be a
    power of two.
    ``morris``: elementary effects (Morris 1991; Campolongo et al. 2007) on ``N``
    trajectories of ``F + 1`` points over ``levels`` grid levels; ``mu_star`` (mean
    absolute effect, with confidence half-width), ``mu`` and ``sigma``.

Outputs
    An issue id: the model's forecast on that issue. ``"agreement"``: the gap to a zone of
    agreement from :func:`accord.agreement.zone_batch`.

Tornado
    For every factor (or group): the output with it at the low end and at the high end of
    its range(s), every other input at its midpoint.

Evaluations run in chunks of draws, each one vectorised call of the model, so memory
stays bounded. Each chunk is a pure function of a :class:`SensitivityPlan` and the chunk's
index (:func:`evaluate_chunk`), so an executor such as
:class:`~accord.experiments.executors.DaskExecutor` can run the chunks on a cluster with the
same results as in this process.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.errors import AccordError, ParameterError
from accord.experiments.montecarlo import (
    Draws,
    Factor,
    agreement_module,
    default_chunk_size,
    ensure_batch,
    require_pandas,
    scenario_factors,
    sequential,
    unit_to_distribution,
)
from accord.scenario.arrays import arrays_from_scenario
from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

METHODS = ("sobol", "morris")
GROUPS = ("actor", "issue")
DEFAULT_N = {"sobol": 1024, "morris": 100}
INSTALL_HINT = "sensitivity analysis needs SALib: pip install SALib"

Evaluate = Callable[[Callable[[str, Uncertain], Any], int], np.ndarray]  # (value_of, n) -> (n, K)


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
        return (
            ("S1", "S1_conf", "ST", "ST_conf") if self.method == "sobol" else ("mu_star", "mu_star_conf", "mu", "sigma")
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per factor, ranked.

        Columns: ``rank``, ``name``, ``label``, the indices, ``low``, ``high``, ``swing``.
        """
        pd = require_pandas()
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
                "low": _num(r.low),
                "high": _num(r.high),
                "baseline": _num(self.baseline),
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
            "baseline": _num(self.baseline),
            "output_mean": _num(self.output_mean),
            "output_sd": _num(self.output_sd),
            "seconds": self.seconds,
            "ranking": [
                {
                    "rank": k + 1,
                    "name": r.name,
                    "label": r.label,
                    "factors": list(r.factors),
                    **{i: _num(r.indices.get(i, np.nan)) for i in self.index_names},
                }
                for k, r in enumerate(self.rows)
            ],
            "tornado": self.tornado(),
            "notes": list(self.notes),
        }


def _num(x: float) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _salib() -> Any:
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise AccordError(INSTALL_HINT) from None
    return sobol_sample, sobol_analyze, morris_sample, morris_analyze


def _evaluator(
    scenario: Scenario,
    outputs: Sequence[str],
    model: str,
    params: Mapping[str, Any] | None,
    seed: int,
    options: Mapping[str, Any],
) -> tuple[Evaluate, str | None, list[str]]:
    """``evaluate(value_of, n) -> ndarray (n, K)`` for K outputs, the model's name and the output ids."""
    from accord.models.base import get_model

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
    agreement = agreement_module() if "agreement" in ids else None
    m = get_model(model) if any(c >= 0 for c in columns) else None
    p = m.parse_params(dict(params or {})) if m is not None else None

    def evaluate(value_of: Callable[[str, Uncertain], Any], n: int) -> np.ndarray:
        out = np.empty((n, len(ids)))
        if m is not None:
            arrays = ensure_batch(arrays_from_scenario(scenario, value_of), n)
            forecast = m.run(arrays, p, np.random.default_rng(seed)).forecast
            for k, c in enumerate(columns):
                if c >= 0:
                    out[:, k] = forecast[:, c]
        if agreement is not None:
            _, gap, _ = agreement.zone_batch(agreement.agreement_arrays(scenario, value_of=value_of, **options))
            out[:, ids.index("agreement")] = np.broadcast_to(np.asarray(gap, dtype=float), (n,))
        return out

    return evaluate, (m.name if m is not None else None), ids


@dataclass(frozen=True, eq=False)
class SensitivityPlan:
    """Everything needed to evaluate any chunk of a sensitivity design, on any machine.

    Attributes
    ----------
    scenario : Scenario
    outputs : tuple of str
        Output ids, as resolved by the evaluator (issue ids and/or ``"agreement"``).
    model : str
    params : dict
        The model's parameters.
    seed : int
    agreement_options : dict
        Keyword arguments for ``agreement_arrays``.
    columns : dict of str to int
        Column of ``unit`` holding each factor, by path.
    unit : ndarray, shape (E, F)
        The design (and tornado rows) in standardised values, one row per evaluation.
    chunk_size : int
        Evaluations per vectorised call.
    """

    scenario: Scenario
    outputs: tuple[str, ...]
    model: str
    params: Mapping[str, Any]
    seed: int
    agreement_options: Mapping[str, Any]
    columns: Mapping[str, int]
    unit: np.ndarray
    chunk_size: int

    @property
    def n_chunks(self) -> int:
        return -(-self.unit.shape[0] // self.chunk_size)

    def bounds(self, index: int) -> tuple[int, int]:
        """First and one-past-last evaluation of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(self.unit.shape[0], start + self.chunk_size)


@dataclass(frozen=True, eq=False)
class SensitivityChunk:
    """The outputs of one chunk of evaluations: ``values`` of shape (stop - start, K)."""

    index: int
    start: int
    stop: int
    values: np.ndarray


def evaluate_chunk(plan: SensitivityPlan, index: int) -> SensitivityChunk:
    """Evaluate chunk ``index`` of ``plan``: a pure function, safe to run on any worker."""
    evaluate, _, _ = _evaluator(
        plan.scenario, plan.outputs, plan.model, plan.params, plan.seed, plan.agreement_options
    )
    start, stop = plan.bounds(index)
    values = evaluate(Draws(plan.scenario, plan.columns, plan.unit[start:stop]).value_of, stop - start)
    return SensitivityChunk(index, start, stop, values)


def _group_of(f: Factor, group: str | None) -> str:
    if group is None:
        return f.path
    if group == "actor":
        return f.actor or (f"issue:{f.issue}" if f.issue else "deal")
    return f.issue or (f"actor:{f.actor}" if f.actor else "deal")


def _group_label(name: str, members: list[Factor], group: str | None) -> str:
    if group is None:
        return members[0].label
    kinds = sorted({f.kind for f in members})
    return f"{name}: {len(members)} judgement{'s' if len(members) != 1 else ''} ({', '.join(kinds)})"


def sensitivity(scenario: Scenario, output: str, **options: Any) -> SensitivityResult:
    """Global sensitivity of one output to the scenario's ranges.

    Parameters
    ----------
    scenario : Scenario
    output : str
        An issue id (or alias): the forecast of ``model`` on it; or ``"agreement"``: the
        gap to a zone of agreement.
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
    executor: Callable[..., Any] | None = None,
) -> dict[str, SensitivityResult]:
    """Global sensitivity of several outputs, from one design and one pass of evaluations.

    Parameters
    ----------
    scenario : Scenario
    outputs : sequence of str, optional
        Issue ids (forecasts of ``model``) and/or ``"agreement"`` (the gap to a zone of
        agreement). Default: every issue.
    method : {"sobol", "morris"}
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
        Evaluations per vectorised call (default :func:`default_chunk_size`).
    at, levers, types :
        Passed to ``agreement_arrays`` for the agreement output.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of evaluations.
    executor : callable, optional
        ``executor(evaluate_chunk, plan, indices)`` yielding :class:`SensitivityChunk` in
        any order, e.g. :class:`~accord.experiments.executors.DaskExecutor`. Default: the
        chunks one after another in this process. The results do not depend on it.

    Returns
    -------
    dict of str to SensitivityResult
        By output id, in the order given.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if group is not None and group not in GROUPS:
        raise ParameterError(f"group must be one of {', '.join(GROUPS)}, got {group!r}")
    n = DEFAULT_N[method] if n is None else n
    if not isinstance(n, int | np.integer) or n < 2:
        raise ParameterError(f"n must be an integer >= 2, got {n!r}")
    if method == "sobol" and n & (n - 1):
        lower = 1 << (int(n).bit_length() - 1)
        raise ParameterError(f"n must be a power of two for Sobol sampling, got {n}; try {lower} or {lower * 2}")
    if method == "morris" and (levels < 2 or levels % 2):
        raise ParameterError(f"levels must be an even integer >= 2, got {levels!r}")
    if not 0 < conf_level < 1:
        raise ParameterError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int | np.integer) or chunk_size < 1):
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    sobol_sample, sobol_analyze, morris_sample, morris_analyze = _salib()

    outputs = [i.id for i in scenario.issues] if outputs is None else list(outputs)
    agreement_options = {"at": at, "levers": tuple(levers), "types": types}
    evaluate, model_name, output_ids = _evaluator(scenario, outputs, model, params, int(seed), agreement_options)

    # Which ranges do the outputs read? One evaluation at the midpoints tells.
    asked: set[str] = set()

    def recording(path: str, value: Uncertain) -> np.ndarray:
        asked.add(path)
        return np.full(1, value.mid)

    baseline = evaluate(recording, 1)[0]
    every = scenario_factors(scenario)
    if factors == "relevant":
        chosen = [f for f in every if f.path in asked]
    elif factors == "all":
        chosen = list(every)
    else:
        known = {f.path: f for f in every}
        unknown = [path for path in factors if path not in known]
        if unknown:
            raise ParameterError(f"not a range in the scenario: {', '.join(unknown)}")
        chosen = [known[path] for path in dict.fromkeys(factors)]
    if not chosen:
        raise ParameterError("the outputs read no range of the scenario: nothing is uncertain")

    group_names = [_group_of(f, group) for f in chosen]
    order = list(dict.fromkeys(group_names))
    problem: dict[str, Any] = {
        "num_vars": len(chosen),
        "names": [f.path for f in chosen],
        "bounds": [[0.0, 1.0]] * len(chosen),
    }
    if group is not None:
        problem["groups"] = group_names
    if method == "sobol":
        design = sobol_sample.sample(problem, int(n), calc_second_order=False, seed=int(seed))
    else:
        design = morris_sample.sample(problem, int(n), num_levels=levels, seed=int(seed))

    # Tornado rows: each group at its low (0) and high (1) end, everything else at the midpoint.
    # They are standardised values already: 0, 1/2 and 1 are a range's low end, midpoint and
    # high end under either distribution.
    tornado = np.full((2 * len(order), len(chosen)), 0.5)
    for k, name in enumerate(order):
        cols = [j for j, g in enumerate(group_names) if g == name]
        tornado[2 * k, cols] = 0.0
        tornado[2 * k + 1, cols] = 1.0
    distribution = scenario.distribution
    unit = np.concatenate([unit_to_distribution(design, distribution), tornado])
    columns = {f.path: j for j, f in enumerate(chosen)}
    total = unit.shape[0]
    step = int(chunk_size or default_chunk_size(scenario, {model_name or "agreement": dict(params or {})}))
    plan = SensitivityPlan(
        scenario, tuple(output_ids), model, dict(params or {}), int(seed), agreement_options, columns, unit, step
    )
    y = np.empty((total, len(output_ids)))
    done = 0
    for chunk in (executor or sequential)(evaluate_chunk, plan, range(plan.n_chunks)):
        y[chunk.start : chunk.stop] = chunk.values
        done += chunk.stop - chunk.start
        if progress is not None:
            progress(done, total)
    members = {g: [f for f, gn in zip(chosen, group_names, strict=True) if gn == g] for g in order}
    seconds = time.perf_counter() - started

    results: dict[str, SensitivityResult] = {}
    for k, out in enumerate(output_ids):
        t0 = time.perf_counter()
        y_design, y_tornado = y[: len(design), k], y[len(design) :, k]
        if not np.all(np.isfinite(y_design)):
            raise AccordError(
                f"the output {out!r} is undefined (NaN) for some inputs; sensitivity needs a defined output"
            )
        raw, notes = _analyse(
            method,
            problem,
            design,
            y_design,
            order,
            sobol_analyze,
            morris_analyze,
            levels=levels,
            conf_level=conf_level,
            resamples=resamples,
            seed=int(seed),
        )
        rows = [
            SensitivityRow(
                name=g,
                label=_group_label(g, members[g], group),
                factors=tuple(f.path for f in members[g]),
                indices={key: float(v[idx]) for key, v in raw.items()},
                low=float(y_tornado[2 * idx]),
                high=float(y_tornado[2 * idx + 1]),
            )
            for idx, g in enumerate(order)
        ]
        key = "ST" if method == "sobol" else "mu_star"
        rows.sort(key=lambda r: (-(r.indices[key] if np.isfinite(r.indices[key]) else -np.inf), -r.swing))
        results[out] = SensitivityResult(
            scenario_id=scenario.id,
            output=out,
            method=method,
            model=model_name if out != "agreement" else None,
            group=group,
            n=int(n),
            seed=int(seed),
            evaluations=total,
            distribution=distribution,
            baseline=float(baseline[k]),
            output_mean=float(np.mean(y_design)),
            output_sd=float(np.std(y_design, ddof=1)),
            rows=tuple(rows),
            seconds=seconds + time.perf_counter() - t0,
            notes=tuple(notes),
        )
    return results


def _analyse(
    method: str,
    problem: dict[str, Any],
    design: np.ndarray,
    y: np.ndarray,
    order: list[str],
    sobol_analyze: Any,
    morris_analyze: Any,
    *,
    levels: int,
    conf_level: float,
    resamples: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], list[str]]:
    """SALib's indices for output ``y`` (shape (N,)), one entry per group in ``order``."""
    keys = ("S1", "S1_conf", "ST", "ST_conf") if method == "sobol" else ("mu", "mu_star", "mu_star_conf", "sigma")
    if float(np.ptp(y)) == 0.0:
        return (
            {k: np.zeros(len(order)) for k in keys},
            ["the output does not vary over the ranges: every index is 0"],
        )
    # SALib's Sobol analysis falls back to the global random state when its seed is 0, so
    # the bootstrap gets a non-zero seed derived from ours.
    boot_seed = int(np.random.SeedSequence(seed, spawn_key=(3,)).generate_state(1)[0]) or 1
    with warnings.catch_warnings():
        # Bootstrap resamples of a nearly constant output can divide by zero; SALib then
        # reports NaN confidence, which is what we pass on.
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            res = sobol_analyze.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=resamples,
                conf_level=conf_level,
                seed=boot_seed,
            )
        else:
            res = morris_analyze.analyze(
                problem,
                design,
                y,
                num_resamples=resamples,
                conf_level=conf_level,
                num_levels=levels,
                seed=boot_seed,
            )
    raw = {k: np.asarray(res[k], dtype=float).reshape(-1) for k in keys}
    if "names" in res and list(res["names"]) != order:
        perm = [list(res["names"]).index(g) for g in order]
        raw = {k: v[perm] for k, v in raw.items()}
    return raw, []
