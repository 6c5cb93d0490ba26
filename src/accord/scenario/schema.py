"""The scenario file model: typed, immutable, every field documented.

A scenario is a negotiation: who takes part (``actors``), what is at stake
(``issues``, each on a scale with labelled anchors, a status quo and veto players),
where each actor stands (``stances``, each backed by quoted ``evidence`` from a
``source`` or an explicit ``assumption``), and, for the agreement analysis, what
each side expects without a deal, the limits it will not cross (``red_line`` on a
stance, ``requires`` on an actor), issues that cannot be split (``options``), named
``levers``, a dated ``timeline`` and alternative ``types`` of an actor.

Structure (types, required fields, unknown fields) is checked by pydantic; rules
that relate fields to each other live in :mod:`accord.scenario.validate`, which
reports every problem with its location.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from accord.scenario.values import Finite, FiniteKey, Uncertain

SCHEMA_VERSION = 1

_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _printable_id(value: str) -> str:
    """``value`` when every character is printable and it has no surrounding spaces."""
    bad = next((c for c in value if unicodedata.category(c) in _UNPRINTABLE), None)
    if bad is not None:
        raise PydanticCustomError(
            "id_chars", "an id must contain printable characters only, got {v} (U+{code} {name})",
            {"v": repr(value)[:80], "code": f"{ord(bad):04X}", "name": unicodedata.name(bad, "unnamed")},
        )
    if value != value.strip():
        raise PydanticCustomError("id_chars", "an id must not start or end with a space, got {v}",
                                  {"v": repr(value)[:80]})
    return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_printable_id)]
ActorKind = Literal[
    "state", "institution", "domestic_ratifier", "bloc", "organisation", "individual", "party", "firm", "other"
]
EditField = Literal[
    "position", "salience", "expects", "capability", "no_deal_cost", "hold_probability", "red_line"
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Source(_Spec):
    """An article or document the stances rest on.

    ``text`` is the full text; in a file it is given either inline or as ``file``,
    a path relative to the scenario file that must stay inside its folder.
    """

    id: Id
    title: str
    title_assigned: bool = Field(False, description="True when the text has no title and one was written for it")
    author: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    file: str | None = None
    text: str | None = None
    notes: str | None = None


class Evidence(_Spec):
    """A verbatim quote from a source."""

    source: Id
    quote: Annotated[str, StringConstraints(min_length=1)]


class RedLine(_Spec):
    """A limit an actor will not cross on one issue, whatever it gains elsewhere.

    The actor accepts no package with the issue below ``at_least`` or above ``at_most``
    (a reservation level per issue, Raiffa 1982; a veto threshold in ELECTRE terms).
    ``credibility`` is the probability that the limit is real rather than a bargaining
    posture (a number or a ``[low, high]`` range). Like a stance, a red line rests on
    quoted ``evidence`` or states its ``assumption``.
    """

    at_least: float | None = None
    at_most: float | None = None
    credibility: Uncertain = Uncertain(1.0)
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None

    @model_validator(mode="after")
    def _has_bound(self) -> RedLine:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a red line needs at_least, at_most or both")
        return self

    @property
    def bounds(self) -> tuple[tuple[str, float], ...]:
        """The red line's bounds as ``(kind, value)`` pairs, ``at_least`` first."""
        return tuple((k, v) for k, v in (("at_least", self.at_least), ("at_most", self.at_most)) if v is not None)


class Condition(_Spec):
    """One condition of a requirement: an issue at least or at most a value (exactly one of them)."""

    issue: Id
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a condition needs exactly one of at_least, at_most")
        return self

    @property
    def bound(self) -> tuple[str, float]:
        """``("at_least", value)`` or ``("at_most", value)``."""
        if self.at_least is not None:
            return "at_least", self.at_least
        return "at_most", float(self.at_most)  # type: ignore[arg-type]


