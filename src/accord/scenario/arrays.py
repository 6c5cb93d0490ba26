"""Dense array view of a scenario: what every model computes on.

A scenario is actors × issues with stances that may be missing. ``ScenarioArrays``
holds it as float arrays plus a boolean mask; absent stances are masked (their
position is NaN and their salience 0) and never read as values. An optional
leading draw axis carries Monte Carlo draws: a model given ``D`` draws returns
``D`` results in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """Numeric form of a scenario.

    Attributes
    ----------
    actor_ids : tuple of str, length A
    issue_ids : tuple of str, length I
    position : ndarray, shape (A, I) or (D, A, I)
        Positions on each issue's scale; NaN where ``present`` is False.
    salience : ndarray, shape (A, I) or (D, A, I)
        Salience in [0, 1]; 0 where ``present`` is False.
    capability : ndarray, shape (A,) or (D, A)
        Non-negative capability (power) of each actor.
    present : ndarray of bool, shape (A, I)
        True where the actor holds a stance on the issue. Shared by all draws.
    scale_min, scale_max : ndarray, shape (I,)
        Bounds of each issue's scale.
    status_quo : ndarray, shape (I,)
        No-deal outcome of each issue.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    present: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray

    def __post_init__(self) -> None:
        a, i = len(self.actor_ids), len(self.issue_ids)
        if self.present.shape != (a, i):
            raise ValueError(f"present must have shape {(a, i)}, got {self.present.shape}")
        lead = self.position.shape[:-2]
        if self.position.shape[-2:] != (a, i) or self.salience.shape != self.position.shape:
            raise ValueError("position and salience must both have shape (..., A, I)")
        if self.capability.shape != (*lead, a):
            raise ValueError(f"capability must have shape {(*lead, a)}, got {self.capability.shape}")
        for name in ("scale_min", "scale_max", "status_quo"):
            if getattr(self, name).shape != (i,):
                raise ValueError(f"{name} must have shape {(i,)}")

    @property
    def n_actors(self) -> int:
        """Number of actors A."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues I."""
        return len(self.issue_ids)

    @property
    def batched(self) -> bool:
        """True when the arrays carry a leading draw axis."""
        return self.position.ndim == 3

    @property
    def n_draws(self) -> int:
        """Number of draws D (1 without a draw axis)."""
        return self.position.shape[0] if self.batched else 1

    def as_batch(self) -> ScenarioArrays:
        """The same arrays with a leading draw axis of length 1 if they had none."""
        if self.batched:
            return self
        return replace(
            self,
            position=self.position[None],
            salience=self.salience[None],
            capability=self.capability[None],
        )

    def draw(self, d: int) -> ScenarioArrays:
        """Draw ``d`` of a batch, without the draw axis."""
        if not self.batched:
            raise ValueError("arrays have no draw axis")
        return replace(
            self,
            position=self.position[d],
            salience=self.salience[d],
            capability=self.capability[d],
        )

    def take_actors(self, order: np.ndarray) -> ScenarioArrays:
        """The arrays with actors re-ordered (or subset) by index array ``order``."""
        order = np.asarray(order)
        return replace(
            self,
            actor_ids=tuple(self.actor_ids[k] for k in order),
            position=self.position[..., order, :],
            salience=self.salience[..., order, :],
            capability=self.capability[..., order],
            present=self.present[order],
        )

    def take_issues(self, order: np.ndarray) -> ScenarioArrays:
        """The arrays with issues re-ordered (or subset) by index array ``order``."""
        order = np.asarray(order)
        return replace(
            self,
            issue_ids=tuple(self.issue_ids[k] for k in order),
            position=self.position[..., order],
            salience=self.salience[..., order],
            present=self.present[:, order],
            scale_min=self.scale_min[order],
            scale_max=self.scale_max[order],
            status_quo=self.status_quo[order],
        )

    @classmethod
    def stack(cls, draws: list[ScenarioArrays]) -> ScenarioArrays:
        """Stack unbatched arrays with identical structure into one batch."""
        first = draws[0]
        return replace(
            first,
            position=np.stack([d.position for d in draws]),
            salience=np.stack([d.salience for d in draws]),
            capability=np.stack([d.capability for d in draws]),
        )


def masked(values: np.ndarray, present: np.ndarray, fill: float) -> np.ndarray:
    """``values`` with every entry where ``present`` is False replaced by ``fill``.

    ``present`` broadcasts against ``values`` from the right, so a mask of shape
    (A, I) applies to every draw of a (D, A, I) array.
    """
    return np.where(present, values, fill)


ValueOf = Callable[[str, Uncertain], "float | np.ndarray"]


def midpoint(path: str, value: Uncertain) -> float:
    """The default :data:`ValueOf`: every range at its midpoint."""
    return value.mid


def arrays_from_scenario(scenario: Scenario, value_of: ValueOf = midpoint) -> ScenarioArrays:
    """The scenario as arrays.

    Parameters
    ----------
    scenario : Scenario
    value_of : callable ``(path, Uncertain) -> float or ndarray of shape (D,)``
        How each uncertain input becomes a number; ``path`` names it
        (``"stances[3].position"``, ``"actors[0].capability"``). The default takes
        midpoints and gives unbatched arrays; a sampler returning ``D`` draws per
        input gives arrays with a leading draw axis of length ``D``.

    Returns
    -------
    ScenarioArrays
        Actors and issues in the scenario's order.
    """
    actor_index = {a.id: k for k, a in enumerate(scenario.actors)}
    issue_index = {i.id: k for k, i in enumerate(scenario.issues)}
    cap = [np.asarray(value_of(f"actors[{k}].capability", a.capability), dtype=float)
           for k, a in enumerate(scenario.actors)]
    values = []
    for k, st in enumerate(scenario.stances):
        pos = np.asarray(value_of(f"stances[{k}].position", st.position), dtype=float)
        sal = np.asarray(value_of(f"stances[{k}].salience", st.salience), dtype=float)
        values.append((actor_index[st.actor], issue_index[st.issue], pos, sal))
    lead = np.broadcast_shapes(*(c.shape for c in cap), *(v[2].shape for v in values), *(v[3].shape for v in values))
    shape = (*lead, len(actor_index), len(issue_index))
    position = np.full(shape, np.nan)
    salience = np.zeros(shape)
    present = np.zeros(shape[-2:], dtype=bool)
    for a, i, pos, sal in values:
        position[..., a, i] = pos
        salience[..., a, i] = sal
        present[a, i] = True
    capability = np.stack([np.broadcast_to(c, lead) for c in cap], axis=-1) if cap else np.zeros((*lead, 0))
    return ScenarioArrays(
        actor_ids=tuple(actor_index),
        issue_ids=tuple(issue_index),
        position=position,
        salience=salience,
        capability=np.array(capability, dtype=float),
        present=present,
        scale_min=np.array([i.scale.min for i in scenario.issues], dtype=float),
        scale_max=np.array([i.scale.max for i in scenario.issues], dtype=float),
        status_quo=np.array([scenario.status_quo(i) for i in scenario.issues], dtype=float),
    )
