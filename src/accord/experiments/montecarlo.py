"""Uncertain inputs, reproducible sampling and chunked Monte Carlo.

Factors
    Every ``[low, high]`` range in a scenario is an uncertain input, a *factor*, named by
    its path in the file: ``actors[0].capability``, ``actors[0].no_deal_cost``,
    ``actors[0].no_deal_cost_path[1].value``, ``issues[2].hold_probability``,
    ``hold_probability``, ``stances[3].position``, ``stances[3].salience``,
    ``stances[3].expects``, ``timeline[0].edits[1].set``, ``levers[0].edits[1].add``,
    ``types[0].stances[2].position``. :func:`scenario_factors` lists them in that order.

Distributions
    Uniform on ``[low, high]`` by default; with ``distribution: pert`` in the scenario,
    PERT with the midpoint as mode and the standard weight λ = 4, i.e.
    ``low + (high - low) * Beta(3, 3)``.

Noise
    Optional global noise on top of the ranges (``--noise position=5``): each draw adds
    independent normal noise N(0, σ) to every stance's position (σ in scale units) or
    salience (σ in salience units), then clips to the issue's scale or to [0, 1];
    ``capability=σ`` multiplies every capability by ``1 + N(0, σ)``, floored at 0.
    Noise applies to point values as well as to ranges.

Reproducibility
    Draws are generated in fixed blocks of :data:`BLOCK` draws. Block ``b`` takes its
    generator from ``SeedSequence(seed, spawn_key=(0, b))``: first a (BLOCK, F) matrix of
    factor draws, then the noise, kind by kind. Draw ``j`` is row ``j % BLOCK`` of block
    ``j // BLOCK`` whatever the chunk size or the number of workers, so the same seed gives
    the same numbers however the work is split. Chunks are whole numbers of blocks.
    A model that itself draws random numbers gets, for every chunk, a fresh generator
    from ``SeedSequence(seed, spawn_key=(1, crc32(model name)))``. A model that seeds
    every draw alike from it, as the exchange model does for its tie-breaks, so gives
    the same numbers for any chunk size; one that drew its numbers draw after draw from
    the generator would not.

Monte Carlo
    :func:`monte_carlo` evaluates the draws chunk by chunk: a chunk becomes
    :class:`~accord.scenario.arrays.ScenarioArrays` with a leading draw axis and each
    model runs it in one vectorised call, so memory is bounded by the chunk size (plus
    the forecasts kept: ``draws x issues`` floats per model). Chunks are independent;
    :mod:`accord.experiments.executors` runs them on a Dask cluster.
"""

from __future__ import annotations

import importlib
import math
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.errors import AccordError, ParameterError
from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Draws per block: the unit of random generation (chunks are whole numbers of blocks).
BLOCK = 1024
#: Kinds of global noise and what σ means for each.
NOISE_KINDS = {
    "position": "N(0, σ) added to every position, in scale units, clipped to the scale",
    "salience": "N(0, σ) added to every salience, clipped to [0, 1]",
    "capability": "every capability multiplied by 1 + N(0, σ), floored at 0",
}
#: Working memory a chunk may use by default, in bytes (see :func:`default_chunk_size`).
CHUNK_BYTES = 64 * 2**20
#: PERT shape for a mode at the midpoint with λ = 4: Beta(1 + λ/2, 1 + λ/2).
PERT_SHAPE = 3.0

_FACTOR_STREAM, _MODEL_STREAM, _EXTRA_STREAM = 0, 1, 2
AGREEMENT_UNAVAILABLE = (
    "agreement sampling unavailable: accord.agreement (agreement_arrays, zone_batch) "
    "is not part of this installation"
)