class Requirement(_Spec):
    """A condition an actor sets on any deal that needs several issues: ``at_least_k`` of ``of`` must hold.

    For instance a leader who must be able to show at least one of the other side's
    demands given up in the text (audience costs, Fearon 1994; Tomz 2007).
    """

    at_least_k: int = Field(1, ge=1)
    of: tuple[Condition, ...] = Field(min_length=1)
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None


class CostPoint(_Spec):
    """The no-deal cost of an actor at a date; costs between dates are interpolated linearly."""

    date: dt.date
    value: Uncertain


class Actor(_Spec):
    """A party, institution or ratifier.

    ``capability`` is relative power (any non-negative unit). ``no_deal_cost`` is the
    cost of continued conflict in utility units, used by the agreement analysis;
    ``no_deal_cost_path`` makes it change with time. ``requires`` lists conditions
    over several issues that any deal it accepts must meet.
    """

    id: Id
    name: str
    kind: ActorKind = "state"
    capability: Uncertain
    notes: str | None = None
    aliases: tuple[str, ...] = ()
    no_deal_cost: Uncertain = Uncertain(0.0)
    no_deal_cost_path: tuple[CostPoint, ...] = ()
    requires: tuple[Requirement, ...] = ()


class Scale(_Spec):
    """An issue's scale: bounds and labelled anchor points (value -> words)."""

    min: Finite = 0.0
    max: Finite = 100.0
    anchors: dict[FiniteKey, str] = Field(default_factory=dict)


class Issue(_Spec):
    """Something to be decided, on a one-dimensional scale.

    ``status_quo`` is the no-deal outcome; ``veto`` lists the actors whose consent any
    deal on this issue needs; ``hold_probability`` is the chance that a deal on the
    issue is honoured. ``options`` makes the issue indivisible: the outcome can only
    be one of these values (``"anchors"``: the scale's anchors; Fearon 1995).
    ``carry_over`` is the share of a concession on the issue that stays in force when a
    deal collapses (an army that was disbanded, Powell 2006).
    """

    id: Id
    name: str
    description: str | None = None
    scale: Scale = Scale()
    status_quo: Finite | None = None
    veto: tuple[Id, ...] = ()
    aliases: tuple[str, ...] = ()
    hold_probability: Uncertain = Uncertain(1.0)
    options: tuple[float, ...] | Literal["anchors"] | None = None
    carry_over: float = 0.0

    def option_values(self) -> tuple[float, ...] | None:
        """The values an indivisible issue can take, sorted; None for a divisible issue."""
        if self.options is None:
            return None
        values = self.scale.anchors.keys() if self.options == "anchors" else self.options
        return tuple(sorted({float(v) for v in values}))


class Stance(_Spec):
    """Where an actor stands on an issue, how much it cares, and why we think so.

    ``expects`` is what the actor expects without a deal (default: the issue's status
    quo); ``red_line`` is a limit it will not cross on the issue.
    """

    actor: Id
    issue: Id
    position: Uncertain
    salience: Uncertain
    expects: Uncertain | None = None
    red_line: RedLine | None = None
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None


