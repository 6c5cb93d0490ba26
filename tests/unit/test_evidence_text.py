"""Evidence text handling: search terms, passages and sentences with offsets, quotes located in passages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import ScenarioError
from accord.evidence.corpus import (
    Corpus,
    Document,
    find_quote,
    locate_quote,
    match_quote,
    normalise_with_offsets,
)
from accord.evidence.passages import split_passages, split_sentences
from accord.evidence.tokens import stem, terms, word_spans
from accord.scenario.io import load_scenario
from accord.scenario.validate import normalise_text


@pytest.fixture(scope="module")
def case(data_dir):
    return load_scenario(data_dir / "evidence" / "case" / "scenario.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85,000 troops", ["85000", "troop"]),
        ("85000 troop", ["85000", "troop"]),
        ("Russia’s demands", ["russia", "demand"]),
        ("the U.S. and the US and us", ["us", "us"]),
        ("a cease-fire", ["cease", "fire", "ceasefire"]),
        ("countries, classes, status", ["country", "classe", "status"]),
        ("don't stop", ["stop"]),
        ("1.5 percent", ["1.5", "percent"]),
    ],
)
def test_terms(text, expected):
    assert terms(text) == expected


def test_stem_keeps_short_and_non_plural_words():
    assert [stem(w) for w in ("us", "gas", "bus", "news", "kyiv", "policies")] == [
        "us", "gas", "bus", "new", "kyiv", "policy"]


def test_word_spans_point_into_the_raw_text():
    text = "Moscow’s 85,000-strong cap"
    spans = word_spans(text)
    assert [text[s:e] for s, e, _ in spans] == ["Moscow’s", "85,000-strong", "cap"]
    assert spans[0][2] == ("moscow",)


def test_paragraphs_by_blank_lines_and_by_lines():
    text = "Title line\n\nFirst para. Two sentences here.\nSecond para on its own line.\n\n\n  Third.  \n"
    ps = split_passages(text, "s")
    assert [p.text for p in ps] == ["Title line", "First para. Two sentences here.",
                                    "Second para on its own line.", "Third."]
    assert [p.number for p in ps] == [1, 2, 3, 4]
    for p in ps:
        assert text[p.start:p.end] == p.text
        assert p.id == f"s#{p.number}"
    assert [text[a:b] for a, b in ps[1].sentences] == ["First para.", "Two sentences here."]


def test_hard_wrapped_block_is_one_paragraph():
    text = "This paragraph was wrapped\nat a fixed width by an editor\nand ends here.\n\nNext."
    ps = split_passages(text, "s")
    assert len(ps) == 2 and ps[0].text.endswith("ends here.")


def test_long_paragraph_is_cut_at_sentences():
    sentence = "This sentence is about forty characters. "
    text = (sentence * 60).strip()
    ps = split_passages(text, "s", max_chars=400)
    assert len(ps) > 1
    assert all(len(p.text) <= 400 for p in ps)
    assert all(p.text.endswith(".") for p in ps)
    assert "".join(text[p.start:p.end] + " " for p in ps).strip() == text


def test_sentences_respect_abbreviations():
    text = ('Mr. Smith met Gen. Jones in the U.S. capital. They talked. "Why?" he asked. '
            "J. R. R. Tolkien wrote.")
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Mr. Smith met Gen. Jones in the U.S. capital.", "They talked.", '"Why?" he asked.',
                   "J. R. R. Tolkien wrote."]


def test_empty_text_has_no_passages():
    assert split_passages("", "s") == [] and split_passages(" \n\n \n", "s") == []


@given(st.text(alphabet="ab .\n\t\u00a0\u2019\u201ce\u0301\u2014\u200b\u2009", max_size=40))
def test_normalise_with_offsets_matches_normalise_text(text):
    norm, origin = normalise_with_offsets(text)
    assert norm == normalise_text(text)
    assert len(origin) == len(norm) + 1
    assert origin == sorted(origin) and all(0 <= o <= len(text) for o in origin)


@given(st.text(alphabet="abc \n\u2019'\u201c\"", min_size=1, max_size=30), st.integers(0, 29),
       st.integers(1, 10))
def test_find_quote_returns_a_span_that_normalises_to_the_quote(text, start, length):
    quote = text[start:start + length]
    if not normalise_text(quote):
        return
    span = find_quote(text, quote)
    assert span is not None
    assert normalise_text(text[span[0]:span[1]]) == normalise_text(quote)


def test_find_quote_with_typographic_quotes_and_spacing():
    text = "He said: \u201cThe dam is\n   not negotiable,\u201d firmly."
    span = find_quote(text, '"The dam is not negotiable,"')
    assert span is not None and text[span[0]:span[1]] == "\u201cThe dam is\n   not negotiable,\u201d"
    assert find_quote(text, "absent words") is None


def test_locate_quote_gives_the_passage(case):
    passage = locate_quote(case, "herald-feb", "needs at least 55 cubic metres per second")
    assert passage.number == 6 and "Elena Varga" in passage.text
    text = case.source("herald-feb").text
    assert text[passage.start:passage.end] == passage.text


def test_locate_quote_errors(case):
    with pytest.raises(ScenarioError, match="no source 'nope'"):
        locate_quote(case, "nope", "x")
    with pytest.raises(ScenarioError, match="does not occur in source 'herald-feb'"):
        locate_quote(case, "herald-feb", "words that are not there")


def test_quote_across_paragraphs_lists_both_passages():
    text = "First paragraph ends here.\n\nSecond one starts here."
    found = match_quote("s", text, "ends here. Second one")
    assert found is not None and [p.number for p in found.passages] == [1, 2]
    assert found.passage.number == 1


def test_every_builtin_quote_is_located():
    sc = load_scenario("ukraine-2025")
    for stance in sc.stances:
        for ev in stance.evidence:
            passage = locate_quote(sc, ev.source, ev.quote)
            assert normalise_text(ev.quote)[:40] in normalise_text(sc.source(ev.source).text[passage.start:])


def test_corpus_from_scenario(case):
    corpus = Corpus.from_scenario(case)
    assert len(corpus) == 2 and "herald-feb" in corpus
    assert [p.source for p in corpus.passages][:1] == ["herald-feb"]
    with pytest.raises(ValueError, match="already has"):
        corpus.add(Document.from_text("herald-feb", "x"))
