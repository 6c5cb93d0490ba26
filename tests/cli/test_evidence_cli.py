"""``accord evidence`` and ``accord sources`` through the real entry point."""

from __future__ import annotations

import json
import shutil

import pytest

from accord.evidence.rerank import available as semantic_available


def flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps at 80 columns when not on a terminal)."""
    return " ".join(text.split())


@pytest.fixture
def case(tmp_path, data_dir):
    target = tmp_path / "case"
    shutil.copytree(data_dir / "evidence" / "case", target)
    return target / "scenario.yaml"


def test_search_builtin_json(cli):
    res = cli("evidence", "search", "ukraine-2025", "85,000 troops", "--json", "--top", "3", "--no-rerank")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["terms"] == ["85000", "troop"] and data["reranker"] is None
    assert 1 <= len(data["hits"]) <= 3
    top = data["hits"][0]
    assert "85,000" in top["text"] and top["rank"] == 1
    assert {"source", "title", "date", "passage", "start", "end", "score"} <= set(top)
    assert "re-ranker off" in res.stderr and res.stderr.count("\n") == 1


def test_search_says_whether_the_reranker_is_on(cli, case):
    res = cli("evidence", "search", str(case), "55 cubic metres", "--top", "2")
    assert res.returncode == 0, res.stderr
    if semantic_available():
        assert "re-ranker on" in res.stderr
    else:
        assert "re-ranker off" in res.stderr and "accord[semantic]" in res.stderr
    assert "ministry-note ¶3" in flat(res.stdout) and "Traceback" not in res.stderr


def test_search_usage_errors(cli, case):
    res = cli("evidence", "search", str(case), "the of and")
    assert res.returncode == 2 and "no searchable words" in res.stderr
    res = cli("evidence", "search", str(case), "zeppelin")
    assert res.returncode == 0 and "no passage" in res.stdout


def test_coverage_json_and_strict(cli, case):
    res = cli("evidence", "coverage", str(case), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["stances"] == 6 and data["unsupported_stances"] == [{"actor": "north", "issue": "quota"}]
    first = data["coverage"][0]
    assert first["quotes"][0]["verified"] is True and first["quotes"][0]["passages"] == [5]
    strict = cli("evidence", "coverage", str(case), "--strict")
    assert strict.returncode == 1
    assert "No support at all" in strict.stdout and "north on quota" in flat(strict.stdout)


def test_coverage_shows_a_quote_that_does_not_verify(cli, case):
    text = case.read_text(encoding="utf-8").replace("refused to discuss any compensation", "paid in full")
    case.write_text(text, encoding="utf-8")
    res = cli("evidence", "coverage", str(case))
    assert res.returncode == 1
    assert "quote not found (north on compensation, source herald-feb)" in flat(res.stdout)
    assert "paid in full" in flat(res.stdout)


def test_stance_shows_numbers_next_to_passages(cli, case):
    res = cli("evidence", "stance", str(case), "south", "quota")
    assert res.returncode == 0, res.stderr
    out = flat(res.stdout)
    assert "position [55, 60]" in out and "salience 0.9" in out
    assert "herald-feb ¶6, chars 467–666" in out and "needs at least 55 cubic metres" in out
    missing = cli("evidence", "stance", str(case), "south", "nothing")
    assert missing.returncode == 1 and "no stance" in missing.stderr


def test_diff_new_article(cli, case, data_dir):
    res = cli("evidence", "diff", str(case), str(data_dir / "evidence" / "article.html"), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["source"]["title"] == "Kessel dam talks stall over water quota"
    assert data["groups"][0]["actor"] == "north" and data["groups"][0]["stance"] == "existing"
    assert any(g["stance"] == "new" for g in data["groups"])
    table = cli("evidence", "diff", str(case), str(data_dir / "evidence" / "commission.pdf"))
    assert table.returncode == 0 and "no stance yet" in flat(table.stdout)


def test_sources_add_then_validate_and_list(cli, case, data_dir):
    res = cli("sources", "add", str(case), str(data_dir / "evidence" / "article.html"),
              str(data_dir / "evidence" / "commission.pdf"), "--json")
    assert res.returncode == 0, res.stderr
    added = json.loads(res.stdout)["added"]
    assert [a["id"] for a in added] == ["article", "commission"]
    assert added[0]["format"] == "html" and added[0]["passages"] >= 5 and added[0]["boilerplate_dropped"]
    assert cli("validate", str(case)).returncode == 0
    listing = json.loads(cli("sources", "list", str(case), "--json").stdout)
    assert [s["id"] for s in listing["sources"]] == ["herald-feb", "ministry-note", "article", "commission"]
    assert listing["sources"][0]["quotes"] == 4
    res = cli("evidence", "search", str(case), "ecological minimum", "--json", "--no-rerank")
    search = json.loads(res.stdout)
    assert search["hits"][0]["source"] == "commission"


def test_sources_add_refusals(cli, case, data_dir):
    statement = str(data_dir / "evidence" / "statement.md")
    res = cli("sources", "add", "ukraine-2025", statement)
    assert res.returncode == 1 and "built-in" in res.stderr and "Traceback" not in res.stderr
    before = case.read_bytes()
    case.chmod(0o444)
    try:
        res = cli("sources", "add", str(case), statement)
    finally:
        case.chmod(0o644)
    assert res.returncode == 1 and "not writable" in res.stderr
    assert case.read_bytes() == before
    res = cli("sources", "add", str(case), statement, "--date", "14/03/2025")
    assert res.returncode == 2 and "YYYY-MM-DD" in res.stderr
    res = cli("sources", "add", str(case), str(case.parent / "missing.html"))
    assert res.returncode == 1 and "not found" in res.stderr