# --------------------------------------------------------------------------- factors


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a range in the scenario.

    Attributes
    ----------
    path : str
        Where it is in the scenario, e.g. ``"stances[3].position"``.
    low, high : float
        The range.
    kind : str
        ``position``, ``salience``, ``expects``, ``capability``, ``no_deal_cost`` or
        ``hold_probability``.
    actor, issue : str or None
        The actor and issue it belongs to, when it belongs to one.
    label : str
        The judgement in words, e.g. ``"russia: position on territory"``.
    """

    path: str
    low: float
    high: float
    kind: str
    actor: str | None
    issue: str | None
    label: str

    @property
    def mid(self) -> float:
        return 0.5 * (self.low + self.high)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "low": self.low,
            "high": self.high,
            "kind": self.kind,
            "actor": self.actor,
            "issue": self.issue,
            "label": self.label,
        }


def scenario_factors(scenario: Scenario) -> tuple[Factor, ...]:
    """Every range in ``scenario``, in the order of the file.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    tuple of Factor, length F
        Actors (capability, no-deal cost and its path), issues (hold probability), the
        deal's hold probability, stances (position, salience, expects), timeline and
        lever edits, and the stances of alternative actor types. Point values are not
        factors.
    """
    out: list[Factor] = []

    def add(path: str, value: Uncertain | None, kind: str, actor: str | None, issue: str | None, label: str) -> None:
        if value is not None and value.is_range:
            out.append(Factor(path, value.low, value.high, kind, actor, issue, label))

    for k, a in enumerate(scenario.actors):
        add(f"actors[{k}].capability", a.capability, "capability", a.id, None, f"{a.id}: capability")
        add(f"actors[{k}].no_deal_cost", a.no_deal_cost, "no_deal_cost", a.id, None, f"{a.id}: no-deal cost")
        for j, point in enumerate(a.no_deal_cost_path):
            add(
                f"actors[{k}].no_deal_cost_path[{j}].value",
                point.value,
                "no_deal_cost",
                a.id,
                None,
                f"{a.id}: no-deal cost on {point.date.isoformat()}",
            )
    for k, issue in enumerate(scenario.issues):
        add(
            f"issues[{k}].hold_probability",
            issue.hold_probability,
            "hold_probability",
            None,
            issue.id,
            f"{issue.id}: chance a deal holds",
        )
    add("hold_probability", scenario.hold_probability, "hold_probability", None, None, "chance the deal holds")
    for k, st in enumerate(scenario.stances):
        add(
            f"stances[{k}].position",
            st.position,
            "position",
            st.actor,
            st.issue,
            f"{st.actor}: position on {st.issue}",
        )
        add(
            f"stances[{k}].salience",
            st.salience,
            "salience",
            st.actor,
            st.issue,
            f"{st.actor}: salience of {st.issue}",
        )
        add(
            f"stances[{k}].expects",
            st.expects,
            "expects",
            st.actor,
            st.issue,
            f"{st.actor}: expects without a deal on {st.issue}",
        )
    for k, snap in enumerate(scenario.timeline):
        for j, edit in enumerate(snap.edits):
            op, value = edit.operation
            where = ", ".join(x for x in (edit.actor, edit.issue) if x)
            add(
                f"timeline[{k}].edits[{j}].{op}",
                value,
                edit.field,
                edit.actor,
                edit.issue,
                f"{snap.date.isoformat()} {snap.label}: {op} {edit.field}" + (f" ({where})" if where else ""),
            )
    for k, lever in enumerate(scenario.levers):
        for j, edit in enumerate(lever.edits):
            op, value = edit.operation
            where = ", ".join(x for x in (edit.actor, edit.issue) if x)
            add(
                f"levers[{k}].edits[{j}].{op}",
                value,
                edit.field,
                edit.actor,
                edit.issue,
                f"lever {lever.id}: {op} {edit.field}" + (f" ({where})" if where else ""),
            )
    for k, t in enumerate(scenario.types):
        for j, ts in enumerate(t.stances):
            for name in ("position", "salience", "expects"):
                add(
                    f"types[{k}].stances[{j}].{name}",
                    getattr(ts, name),
                    name,
                    t.actor,
                    ts.issue,
                    f"{t.actor} as {t.id}: {name} on {ts.issue}",
                )
    return tuple(out)


def unit_to_distribution(u: np.ndarray, distribution: str) -> np.ndarray:
    """Map points of the unit cube to the factors' standardised distribution on [0, 1].

    Parameters
    ----------
    u : ndarray, any shape
        Values in [0, 1] (e.g. a Sobol or Morris design).
    distribution : {"uniform", "pert"}

    Returns
    -------
    ndarray, same shape
        ``u`` itself for uniform; the Beta(3, 3) quantiles of ``u`` for PERT.
    """
    if distribution == "uniform":
        return np.asarray(u, dtype=float)
    if distribution == "pert":
        from scipy.special import betaincinv

        return betaincinv(PERT_SHAPE, PERT_SHAPE, np.asarray(u, dtype=float))
    raise ParameterError(f"distribution must be 'uniform' or 'pert', got {distribution!r}")


def parse_noise(noise: Mapping[str, float] | Iterable[str] | None) -> dict[str, float]:
    """Validate global noise: ``{"position": 5}`` or ``["position=5", "salience=0.1"]``.

    Returns
    -------
    dict of str to float
        σ by kind, in the order of :data:`NOISE_KINDS`; kinds with σ = 0 are dropped.
    """
    if noise is None:
        return {}
    items: dict[str, Any] = {}
    if isinstance(noise, Mapping):
        items = dict(noise)
    else:
        for item in noise:
            key, sep, value = str(item).partition("=")
            if not sep:
                raise ParameterError(f"noise must be KIND=SIGMA, e.g. position=5, got {item!r}")
            items[key.strip()] = value.strip()
    out: dict[str, float] = {}
    for key, value in items.items():
        if key not in NOISE_KINDS:
            raise ParameterError(f"noise kind must be one of {', '.join(NOISE_KINDS)}, got {key!r}")
        try:
            sigma = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"noise {key} must be a number, got {value!r}") from None
        if not math.isfinite(sigma) or sigma < 0:
            raise ParameterError(f"noise {key} must be a finite number >= 0, got {value!r}")
        out[key] = sigma
    return {k: out[k] for k in NOISE_KINDS if out.get(k)}


# --------------------------------------------------------------------------- sampling

_STANCE_PATH = re.compile(r"^stances\[(\d+)\]\.(position|salience)$")
_CAPABILITY_PATH = re.compile(r"^actors\[(\d+)\]\.capability$")


@dataclass(frozen=True, eq=False)
class Draws:
    """Values of the factors for a run of consecutive draws; its :meth:`value_of` is the
    sampling hook of :func:`~accord.scenario.arrays.arrays_from_scenario`.

    Attributes
    ----------
    scenario : Scenario
    columns : dict of str to int
        Column of ``unit`` holding each factor, by path.
    unit : ndarray, shape (D, F)
        Standardised draws in [0, 1]: a factor's value is ``low + (high - low) * unit``.
        Applied to the range passed to :meth:`value_of`, so an edited range (a lever
        shifting a position) moves with its draws.
    noise : dict of str to ndarray
        Standard-normal noise by kind: ``position`` and ``salience`` of shape (D, S),
        ``capability`` of shape (D, A).
    sigma : dict of str to float
        The noise's σ by kind.
    extra : callable or None
        ``extra(path) -> ndarray (D,)``: standardised draws for a range whose path is not
        in ``columns``; when None such a range stays at its midpoint.
    """

    scenario: Scenario
    columns: Mapping[str, int]
    unit: np.ndarray
    noise: Mapping[str, np.ndarray] = field(default_factory=dict)
    sigma: Mapping[str, float] = field(default_factory=dict)
    extra: Callable[[str], np.ndarray] | None = None

    @property
    def n(self) -> int:
        return self.unit.shape[0]

    def value_of(self, path: str, value: Uncertain) -> np.ndarray:
        """Draws of the input at ``path`` whose range is ``value``.

        Returns
        -------
        ndarray, shape (D,)
        """
        col = self.columns.get(path)
        if col is not None:
            x = value.low + (value.high - value.low) * self.unit[:, col]
        elif value.is_range and self.extra is not None:
            x = value.low + (value.high - value.low) * self.extra(path)
        else:
            x = np.full(self.n, value.mid)
        if self.sigma:
            x = self._noisy(path, x)
        return x

    def _noisy(self, path: str, x: np.ndarray) -> np.ndarray:
        m = _STANCE_PATH.match(path)
        if m:
            k, kind = int(m.group(1)), m.group(2)
            if kind not in self.sigma:
                return x
            x = x + self.sigma[kind] * self.noise[kind][:, k]
            if kind == "position":
                scale = self.scenario.issue(self.scenario.stances[k].issue).scale
                return np.clip(x, scale.min, scale.max)
            return np.clip(x, 0.0, 1.0)
        m = _CAPABILITY_PATH.match(path)
        if m and "capability" in self.sigma:
            k = int(m.group(1))
            return x * np.maximum(0.0, 1.0 + self.sigma["capability"] * self.noise["capability"][:, k])
        return x


class Sampler:
    """Reproducible draws of every factor of a scenario, generated per block.

    Parameters
    ----------
    scenario : Scenario
    seed : int
        Non-negative integer.
    noise : mapping or list of "KIND=SIGMA", optional
        Global noise (see :data:`NOISE_KINDS`).
    distribution : {"uniform", "pert"}, optional
        Default: the scenario's ``distribution``.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        noise: Mapping[str, float] | Iterable[str] | None = None,
        distribution: str | None = None,
    ) -> None:
        if not isinstance(seed, int | np.integer) or seed < 0:
            raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
        self.scenario = scenario
        self.seed = int(seed)
        self.noise = parse_noise(noise)
        self.distribution = distribution or scenario.distribution
        unit_to_distribution(np.zeros(0), self.distribution)  # validates the name
        self.factors = scenario_factors(scenario)
        self.columns = {f.path: k for k, f in enumerate(self.factors)}

    def block(self, b: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The draws of block ``b``.

        Returns
        -------
        unit : ndarray, shape (BLOCK, F)
            Standardised factor draws in [0, 1].
        noise : dict of str to ndarray
            Standard-normal noise, shape (BLOCK, S) for stances, (BLOCK, A) for capability.
        """
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_FACTOR_STREAM, b)))
        f = len(self.factors)
        if self.distribution == "pert":
            unit = rng.beta(PERT_SHAPE, PERT_SHAPE, size=(BLOCK, f))
        else:
            unit = rng.random((BLOCK, f))
        noise = {}
        for kind in self.noise:
            width = len(self.scenario.actors) if kind == "capability" else len(self.scenario.stances)
            noise[kind] = rng.standard_normal((BLOCK, width))
        return unit, noise

    def draws(self, start: int, stop: int) -> Draws:
        """Draws ``start`` to ``stop - 1`` (any bounds; blocks are generated as needed)."""
        if not 0 <= start <= stop:
            raise ValueError(f"need 0 <= start <= stop, got {start}, {stop}")
        first, last = start // BLOCK, max(start // BLOCK, (stop - 1) // BLOCK)
        parts = [self.block(b) for b in range(first, last + 1)]
        lo, hi = start - first * BLOCK, stop - first * BLOCK
        unit = np.concatenate([p[0] for p in parts])[lo:hi]
        noise = {k: np.concatenate([p[1][k] for p in parts])[lo:hi] for k in self.noise}

        def extra(path: str) -> np.ndarray:
            tag = zlib.crc32(path.encode())
            cols = []
            for b in range(first, last + 1):
                rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_EXTRA_STREAM, tag, b)))
                z = rng.beta(PERT_SHAPE, PERT_SHAPE, BLOCK) if self.distribution == "pert" else rng.random(BLOCK)
                cols.append(z)
            return np.concatenate(cols)[lo:hi]

        return Draws(self.scenario, self.columns, unit, noise, dict(self.noise), extra)

    def model_rng(self, model: str) -> np.random.Generator:
        """The generator model ``model`` gets, the same for every chunk."""
        tag = zlib.crc32(model.encode())
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_MODEL_STREAM, tag)))


def sample_arrays(
    scenario: Scenario,
    draws: int,
    seed: int = 0,
    *,
    start: int = 0,
    noise: Mapping[str, float] | Iterable[str] | None = None,
) -> ScenarioArrays:
    """Draws ``start`` to ``start + draws - 1`` of the scenario as batched arrays.

    Returns
    -------
    ScenarioArrays
        Position and salience of shape (D, A, I), capability of shape (D, A).
    """
    d = Sampler(scenario, seed, noise).draws(start, start + draws)
    return ensure_batch(arrays_from_scenario(scenario, d.value_of), draws)


def ensure_batch(arrays: ScenarioArrays, n: int) -> ScenarioArrays:
    """``arrays`` with a leading draw axis of length ``n`` (repeated if it had none).

    ``arrays_from_scenario`` gives unbatched arrays when no input was sampled (a
    scenario without ranges or stances); models then still see ``n`` draws.
    """
    if arrays.batched:
        return arrays
    b = arrays.as_batch()
    return replace(
        b,
        position=np.repeat(b.position, n, 0),
        salience=np.repeat(b.salience, n, 0),
        capability=np.repeat(b.capability, n, 0),
    )


# --------------------------------------------------------------------------- agreement hook


def agreement_module() -> Any:
    """:mod:`accord.agreement`, or an error saying agreement sampling is unavailable."""
    try:
        agreement = importlib.import_module("accord.agreement")
    except ImportError:
        raise AccordError(AGREEMENT_UNAVAILABLE) from None
    if not (hasattr(agreement, "agreement_arrays") and hasattr(agreement, "zone_batch")):
        raise AccordError(AGREEMENT_UNAVAILABLE)
    return agreement


def agreement_available() -> bool:
    try:
        agreement_module()
    except AccordError:
        return False
    return True


def has_veto_players(scenario: Scenario) -> bool:
    """True when some issue names actors whose consent a deal needs."""
    return any(issue.veto for issue in scenario.issues)


# --------------------------------------------------------------------------- Monte Carlo plan


@dataclass(frozen=True, eq=False)
class MonteCarloPlan:
    """Everything needed to evaluate any chunk of a Monte Carlo study, on any machine.

    Attributes
    ----------
    scenario : Scenario
    models : tuple of str
        Registered model names.
    params : dict of str to dict
        Parameters by model.
    draws, seed, chunk_size : int
        ``chunk_size`` is a whole number of blocks.
    noise : dict of str to float
    agreement : bool
        Also evaluate the agreement analysis.
    agreement_options : dict
        Keyword arguments for ``agreement_arrays`` (``at``, ``levers``, ``types``).
    """

    scenario: Scenario
    models: tuple[str, ...]
    params: Mapping[str, Mapping[str, Any]]
    draws: int
    seed: int
    chunk_size: int
    noise: Mapping[str, float] = field(default_factory=dict)
    agreement: bool = False
    agreement_options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_chunks(self) -> int:
        return -(-self.draws // self.chunk_size)

    def bounds(self, index: int) -> tuple[int, int]:
        """First and one-past-last draw of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(self.draws, start + self.chunk_size)


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """The outputs of one chunk of draws.

    Attributes
    ----------
    index, start, stop : int
    forecasts : dict of str to ndarray, shape (n, I)
    zone_exists : ndarray of bool, shape (n,), or None
    gap : ndarray, shape (n,), or None
    actor_gap : ndarray, shape (n, A), or None
    """

    index: int
    start: int
    stop: int
    forecasts: dict[str, np.ndarray]
    zone_exists: np.ndarray | None = None
    gap: np.ndarray | None = None
    actor_gap: np.ndarray | None = None


def run_chunk(plan: MonteCarloPlan, index: int) -> ChunkResult:
    """Evaluate chunk ``index`` of ``plan``: a pure function, safe to run on any worker."""
    from accord.models.base import get_model

    start, stop = plan.bounds(index)
    sampler = Sampler(plan.scenario, plan.seed, plan.noise)
    draws = sampler.draws(start, stop)
    forecasts: dict[str, np.ndarray] = {}
    if plan.models:
        arrays = ensure_batch(arrays_from_scenario(plan.scenario, draws.value_of), stop - start)
        for name in plan.models:
            result = get_model(name).run(arrays, plan.params.get(name, {}), sampler.model_rng(name))
            forecasts[name] = np.asarray(result.forecast, dtype=float)
    zone = gap = actor_gap = None
    if plan.agreement:
        agreement = agreement_module()
        arrays = agreement.agreement_arrays(plan.scenario, value_of=draws.value_of, **plan.agreement_options)
        zone, gap, actor_gap = agreement.zone_batch(arrays)
        zone = np.broadcast_to(np.asarray(zone, dtype=bool), (stop - start,))
        gap = np.broadcast_to(np.asarray(gap, dtype=float), (stop - start,))
        actor_gap = np.asarray(actor_gap, dtype=float).reshape(stop - start, -1)
    return ChunkResult(index, start, stop, forecasts, zone, gap, actor_gap)


Executor = Callable[
    [Callable[[MonteCarloPlan, int], ChunkResult], MonteCarloPlan, Sequence[int]], Iterable[ChunkResult]
]


def sequential(
    func: Callable[[MonteCarloPlan, int], ChunkResult], plan: MonteCarloPlan, indices: Sequence[int]
) -> Iterator[ChunkResult]:
    """The default executor: chunks one after another in this process."""
    for index in indices:
        yield func(plan, index)


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
    from accord.models.base import get_model

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


# --------------------------------------------------------------------------- summaries


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


def require_pandas() -> Any:
    """The pandas module, or an error saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise AccordError("DataFrames need pandas: pip install pandas") from None
    return pandas


@dataclass(frozen=True, eq=False)
class AgreementDraws:
    """The agreement analysis over the draws.

    Attributes
    ----------
    actor_ids : tuple of str, length A
    zone_exists : ndarray of bool, shape (D,)
        Whether a zone of agreement exists in each draw.
    gap : ndarray, shape (D,)
        How far the draw is from a zone of agreement (as ``zone_batch`` defines it).
    actor_gap : ndarray, shape (D, A)
        Each actor's own gap; an actor *blocks* in a draw when its gap is positive.
    """

    actor_ids: tuple[str, ...]
    zone_exists: np.ndarray
    gap: np.ndarray
    actor_gap: np.ndarray

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
        return {
            "p_zone": _finite(self.p_zone),
            "gap": describe(self.gap),
            "blocks": {a: float(r) for a, r in zip(self.actor_ids, self.block_rate, strict=True)},
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per actor: ``actor``, ``block_rate``, ``mean_gap``.

        ``attrs`` hold ``p_zone`` and the gap's summary.
        """
        pd = require_pandas()
        with np.errstate(all="ignore"):
            mean_gap = self.actor_gap.mean(axis=0) if self.actor_gap.size else np.full(len(self.actor_ids), np.nan)
        frame = pd.DataFrame({"actor": list(self.actor_ids), "block_rate": self.block_rate, "mean_gap": mean_gap})
        frame.attrs.update({"p_zone": self.p_zone, "gap": describe(self.gap)})
        return frame


def _finite(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


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
        pd = require_pandas()
        rows = [
            {"model": m, "issue": iid, **stats}
            for m, by_issue in self.summary().items()
            for iid, stats in by_issue.items()
        ]
        frame = pd.DataFrame(rows, columns=["model", "issue", "mean", "sd", "p10", "p50", "p90"])
        return frame.astype({c: float for c in ("mean", "sd", "p10", "p50", "p90")})

    def draws_frame(self, model: str) -> pd.DataFrame:
        """Every draw's forecast of ``model``: shape (D, I), one column per issue."""
        pd = require_pandas()
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
        (:data:`BLOCK`) and at most the draws rounded up to whole blocks.
        Default :func:`default_chunk_size`.
    noise : mapping or list of "KIND=SIGMA", optional
        Global noise (:data:`NOISE_KINDS`).
    params : dict of str to dict, optional
        Model parameters by model name.
    agreement : bool, optional
        Run the agreement analysis on every draw. Default: when the scenario has veto
        players and the analysis is available (a note says so when it is not).
    at, levers, types :
        Passed to ``agreement_arrays``.
    executor : callable, optional
        ``executor(run_chunk, plan, indices)`` yielding :class:`ChunkResult` in any
        order; default :func:`sequential`. See :mod:`accord.experiments.executors`.
    progress : callable, optional
        Called as ``progress(draws_done, draws_total)`` after each chunk.

    Returns
    -------
    MonteCarloResult
    """
    from accord.models.base import get_model, model_names

    started = time.perf_counter()
    if not isinstance(draws, int | np.integer) or draws < 1:
        raise ParameterError(f"draws must be a positive integer, got {draws!r}")
    sampler = Sampler(scenario, seed, noise)
    requested = list(model_names() if models is None else models)
    names = tuple(dict.fromkeys(get_model(m).name for m in requested))
    all_params = {n: {} for n in names}
    for m in requested:
        if params and m in params:
            all_params[get_model(m).name] = dict(params[m])
    for n in names:
        get_model(n).parse_params(all_params[n])
    notes: list[str] = []
    if agreement is None:
        agreement = has_veto_players(scenario) and agreement_available()
        if has_veto_players(scenario) and not agreement:
            notes.append(AGREEMENT_UNAVAILABLE)
    elif agreement:
        agreement_module()
    if not names and not agreement:
        raise ParameterError("nothing to evaluate: no model and no agreement analysis")
    if chunk_size is None:
        chunk_size = default_chunk_size(scenario, all_params)
    elif not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    blocks = -(-int(draws) // BLOCK)
    chunk_size = min(-(-int(chunk_size) // BLOCK), blocks) * BLOCK
    options = {"at": at, "levers": tuple(levers), "types": types}
    plan = MonteCarloPlan(
        scenario,
        names,
        all_params,
        int(draws),
        sampler.seed,
        chunk_size,
        sampler.noise,
        bool(agreement),
        options,
    )

    n_issues, n_actors = len(scenario.issues), len(scenario.actors)
    forecasts = {n: np.empty((plan.draws, n_issues)) for n in names}
    zone = np.empty(plan.draws, dtype=bool) if agreement else None
    gap = np.empty(plan.draws) if agreement else None
    actor_gap = np.empty((plan.draws, n_actors)) if agreement else None
    done = 0
    for chunk in (executor or sequential)(run_chunk, plan, range(plan.n_chunks)):
        part = slice(chunk.start, chunk.stop)
        for n in names:
            forecasts[n][part] = chunk.forecasts[n]
        if agreement:
            zone[part], gap[part], actor_gap[part] = chunk.zone_exists, chunk.gap, chunk.actor_gap
        done += chunk.stop - chunk.start
        if progress is not None:
            progress(done, plan.draws)
    actor_ids = tuple(a.id for a in scenario.actors)
    agreement_draws = AgreementDraws(actor_ids, zone, gap, actor_gap) if agreement else None
    return MonteCarloResult(
        scenario_id=scenario.id,
        actor_ids=actor_ids,
        issue_ids=tuple(i.id for i in scenario.issues),
        draws=plan.draws,
        seed=plan.seed,
        chunk_size=plan.chunk_size,
        distribution=sampler.distribution,
        noise=dict(sampler.noise),
        factors=sampler.factors,
        forecasts=forecasts,
        params={n: get_model(n).parse_params(all_params[n]).model_dump() for n in names},
        agreement=agreement_draws,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )
