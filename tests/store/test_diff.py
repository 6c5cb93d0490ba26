"""What changed between two runs: inputs, settings, forecasts, analyses."""

from __future__ import annotations

from accord.scenario.schema import Actor, Stance
from accord.scenario.values import Uncertain
from accord.store import diff_results, diff_runs, diff_scenarios
from accord.store.diff import leaf_changes


def test_identical_scenarios(small):
    assert diff_scenarios(small, small) == {"header": {}, "same": True}


def test_added_removed_and_changed_items(small):
    stances = list(small.stances)
    stances[0] = stances[0].model_copy(update={"position": Uncertain(70.0), "salience": Uncertain(0.6, 0.8)})
    stances.pop()
    stances.append(Stance(actor="c", issue="y", position=Uncertain(30), salience=Uncertain(0.2), assumption="new"))
    actors = [*small.actors[:2], Actor(id="d", name="Delta", capability=Uncertain(5))]
    edited = small.model_copy(update={"stances": tuple(stances), "actors": tuple(actors), "title": "Edited"})
    d = diff_scenarios(small, edited)
    assert not d["same"]
    assert d["header"] == {"title": {"old": "A small case", "new": "Edited"}}
    assert d["actors"] == {"added": ["d"], "removed": ["c"], "changed": {}}
    assert d["stances"]["added"] == ["c / y"]
    assert d["stances"]["removed"] == ["b / y"]
    assert d["stances"]["changed"] == {
        "a / x": {"position": {"old": 80.0, "new": 70.0}, "salience": {"old": 0.9, "new": [0.6, 0.8]}}
    }
    assert "issues" not in d


def test_forecast_deltas():
    old = {"models": {"m": {"params": {"k": 1}, "issues": {"x": {"forecast": 40.0, "anchor": {"label": "a"}},
                                                          "y": {"forecast": None}}}}}
    new = {"models": {"m": {"params": {"k": 2}, "issues": {"x": {"forecast": 52.5, "anchor": {"label": "b"}},
                                                          "y": {"forecast": 3.0}}},
                      "n": {"params": {}, "issues": {"x": {"forecast": 1.0}}}}}
    d = diff_results(old, new)
    x = d["models"]["m"]["issues"]["x"]
    assert (x["old"], x["new"], x["delta"], x["old_anchor"], x["new_anchor"]) == (40.0, 52.5, 12.5, "a", "b")
    assert d["models"]["m"]["issues"]["y"]["delta"] is None
    assert d["models"]["m"]["params"] == {"k": {"old": 1, "new": 2}}
    assert d["models"]["n"]["status"] == "added"
    assert d["max_abs_delta"] == 12.5


def test_leaf_changes_are_paths():
    changes = leaf_changes({"a": {"b": [1, 2]}, "v": "x"}, {"a": {"b": [1, 5]}, "v": "x", "w": True})
    assert changes == [{"path": "a.b[1]", "old": 2, "new": 5, "delta": 3},
                       {"path": "w", "old": None, "new": True, "delta": None}]


def test_diff_of_stored_runs(store, small, record):
    a = record(small, seed=1)
    edited = small.model_copy(update={"stances": small.stances[1:]})
    b = record(edited, seed=2, analyses={"demo": {"score": 2.0}})
    d = diff_runs(store.get_run(a.id), store.get_run(b.id))
    assert d["old"]["id"] == a.id and d["new"]["version"] == 2
    assert d["settings"]["seed"] == {"old": 1, "new": 2}
    assert d["inputs"]["stances"]["removed"] == ["a / x"]
    assert d["results"]["models"]["compromise"]["issues"]["x"]["delta"] != 0
    assert d["analyses"]["demo"][0]["path"] == "score"
    same = diff_runs(store.get_run(a.id), store.get_run(a.id))
    assert same["inputs"]["same"] and same["settings"] == {} and same["results"]["max_abs_delta"] == 0


def test_differences_below_noise_are_not_changes():
    changes = leaf_changes({"a": 0.1 + 0.2, "b": 1.0}, {"a": 0.3, "b": 1.5})
    assert [c["path"] for c in changes] == ["b"]


def test_paths_in_words():
    import pytest

    pytest.importorskip("fastapi")
    from accord.scenario.io import load_scenario
    from accord.web.compare import path_words

    sc = load_scenario("ukraine-2025")
    assert path_words("levers[0].nash.territory", sc) == "levers › #1 › Nash package › Territory"
    assert path_words("blockers.us_congress", sc) == "blockers › US Congress"
