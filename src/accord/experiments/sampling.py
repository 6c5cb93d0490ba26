"""Reproducible draws of a scenario's factors.

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

Draw sources
    :class:`Sampler` (random draws, by block) and :class:`FixedSample` (a given design
    of standardised values, as a sensitivity analysis builds) both hand out
    :class:`Draws` for a run of consecutive draws. A :class:`Draws` answers the
    ``value_of(path, Uncertain)`` hook of
    :func:`~accord.scenario.arrays.arrays_from_scenario` and
    :func:`~accord.agreement.agreement_arrays` from columns and noise targets looked up
    once per scenario, and computes each input's draws once.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from accord.errors import ParameterError
from accord.experiments.factors import (
    PERT_SHAPE,
    Factor,
    NoiseTarget,
    noise_targets,
    parse_noise,
    scenario_factors,
    unit_to_distribution,
)
from accord.scenario.arrays import ScenarioArrays, arrays_from_scenario
from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain

#: Draws per block: the unit of random generation (chunks are whole numbers of blocks).
BLOCK = 1024

FACTOR_STREAM, MODEL_STREAM, EXTRA_STREAM = 0, 1, 2


@dataclass(frozen=True, eq=False)
class Draws:
    """Values of the factors for a run of consecutive draws.

    Its :meth:`value_of` is the sampling hook of
    :func:`~accord.scenario.arrays.arrays_from_scenario`.

    Attributes
    ----------
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
    targets : dict of str to NoiseTarget
        Where noise lands, by path (see :func:`~accord.experiments.factors.noise_targets`).
    extra : callable or None
        ``extra(path) -> ndarray (D,)``: standardised draws for a range whose path is not
        in ``columns``; when None such a range stays at its midpoint.
    """

    columns: Mapping[str, int]
    unit: np.ndarray
    noise: Mapping[str, np.ndarray] = field(default_factory=dict)
    sigma: Mapping[str, float] = field(default_factory=dict)
    targets: Mapping[str, NoiseTarget] = field(default_factory=dict)
    extra: Callable[[str], np.ndarray] | None = None
    _seen: dict[tuple[str, float, float], np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @property
    def n(self) -> int:
        """Number of draws D."""
        return self.unit.shape[0]

    def value_of(self, path: str, value: Uncertain) -> np.ndarray:
        """Draws of the input at ``path`` whose range is ``value``.

        The same input asked twice (by the models' arrays and by the agreement
        analysis's) is computed once.

        Returns
        -------
        ndarray, shape (D,)
            Read-only.
        """
        key = (path, value.low, value.high)
        x = self._seen.get(key)
        if x is None:
            x = self._value(path, value)
            x.setflags(write=False)
            self._seen[key] = x
        return x

    def _value(self, path: str, value: Uncertain) -> np.ndarray:
        col = self.columns.get(path)
        if col is not None:
            x = value.low + (value.high - value.low) * self.unit[:, col]
        elif value.is_range and self.extra is not None:
            x = value.low + (value.high - value.low) * self.extra(path)
        else:
            x = np.full(self.n, value.mid)
        target = self.targets.get(path) if self.sigma else None
        if target is None or target.kind not in self.sigma:
            return x
        z = self.noise[target.kind][:, target.column]
        if target.kind == "capability":
            return x * np.maximum(0.0, 1.0 + self.sigma["capability"] * z)
        return np.clip(x + self.sigma[target.kind] * z, target.low, target.high)


class DrawSource(Protocol):
    """Where the draws of an experiment come from."""

    def draws(self, start: int, stop: int) -> Draws:
        """Draws ``start`` to ``stop - 1``."""

    def model_rng(self, model: str) -> np.random.Generator:
        """The generator model ``model`` gets, the same for every chunk."""


class Sampler:
    """Reproducible draws of every factor of a scenario, generated per block.

    Parameters
    ----------
    scenario : Scenario
    seed : int
        Non-negative integer.
    noise : mapping or list of "KIND=SIGMA", optional
        Global noise (see :data:`~accord.experiments.factors.NOISE_KINDS`).
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
        self.factors: tuple[Factor, ...] = scenario_factors(scenario)
        self.columns = {f.path: k for k, f in enumerate(self.factors)}
        self.targets = noise_targets(scenario) if self.noise else {}

    def block(self, b: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The draws of block ``b``.

        Returns
        -------
        unit : ndarray, shape (BLOCK, F)
            Standardised factor draws in [0, 1].
        noise : dict of str to ndarray
            Standard-normal noise, shape (BLOCK, S) for stances, (BLOCK, A) for capability.
        """
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(FACTOR_STREAM, b)))
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
                rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(EXTRA_STREAM, tag, b)))
                z = rng.beta(PERT_SHAPE, PERT_SHAPE, BLOCK) if self.distribution == "pert" else rng.random(BLOCK)
                cols.append(z)
            return np.concatenate(cols)[lo:hi]

        return Draws(self.columns, unit, noise, dict(self.noise), self.targets, extra)

    def model_rng(self, model: str) -> np.random.Generator:
        """The generator model ``model`` gets, the same for every chunk."""
        tag = zlib.crc32(model.encode())
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(MODEL_STREAM, tag)))


@dataclass(frozen=True, eq=False)
class FixedSample:
    """A given design of standardised factor values, one row per draw.

    Attributes
    ----------
    columns : dict of str to int
        Column of ``unit`` holding each factor, by path; other ranges stay at their
        midpoints.
    unit : ndarray, shape (E, F)
        Standardised values in [0, 1].
    seed : int
        Every model gets ``default_rng(seed)``.
    """

    columns: Mapping[str, int]
    unit: np.ndarray
    seed: int = 0

    @property
    def size(self) -> int:
        """Number of rows E."""
        return self.unit.shape[0]

    def draws(self, start: int, stop: int) -> Draws:
        """Rows ``start`` to ``stop - 1``."""
        return Draws(self.columns, self.unit[start:stop])

    def model_rng(self, model: str) -> np.random.Generator:
        """A fresh ``default_rng(seed)``."""
        return np.random.default_rng(self.seed)


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
