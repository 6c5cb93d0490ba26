"""Evaluating an experiment chunk by chunk: one plan for Monte Carlo and sensitivity.

An experiment evaluates models (and the agreement analysis) on many draws of a
scenario's inputs. A :class:`Plan` holds everything needed for that: *what* is computed
on each draw (an :class:`Evaluation`), *where the draws come from* (a
:class:`~accord.experiments.sampling.DrawSource`: random draws for Monte Carlo, a fixed
design for sensitivity) and how the draws are cut into chunks. :func:`run_chunk` is a
pure function of the plan and a chunk's index, so an :class:`Executor` may run chunks
anywhere, in any order, with the same results. Each chunk's inputs become arrays with a
leading draw axis once, and each model runs them in one vectorised call, so memory is
bounded by the chunk size.

The agreement analysis of a chunk is :func:`agreement_outputs`, one function from the
chunk's draws to named arrays with a leading draw axis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from accord.agreement import agreement_arrays, zone_batch
from accord.agreement.probability import margins, pivotal_lines
from accord.errors import AccordError
from accord.experiments.agreement import real_of_values
from accord.experiments.sampling import BLOCK, DrawSource, ensure_batch
from accord.models.base import get_model
from accord.scenario.arrays import ScenarioArrays, ValueOf, arrays_from_scenario
from accord.scenario.schema import Scenario

#: Working memory a chunk may use by default, in bytes (see :func:`default_chunk_size`).
CHUNK_BYTES = 64 * 2**20


@dataclass(frozen=True, eq=False)
class Evaluation:
    """What is computed on every draw.

    Attributes
    ----------
    scenario : Scenario
    models : tuple of str
        Registered model names, each run on the draws' :class:`ScenarioArrays`.
    params : dict of str to dict
        Parameters by model; missing ones take the model's defaults.
    agreement : dict or None
        Keyword arguments for :func:`~accord.agreement.agreement_arrays` (``at``,
        ``levers``, ``types``) when the agreement analysis runs on every draw; None when
        it does not.
    """

    scenario: Scenario
    models: tuple[str, ...] = ()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    agreement: Mapping[str, Any] | None = None


@dataclass(frozen=True, eq=False)
class Outputs:
    """What an :class:`Evaluation` gives for D draws.

    Attributes
    ----------
    forecasts : dict of str to ndarray, shape (D, I)
        By model.
    agreement : dict of str to ndarray, or None
        :func:`agreement_outputs`, each array with a leading draw axis of length D.
    """

    forecasts: dict[str, np.ndarray]
    agreement: dict[str, np.ndarray] | None = None


def agreement_outputs(
    scenario: Scenario, value_of: ValueOf, n: int, options: Mapping[str, Any]
) -> dict[str, np.ndarray]:
    """The agreement analysis of the comprehensive deal on ``n`` draws.

    Every range is drawn through ``value_of`` and each red line is drawn real with its
    credibility (its uniform draw is ``value_of("<where it is set>.real", [0, 1])``, see
    :func:`~accord.experiments.agreement.real_of`).

    Parameters
    ----------
    scenario : Scenario
    value_of : callable ``(path, Uncertain) -> ndarray of shape (n,)``
        The draws (see :meth:`~accord.experiments.sampling.Draws.value_of`).
    n : int
        Number of draws D.
    options : dict
        Keyword arguments for :func:`~accord.agreement.agreement_arrays`, and ``pivotal``
        (default False): also find the red lines that alone block a zone in each draw
        (a few more programs for each draw without a zone).

    Returns
    -------
    dict of str to ndarray
        ``zone_exists`` (bool, shape (D,)): whether a zone of agreement exists;
        ``gap`` (shape (D,)): the smallest total relaxation that opens one, 0 where one
        exists; ``actor_gap`` (shape (D, A)): each actor's part of it; ``score`` (shape
        (D,)): the margin where a zone exists, minus the gap where none does;
        ``held`` and ``pivotal`` (bool, shape (D, R)): whether each red line is held, and
        whether it alone blocks a zone (``pivotal`` only when asked for).
    """
    options = dict(options)
    with_pivotal = bool(options.pop("pivotal", False))
    real = real_of_values(value_of, scenario.distribution)
    arrays = agreement_arrays(scenario, value_of=value_of, real_of=real, **options).broadcast(n)
    zone, gap, actor_gap = zone_batch(arrays)
    zone = np.broadcast_to(np.asarray(zone, dtype=bool), (n,))
    gap = np.broadcast_to(np.asarray(gap, dtype=float), (n,))
    return {
        "zone_exists": zone,
        "gap": gap,
        "actor_gap": np.asarray(actor_gap, dtype=float).reshape(n, -1),
        "score": np.where(zone, margins(arrays, zone), -gap),
        "held": np.broadcast_to(arrays.red_real, (n, arrays.n_red_lines)),
        **({"pivotal": pivotal_lines(arrays, zone)} if with_pivotal else {}),
    }


def evaluate(
    evaluation: Evaluation,
    value_of: ValueOf,
    n: int,
    model_rng: Callable[[str], np.random.Generator],
) -> Outputs:
    """Run ``evaluation`` on ``n`` draws.

    Parameters
    ----------
    evaluation : Evaluation
    value_of : callable ``(path, Uncertain) -> float or ndarray of shape (n,)``
    n : int
        Number of draws D.
    model_rng : callable
        ``model_rng(name)``: the generator model ``name`` gets.

    Returns
    -------
    Outputs
        Forecasts of shape (D, I) by model; the agreement outputs when asked for.
    """
    forecasts: dict[str, np.ndarray] = {}
    if evaluation.models:
        arrays: ScenarioArrays = ensure_batch(arrays_from_scenario(evaluation.scenario, value_of), n)
        for name in evaluation.models:
            result = get_model(name).run(arrays, dict(evaluation.params.get(name, {})), model_rng(name))
            forecasts[name] = np.asarray(result.forecast, dtype=float)
    agreement = None
    if evaluation.agreement is not None:
        agreement = agreement_outputs(evaluation.scenario, value_of, n, evaluation.agreement)
    return Outputs(forecasts, agreement)


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything needed to evaluate any chunk of an experiment, on any machine.

    Attributes
    ----------
    evaluation : Evaluation
    source : DrawSource
        A :class:`~accord.experiments.sampling.Sampler` or
        :class:`~accord.experiments.sampling.FixedSample`.
    size : int
        Number of draws E.
    chunk_size : int
        Draws per chunk.
    """

    evaluation: Evaluation
    source: DrawSource
    size: int
    chunk_size: int

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return -(-self.size // self.chunk_size)

    def bounds(self, index: int) -> tuple[int, int]:
        """First and one-past-last draw of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(self.size, start + self.chunk_size)


@dataclass(frozen=True, eq=False)
class Chunk:
    """The outputs of one chunk of draws.

    Attributes
    ----------
    index, start, stop : int
    outputs : Outputs
        Arrays with a leading axis of length ``stop - start``.
    """

    index: int
    start: int
    stop: int
    outputs: Outputs


def run_chunk(plan: Plan, index: int) -> Chunk:
    """Evaluate chunk ``index`` of ``plan``: a pure function, safe to run on any worker."""
    start, stop = plan.bounds(index)
    draws = plan.source.draws(start, stop)
    return Chunk(index, start, stop, evaluate(plan.evaluation, draws.value_of, stop - start, plan.source.model_rng))


P = TypeVar("P")
R = TypeVar("R")


class Executor(Protocol):
    """Runs the chunks of a plan: ``executor(run_chunk, plan, indices)``.

    Yields ``run_chunk(plan, index)`` for every index, in any order.
    :func:`sequential` is the default; :class:`~accord.experiments.executors.DaskExecutor`
    runs chunks on a Dask cluster.
    """

    def __call__(self, func: Callable[[P, int], R], plan: P, indices: Sequence[int]) -> Iterable[R]:
        """Yield ``func(plan, index)`` for every index, in any order."""
        ...


def sequential(func: Callable[[P, int], R], plan: P, indices: Sequence[int]) -> Iterator[R]:
    """The default executor: chunks one after another in this process."""
    for index in indices:
        yield func(plan, index)


def run_plan(
    plan: Plan,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outputs:
    """Every chunk of ``plan``, gathered.

    Parameters
    ----------
    plan : Plan
    executor : Executor, optional
        Default :func:`sequential`.
    progress : callable, optional
        ``progress(done, total)`` after each chunk.

    Returns
    -------
    Outputs
        Forecasts of shape (E, I) by model, the agreement outputs with a leading axis
        of length E.
    """
    n_issues = len(plan.evaluation.scenario.issues)
    forecasts = {name: np.empty((plan.size, n_issues)) for name in plan.evaluation.models}
    agreement: dict[str, np.ndarray] | None = {} if plan.evaluation.agreement is not None else None
    done = 0
    for chunk in (executor or sequential)(run_chunk, plan, range(plan.n_chunks)):
        part = slice(chunk.start, chunk.stop)
        for name in forecasts:
            forecasts[name][part] = chunk.outputs.forecasts[name]
        if agreement is not None and chunk.outputs.agreement is not None:
            for key, value in chunk.outputs.agreement.items():
                if key not in agreement:
                    agreement[key] = np.empty((plan.size, *value.shape[1:]), dtype=value.dtype)
                agreement[key][part] = value
        done += chunk.stop - chunk.start
        if progress is not None:
            progress(done, plan.size)
    return Outputs(forecasts, agreement)


def default_chunk_size(
    scenario: Scenario, params: Mapping[str, Mapping[str, Any]] | None = None, budget: int = CHUNK_BYTES
) -> int:
    """Draws per chunk so that a chunk's working memory stays near ``budget`` bytes.

    Parameters
    ----------
    scenario : Scenario
    params : dict of str to dict, optional
        Parameters by model name; a registered model's defaults fill what is missing.
    budget : int

    Returns
    -------
    int
        A whole number of blocks, at least one. The estimate is ``8 A I (8 + 32 R)``
        bytes a draw, ``R`` being the largest ``rounds``/``iterations`` of the models: on
        the built-in case it is close to what the compromise and exchange models were
        measured to use (about 3 and 150 KB a draw) and about ten times what the expected
        utility model uses.
    """
    a, i = max(1, len(scenario.actors)), max(1, len(scenario.issues))
    rounds = 0
    for name, p in (params or {}).items():
        try:
            full = get_model(name).parse_params(dict(p)).model_dump()
        except AccordError:
            full = dict(p)
        for key in ("rounds", "iterations"):
            if isinstance(full.get(key), int):
                rounds = max(rounds, full[key])
    per_draw = 8 * (a * i * (8 + 32 * rounds) + a)
    return max(1, budget // per_draw // BLOCK) * BLOCK
