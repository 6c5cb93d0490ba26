"""``accord brief``: the case on one screen, its JSON, the fallbacks and the cached track record."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from accord.agreement.report import AgreementReport
from accord.brief import build_brief, load_track_record
from accord.cli.brief import print_brief
from accord.scenario.io import load_scenario, scenario_from_data

KEYS = {"verdict", "p_zone", "p_zone_se", "conflict", "openings", "forecasts", "timeline", "track_record"}


def no_zone_case():
    """A at 0 expecting 20, B at 100 expecting 70, on one issue both can veto: no zone."""
    return scenario_from_data({
        "id": "case", "title": "Two sides",
        "actors": [{"id": "a", "name": "Side A", "capability": 1, "no_deal_cost": 0.1},
                   {"id": "b", "name": "Side B", "capability": 1, "no_deal_cost": 0.2}],
        "issues": [{"id": "x", "name": "The one issue", "veto": ["a", "b"]}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 1, "expects": 20, "assumption": "test"},
            {"actor": "b", "issue": "x", "position": 100, "salience": 1, "expects": 70, "assumption": "test"},
        ],
    })


def test_brief_json_has_the_keys_and_the_numbers_of_the_parts(cli):
    res = cli("brief", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert KEYS <= set(data)
    assert data["draws"] == 1000
    p = data["p_zone"]
    assert data["p_zone_se"] == pytest.approx(math.sqrt(p * (1 - p) / 1000))
    run = json.loads(cli("run", "--json").stdout)
    for f in data["forecasts"]:
        for model, x in f["models"].items():
            assert x == run["models"][model]["issues"][f["issue"]]["forecast"]
    kyiv = next(f for f in data["forecasts"] if f["issue"] == "kyiv_government")
    assert kyiv["disagree"] and kyiv["lowest"]["model"] == "exchange" and kyiv["highest"]["model"] == "median"
    agree = json.loads(cli("agree", "--json").stdout)
    assert data["verdict"]["zone_exists"] == agree["zone_exists"]
    assert data["timeline"]["dates"] == len(agree["timeline"])


def test_brief_fits_one_screen_at_80_columns(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    res = cli("brief")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 42
    assert max(len(line) for line in lines) <= 80
    text = res.stdout
    assert "P(zone)" in text and "Track record" in text and "The government in Kyiv" in text
    assert "kyiv_government" not in text and "sanctions_relief_offer" not in text


def test_without_a_zone_the_brief_names_the_blockers_and_the_shift_that_opens_one(capsys):
    data = build_brief(no_zone_case(), draws=200)
    assert not data["verdict"]["zone_exists"]
    assert data["verdict"]["headline"].startswith("No deal is attainable")
    assert {c["actor_name"] for c in data["conflict"]} == {"Side A", "Side B"}
    shifts = [o for o in data["openings"] if o["kind"] == "shift"]
    assert {(o["actor"], round(o["to"])) for o in shifts} == {("a", 25), ("b", 65)}
    assert data["p_zone"] == 0.0 and data["p_zone_se"] == 0.0
    print_brief(data)
    out = capsys.readouterr().out
    assert "Side A, short 0.100, on The one issue" in out
    assert "from 0 to 25" in out


def test_the_brief_shows_the_conflict_set_and_openings_when_the_analysis_reports_them(monkeypatch, capsys):
    plain = AgreementReport.to_json

    def with_red_lines(self):
        out = plain(self)
        out["conflict"] = [{"actor": "a", "issue": "x", "bound": "at_most", "value": 30}]
        out["openings"] = [{"changes": [{"actor": "b", "issue": "x", "bound": "at_least", "from": 70, "to": 40}],
                            "levers": [], "p_posture": 0.5}]
        out["p_zone"], out["p_zone_se"], out["draws"] = 0.25, 0.01, 400
        return out

    monkeypatch.setattr(AgreementReport, "to_json", with_red_lines)
    data = build_brief(no_zone_case(), draws=50)
    assert data["p_zone"] == 0.25 and data["p_zone_se"] == 0.01 and data["draws"] == 400
    assert data["conflict"][0]["actor_name"] == "Side A"
    assert data["openings"][0]["changes"][0]["issue_name"] == "The one issue"
    print_brief(data)
    out = capsys.readouterr().out
    assert "Side A: The one issue ≤ 30" in out
    assert "Side B: The one issue ≥ 70 → 40 (chance all are postures 0.50)" in out
    assert "25.0% ± 1.0%" in out


def test_the_cached_track_record_matches_a_fresh_backtest():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        from track_record import track_record
    finally:
        sys.path.pop(0)
    cached = load_track_record()
    fresh = json.loads(json.dumps(track_record()))
    fresh.pop("accord_version"), cached.pop("accord_version")
    assert cached == fresh


def test_the_track_record_line_names_its_source():
    data = build_brief(load_scenario("ukraine-2025"), draws=0)
    tr = data["track_record"]
    assert "DEU III" in tr["text"] and "scripts/track_record.py" in tr["source"]
    assert data["p_zone"] is None and data["p_zone_se"] is None