class Edit(_Spec):
    """One change to a scenario: ``set``, ``add`` or ``multiply`` one field, or change a red line.

    ``position``, ``salience`` and ``expects`` need ``actor`` and ``issue``;
    ``capability`` and ``no_deal_cost`` need ``actor``; ``hold_probability`` takes an
    ``issue`` (or neither, for the deal as a whole). ``red_line`` needs ``actor`` and
    ``issue`` and gives, instead of an operation, the new ``at_least``, ``at_most`` and/or
    ``credibility`` of that actor's red line on the issue (a red line is created when the
    actor has none there).
    """

    field: EditField
    actor: Id | None = None
    issue: Id | None = None
    set: Uncertain | None = None
    add: Uncertain | None = None
    multiply: Uncertain | None = None
    at_least: float | None = None
    at_most: float | None = None
    credibility: Uncertain | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> Edit:
        ops = [op for op in ("set", "add", "multiply") if getattr(self, op) is not None]
        line = [k for k in ("at_least", "at_most", "credibility") if getattr(self, k) is not None]
        if self.field == "red_line":
            if ops:
                raise ValueError("an edit of red_line takes at_least, at_most or credibility, not set, add or multiply")
            if not line:
                raise ValueError("an edit of red_line needs at_least, at_most or credibility")
            return self
        if line:
            raise ValueError(f"{', '.join(line)} belong to an edit of red_line, not of {self.field}")
        if len(ops) != 1:
            raise ValueError(f"an edit needs exactly one of set, add, multiply; got {ops or 'none'}")
        return self

    @property
    def edits_red_line(self) -> bool:
        """True for an edit of a red line (no set/add/multiply operation)."""
        return self.field == "red_line"

    @property
    def operation(self) -> tuple[str, Uncertain]:
        """The operation and its operand; an edit of ``red_line`` has none (a ``ValueError``)."""
        if self.field == "red_line":
            raise ValueError("an edit of red_line has no set/add/multiply operation")
        for op in ("set", "add", "multiply"):
            value = getattr(self, op)
            if value is not None:
                return op, value
        raise AssertionError("unreachable: validated to have one operation")


class Lever(_Spec):
    """A named change an outside party can make (a sanctions package, arms, relief, a guarantee)."""

    id: Id
    name: str
    description: str | None = None
    edits: tuple[Edit, ...]
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None


class Snapshot(_Spec):
    """The case at a date: edits to the base scenario (not cumulative across snapshots)."""

    date: dt.date
    label: str
    description: str | None = None
    edits: tuple[Edit, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None


class TypeStance(_Spec):
    """A stance of an actor's alternative type; unset fields keep the base stance's values."""

    issue: Id
    position: Uncertain | None = None
    salience: Uncertain | None = None
    expects: Uncertain | None = None
    red_line: RedLine | None = None
    evidence: tuple[Evidence, ...] = ()
    assumption: str | None = None


class ActorType(_Spec):
    """A hypothesis about what an actor really wants, with a prior probability."""

    actor: Id
    id: Id
    name: str
    prior: Finite
    description: str | None = None
    stances: tuple[TypeStance, ...] = ()


class Scenario(_Spec):
    """A whole negotiation case. Build it with :func:`accord.scenario.io.load_scenario`."""

    schema_version: int = SCHEMA_VERSION
    id: Id
    title: str
    as_of: dt.date | None = None
    description: str | None = None
    distribution: Literal["uniform", "pert"] = "uniform"
    hold_probability: Uncertain = Uncertain(1.0)
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...] = ()
    levers: tuple[Lever, ...] = ()
    timeline: tuple[Snapshot, ...] = ()
    types: tuple[ActorType, ...] = ()

    def actor(self, actor_id: str) -> Actor:
        """The actor with id ``actor_id`` (StopIteration when there is none)."""
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        """The issue with id ``issue_id`` (StopIteration when there is none)."""
        return next(i for i in self.issues if i.id == issue_id)

    def source(self, source_id: str) -> Source:
        """The source with id ``source_id`` (StopIteration when there is none)."""
        return next(s for s in self.sources if s.id == source_id)

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """The stance of ``actor_id`` on ``issue_id``, or None."""
        return next((s for s in self.stances if s.actor == actor_id and s.issue == issue_id), None)

    def status_quo(self, issue: Issue) -> float:
        """The issue's status quo, or the middle of its scale when none is given."""
        return issue.status_quo if issue.status_quo is not None else 0.5 * (issue.scale.min + issue.scale.max)


def nearest_anchor(issue: Issue, value: float) -> tuple[float, str] | None:
    """The labelled anchor of ``issue`` closest to ``value`` (ties: the lower one)."""
    if not issue.scale.anchors:
        return None
    key = min(sorted(issue.scale.anchors), key=lambda a: abs(a - value))
    return key, issue.scale.anchors[key]
