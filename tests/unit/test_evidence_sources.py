"""Adding sources to a scenario file: text next to it, everything else kept, failures undone."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from accord.errors import ScenarioError
from accord.evidence import sources_add
from accord.evidence.sources_add import SourceAddError, add_sources, insert_yaml_sources, slug
from accord.scenario import builtin
from accord.scenario.io import load_scenario

EVIDENCE = Path(__file__).parents[1] / "data" / "evidence"

MINIMAL = """\
id: mini
title: Minimal  # a comment that must survive
actors:
  - {id: a, name: Alpha, capability: 1}
issues:
  - {id: i, name: Issue}
stances:
  - {actor: a, issue: i, position: 10, salience: 0.5, assumption: guess}
"""


@pytest.fixture
def case(tmp_path):
    target = tmp_path / "case"
    shutil.copytree(EVIDENCE / "case", target)
    return target / "scenario.yaml"


def _lines_kept(before: str, after: str) -> bool:
    it = iter(after.splitlines())
    return all(any(line == other for other in it) for line in before.splitlines())


def test_add_html_pdf_markdown_keeps_the_file_and_validates(case):
    before = case.read_text(encoding="utf-8")
    docs = [EVIDENCE / "article.html", EVIDENCE / "commission.pdf", EVIDENCE / "statement.md"]
    added = add_sources(case, docs)
    assert [a.source.id for a in added] == ["article", "commission", "statement"]
    after = case.read_text(encoding="utf-8")
    assert _lines_kept(before, after)
    assert "# A small made-up case" in after and "# kept as sent" in after
    sc = load_scenario(case)
    assert [s.id for s in sc.sources] == ["herald-feb", "ministry-note", "article", "commission", "statement"]
    article = sc.source("article")
    assert article.file == "sources/article.txt"
    assert article.title == "Kessel dam talks stall over water quota" and not article.title_assigned
    assert article.date == dt.date(2025, 3, 14) and article.publisher == "The Basin Herald"
    assert article.url == "https://herald.example/2025/03/kessel-dam-talks"
    assert "Minister Varga told reporters" in article.text and "cookies" not in article.text
    written = (case.parent / "sources" / "commission.txt").read_text(encoding="utf-8")
    assert written == sc.source("commission").text
    assert added[0].path == case.parent / "sources" / "article.txt"


def test_overrides_and_unique_ids(case, tmp_path):
    doc = tmp_path / "Herald Feb!.txt"
    doc.write_text("Some untitled text about the dam, written as one sentence.\n", encoding="utf-8")
    first = add_sources(case, [doc], author="Desk", date=dt.date(2025, 5, 1), publisher="Wire")
    assert first[0].source.id == "herald-feb-2"
    assert first[0].source.title == "Herald Feb!" and first[0].source.title_assigned
    assert (first[0].source.author, first[0].source.date, first[0].source.publisher) == (
        "Desk", dt.date(2025, 5, 1), "Wire")
    second = add_sources(case, [doc], title="Given title", source_id="wire-1", url="https://example.org/w")
    assert second[0].source.id == "wire-1" and second[0].source.title == "Given title"
    with pytest.raises(SourceAddError, match="already has a source 'wire-1'"):
        add_sources(case, [doc], source_id="wire-1")
    with pytest.raises(SourceAddError, match="single file"):
        add_sources(case, [doc, doc], title="One title for two")


@pytest.mark.parametrize(
    ("sources_text", "style"),
    [
        ("", "no key"),
        ("sources: []\n", "flow"),
        ("sources:\n", "null"),
        ("sources:\n- id: old\n  title: Old\n  text: Old text.\n", "indentless"),
        ("sources: [{id: old, title: Old, text: Old text.}]\n", "flow with items"),
    ],
)
def test_every_shape_of_sources_list(tmp_path, sources_text, style):
    path = tmp_path / "s.yaml"
    before = MINIMAL + sources_text
    path.write_text(before, encoding="utf-8")
    add_sources(path, [EVIDENCE / "statement.md"])
    after = path.read_text(encoding="utf-8")
    sc = load_scenario(path)
    assert sc.sources[-1].id == "statement", style
    assert sc.sources[-1].title == "Statement by the Northland delegation"
    assert after.startswith(MINIMAL) and "# a comment that must survive" in after
    if "old" in sources_text:
        assert [s.id for s in sc.sources] == ["old", "statement"]


def test_document_end_marker_stays_last(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("---\n" + MINIMAL + "...\n", encoding="utf-8")
    add_sources(path, [EVIDENCE / "statement.md"])
    text = path.read_text(encoding="utf-8")
    assert text.endswith("...\n") and text.index("sources:") < text.index("...")
    assert load_scenario(path).sources[0].id == "statement"


def test_json_scenario(tmp_path):
    path = tmp_path / "s.json"
    data = {"id": "mini", "title": "Minimal", "actors": [{"id": "a", "name": "A", "capability": 1}],
            "issues": [{"id": "i", "name": "I"}]}
    path.write_text(json.dumps(data), encoding="utf-8")
    add_sources(path, [EVIDENCE / "commission.pdf"])
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["sources"][0]["id"] == "commission" and written["sources"][0]["date"] == "2025-04-02"
    assert {k: v for k, v in written.items() if k != "sources"} == data
    assert load_scenario(path, require_data=False).source("commission").author == "Basin Commission"


def test_builtin_scenario_is_refused():
    with pytest.raises(SourceAddError, match="built-in"):
        add_sources("ukraine-2025", [EVIDENCE / "statement.md"])
    with pytest.raises(SourceAddError, match="built-in"):
        add_sources(builtin.path("ukraine-2025"), [EVIDENCE / "statement.md"])


def test_read_only_file_is_refused_and_untouched(case):
    before = case.read_bytes()
    case.chmod(0o444)
    try:
        with pytest.raises(SourceAddError, match="not writable"):
            add_sources(case, [EVIDENCE / "statement.md"])
    finally:
        case.chmod(0o644)
    assert case.read_bytes() == before
    assert not (case.parent / "sources" / "statement.txt").exists()


def test_invalid_scenario_or_document_writes_nothing(tmp_path, case):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("salience: 0.5", "salience: 1.5"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="salience"):
        add_sources(bad, [EVIDENCE / "statement.md"])
    assert not (tmp_path / "sources").exists()
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Only a menu</nav></body></html>", encoding="utf-8")
    before = case.read_bytes()
    with pytest.raises(ScenarioError, match="no text found"):
        add_sources(case, [EVIDENCE / "statement.md", empty])
    assert case.read_bytes() == before
    assert not (case.parent / "sources" / "statement.txt").exists()
    with pytest.raises(SourceAddError, match="not found"):
        add_sources(tmp_path / "missing.yaml", [EVIDENCE / "statement.md"])
    with pytest.raises(SourceAddError, match="YAML or JSON"):
        add_sources(EVIDENCE / "statement.md", [EVIDENCE / "statement.md"])


def test_failed_round_trip_restores_everything(tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    before = path.read_bytes()

    def refuse(*_args):
        raise SourceAddError("the scenario file did not read back as expected")

    monkeypatch.setattr(sources_add, "_check_round_trip", refuse)
    with pytest.raises(SourceAddError, match="did not read back"):
        add_sources(path, [EVIDENCE / "statement.md"])
    assert path.read_bytes() == before
    assert not (tmp_path / "sources").exists()


def test_insert_goes_before_trailing_comments_and_keeps_block_scalars():
    text = ("id: x\nsources:\n    -   id: old\n        text: |\n          block\n\n"
            "# about actors\nactors: []\n")
    out = insert_yaml_sources(text, [{"id": "new", "title": "New"}])
    assert out == ("id: x\nsources:\n    -   id: old\n        text: |\n          block\n"
                   "    -   id: new\n        title: New\n\n# about actors\nactors: []\n")


def test_insert_rejects_non_mapping_and_non_list():
    with pytest.raises(SourceAddError, match="mapping"):
        insert_yaml_sources("- a\n- b\n", [{"id": "x"}])
    with pytest.raises(SourceAddError, match="must be a list"):
        insert_yaml_sources("id: x\nsources: 3\n", [{"id": "x"}])


@pytest.mark.parametrize(("name", "expected"), [("Herald Feb!", "herald-feb"), ("---", "source"),
                                                  ("Über Straße 2025", "uber-strae-2025")])
def test_slug(name, expected):
    assert slug(name) == expected
