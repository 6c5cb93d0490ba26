"""What a new article says about a scenario: its passages that mention an actor and an issue.

Every passage of the new text is checked against the names and aliases of the
scenario's actors and issues (:class:`accord.evidence.terms.NameIndex`). A passage that
mentions actor *A* and issue *I* is listed under the stance (*A*, *I*); when the
scenario has no such stance yet, under a new pair, so the analyst sees both what the
article changes and what it adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.evidence.corpus import Document
from accord.evidence.passages import Passage
from accord.evidence.terms import NameIndex
from accord.evidence.tokens import terms
from accord.scenario.schema import Scenario
from accord.scenario.validate import normalise_text


@dataclass(frozen=True)
class Mention:
    """A passage of the new text and the words in it that named the actor and the issue."""

    passage: Passage
    actor_labels: tuple[str, ...]
    issue_labels: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "passage": self.passage.number,
            "start": self.passage.start,
            "end": self.passage.end,
            "actor_mentioned_as": list(self.actor_labels),
            "issue_mentioned_as": list(self.issue_labels),
            "text": self.passage.text,
        }


@dataclass(frozen=True)
class StanceGroup:
    """The passages touching one actor-issue pair."""

    actor: str
    issue: str
    has_stance: bool
    mentions: tuple[Mention, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "actor": self.actor,
            "issue": self.issue,
            "stance": "existing" if self.has_stance else "new",
            "passages": [m.to_dict() for m in self.mentions],
        }


@dataclass(frozen=True)
class SourceDiff:
    """How a new text bears on a scenario's stances.

    Attributes
    ----------
    document : Document
        The new text, split into passages.
    groups : tuple of StanceGroup
        Existing stances first, in the scenario's order, then new actor-issue pairs.
    duplicate_of : str or None
        Id of a source of the scenario with the same text, when there is one.
    """

    document: Document
    groups: tuple[StanceGroup, ...]
    duplicate_of: str | None = None

    @property
    def touched(self) -> list[StanceGroup]:
        return [g for g in self.groups if g.has_stance]

    @property
    def new_pairs(self) -> list[StanceGroup]:
        return [g for g in self.groups if not g.has_stance]

    def to_dict(self) -> dict[str, object]:
        doc = self.document
        relevant = {m.passage.number for g in self.groups for m in g.mentions}
        return {
            "source": {"id": doc.id, "title": doc.title, "date": doc.date.isoformat() if doc.date else None},
            "duplicate_of": self.duplicate_of,
            "passages": len(doc.passages),
            "relevant_passages": len(relevant),
            "stances_touched": len(self.touched),
            "new_pairs": len(self.new_pairs),
            "groups": [g.to_dict() for g in self.groups],
        }


def diff_source(scenario: Scenario, document: Document) -> SourceDiff:
    """Group the passages of ``document`` by the stances they bear on."""
    names = NameIndex(scenario)
    found: dict[tuple[str, str], list[Mention]] = {}
    for passage in document.passages:
        m = names.mentions(set(terms(passage.text)))
        for actor, a_labels in m.actors.items():
            for issue, i_labels in m.issues.items():
                mention = Mention(passage, tuple(a_labels), tuple(i_labels))
                found.setdefault((actor, issue), []).append(mention)
    stance_order = {(s.actor, s.issue): k for k, s in enumerate(scenario.stances)}
    actor_order = {a.id: k for k, a in enumerate(scenario.actors)}
    issue_order = {i.id: k for k, i in enumerate(scenario.issues)}

    def key(pair: tuple[str, str]) -> tuple[int, int, int, int]:
        k = stance_order.get(pair)
        return (0, k, 0, 0) if k is not None else (1, 0, actor_order[pair[0]], issue_order[pair[1]])

    groups = tuple(
        StanceGroup(actor, issue, (actor, issue) in stance_order, tuple(found[(actor, issue)]))
        for actor, issue in sorted(found, key=key)
    )
    new_text = normalise_text(document.text)
    duplicate = next((s.id for s in scenario.sources if s.text and normalise_text(s.text) == new_text), None)
    return SourceDiff(document, groups, duplicate)
