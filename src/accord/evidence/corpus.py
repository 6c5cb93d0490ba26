"""The texts behind a scenario, cut into passages, and where each quote sits in them.

A :class:`Corpus` holds :class:`Document` objects (a source's id, title, date and text)
and their passages. :func:`locate_quote` finds a stance's quote the way validation
checks it (:func:`accord.scenario.validate.normalise_text` on both sides) and maps the
match back to exact character offsets in the stored text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from accord.errors import Problem, ScenarioError
from accord.evidence.passages import Passage, split_passages
from accord.scenario.schema import Scenario, Source
from accord.scenario.validate import normalise_text


@dataclass(frozen=True)
class Document:
    """One source text with its passages.

    Attributes
    ----------
    id, title : str
    date : datetime.date or None
    text : str
    passages : tuple of Passage
    """

    id: str
    title: str
    date: dt.date | None
    text: str
    passages: tuple[Passage, ...] = field(repr=False)

    @classmethod
    def from_text(cls, id: str, text: str, *, title: str | None = None,
                  date: dt.date | None = None) -> Document:
        """A document split into passages."""
        return cls(id, title or id, date, text, cached_passages(id, text))

    @classmethod
    def from_source(cls, source: Source) -> Document:
        return cls.from_text(source.id, source.text or "", title=source.title, date=source.date)


@lru_cache(maxsize=4096)
def cached_passages(source_id: str, text: str) -> tuple[Passage, ...]:
    """:func:`split_passages`, remembered for texts seen before."""
    return tuple(split_passages(text, source_id))


class Corpus:
    """An ordered collection of documents; passages are numbered within each document."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self._docs: dict[str, Document] = {}
        for doc in documents:
            self.add(doc)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Corpus:
        """The corpus of a scenario's sources (sources without text are skipped)."""
        return cls(Document.from_source(s) for s in scenario.sources if s.text)

    def add(self, doc: Document) -> None:
        if doc.id in self._docs:
            raise ValueError(f"the corpus already has a document {doc.id!r}")
        self._docs[doc.id] = doc

    def __len__(self) -> int:
        return len(self._docs)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._docs.values())

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def __getitem__(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    @property
    def passages(self) -> list[Passage]:
        """Every passage, document by document."""
        return [p for doc in self._docs.values() for p in doc.passages]


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote sits in a source.

    Attributes
    ----------
    source : str
    start, end : int
        Character offsets of the quoted text in the source text.
    passages : tuple of Passage
        The passages the quote overlaps, in order (one, unless it crosses a paragraph break).
    """

    source: str
    start: int
    end: int
    passages: tuple[Passage, ...]

    @property
    def passage(self) -> Passage:
        """The passage where the quote begins."""
        return self.passages[0]


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`normalise_text` of ``text`` and, for each character of it, its offset in ``text``.

    Returns
    -------
    normalised : str
    origin : list of int
        ``origin[i]`` is the offset in ``text`` of the character that produced ``normalised[i]``;
        it has one extra entry, ``len(text)`` or the end of the last kept character.
    """
    chars: list[str] = []
    origin: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        if text[i].isspace():
            piece = " "
        else:
            while j < n and unicodedata.combining(text[j]):
                j += 1
            piece = normalise_text(text[i:j]) or " "
        for ch in piece:
            if ch == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(ch)
            origin.append(i)
        i = j
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    end = origin[-1] + 1 if origin else 0
    while end < n and unicodedata.combining(text[end]):
        end += 1
    origin.append(end)
    return "".join(chars), origin


@lru_cache(maxsize=256)
def _normalised(text: str) -> tuple[str, tuple[int, ...]]:
    norm, origin = normalise_with_offsets(text)
    return norm, tuple(origin)


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Offsets ``(start, end)`` of the first ``quote`` in ``text``, compared as validation compares them."""
    needle = normalise_text(quote)
    if not needle:
        return None
    norm, origin = _normalised(text)
    at = norm.find(needle)
    if at < 0:
        return None
    last = at + len(needle) - 1
    end = origin[last] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return origin[at], end


def match_quote(source_id: str, text: str, quote: str,
                passages: Sequence[Passage] | None = None) -> QuoteMatch | None:
    """Where ``quote`` sits in ``text``, with the passages it overlaps, or None when it does not occur."""
    span = find_quote(text, quote)
    if span is None:
        return None
    start, end = span
    passages = passages if passages is not None else cached_passages(source_id, text)
    hit = tuple(p for p in passages if p.start < end and start < p.end)
    if not hit:
        hit = (min(passages, key=lambda p: abs(p.start - start)),) if passages else ()
    return QuoteMatch(source_id, start, end, hit)


def locate_quote(scenario: Scenario, source_id: str, quote: str) -> Passage:
    """The passage of source ``source_id`` in which ``quote`` begins.

    Raises
    ------
    ScenarioError
        The scenario has no such source, the source has no text, or the quote does not occur in it.
    """
    source = next((s for s in scenario.sources if s.id == source_id), None)
    if source is None:
        raise ScenarioError([Problem("", f"the scenario has no source {source_id!r}")])
    if not source.text:
        raise ScenarioError([Problem("", f"source {source_id!r} has no text")])
    found = match_quote(source_id, source.text, quote)
    if found is None or not found.passages:
        short = quote if len(quote) <= 90 else quote[:87] + "..."
        raise ScenarioError([Problem("", f"quote {short!r} does not occur in source {source_id!r}")])
    return found.passage
