"""The built-in ukraine-2025 case: complete, traced to its sources, and forecast by every model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.scenario import builtin
from accord.scenario.io import load_scenario
from accord.scenario.validate import normalise_text

REQUIRED_ACTORS = {"usa", "russia", "ukraine", "europe", "us_congress"}
REQUIRED_ISSUES = {
    "territory", "nato_neutrality", "security_guarantees", "army_limits", "kyiv_government",
    "language_memory", "us_sanctions", "eu_sanctions", "arms_supply", "ceasefire_sequencing",
    "diplomatic_relations", "economic_cooperation",
}
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture(scope="module")
def case():
    return load_scenario("ukraine-2025")


def test_is_listed_as_builtin():
    assert "ukraine-2025" in builtin.names()


def test_actors_and_issues(case):
    assert REQUIRED_ACTORS <= {a.id for a in case.actors}
    assert REQUIRED_ISSUES <= {i.id for i in case.issues}
    assert case.actor("us_congress").kind == "domestic_ratifier"
    assert "us_congress" in case.issue("us_sanctions").veto


def test_every_issue_has_written_out_scale_and_status_quo(case):
    for issue in case.issues:
        assert issue.status_quo is not None, issue.id
        assert issue.scale.min in issue.scale.anchors and issue.scale.max in issue.scale.anchors, issue.id
        assert issue.veto, issue.id


def test_every_stance_is_quoted_or_assumed_and_every_quote_is_in_its_source(case):
    texts = {s.id: normalise_text(s.text) for s in case.sources}
    n_quotes = 0
    for stance in case.stances:
        assert stance.evidence or stance.assumption, (stance.actor, stance.issue)
        for ev in stance.evidence:
            assert normalise_text(ev.quote) in texts[ev.source], ev.quote
            n_quotes += 1
    assert n_quotes >= len(case.stances) // 2


def test_sources_are_the_seed_articles_unchanged(case):
    assert len(case.sources) == 5
    folder = builtin.path("ukraine-2025").parent
    for src in case.sources:
        shipped = (folder / src.file).read_bytes()
        if SEEDS.exists():
            assert shipped == (SEEDS / Path(src.file).name).read_bytes()
    first = next(s for s in case.sources if s.file.endswith("000_f53ed389c28242cd.txt"))
    assert first.title == "Why the Russia-US agreement is currently unattainable"
    assert str(first.date) == "2025-07-07" and first.author == "Gevorg Mirzayan"


def test_run_json_gives_every_model_a_forecast_for_every_issue(cli):
    res = cli("run", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["scenario"] == "ukraine-2025"
    assert {"compromise", "median"} <= set(data["models"])
    for name, model in data["models"].items():
        assert REQUIRED_ISSUES <= set(model["issues"]), name
        for issue_id, entry in model["issues"].items():
            assert entry["forecast"] is not None, (name, issue_id)


def test_validate_command(cli):
    res = cli("validate", "ukraine-2025")
    assert res.returncode == 0, res.stderr
    assert "quotes found in their sources" in res.stdout
