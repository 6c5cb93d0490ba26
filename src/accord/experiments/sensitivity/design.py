"""What a sensitivity study varies: factors, groups, the SALib problem and the tornado rows.

A sensitivity method (:mod:`~accord.experiments.sensitivity.sobol`,
:mod:`~accord.experiments.sensitivity.morris`) is an object with the :class:`Method`
interface: it checks its options, samples a design on the unit cube and computes its
indices from the outputs. Everything else a study needs, whatever the method, is here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from accord.errors import ParameterError
from accord.experiments.factors import Factor

GROUPS = ("actor", "issue")


class Method(Protocol):
    """A global sensitivity method, SALib-style: a sampler and an analyser.

    Attributes
    ----------
    name : str
    default_n : int
        Default base sample (Sobol) or number of trajectories (Morris).
    keys : tuple of str
        The indices SALib's analysis returns that the study keeps.
    index_names : tuple of str
        The same indices in the order reports show them.
    rank_by : str
        The index that ranks factors, most important first.
    """

    name: str
    default_n: int
    keys: tuple[str, ...]
    index_names: tuple[str, ...]
    rank_by: str

    def check(self, n: int, levels: int) -> None:
        """Raise :class:`~accord.errors.ParameterError` when ``n`` or ``levels`` do not suit the method."""
        ...

    def sample(self, problem: dict[str, Any], n: int, *, levels: int, seed: int) -> np.ndarray:
        """The design: shape (E, F), values in [0, 1]."""
        ...

    def analyze(
        self,
        problem: dict[str, Any],
        design: np.ndarray,
        y: np.ndarray,
        *,
        levels: int,
        conf_level: float,
        resamples: int,
        seed: int,
    ) -> Any:
        """SALib's result for outputs ``y`` of shape (E,) over ``design``."""
        ...


def choose_factors(every: Sequence[Factor], factors: str | Sequence[str], read: set[str]) -> list[Factor]:
    """The factors a study varies.

    Parameters
    ----------
    every : sequence of Factor
        Every range of the scenario.
    factors : "relevant", "all" or sequence of str
        The ranges the outputs read, every range, or these paths.
    read : set of str
        Paths of the inputs the outputs read.

    Returns
    -------
    list of Factor
    """
    if factors == "relevant":
        chosen = [f for f in every if f.path in read]
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
    return chosen


def factors_for_issues(
    chosen: Sequence[Factor], issues: set[str], holders: set[str]
) -> list[Factor]:
    """The factors that can move the forecasts of ``issues`` under a model that treats issues one by one.

    Such a model (:attr:`~accord.models.base.Model.issues_independent`) forecasts an issue
    from the stances on it and the capabilities of the actors who hold them, so a factor
    matters when it belongs to one of ``issues``, or to one of ``holders`` without
    belonging to an issue; a factor of neither an actor nor an issue is kept.

    Parameters
    ----------
    chosen : sequence of Factor
    issues : set of str
        Issue ids whose forecasts are studied.
    holders : set of str
        Ids of the actors with a stance on one of ``issues``.

    Returns
    -------
    list of Factor
        In the order of ``chosen``.
    """
    return [
        f for f in chosen
        if (f.issue in issues) or (f.issue is None and (f.actor is None or f.actor in holders))
    ]


def group_of(f: Factor, group: str | None) -> str:
    """The group ``f`` belongs to: its path, its actor or its issue."""
    if group is None:
        return f.path
    if group == "actor":
        return f.actor or (f"issue:{f.issue}" if f.issue else "deal")
    return f.issue or (f"actor:{f.actor}" if f.actor else "deal")


def group_label(name: str, members: list[Factor], group: str | None) -> str:
    """The group's judgement(s) in words."""
    if group is None:
        return members[0].label
    kinds = sorted({f.kind for f in members})
    return f"{name}: {len(members)} judgement{'s' if len(members) != 1 else ''} ({', '.join(kinds)})"


@dataclass(frozen=True, eq=False)
class Grouping:
    """The chosen factors and how they are grouped.

    Attributes
    ----------
    factors : tuple of Factor, length F
    group : {"actor", "issue"} or None
    names : tuple of str, length F
        Each factor's group.
    order : tuple of str, length G
        The groups, in order of first appearance.
    """

    factors: tuple[Factor, ...]
    group: str | None
    names: tuple[str, ...]
    order: tuple[str, ...]

    @classmethod
    def of(cls, factors: Sequence[Factor], group: str | None) -> Grouping:
        """Group ``factors`` by ``group`` (None: each factor alone)."""
        names = tuple(group_of(f, group) for f in factors)
        return cls(tuple(factors), group, names, tuple(dict.fromkeys(names)))

    def members(self, name: str) -> list[Factor]:
        """The factors of group ``name``."""
        return [f for f, g in zip(self.factors, self.names, strict=True) if g == name]

    def problem(self) -> dict[str, Any]:
        """SALib's problem on the unit cube, with groups when grouped."""
        problem: dict[str, Any] = {
            "num_vars": len(self.factors),
            "names": [f.path for f in self.factors],
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }
        if self.group is not None:
            problem["groups"] = list(self.names)
        return problem

    def tornado(self) -> np.ndarray:
        """Tornado rows: each group at its low end, then at its high end, the rest at the midpoint.

        Returns
        -------
        ndarray, shape (2 G, F)
            Standardised values: 0, 1/2 and 1 are a range's low end, midpoint and high
            end under either distribution.
        """
        rows = np.full((2 * len(self.order), len(self.factors)), 0.5)
        for k, name in enumerate(self.order):
            cols = [j for j, g in enumerate(self.names) if g == name]
            rows[2 * k, cols] = 0.0
            rows[2 * k + 1, cols] = 1.0
        return rows


def bootstrap_seed(seed: int) -> int:
    """A non-zero seed for SALib's bootstrap, derived from ``seed``.

    SALib's Sobol analysis falls back to the global random state when its seed is 0.
    """
    return int(np.random.SeedSequence(seed, spawn_key=(3,)).generate_state(1)[0]) or 1


def indices(
    method: Method,
    problem: dict[str, Any],
    design: np.ndarray,
    y: np.ndarray,
    order: Sequence[str],
    *,
    levels: int,
    conf_level: float,
    resamples: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The method's indices for output ``y``, one entry per group in ``order``.

    Parameters
    ----------
    method : Method
    problem : dict
    design : ndarray, shape (E, F)
    y : ndarray, shape (E,)
    order : sequence of str, length G

    Returns
    -------
    indices : dict of str to ndarray, shape (G,)
        By key of ``method.keys``.
    notes : list of str
    """
    if float(np.ptp(y)) == 0.0:
        return (
            {k: np.zeros(len(order)) for k in method.keys},
            ["the output does not vary over the ranges: every index is 0"],
        )
    with warnings.catch_warnings():
        # Bootstrap resamples of a nearly constant output can divide by zero; SALib then
        # reports NaN confidence, which is what we pass on.
        warnings.simplefilter("ignore", RuntimeWarning)
        res = method.analyze(
            problem,
            design,
            y,
            levels=levels,
            conf_level=conf_level,
            resamples=resamples,
            seed=bootstrap_seed(seed),
        )
    raw = {k: np.asarray(res[k], dtype=float).reshape(-1) for k in method.keys}
    if "names" in res and list(res["names"]) != list(order):
        perm = [list(res["names"]).index(g) for g in order]
        raw = {k: v[perm] for k, v in raw.items()}
    return raw, []
