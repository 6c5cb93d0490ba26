"""Every kind of bad scenario gets a located, readable error; good ones load."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from accord.errors import ScenarioError
from accord.scenario.io import dump_scenario, load_scenario, scenario_from_data, scenario_from_text

GOOD = textwrap.dedent(
    """\
    schema_version: 1
    id: toy
    title: Toy negotiation
    as_of: 2025-03-01
    sources:
      - id: memo
        title: A memo
        author: Someone
        date: 2025-02-28
        text: |
          Alpha will accept nothing less than “full control” of the port.
          Beta wants   the port shared.
    actors:
      - {id: alpha, name: Alpha, kind: state, capability: 60}
      - {id: beta, name: Beta, kind: state, capability: [30, 50]}
    issues:
      - id: port
        name: The port
        scale: {min: 0, max: 100, anchors: {0: "Beta controls the port", 100: "Alpha controls the port"}}
        status_quo: 50
        veto: [alpha, beta]
    stances:
      - actor: alpha
        issue: port
        position: [90, 100]
        salience: 0.9
        evidence:
          - {source: memo, quote: 'Alpha will accept nothing less than "full control" of the port.'}
      - actor: beta
        issue: port
        position: 50
        salience: [0.5, 0.7]
        evidence:
          - {source: memo, quote: "Beta wants the port shared"}
    """
)


def problems_of(text: str, tmp_path: Path, name: str = "scenario.yaml") -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_good_scenario_loads_with_ranges_and_normalised_quotes(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    sc = load_scenario(path)
    assert [a.id for a in sc.actors] == ["alpha", "beta"]
    assert sc.actor("beta").capability.low == 30 and sc.actor("beta").capability.high == 50
    assert sc.stance("alpha", "port").position.mid == 95


def test_round_trip_yaml_and_json(tmp_path):
    sc = scenario_from_text(GOOD, file="good.yaml")
    again = scenario_from_text(dump_scenario(sc, "yaml"), file="again.yaml")
    assert again == sc
    again_json = scenario_from_text(dump_scenario(sc, "json"), file="again.json", fmt="json")
    assert again_json == sc


def test_json_file_loads(tmp_path):
    data = scenario_from_text(GOOD).model_dump(mode="json", exclude_defaults=True)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_scenario(path).id == "toy"


def test_salience_out_of_range_is_located_with_line(tmp_path):
    bad = GOOD.replace("salience: 0.9", "salience: 1.4")
    [p] = problems_of(bad, tmp_path)
    assert p.path == "stances[0].salience"
    assert "must be between 0 and 1, got 1.4" in p.message
    assert p.line == GOOD.splitlines().index("    salience: 0.9") + 1
    assert p.file.endswith("scenario.yaml")
    assert str(p).startswith("stances[0].salience: salience must be between 0 and 1, got 1.4 (")


def test_every_problem_is_reported_at_once(tmp_path):
    bad = (GOOD.replace("salience: 0.9", "salience: 1.4")
           .replace("position: 50", "position: 150")
           .replace("capability: 60", "capability: -1")
           .replace("veto: [alpha, beta]", "veto: [alpha, gamma]"))
    probs = problems_of(bad, tmp_path)
    paths = {p.path for p in probs}
    assert {"stances[0].salience", "stances[1].position", "actors[0].capability", "issues[0].veto[1]"} <= paths
    assert len(probs) == 4


def test_range_with_low_above_high(tmp_path):
    [p] = problems_of(GOOD.replace("position: [90, 100]", "position: [100, 90]"), tmp_path)
    assert p.path == "stances[0].position"
    assert "low must not exceed high" in p.message and "[100, 90]" in p.message


def test_unknown_ids_and_stance_on_missing_issue(tmp_path):
    bad = GOOD.replace("  - actor: beta\n    issue: port", "  - actor: gamma\n    issue: harbour")
    probs = problems_of(bad, tmp_path)
    messages = {p.path: p.message for p in probs}
    assert "unknown actor 'gamma'" in messages["stances[1].actor"]
    assert "unknown issue 'harbour'" in messages["stances[1].issue"]


def test_duplicates(tmp_path):
    bad = GOOD.replace("{id: beta, name: Beta", "{id: alpha, name: Beta")
    probs = problems_of(bad, tmp_path)
    assert any("duplicate actor id 'alpha'" in p.message and p.path == "actors[1].id" for p in probs)
    dup_stance = GOOD.replace("  - actor: beta\n", "  - actor: alpha\n")
    assert any("duplicate stance" in p.message for p in problems_of(dup_stance, tmp_path))


def test_duplicate_yaml_key(tmp_path):
    bad = GOOD.replace("title: Toy negotiation", "title: Toy negotiation\ntitle: Again")
    [p] = problems_of(bad, tmp_path)
    assert "duplicate key 'title'" in p.message and p.line == 4


def test_quote_not_in_source_names_quote_and_source(tmp_path):
    bad = GOOD.replace("Beta wants the port shared", "Beta wants the port destroyed")
    [p] = problems_of(bad, tmp_path)
    assert p.path == "stances[1].evidence[0].quote"
    assert "'Beta wants the port destroyed'" in p.message and "'memo'" in p.message


def test_stance_without_evidence_or_assumption(tmp_path):
    bad = GOOD.replace(
        "    evidence:\n      - {source: memo, quote: \"Beta wants the port shared\"}\n", ""
    )
    [p] = problems_of(bad, tmp_path)
    assert p.path == "stances[1].evidence" and "assumption" in p.message


def test_assumption_instead_of_evidence(tmp_path):
    ok = GOOD.replace(
        "    evidence:\n      - {source: memo, quote: \"Beta wants the port shared\"}\n",
        "    assumption: the memo is vague; analyst judgement\n",
    )
    path = tmp_path / "ok.yaml"
    path.write_text(ok, encoding="utf-8")
    assert load_scenario(path).stance("beta", "port").assumption


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "{}", "[]"])
def test_empty_scenario(tmp_path, text):
    probs = problems_of(text, tmp_path)
    assert any("empty" in p.message for p in probs)


def test_scenario_without_actors_or_issues(tmp_path):
    probs = problems_of("schema_version: 1\nid: x\ntitle: X\nactors: []\nissues: []\n", tmp_path)
    messages = " ".join(p.message for p in probs)
    assert "at least one actor" in messages and "at least one issue" in messages


def test_malformed_yaml_has_line(tmp_path):
    [p] = problems_of("id: x\ntitle: [unclosed\nactors: 3\n", tmp_path)
    assert "malformed YAML" in p.message and p.line is not None


def test_malformed_json(tmp_path):
    [p] = problems_of('{"id": "x",\n "title": }', tmp_path, name="s.json")
    assert "malformed JSON" in p.message and p.line == 2


def test_not_a_mapping(tmp_path):
    [p] = problems_of("- just\n- a list\n", tmp_path)
    assert "mapping" in p.message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert "not UTF-8" in p.message and "0xe9" in p.message and p.line == 1


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "larger than" in info.value.problems[0].message and "100.0 MiB" in info.value.problems[0].message
    assert "20 MiB limit" in info.value.problems[0].message and "ACCORD_MAX_FILE_MIB" in info.value.problems[0].message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert "not found" in str(info.value)


def test_wrong_types_and_unknown_fields(tmp_path):
    bad = GOOD.replace("kind: state, capability: 60", "kind: planet, capability: lots, colour: red")
    probs = {p.path: p.message for p in problems_of(bad, tmp_path)}
    assert "actors[0].kind" in probs and "planet" in probs["actors[0].kind"]
    assert "actors[0].capability" in probs and "lots" in probs["actors[0].capability"]
    assert probs["actors[0].colour"] == "is not a known field"


def test_source_file_must_stay_in_scenario_folder(tmp_path):
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    sub = tmp_path / "case"
    sub.mkdir()
    bad = GOOD.replace("    text: |\n", "    file: ../secret.txt\n    notes: |\n")
    probs = problems_of(bad, sub)
    assert any("outside the scenario's folder" in p.message for p in probs)


def test_source_file_relative_to_scenario(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "memo.txt").write_text(
        "Alpha will accept nothing less than “full control” of the port.\nBeta wants the port shared.\n",
        encoding="utf-8",
    )
    text = GOOD.replace("    text: |\n", "    file: sources/memo.txt\n    notes: |\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    assert "full control" in sc.source("memo").text
    assert "file: sources/memo.txt" in dump_scenario(sc)


def test_positions_checked_against_scale_and_anchor_outside_scale():
    data = scenario_from_text(GOOD).model_dump(mode="json", exclude_defaults=True)
    data["issues"][0]["scale"] = {"min": 0, "max": 10, "anchors": {20: "beyond"}}
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data)
    paths = {p.path for p in info.value.problems}
    assert {"stances[0].position", "stances[1].position", "issues[0].status_quo"} <= paths
    assert any(p.path.startswith("issues[0].scale.anchors") for p in info.value.problems)


def test_agreement_fields_are_validated():
    data = scenario_from_text(GOOD).model_dump(mode="json", exclude_defaults=True)
    data["actors"][0]["no_deal_cost"] = -0.1
    data["stances"][0]["expects"] = 120
    data["levers"] = [{"id": "l", "name": "L", "edits": [{"field": "position", "actor": "alpha", "add": 1},
                                                        {"field": "no_deal_cost", "add": 0.1}]}]
    data["types"] = [{"actor": "alpha", "id": "a", "name": "A", "prior": 0.7, "stances": []}]
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data)
    text = str(info.value)
    assert "actors[0].no_deal_cost: no_deal_cost must be at least 0, got -0.1" in text
    assert "stances[0].expects" in text
    assert "levers[0].edits[0]: an edit of position needs an `issue`" in text
    assert "levers[0].edits[1]: an edit of no_deal_cost needs an `actor`" in text
    assert "priors of 'alpha'" in text


def test_an_invalid_item_is_reported_once_and_references_to_it_are_not(tmp_path):
    bad = (GOOD.replace("    status_quo: 50\n", "    status_quo: 50\n    colour: red\n")
           .replace("{id: beta, name: Beta, kind: state, capability: [30, 50]}",
                    "{id: beta, name: Beta, kind: planet, capability: [30, 50]}")
           .replace("    salience: 0.9\n", "    salience: 0.9\n    weight: 2\n"))
    problems = problems_of(bad, tmp_path)
    assert sorted(p.path for p in problems) == ["actors[1].kind", "issues[0].colour", "stances[0].weight"]
    assert not any("unknown" in p.message and "refers" in p.message for p in problems)


def test_references_to_ids_that_exist_nowhere_are_still_reported(tmp_path):
    bad = GOOD.replace("    status_quo: 50\n", "    status_quo: 50\n    colour: red\n").replace(
        "  - actor: beta\n    issue: port", "  - actor: beta\n    issue: harbour")
    problems = problems_of(bad, tmp_path)
    assert sorted(p.path for p in problems) == ["issues[0].colour", "stances[1].issue"]


def test_a_stance_that_fails_on_one_field_still_gets_its_other_numbers_checked(tmp_path):
    bad = (GOOD.replace("salience: 0.9", "salience: high").replace("position: [90, 100]", "position: [90, 150]")
           + "levers:\n  - id: push\n    name: Push\n    assumption: test\n    edits:\n"
             "      - {field: salience, actor: alpha, issue: port, set: 0.5}\n")
    problems = problems_of(bad, tmp_path)
    assert sorted(p.path for p in problems) == ["stances[0].position", "stances[0].salience"]
