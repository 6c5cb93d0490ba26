"""Uncertain inputs: factors, their distributions and global noise.

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
    Noise applies to point values as well as to ranges. :func:`noise_targets` maps each
    input that takes noise to its column of the noise arrays, once per scenario.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import betaincinv

from accord.errors import ParameterError
from accord.scenario.schema import Scenario
from accord.scenario.values import Uncertain

#: Kinds of global noise and what σ means for each.
NOISE_KINDS = {
    "position": "N(0, σ) added to every position, in scale units, clipped to the scale",
    "salience": "N(0, σ) added to every salience, clipped to [0, 1]",
    "capability": "every capability multiplied by 1 + N(0, σ), floored at 0",
}
#: PERT shape for a mode at the midpoint with λ = 4: Beta(1 + λ/2, 1 + λ/2).
PERT_SHAPE = 3.0
DISTRIBUTIONS = ("uniform", "pert")


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
        """Midpoint of the range."""
        return 0.5 * (self.low + self.high)

    def to_dict(self) -> dict[str, Any]:
        """The factor as plain JSON data."""
        return {
            "path": self.path,
            "low": self.low,
            "high": self.high,
            "kind": self.kind,
            "actor": self.actor,
            "issue": self.issue,
            "label": self.label,
        }


#: The range of a red line's ``real`` draw: a uniform compared with its credibility.
UNIT = Uncertain(0.0, 1.0)


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
        lever edits, and the stances of alternative actor types; for each red line its
        credibility (when a range) and its ``real`` draw (``<path>.real`` on [0, 1], kind
        ``red_line``). Point values are not factors.
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
    def add_red_line(path: str, credibility: Uncertain | None, actor: str | None, issue: str | None,
                     label: str) -> None:
        add(f"{path}.credibility", credibility, "credibility", actor, issue, f"{label}: credibility")
        add(f"{path}.real", UNIT, "red_line", actor, issue, f"{label}: real or a posture")

    for k, st in enumerate(scenario.stances):
        if st.red_line is not None:
            add_red_line(f"stances[{k}].red_line", st.red_line.credibility, st.actor, st.issue,
                         f"{st.actor}: red line on {st.issue}")
    for k, snap in enumerate(scenario.timeline):
        for j, edit in enumerate(snap.edits):
            if edit.edits_red_line:
                add_red_line(f"timeline[{k}].edits[{j}]", edit.credibility, edit.actor, edit.issue,
                             f"{snap.date.isoformat()} {snap.label}: red line of {edit.actor} on {edit.issue}")
                continue
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
            if edit.edits_red_line:
                add_red_line(f"levers[{k}].edits[{j}]", edit.credibility, edit.actor, edit.issue,
                             f"lever {lever.id}: red line of {edit.actor} on {edit.issue}")
                continue
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
            if ts.red_line is not None:
                add_red_line(f"types[{k}].stances[{j}].red_line", ts.red_line.credibility, t.actor, ts.issue,
                             f"{t.actor} as {t.id}: red line on {ts.issue}")
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


@dataclass(frozen=True)
class NoiseTarget:
    """Where global noise lands for one input.

    Attributes
    ----------
    kind : {"position", "salience", "capability"}
    column : int
        Column of the noise array of that kind: the stance's index (position, salience)
        or the actor's (capability).
    low, high : float
        Bounds the noisy value is clipped to (unused for capability, floored at 0).
    """

    kind: str
    column: int
    low: float = -math.inf
    high: float = math.inf


def noise_targets(scenario: Scenario) -> dict[str, NoiseTarget]:
    """The inputs global noise applies to, by path.

    Every stance's position and salience and every actor's capability.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    dict of str to NoiseTarget
        ``stances[k].position`` (clipped to the issue's scale), ``stances[k].salience``
        (clipped to [0, 1]) and ``actors[k].capability``.
    """
    scales = {issue.id: issue.scale for issue in scenario.issues}
    out: dict[str, NoiseTarget] = {}
    for k, st in enumerate(scenario.stances):
        scale = scales[st.issue]
        out[f"stances[{k}].position"] = NoiseTarget("position", k, scale.min, scale.max)
        out[f"stances[{k}].salience"] = NoiseTarget("salience", k, 0.0, 1.0)
    for k, _ in enumerate(scenario.actors):
        out[f"actors[{k}].capability"] = NoiseTarget("capability", k)
    return out
