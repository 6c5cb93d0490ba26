"""``accord agree`` through the Typer app."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from accord.cli.app import app

CASE = {
    "id": "gap",
    "title": "Gap",
    "actors": [
        {"id": "a", "name": "A", "capability": 1, "no_deal_cost": 0.1},
        {"id": "b", "name": "B", "capability": 1, "no_deal_cost": 0.2},
    ],
    "issues": [{"id": "x", "name": "X", "veto": ["a", "b"], "scale": {"anchors": {0: "none", 100: "all"}}}],
    "stances": [
        {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": 20, "assumption": "t"},
        {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 70, "assumption": "t"},
    ],
    "levers": [{"id": "stick", "name": "Stick", "edits": [{"field": "no_deal_cost", "actor": "b", "add": 0.25}]}],
    "timeline": [
        {"date": "2025-02-01", "label": "call"},
        {"date": "2025-04-01", "label": "truce", "edits": [{"field": "no_deal_cost", "actor": "a", "add": 0.05}]},
    ],
    "types": [
        {"actor": "a", "id": "soft", "name": "Soft", "prior": 0.5,
         "stances": [{"issue": "x", "expects": 40, "assumption": "t"}]},
        {"actor": "a", "id": "hard", "name": "Hard", "prior": 0.5, "stances": []},
    ],
}


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "gap.yaml"
    path.write_text(yaml.safe_dump(CASE, sort_keys=False), encoding="utf-8")
    return str(path)


runner = CliRunner()


def test_json_carries_the_comprehensive_deal(case_file):
    res = runner.invoke(app, ["agree", case_file, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["zone_exists"] is False
    assert data["zone"] == {} and data["nash"] == {} and data["kalai_smorodinsky"] == {}
    assert data["gap"] == pytest.approx(0.2, abs=1e-6)
    assert {b["actor"]: b["gap"] for b in data["blockers"]} == pytest.approx({"a": 0.1, "b": 0.1}, abs=1e-6)
    assert data["levers"][0]["levers"] == ["stick"] and data["levers"][0]["zone_exists"] is True
    assert [t["label"] for t in data["timeline"] if t["kind"] == "snapshot"] == ["call", "truce"]
    assert data["types"][0]["p_zone"] == pytest.approx(0.5)
    assert data["verdict"].startswith("No agreement is attainable")


def test_lever_and_type_options(case_file):
    data = json.loads(runner.invoke(app, ["agree", case_file, "--lever", "stick", "--json"]).stdout)
    assert data["zone_exists"] is True and data["gap"] == 0
    assert data["zone"]["x"] == pytest.approx([25, 30], abs=1e-6)
    assert data["nash"]["x"] == pytest.approx(27.5, abs=1e-6)
    assert set(data["kalai_smorodinsky"]) == {"x"}
    typed = json.loads(runner.invoke(app, ["agree", case_file, "--type", "a=soft", "--json"]).stdout)
    assert typed["types_applied"] == {"a": "soft"} and typed["zone_exists"] is True


def test_at_a_date(case_file):
    data = json.loads(runner.invoke(app, ["agree", case_file, "--at", "2025-05-01", "--json"]).stdout)
    assert data["at"] == "2025-05-01" and data["snapshot"] == "truce"
    assert data["gap"] == pytest.approx(0.15, abs=1e-6)


def test_tables(case_file):
    res = runner.invoke(app, ["agree", case_file])
    assert res.exit_code == 0, res.output
    first = res.stdout.strip().splitlines()[0]
    assert first.startswith("No agreement is attainable")
    for heading in ("Comprehensive deal", "Blockers", "Levers, best first", "Over time", "Types of A"):
        assert heading in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2025-02-30"], "YYYY-MM-DD"),
        (["--lever", "carrot"], "unknown lever 'carrot'"),
        (["--type", "a=medium"], "unknown type 'medium'"),
        (["--type", "a"], "ACTOR=TYPE"),
    ],
)
def test_bad_input_is_exit_1(case_file, args, message):
    res = runner.invoke(app, ["agree", case_file, *args])
    assert res.exit_code == 1
    assert message in res.stderr and "Traceback" not in res.stderr


def test_bad_utility_is_a_usage_error(case_file):
    res = runner.invoke(app, ["agree", case_file, "--utility", "cubic"])
    assert res.exit_code == 2


def test_builtin_case_by_default():
    res = runner.invoke(app, ["agree", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["scenario"] == "ukraine-2025"
    assert isinstance(data["zone_exists"], bool)
    assert (data["gap"] == 0) == data["zone_exists"]
    assert set(data["zone"]) == (set(data["issues"]) if data["zone_exists"] else set())


def red_line_case(tmp_path, credibility_a=0.7, credibility_b=0.4):
    data = {
        "id": "lines",
        "title": "Lines",
        "actors": [{"id": k, "name": k.upper(), "capability": 1, "no_deal_cost": 0.2} for k in "ab"],
        "issues": [{"id": "x", "name": "X", "veto": ["a", "b"]}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": 50, "assumption": "t",
             "red_line": {"at_most": 40, "credibility": credibility_a, "assumption": "t"}},
            {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 50, "assumption": "t",
             "red_line": {"at_least": 60, "credibility": credibility_b, "assumption": "t"}},
        ],
    }
    path = tmp_path / "lines.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_agree_json_names_the_conflict_the_openings_and_p_zone(tmp_path):
    path = red_line_case(tmp_path)
    res = CliRunner().invoke(app, ["agree", str(path), "--json", "--draws", "3000", "--seed", "4"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["zone_exists"] is False
    assert {(c["actor"], c["bound"], c["value"]) for c in data["conflict"]} == {("a", "at_most", 40.0),
                                                                              ("b", "at_least", 60.0)}
    first = data["openings"][0]["changes"]
    assert len(first) == 1 and abs(first[0]["to"] - first[0]["from"]) == pytest.approx(20, abs=1e-6)
    assert [r["binds"] for r in data["red_lines"]] == [True, True]
    exact = 1 - 0.7 * 0.4
    assert abs(data["p_zone"] - exact) < 4 * data["p_zone_se"]
    assert data["draws"] == 3000 and len(data["pivotal"]) == 2
    assert any("Track record" in c for c in data["caveats"])


def test_agree_text_says_why_not_and_what_would_open_a_zone(tmp_path):
    res = CliRunner().invoke(app, ["agree", str(red_line_case(tmp_path))], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "Why not" in res.output and "cannot all hold" in res.output
    assert "What would open a zone" in res.output


@pytest.mark.parametrize("args", [["--draws", "-1"], ["--seed", "-3"]])
def test_agree_rejects_bad_draws_and_seeds(tmp_path, args):
    res = CliRunner().invoke(app, ["agree", str(red_line_case(tmp_path)), *args])
    assert res.exit_code == 2


def test_a_bad_red_line_is_located_and_exits_1(tmp_path):
    text = red_line_case(tmp_path).read_text(encoding="utf-8").replace("at_least: 60", "at_least: 160")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    for command in (["validate", str(bad)], ["agree", str(bad)]):
        res = CliRunner().invoke(app, command)
        assert res.exit_code == 1, res.output
        assert "stances[1].red_line.at_least" in res.output and "line" in res.output
