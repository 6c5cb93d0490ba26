"""How well each stance is backed by the sources: its quotes, and the other passages that bear on it.

For every stance the report gives

- each evidence quote, whether it verifies and the passage (or passages) it sits in;
- the *supporting* passages: those that mention the stance's actor and its issue
  (:class:`accord.evidence.terms.NameIndex`), other than the quoted ones, ranked by the
  BM25 score of the stance's query (actor and issue names and aliases);
- a status: ``quoted`` (a quote verifies), ``supported`` (no verified quote, but
  passages mention actor and issue), or ``unsupported`` (neither).

:func:`load_for_coverage` reads a scenario whose only problems are quotes that do not
occur in their sources, so that the report can show them rather than stop at them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from accord.errors import ScenarioError
from accord.evidence.corpus import match_quote
from accord.evidence.passages import Passage
from accord.evidence.search import SearchIndex
from accord.evidence.stance_search import StanceSearch
from accord.evidence.terms import stance_query
from accord.scenario.schema import Evidence, Scenario
from accord.scenario.values import Uncertain

UNVERIFIED_NOTE = "(every evidence quote of this stance failed verification)"
_QUOTE_PATH = re.compile(r"stances\[(\d+)\]\.evidence\[(\d+)\]\.quote")


@dataclass(frozen=True)
class QuoteCheck:
    """One evidence quote and where it sits.

    Attributes
    ----------
    source, quote : str
    verified : bool
    start, end : int or None
        Offsets of the quote in the source text, when verified.
    passages : tuple of Passage
        The passages the quote overlaps (empty when not verified).
    """

    source: str
    quote: str
    verified: bool
    start: int | None = None
    end: int | None = None
    passages: tuple[Passage, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "quote": self.quote,
            "verified": self.verified,
            "start": self.start,
            "end": self.end,
            "passages": [p.number for p in self.passages],
            "passage_text": self.passages[0].text if self.passages else None,
        }


@dataclass(frozen=True)
class Support:
    """A passage that mentions a stance's actor and issue."""

    passage: Passage
    score: float
    actor_labels: tuple[str, ...]
    issue_labels: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.passage.source,
            "passage": self.passage.number,
            "start": self.passage.start,
            "end": self.passage.end,
            "score": round(self.score, 4),
            "actor_mentioned_as": list(self.actor_labels),
            "issue_mentioned_as": list(self.issue_labels),
            "text": self.passage.text,
        }


