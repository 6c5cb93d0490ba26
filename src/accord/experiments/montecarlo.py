"""Monte Carlo: sample every range of a scenario and run models on each draw.

:func:`monte_carlo` draws the scenario's factors (:mod:`accord.experiments.factors`)
reproducibly by block (:mod:`accord.experiments.sampling`) and evaluates the draws chunk
by chunk (:mod:`accord.experiments.evaluate`): a chunk becomes
:class:`~accord.scenario.arrays.ScenarioArrays` with a leading draw axis and each model
runs it in one vectorised call, so memory is bounded by the chunk size (plus the
forecasts kept: ``draws x issues`` floats per model). Chunks are independent;
:class:`~accord.experiments.executors.DaskExecutor` runs them on a Dask cluster. When
the scenario names veto players, the agreement analysis runs on every draw too
(:class:`AgreementDraws`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.agreement import agreement_arrays
from accord.errors import ParameterError
from accord.experiments.evaluate import Evaluation, Executor, Outputs, Plan, default_chunk_size, run_plan
from accord.experiments.factors import Factor
from accord.experiments.sampling import BLOCK, Sampler
from accord.jsonable import finite_or_none
from accord.models.base import get_model, model_names
from accord.scenario.schema import Scenario

#: Draws per chunk of the agreement analysis, which runs apart from the models (on the same
#: draws): its programs take milliseconds a draw, so small chunks keep progress reports
#: and worker processes busy while the models keep their large vectorised chunks.
AGREEMENT_CHUNK = 256


def has_veto_players(scenario: Scenario) -> bool:
    """True when some issue names actors whose consent a deal needs."""
    return any(issue.veto for issue in scenario.issues)


def describe(x: np.ndarray) -> dict[str, float | None]:
    """Mean, standard deviation (n - 1) and 10/50/90th percentiles of the finite values.

    Parameters
    ----------
    x : ndarray, shape (D,)

    Returns
    -------
    dict
        ``mean``, ``sd``, ``p10``, ``p50``, ``p90``; None where undefined (no finite
        value; ``sd`` with one value).
    """
    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "sd": None, "p10": None, "p50": None, "p90": None}
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    return {
        "mean": float(v.mean()),
        "sd": float(v.std(ddof=1)) if v.size > 1 else None,
        "p10": float(p10),
        "p50": float(p50),
        "p90": float(p90),
    }


@dataclass(frozen=True, eq=False)
class AgreementDraws:
    """The agreement analysis over the draws.

    Its fields are the arrays :func:`~accord.experiments.evaluate.agreement_outputs`
    returns for each chunk, gathered over every draw.

    Attributes
    ----------
    actor_ids : tuple of str, length A
    zone_exists : ndarray of bool, shape (D,)
        Whether a zone of agreement exists in each draw.
    gap : ndarray, shape (D,)
        How far the draw is from a zone of agreement (as ``zone_batch`` defines it).
    actor_gap : ndarray, shape (D, A)
        Each actor's own gap; an actor *blocks* in a draw when its gap is positive.
    score : ndarray, shape (D,)
        The margin where a zone exists, minus the gap where none does.
    held, pivotal : ndarray of bool, shape (D, R)
        Whether each red line is held (drawn real with its credibility) and whether it
        alone blocks a zone in the draw.
    red_lines : tuple of dict, length R
        Each red line's ``actor``, ``issue``, ``bound`` and ``value``.
    """

    actor_ids: tuple[str, ...]
    zone_exists: np.ndarray
    gap: np.ndarray
    actor_gap: np.ndarray
    score: np.ndarray | None = None
    held: np.ndarray | None = None
    pivotal: np.ndarray | None = None
    red_lines: tuple[dict[str, Any], ...] = ()

    @property
    def p_zone_se(self) -> float:
        """Monte Carlo standard error of :attr:`p_zone`."""
        n = self.zone_exists.size
        return math.sqrt(self.p_zone * (1.0 - self.p_zone) / n) if n else math.nan

    @property
    def p_zone(self) -> float:
        """Share of draws in which a zone of agreement exists."""
        return float(np.mean(self.zone_exists)) if self.zone_exists.size else math.nan

    @property
    def block_rate(self) -> np.ndarray:
        """Share of draws in which each actor blocks, shape (A,)."""
        if not self.actor_gap.size:
            return np.zeros(len(self.actor_ids))
        return np.mean(self.actor_gap > 0, axis=0)

    def to_json(self) -> dict[str, Any]:
        """``p_zone``, the gap's summary and each actor's block rate, as plain JSON data (NaN as null)."""
        out: dict[str, Any] = {
            "p_zone": finite_or_none(self.p_zone),
            "p_zone_se": finite_or_none(self.p_zone_se),
            "draws": int(self.zone_exists.size),
            "gap": describe(self.gap),
            "blocks": {a: float(r) for a, r in zip(self.actor_ids, self.block_rate, strict=True)},
        }
        if self.held is not None:
            out["red_lines"] = [
                {**line, "held": float(self.held[:, r].mean()),
                 "pivotal": float(self.pivotal[:, r].mean()) if self.pivotal is not None else None}
                for r, line in enumerate(self.red_lines)
            ]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per actor: ``actor``, ``block_rate``, ``mean_gap``.

        ``attrs`` hold ``p_zone`` and the gap's summary.
        """
        with np.errstate(all="ignore"):
            mean_gap = self.actor_gap.mean(axis=0) if self.actor_gap.size else np.full(len(self.actor_ids), np.nan)
        frame = pd.DataFrame({"actor": list(self.actor_ids), "block_rate": self.block_rate, "mean_gap": mean_gap})
        frame.attrs.update({"p_zone": self.p_zone, "gap": describe(self.gap)})
        return frame


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """A Monte Carlo study: every draw's outputs and their summaries.

    Attributes
    ----------
    scenario_id : str
    actor_ids : tuple of str, length A
    issue_ids : tuple of str, length I
    draws, seed, chunk_size : int
    distribution : str
    noise : dict of str to float
    factors : tuple of Factor, length F
    forecasts : dict of str to ndarray, shape (D, I)
        Every draw's forecast, by model.
    params : dict of str to dict
    agreement : AgreementDraws or None
    seconds : float
        Wall time.
    notes : tuple of str
    """

    scenario_id: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    draws: int
    seed: int
    chunk_size: int
    distribution: str
    noise: dict[str, float]
    factors: tuple[Factor, ...]
    forecasts: dict[str, np.ndarray]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    agreement: AgreementDraws | None = None
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    def summary(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """``{model: {issue: {mean, sd, p10, p50, p90}}}``."""
        return {m: {iid: describe(f[:, k]) for k, iid in enumerate(self.issue_ids)} for m, f in self.forecasts.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per model and issue: ``model``, ``issue``, ``mean``, ``sd``, ``p10``, ``p50``, ``p90``."""
        rows = [
            {"model": m, "issue": iid, **stats}
            for m, by_issue in self.summary().items()
            for iid, stats in by_issue.items()
        ]
        frame = pd.DataFrame(rows, columns=["model", "issue", "mean", "sd", "p10", "p50", "p90"])
        return frame.astype({c: float for c in ("mean", "sd", "p10", "p50", "p90")})

    def draws_frame(self, model: str) -> pd.DataFrame:
        """Every draw's forecast of ``model``: shape (D, I), one column per issue."""
        return pd.DataFrame(self.forecasts[model], columns=list(self.issue_ids))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (NaN as null)."""
        return {
            "scenario": self.scenario_id,
            "draws": self.draws,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "block_size": BLOCK,
            "distribution": self.distribution,
            "noise": dict(self.noise),
            "factors": len(self.factors),
            "seconds": self.seconds,
            "models": {
                m: {"params": self.params.get(m, {}), "issues": by_issue} for m, by_issue in self.summary().items()
            },
            "agreement": self.agreement.to_json() if self.agreement is not None else None,
            "notes": list(self.notes),
        }


def monte_carlo(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    draws: int = 10_000,
    seed: int = 0,
    chunk_size: int | None = None,
    noise: Mapping[str, float] | Iterable[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    agreement: bool | None = None,
    at: Any = None,
    levers: Sequence[str] = (),
    types: Any = None,
    pivotal: bool = False,
    agreement_draws: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult:
    """Sample every range of ``scenario`` and run models (and the agreement analysis) on each draw.

    Parameters
    ----------
    scenario : Scenario
    models : sequence of str, optional
        Registered model names; default every registered model. Pass ``[]`` for none.
    draws : int
        Number of draws D.
    seed : int
        The same seed gives the same numbers for any ``chunk_size`` and executor.
    chunk_size : int, optional
        Draws evaluated at once; rounded up to a whole number of blocks
        (:data:`~accord.experiments.sampling.BLOCK`) and at most the draws rounded up
        to whole blocks. Default :func:`~accord.experiments.evaluate.default_chunk_size`.
    noise : mapping or list of "KIND=SIGMA", optional
        Global noise (:data:`~accord.experiments.factors.NOISE_KINDS`).
    params : dict of str to dict, optional
        Model parameters by model name.
    agreement : bool, optional
        Run the agreement analysis on every draw. Default: when the scenario has veto
        players.
    at, levers, types :
        Passed to :func:`~accord.agreement.agreement_arrays`.
    pivotal : bool
        Also find, in each draw without a zone, the red lines that alone block one.
    agreement_draws : int, optional
        Run the agreement analysis on the first this many draws only (the same draws the
        models see); default every draw. Its programs cost milliseconds a draw where the
        models cost microseconds, so a large study may sample the verdict on fewer draws.
    executor : Executor, optional
        ``executor(run_chunk, plan, indices)`` yielding chunks in any order; default
        :func:`~accord.experiments.evaluate.sequential`. See
        :mod:`accord.experiments.executors`.
    progress : callable, optional
        Called as ``progress(draws_done, draws_total)`` after each chunk.

    Returns
    -------
    MonteCarloResult
    """
    started = time.perf_counter()
    if not isinstance(draws, int | np.integer) or draws < 1:
        raise ParameterError(f"draws must be a positive integer, got {draws!r}")
    sampler = Sampler(scenario, seed, noise)
    requested = list(model_names() if models is None else models)
    names = tuple(dict.fromkeys(get_model(m).name for m in requested))
    all_params: dict[str, dict[str, Any]] = {n: {} for n in names}
    for m in requested:
        if params and m in params:
            all_params[get_model(m).name] = dict(params[m])
    for n in names:
        get_model(n).parse_params(all_params[n])
    if agreement is None:
        agreement = has_veto_players(scenario)
    if not names and not agreement:
        raise ParameterError("nothing to evaluate: no model and no agreement analysis")
    if chunk_size is None:
        chunk_size = default_chunk_size(scenario, all_params)
    elif not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    blocks = -(-int(draws) // BLOCK)
    chunk_size = min(-(-int(chunk_size) // BLOCK), blocks) * BLOCK
    options = {"at": at, "levers": tuple(levers), "types": types, "pivotal": pivotal} if agreement else None
    n_agree = int(draws) if agreement_draws is None else max(1, min(int(draws), int(agreement_draws)))
    n_total = (int(draws) if names else 0) + (n_agree if options is not None else 0)
    forecasts: dict[str, np.ndarray] = {}
    if names:
        plan = Plan(Evaluation(scenario, names, all_params, None), sampler, int(draws), chunk_size)
        forecasts = run_plan(plan, executor, None if progress is None else lambda d, n: progress(d, n_total)).forecasts
    agreed = None
    if options is not None:
        done = int(draws) if names else 0
        side = Plan(Evaluation(scenario, (), all_params, options), sampler, n_agree,
                    min(chunk_size, n_agree, AGREEMENT_CHUNK))
        agreed = run_plan(
            side, executor, None if progress is None else lambda d, n: progress(done + d, n_total)
        ).agreement
    outputs = Outputs(forecasts, agreed)

    actor_ids = tuple(a.id for a in scenario.actors)
    sampled_agreement = None
    if outputs.agreement is not None:
        base = agreement_arrays(scenario, at=at, levers=tuple(levers), types=types)
        red_lines = tuple(base.red_label(r) for r in range(base.n_red_lines))
        sampled_agreement = AgreementDraws(actor_ids, red_lines=red_lines, **outputs.agreement)
    return MonteCarloResult(
        scenario_id=scenario.id,
        actor_ids=actor_ids,
        issue_ids=tuple(i.id for i in scenario.issues),
        draws=int(draws),
        seed=sampler.seed,
        chunk_size=chunk_size,
        distribution=sampler.distribution,
        noise=dict(sampler.noise),
        factors=sampler.factors,
        forecasts=outputs.forecasts,
        params={n: get_model(n).parse_params(all_params[n]).model_dump() for n in names},
        agreement=sampled_agreement,
        seconds=time.perf_counter() - started,
    )
