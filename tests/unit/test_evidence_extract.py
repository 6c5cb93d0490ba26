"""Text extraction from text, Markdown, HTML (boilerplate dropped) and PDF files."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from accord.errors import ImportFormatError, ScenarioError
from accord.evidence.extract import extract_file, extract_html, extract_markdown, extract_text, parse_date

EVIDENCE = Path(__file__).parents[1] / "data" / "evidence"


def test_html_keeps_the_article_and_drops_boilerplate():
    got = extract_file(EVIDENCE / "article.html")
    assert got.format == "html"
    assert got.title == "Kessel dam talks stall over water quota"
    assert got.author == "Mara Lindqvist"
    assert got.date == dt.date(2025, 3, 14)
    assert got.publisher == "The Basin Herald"
    assert got.url == "https://herald.example/2025/03/kessel-dam-talks"
    paragraphs = got.text.strip().split("\n\n")
    assert paragraphs[0] == "Kessel dam talks stall over water quota"
    assert any(p.startswith("Minister Varga told reporters") for p in paragraphs)
    assert any(p.startswith("The Basin Commission, which must approve") for p in paragraphs)
    for junk in ("cookies", "Donate", "donate", "Politics", "Share on", "newsletter", "All rights reserved",
                 "Drought hits", "dataLayer", "font-family", "Support our journalism", "Terms of use"):
        assert junk not in got.text, junk
    assert len(got.dropped) >= 5


def test_html_without_article_uses_body_and_drops_page_furniture():
    html = """<html><head><title>Plain page</title></head><body>
      <div class="navbar"><a href="/">Home</a> <a href="/x">Section</a></div>
      <h1>Plain page</h1><p>The only paragraph<br>with a line break.</p>
      <div id="comments"><p>First!</p></div>
      <footer>Contact us</footer></body></html>"""
    got = extract_html(html)
    assert got.text.split("\n\n") == ["Plain page", "The only paragraph", "with a line break.\n"]
    assert got.author is None and got.date is None


def test_html_does_not_drop_the_main_text_even_if_its_class_looks_like_boilerplate():
    html = ('<html><body><div class="share-wrapper"><p>' + "Long article text. " * 30
            + "</p></div><div class=\"share\">Share</div></body></html>")
    got = extract_html(html)
    assert got.text.count("Long article text.") == 30 and "Share" not in got.text


def test_markdown_front_matter_and_markup():
    got = extract_file(EVIDENCE / "statement.md")
    assert got.format == "markdown"
    assert got.title == "Statement by the Northland delegation"
    assert got.author == "Northland ministry of foreign affairs"
    assert got.publisher == "Government of Northland"
    assert got.date == dt.date(2025, 3, 20)
    paragraphs = got.text.strip().split("\n\n")
    assert ("Northland remains committed to a fair settlement on the Kessel river, but the Kessel dam "
            "will be completed on schedule, whatever the outcome of the talks.") in paragraphs
    assert "Northland can release 40 cubic metres per second in the dry season." in paragraphs
    assert any(p.startswith("Nordholm will not pay compensation") and p.endswith("See the full text.")
               for p in paragraphs)
    for markup in ("**", "](", "# ", "> ", "---"):
        assert markup not in got.text


def test_markdown_heading_without_front_matter_is_the_title():
    got = extract_markdown("Intro\n\n# The Title\n\nBody with `code` and _emphasis_ and snake_case_name.\n")
    assert got.title == "The Title"
    assert "Body with code and emphasis and snake_case_name." in got.text


def test_pdf_text_layer_paragraphs_and_metadata():
    got = extract_file(EVIDENCE / "commission.pdf")
    assert got.format == "pdf"
    assert got.title == "Hydrological assessment of the Kessel basin"
    assert got.author == "Basin Commission"
    assert got.date == dt.date(2025, 4, 2)
    paragraphs = got.text.strip().split("\n\n")
    assert paragraphs[0] == "Summary of findings"
    assert "three consecutive dry winters." in got.text
    assert "compensation payments to Southland farmers" in got.text
    assert "Hydrological assessment\n" not in got.text and "Basin Commission - Hydrological" not in got.text
    assert not any(p.strip().isdigit() for p in paragraphs)
    assert any(p.startswith("The Commission recommends") and p.endswith("below the minimum.")
               for p in paragraphs)


def test_pdf_fixture_is_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("make_pdf", EVIDENCE / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == (EVIDENCE / "commission.pdf").read_bytes()


def test_plain_text_title_date_author_from_the_top():
    got = extract_text("Why talks fail\n\nJuly 7, 2025, 08:50・Opinion\n\n"
                       "Author: A. Writer - professor\n\nBody.")
    assert got.title == "Why talks fail"
    assert got.date == dt.date(2025, 7, 7)
    assert got.author == "A. Writer"
    no_title = extract_text("This first line is a sentence of the body.\nAnd more.")
    assert no_title.title is None and no_title.date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("on 7 July 2025 at noon", dt.date(2025, 7, 7)), ("2025-02-30 then 2025-03-01", dt.date(2025, 3, 1)),
     ("Feb. 3, 2025", dt.date(2025, 2, 3)), ("no date", None)],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_format_sniffed_without_suffix(tmp_path):
    page = tmp_path / "download"
    page.write_text("<!DOCTYPE html><html><body><article><p>Sniffed text.</p></article></body></html>")
    assert extract_file(page).format == "html"
    pdf = tmp_path / "report"
    pdf.write_bytes((EVIDENCE / "commission.pdf").read_bytes())
    assert extract_file(pdf).format == "pdf"


def test_extraction_errors(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        extract_file(tmp_path / "missing.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        extract_file(bad)
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Menu only</nav></body></html>")
    with pytest.raises(ScenarioError, match="no text found"):
        extract_file(empty)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises((ImportFormatError, ScenarioError)):
        extract_file(broken)
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(ImportFormatError, match="not a text"):
        extract_file(binary)
    with pytest.raises(ImportFormatError, match="unknown source format"):
        extract_file(EVIDENCE / "statement.md", fmt="docx")
