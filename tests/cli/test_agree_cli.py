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
