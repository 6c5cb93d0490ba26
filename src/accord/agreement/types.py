"""Hypotheses about an actor's type, and proposals that would tell them apart.

Types
    A scenario's ``types`` are alternative stance sets for one actor, each with a prior
    probability (the priors of an actor's types sum to one): for instance a Russia
    driven by security concerns and one with expansionist aims. A type replaces the
    position, salience and expectation of the stances it names; the rest of the
    actor's stances stay as in the base scenario. :func:`analyse_types` runs the
    agreement analysis once per type (every other actor as in the case analysed) and
    reports, per actor with types, the verdict under each type and the probability
    that a zone of agreement exists: the sum of the priors of the types under which
    one does. With types for several actors the probability is taken over every
    combination of their types, the actors' types being independent.

Diagnostic proposals
    A proposal *separates* type T1 from type T2 when T1 would accept it and T2 would
    refuse it, while every other veto player accepts it, so that the actor's answer
    reveals its type (the probe suggested in the seed article "Trump's Russia–Ukraine
    Reset": a contact line patrolled by neutral monitors, which a security-driven Russia
    could accept and an expansionist one would refuse). A proposal is a partial deal on
    the issues where the two types differ (every other issue stays at no deal) and is
    found with a linear program, for the linear utility of
    :mod:`accord.agreement`:

    maximise m subject to  G_T1(x) ≥ m,  G_T2(x) ≤ −m,  G_j(x) ≥ 0 for every other veto player j,

    where ``G`` is an actor's surplus over its reservation value. The best separating
    proposal is the one with the largest m: it leaves T1 the most room to accept and T2
    the most reason to refuse. ``G_T1`` is concave and enters through the usual
    auxiliary variables; ``G_T2 ≤ −m`` is not convex, so the program is solved once for
    every side of T2's positions the package can lie on (each makes ``|x − p|`` linear)
    and the best is kept: an exact global optimum. Proposals are computed with the linear
    utility whatever utility the rest of the analysis uses. A separating proposal exists
    for an ordered pair when the optimum m is positive.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.agreement.bargaining import Deal, Problem, relax_arrays
from accord.agreement.inputs import Utility, agreement_arrays
from accord.agreement.solver import bound_arrays, solve
from accord.scenario.case import Case, types_by_actor
from accord.scenario.schema import Scenario, nearest_anchor

__all__ = [
    "TypeVerdict",
    "Proposal",
    "ActorTypes",
    "analyse_types",
    "separating_proposals",
]

#: At most this many sides of T2's positions are enumerated exactly per proposal.
MAX_PATTERNS = 256


@dataclass(frozen=True)
class TypeVerdict:
    """The comprehensive deal if the actor is of this type."""

    actor: str
    type: str
    name: str
    prior: float
    zone_exists: bool
    gap: float
    blockers: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "type": self.type,
            "name": self.name,
            "prior": self.prior,
            "zone_exists": self.zone_exists,
            "gap": self.gap,
            "blockers": dict(self.blockers),
        }


@dataclass(frozen=True)
class Proposal:
    """A partial deal that ``accepted_by`` would accept and ``rejected_by`` would refuse.

    Attributes
    ----------
    actor : str
    accepted_by, rejected_by : str
        Type ids.
    margin : float
        The optimum m: both types are at least this far (utility units) from indifference.
    package : dict of str to float
        Issue id -> value, on the issues the proposal covers.
    anchors : dict of str to str
        Issue id -> the nearest labelled anchor, in words.
    surplus : dict of str to float
        Each veto player's surplus over its reservation value (the actor once per type,
        as ``actor:type``).
    """

    actor: str
    accepted_by: str
    rejected_by: str
    margin: float
    package: dict[str, float]
    anchors: dict[str, str]
    surplus: dict[str, float]

    def describe(self, issue_names: Mapping[str, str]) -> str:
        terms = "; ".join(
            f"{issue_names.get(i, i)} at {v:.0f}" + (f" ({self.anchors[i]})" if self.anchors.get(i) else "")
            for i, v in self.package.items()
        )
        return (
            f"{terms}: {self.actor} as {self.accepted_by} would accept and as {self.rejected_by} "
            f"would refuse (margin {self.margin:.3f})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "accepted_by": self.accepted_by,
            "rejected_by": self.rejected_by,
            "margin": self.margin,
            "package": dict(self.package),
            "anchors": dict(self.anchors),
            "surplus": dict(self.surplus),
        }


@dataclass(frozen=True)
class ActorTypes:
    """Everything about one actor's types."""

    actor: str
    verdicts: tuple[TypeVerdict, ...]
    p_zone: float
    proposals: tuple[Proposal, ...]

    def to_json(self, issue_names: Mapping[str, str] | None = None) -> dict[str, Any]:
        names = issue_names or {}
        return {
            "actor": self.actor,
            "p_zone": self.p_zone,
            "types": [v.to_json() for v in self.verdicts],
            "proposals": [{**p.to_json(), "description": p.describe(names)} for p in self.proposals],
        }


