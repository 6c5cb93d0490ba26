"""Turn text into search terms: the one analyser shared by indexing, queries and mention checks.

Rules, in order:

- text is compared as :func:`accord.scenario.validate.normalise_text` compares quotes
  (typographic quotes and dashes made plain), then lower-cased;
- numbers lose their thousands separators (``85,000`` and ``85000`` are one term);
- dotted acronyms lose their dots (``U.S.`` is ``us``), and a word written in capitals is
  never a stop word (``US`` stays, ``us`` goes);
- a possessive ``'s`` is dropped, a hyphenated word gives its parts and the joined word
  (``cease-fire`` gives ``cease``, ``fire`` and ``ceasefire``);
- English stop words are dropped and plurals reduced with Harman's S-stemmer
  (Harman 1991, "How effective is suffixing?", JASIS 42(1)), which is conservative
  enough to keep names intact.
"""

from __future__ import annotations

import re
from functools import lru_cache

from accord.scenario.validate import normalise_text

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say one two may might must shall upon yet however us
    s t don didn doesn isn wasn weren won wouldn couldn shouldn
    """.split()
)

_WORD = re.compile(r"[^\W_]+(?:['.,\-][^\W_]+)*", re.UNICODE)
_RAW_WORD = re.compile(r"[^\W_]+(?:['\u2019.,\-\u2010\u2011][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?$|\d+\.\d+$")
_ACRONYM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?$")


def stem(word: str) -> str:
    """Harman's S-stemmer: reduce an English plural to its singular, leave other words alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _terms_of_word(raw: str) -> tuple[str, ...]:
    if _NUMBER.match(raw):
        return (raw.replace(",", ""),)
    upper = len(raw) > 1 and raw.isupper()
    word = raw.lower()
    if "'" in word:
        head, _, tail = word.partition("'")
        if tail == "t":
            return ()
        word = head if tail in ("s", "") else word.replace("'", "")
    if "." in raw and _ACRONYM.match(raw + ("." if not raw.endswith(".") else "")):
        return (word.replace(".", ""),)
    pieces = [p for p in re.split(r"[-.,]", word) if p]
    if len(pieces) > 1:
        joined = "".join(pieces)
        parts = [stem(p) for p in pieces if p not in STOP_WORDS]
        return (*parts, stem(joined))
    if word in STOP_WORDS and not upper:
        return ()
    return (stem(word),)


def word_spans(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each word of ``text`` as ``(start, end, its terms)``, with offsets into ``text`` (for highlighting)."""
    out = []
    for match in _RAW_WORD.finditer(text):
        pieces = _WORD.findall(normalise_text(match.group()))
        found = tuple(t for piece in pieces for t in _terms_of_word(piece))
        if found:
            out.append((match.start(), match.end(), found))
    return out


def terms(text: str) -> list[str]:
    """The search terms of ``text``, in order, repeats kept.

    Examples
    --------
    >>> terms("Russia's army: capped at 85,000 troops by the U.S.")
    ['russia', 'army', 'capped', '85000', 'troop', 'us']
    """
    out: list[str] = []
    for match in _WORD.finditer(normalise_text(text)):
        out.extend(_terms_of_word(match.group()))
    return out
