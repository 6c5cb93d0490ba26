"""The words that name an actor or an issue, used to build queries and to spot mentions.

An actor is named by its ``name`` and ``aliases`` (``Russia``, ``Moscow``, ``the Kremlin``,
``Putin``); an issue by its ``name`` and ``aliases``. Each name becomes a *phrase*: its
search terms (:func:`accord.evidence.tokens.terms`). A passage *mentions* an actor or an
issue when it contains every term of at least one of its phrases, in any order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from accord.evidence.tokens import terms
from accord.scenario.schema import Actor, Issue, Scenario, Stance

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Names:
    """The phrases naming one actor or issue.

    Attributes
    ----------
    kind : {"actor", "issue"}
    id : str
    phrases : tuple of Phrase
        One per name or alias with at least one search term, duplicates removed.
    labels : tuple of str
        The names and aliases as written, aligned with ``phrases``.
    """

    kind: str
    id: str
    phrases: tuple[Phrase, ...]
    labels: tuple[str, ...]

    @property
    def query_terms(self) -> list[str]:
        """Every term of every phrase, each once, in order."""
        return list(dict.fromkeys(t for p in self.phrases for t in p))

    def matches(self, bag: Collection[str]) -> list[str]:
        """The labels whose phrase is wholly contained in the term set ``bag``."""
        return [label for label, phrase in zip(self.labels, self.phrases, strict=True)
                if all(t in bag for t in phrase)]


def _names(kind: str, id: str, written: Iterable[str]) -> Names:
    phrases: list[Phrase] = []
    labels: list[str] = []
    for label in written:
        phrase = tuple(dict.fromkeys(terms(label)))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
            labels.append(label)
    return Names(kind, id, tuple(phrases), tuple(labels))


def actor_names(actor: Actor) -> Names:
    """The phrases naming ``actor``: its name, then its aliases."""
    return _names("actor", actor.id, (actor.name, *actor.aliases))


def issue_names(issue: Issue) -> Names:
    """The phrases naming ``issue``: its name, then its aliases."""
    return _names("issue", issue.id, (issue.name, *issue.aliases))


def stance_query(scenario: Scenario, stance: Stance) -> list[str]:
    """The query for a stance: the terms of the actor's and the issue's names and aliases."""
    actor = actor_names(scenario.actor(stance.actor))
    issue = issue_names(scenario.issue(stance.issue))
    return list(dict.fromkeys(actor.query_terms + issue.query_terms))


@dataclass(frozen=True)
class Mentions:
    """The actors and issues a passage mentions, each with the labels that matched."""

    actors: dict[str, list[str]]
    issues: dict[str, list[str]]


class NameIndex:
    """Every actor's and issue's names in a scenario, to check passages against."""

    def __init__(self, scenario: Scenario) -> None:
        self.actors = {a.id: actor_names(a) for a in scenario.actors}
        self.issues = {i.id: issue_names(i) for i in scenario.issues}

    def mentions(self, text_or_terms: str | Collection[str]) -> Mentions:
        """What a passage (its text, or its set of terms) mentions."""
        bag = set(terms(text_or_terms)) if isinstance(text_or_terms, str) else text_or_terms
        actors = {k: m for k, names in self.actors.items() if (m := names.matches(bag))}
        issues = {k: m for k, names in self.issues.items() if (m := names.matches(bag))}
        return Mentions(actors, issues)
