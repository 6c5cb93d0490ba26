"""Split a source text into passages (paragraphs) and sentences, keeping character offsets.

A passage is the unit that search returns and a quote is located in. Offsets are
into the source text exactly as stored (``text[start:end] == passage.text``), so a
passage can always be shown in its place.

Paragraphs are separated by blank lines. Inside a block without blank lines, each
line is its own paragraph unless the block looks hard-wrapped (most of its lines
end without closing punctuation), in which case the block is one paragraph.
Paragraphs longer than ``max_chars`` are cut at sentence boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PASSAGE_CHARS = 1500

_BLOCK = re.compile(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", re.MULTILINE)
_LINE = re.compile(r"[^\n]*\S[^\n]*")
_CLOSING = tuple(".!?:;\"'\u201d\u2019)]\u2026")
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[^\W_a-z])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt adm gov sen rep st jr sr vs etc e.g i.e inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec no fig u.s u.k u.n e.u approx dept est".split()
)


@dataclass(frozen=True)
class Passage:
    """A paragraph of a source, with its place in the text.

    Attributes
    ----------
    source : str
        Id of the source.
    number : int
        1-based position of the passage in its source.
    start, end : int
        Character offsets into the source text: ``text[start:end] == self.text``.
    text : str
        The passage as it stands in the source.
    sentences : tuple of (int, int)
        Character offsets of each sentence, into the source text.
    """

    source: str
    number: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]

    @property
    def id(self) -> str:
        """``"<source>#<number>"``, unique in a corpus."""
        return f"{self.source}#{self.number}"

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence (source offsets) containing source offset ``offset``, if any."""
        return next((s for s in self.sentences if s[0] <= offset < s[1]), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "passage": self.number,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentences": [list(s) for s in self.sentences],
        }


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (shifted by ``offset``), cut after ``.``, ``!``, ``?`` before a new word.

    Common abbreviations (``Mr.``, ``U.S.``, ``Jan.``) and single initials do not end a sentence.
    """
    spans: list[tuple[int, int]] = []
    begin = _skip_space(text, 0)
    for match in _SENTENCE_END.finditer(text):
        cut = match.end()
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        if cut > begin:
            spans.append((offset + begin, offset + cut))
        begin = _skip_space(text, cut)
    end = len(text.rstrip())
    if end > begin:
        spans.append((offset + begin, offset + end))
    return spans


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_abbreviation(text: str, dot: int) -> bool:
    k = dot
    while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and text[k].isupper())


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in _BLOCK.finditer(text):
        lines = [m for m in _LINE.finditer(text, block.start(), block.end())]
        if len(lines) > 1:
            open_ends = sum(1 for m in lines[:-1] if not m.group().rstrip().endswith(_CLOSING))
            if open_ends * 2 > len(lines) - 1:
                spans.append((block.start(), block.end()))
                continue
        for m in lines:
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            spans.append((start, m.start() + len(m.group().rstrip())))
    return spans


def split_passages(text: str, source: str, *, max_chars: int = MAX_PASSAGE_CHARS) -> list[Passage]:
    """The passages of ``text``, in order, numbered from 1.

    Parameters
    ----------
    text : str
        The full source text.
    source : str
        The source id stored in each passage.
    max_chars : int
        Paragraphs longer than this are cut into runs of whole sentences of at most this length
        (a single longer sentence stays whole).
    """
    out: list[Passage] = []
    for start, end in _paragraph_spans(text):
        sentences = split_sentences(text[start:end], start)
        for chunk in _chunks(sentences, start, end, max_chars):
            c_start, c_end = chunk[0][0], chunk[-1][1]
            out.append(Passage(source, len(out) + 1, c_start, c_end, text[c_start:c_end], tuple(chunk)))
    return out


def _chunks(sentences: list[tuple[int, int]], start: int, end: int,
            max_chars: int) -> list[list[tuple[int, int]]]:
    if not sentences:
        return [[(start, end)]]
    if end - start <= max_chars:
        return [sentences]
    chunks: list[list[tuple[int, int]]] = [[]]
    for sent in sentences:
        if chunks[-1] and sent[1] - chunks[-1][0][0] > max_chars:
            chunks.append([])
        chunks[-1].append(sent)
    return chunks