@dataclass(frozen=True)
class StanceCoverage:
    """The backing of one stance."""

    actor: str
    issue: str
    position: Uncertain
    salience: Uncertain
    assumption: str | None
    quotes: tuple[QuoteCheck, ...]
    support: tuple[Support, ...]

    @property
    def status(self) -> str:
        """``quoted``, ``supported`` or ``unsupported``."""
        if any(q.verified for q in self.quotes):
            return "quoted"
        return "supported" if self.support else "unsupported"

    def to_dict(self, max_support: int | None = None) -> dict[str, object]:
        shown = self.support if max_support is None else self.support[:max_support]
        return {
            "actor": self.actor,
            "issue": self.issue,
            "position": self.position.to_data(),
            "salience": self.salience.to_data(),
            "status": self.status,
            "assumption": self.assumption,
            "quotes": [q.to_dict() for q in self.quotes],
            "supporting_passages": len(self.support),
            "support": [s.to_dict() for s in shown],
        }


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of every stance of a scenario."""

    scenario: str
    stances: tuple[StanceCoverage, ...]
    passages: int
    sources: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def unsupported(self) -> list[StanceCoverage]:
        """Stances with no verified quote and no supporting passage."""
        return [s for s in self.stances if s.status == "unsupported"]

    @property
    def unverified_quotes(self) -> list[tuple[StanceCoverage, QuoteCheck]]:
        return [(s, q) for s in self.stances for q in s.quotes if not q.verified]

    def to_dict(self, max_support: int | None = 5) -> dict[str, object]:
        counts = {k: sum(1 for s in self.stances if s.status == k)
                  for k in ("quoted", "supported", "unsupported")}
        return {
            "scenario": self.scenario,
            "sources": self.sources,
            "passages": self.passages,
            "stances": len(self.stances),
            **counts,
            "unverified_quotes": len(self.unverified_quotes),
            "unsupported_stances": [{"actor": s.actor, "issue": s.issue} for s in self.unsupported],
            "coverage": [s.to_dict(max_support) for s in self.stances],
        }


def coverage(
    scenario: Scenario,
    *,
    index: SearchIndex | None = None,
    unverified: dict[int, list[Evidence]] | None = None,
) -> CoverageReport:
    """The coverage report of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
    index : SearchIndex, optional
        An index of the scenario's corpus, when one is already built.
    unverified : dict of int to list of Evidence, optional
        Quotes known not to occur in their sources, by stance position (from :func:`load_for_coverage`).
    """
    finder = StanceSearch(scenario, index)
    index = finder.index
    mentions = finder.mentions
    texts = {s.id: s.text for s in scenario.sources if s.text}
    rows = []
    for k, st in enumerate(scenario.stances):
        checks = []
        quoted: set[str] = set()
        for ev in st.evidence:
            text = texts.get(ev.source)
            found = match_quote(ev.source, text, ev.quote) if text else None
            if found is None:
                checks.append(QuoteCheck(ev.source, ev.quote, False))
                continue
            checks.append(QuoteCheck(ev.source, ev.quote, True, found.start, found.end, found.passages))
            quoted.update(p.id for p in found.passages)
        for ev in (unverified or {}).get(k, []):
            checks.append(QuoteCheck(ev.source, ev.quote, False))
        scores = index.scores(stance_query(scenario, st))
        support = [
            Support(p, float(scores[i]), tuple(m.actors[st.actor]), tuple(m.issues[st.issue]))
            for i, (p, m) in enumerate(zip(index.passages, mentions, strict=True))
            if st.actor in m.actors and st.issue in m.issues and p.id not in quoted
        ]
        support.sort(key=lambda s: (-s.score, s.passage.source, s.passage.number))
        assumption = None if st.assumption == UNVERIFIED_NOTE else st.assumption
        rows.append(StanceCoverage(st.actor, st.issue, st.position, st.salience, assumption, tuple(checks),
                                   tuple(support)))
    return CoverageReport(scenario.id, tuple(rows), len(index), len(index.corpus))


def load_for_coverage(ref: str | Path) -> tuple[Scenario, dict[int, list[Evidence]]]:
    """Load a scenario, setting aside quotes that do not occur in their sources.

    Returns
    -------
    scenario : Scenario
        The scenario without the failing quotes.
    unverified : dict of int to list of Evidence
        The failing quotes, by stance position.

    Raises
    ------
    ScenarioError
        When the scenario has any other problem.
    """
    from accord.scenario import builtin
    from accord.scenario.io import load_scenario, parse_yaml, read_text, scenario_from_data

    try:
        return load_scenario(ref), {}
    except ScenarioError as exc:
        failing = [_QUOTE_PATH.fullmatch(p.path) for p in exc.problems]
        if not failing or any(m is None for m in failing):
            raise
    ref_str = str(ref)
    if ref_str in builtin.names() and not Path(ref_str).exists():
        path, label = builtin.path(ref_str), f"{ref_str}/scenario.yaml"
    else:
        path, label = Path(ref_str), ref_str
    text = read_text(path)
    if path.suffix.lower() == ".json":
        data, lines = json.loads(text), {}
    else:
        data, lines = parse_yaml(text, label)
    drop: dict[int, set[int]] = {}
    for m in failing:
        assert m is not None
        drop.setdefault(int(m.group(1)), set()).add(int(m.group(2)))
    unverified: dict[int, list[Evidence]] = {}
    for k, quotes in drop.items():
        stance = data["stances"][k]
        evidence = stance.get("evidence") or []
        unverified[k] = [Evidence.model_validate(evidence[q]) for q in sorted(quotes)]
        stance["evidence"] = [ev for q, ev in enumerate(evidence) if q not in quotes]
        if not stance["evidence"] and not stance.get("assumption"):
            stance["assumption"] = UNVERIFIED_NOTE
    return scenario_from_data(data, file=label, lines=lines, base_dir=path.parent), unverified