def _differing_issues(p1: Problem, p2: Problem, a: int) -> np.ndarray:
    same = (
        (p1.present[a] == p2.present[a])
        & np.isclose(p1.pi[a], p2.pi[a], atol=1e-12)
        & np.isclose(p1.w[a], p2.w[a], atol=1e-12)
        & np.isclose(p1.eps[a], p2.eps[a], atol=1e-12)
    )
    return ~same


def separating_proposals(p1: Problem, p2: Problem, actor: str) -> tuple[float, np.ndarray | None, np.ndarray]:
    """The best proposal that ``actor`` of problem ``p1``'s type accepts and of ``p2``'s type refuses.

    Parameters
    ----------
    p1, p2 : Problem
        The case under the two types (identical except for ``actor``'s stances).
    actor : str

    Returns
    -------
    margin : float
        The optimum m (−inf when the types do not differ).
    z : ndarray, shape (I,) or None
        The proposal on the normalised scales (status quo on uncovered issues).
    cover : ndarray of bool, shape (I,)
        The issues it covers.
    """

    a = p1.actor_ids.index(actor)
    cover = _differing_issues(p1, p2, a)
    if not cover.any():
        return -math.inf, None, cover
    lin1 = p1.with_utility("linear")
    lin2 = p2.with_utility("linear")
    deal = Deal(lin1, cover, exclude=a)
    C = deal.C
    nz, nv = deal.nz, deal.nv
    col = {p: j for j, p in enumerate(C)}

    def own(prob: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
        ps = [p for p in C if prob.w[a, p] > 0]
        idx = np.array([col[p] for p in ps], dtype=int)
        w = np.array([prob.w[a, p] for p in ps])
        pi = np.array([prob.pi[a, p] for p in ps])
        eps = np.array([prob.eps[a, p] for p in ps])
        const = float(prob.cost_share()[a, C].sum() + np.sum(w * np.abs(eps - pi)))
        return idx, w, pi, eps, const

    i1, w1, pi1, _, c1 = own(lin1)
    i2, w2, pi2, _, c2 = own(lin2)
    n1 = len(i1)
    # variables: z (nz), v others (nv), u own T1 terms (n1), m
    n = nz + nv + n1 + 1
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    base_a, base_b = deal.plane_rows(n)
    for k in range(n1):
        for sign in (1.0, -1.0):
            r = np.zeros(n)
            r[nz + nv + k] = 1.0
            r[i1[k]] = sign
            rows.append(r)
            rhs.append(sign * pi1[k])
    if deal.nV:
        g = np.zeros((deal.nV, n))
        g[:, : nz + nv] = -deal.G
        rows.extend(g)
        rhs.extend(deal.g0)
    r = np.zeros(n)
    r[nz + nv : nz + nv + n1] = -w1
    r[-1] = 1.0
    rows.append(r)
    rhs.append(c1)
    A_fixed = np.vstack([base_a, np.array(rows)]) if rows else base_a
    b_fixed = np.concatenate([base_b, rhs])
    if not deal.box_ok or deal.integer:
        return -math.inf, None, cover
    lower, upper = bound_arrays(list(deal.box) + [(-1.0, 0.0)] * (nv + n1) + [(-10.0, 10.0)])
    c = np.zeros(n)
    c[-1] = -1.0

    sides = [k for k in range(len(i2)) if 0.0 < pi2[k] < 1.0]
    patterns: Iterable[tuple[float, ...]]
    if 2 ** len(sides) <= MAX_PATTERNS:
        patterns = itertools.product((1.0, -1.0), repeat=len(sides))
    else:
        own1 = dict(zip(i1.tolist(), pi1.tolist(), strict=True))
        toward = tuple(1.0 if own1.get(int(i2[k]), 1.0) >= pi2[k] else -1.0 for k in sides)
        patterns = [toward] + [tuple(-s if j == f else s for j, s in enumerate(toward)) for f in range(len(sides))]
    best_m, best_z = -math.inf, None
    for pattern in patterns:
        sigma = np.where(pi2 <= 0.0, 1.0, -1.0)
        for j, k in enumerate(sides):
            sigma[k] = pattern[j]
        extra_a, extra_b = [], []
        r = np.zeros(n)
        for k in range(len(i2)):
            r[i2[k]] -= w2[k] * sigma[k]
            s = np.zeros(n)
            s[i2[k]] = -sigma[k]
            extra_a.append(s)
            extra_b.append(-sigma[k] * pi2[k])
        r[-1] = 1.0
        extra_a.append(r)
        extra_b.append(-(c2 + float(np.sum(w2 * sigma * pi2))))
        res = solve(c, np.vstack([A_fixed, np.array(extra_a)]), np.concatenate([b_fixed, extra_b]), lower, upper)
        if res.status == 0 and res.x is not None and res.fun is not None and -res.fun > best_m:
            best_m = -float(res.fun)
            best_z = res.x[:nz].copy()
    if best_z is None:
        return -math.inf, None, cover
    z = lin1.sq.copy()
    z[C] = best_z
    return best_m, z, cover


def analyse_types(
    case: Case | Scenario,
    *,
    utility: Utility = "linear",
    max_combinations: int = 256,
) -> list[ActorTypes]:
    """Verdict under each type of each actor that has types, the probability of a zone, and probes.

    Parameters
    ----------
    case : Case or Scenario
        The case analysed; the actor whose types are varied takes each of its types in
        turn, the others keep the type chosen in the case (or the base stances).
    utility : {"linear", "quadratic"}
    max_combinations : int
        With several actors with types, the joint probability of a zone is computed over
        every combination up to this many; beyond it, per actor only.

    Returns
    -------
    list of ActorTypes
        One per actor with types, in the order of the file.
    """
    case = Case.of(case)
    scenario = case.scenario
    chosen = case.type_ids
    groups = types_by_actor(scenario)
    if not groups:
        return []
    issue_by_id = {i.id: i for i in scenario.issues}
    problems: dict[tuple[tuple[str, str], ...], Problem] = {}
    results: dict[tuple[tuple[str, str], ...], Any] = {}

    def run(choice: Mapping[str, str]) -> Any:
        key = tuple(sorted(choice.items()))
        if key not in results:
            arrays = agreement_arrays(case.with_types(dict(choice)))
            results[key] = relax_arrays(arrays, utility=utility)
            problems[key] = Problem.from_arrays(arrays, utility)
        return results[key]

    out: list[ActorTypes] = []
    single: dict[str, list[tuple[float, bool]]] = {}
    for actor, options in groups.items():
        verdicts = []
        for _, t in options:
            res = run({**chosen, actor: t.id})
            verdicts.append(
                TypeVerdict(
                    actor=actor,
                    type=t.id,
                    name=t.name,
                    prior=float(t.prior),
                    zone_exists=bool(res.zone_exists),
                    gap=float(res.gap),
                    blockers={
                        a: float(g) for a, g in zip(res.actor_ids, res.actor_gap, strict=True) if g > 0
                    },
                )
            )
        single[actor] = [(v.prior, v.zone_exists) for v in verdicts]
        proposals = []
        for (_, t1), (_, t2) in itertools.permutations(options, 2):
            run({**chosen, actor: t1.id})
            run({**chosen, actor: t2.id})
            p1 = problems[tuple(sorted({**chosen, actor: t1.id}.items()))]
            p2 = problems[tuple(sorted({**chosen, actor: t2.id}.items()))]
            m, z, cover = separating_proposals(p1, p2, actor)
            if z is None or m <= 1e-9:
                continue
            x = p1.to_scale(z)
            package = {p1.issue_ids[k]: float(x[k]) for k in np.flatnonzero(cover)}
            anchors = {}
            for issue_id, value in package.items():
                anchor = nearest_anchor(issue_by_id[issue_id], value)
                if anchor is not None:
                    anchors[issue_id] = f"{anchor[0]:g}: {anchor[1]}"
            surplus = {}
            for prob, tid in ((p1, t1.id), (p2, t2.id)):
                g = prob.with_utility("linear").surplus(z, cover)
                for k, aid in enumerate(prob.actor_ids):
                    if prob.veto[k, cover].any() or aid == actor:
                        surplus[f"{aid}:{tid}" if aid == actor else aid] = float(g[k])
            proposals.append(Proposal(actor, t1.id, t2.id, m, package, anchors, surplus))
        proposals.sort(key=lambda p: -p.margin)
        out.append(ActorTypes(actor, tuple(verdicts), _p_zone_single(single[actor]), tuple(proposals)))

    n_combos = math.prod(len(o) for o in groups.values())
    if len(groups) > 1 and n_combos <= max_combinations:
        actors = list(groups)
        total = 0.0
        for combo in itertools.product(*(groups[a] for a in actors)):
            choice = {**chosen, **{a: t.id for a, (_, t) in zip(actors, combo, strict=True)}}
            prior = math.prod(t.prior for _, t in combo)
            if run(choice).zone_exists:
                total += prior
        out = [ActorTypes(o.actor, o.verdicts, o.p_zone, o.proposals) for o in out]
        out.append(ActorTypes("*", (), total, ()))
    return out


def _p_zone_single(rows: Sequence[tuple[float, bool]]) -> float:
    return float(sum(p for p, ok in rows if ok))
