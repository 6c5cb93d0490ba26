"""Starting a case: ``accord new`` and ``accord show --format yaml`` write documents that load where they are."""

from __future__ import annotations

import json

import yaml


def test_new_from_the_builtin_case_then_edit_a_stance_then_brief(cli, tmp_path):
    res = cli("new", "case", "--from", "ukraine-2025", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    path = tmp_path / "case" / "scenario.yaml"
    assert len(list((tmp_path / "case" / "sources").iterdir())) == 5
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    stance = next(s for s in data["stances"] if s["actor"] == "russia" and s["issue"] == "territory")
    stance["position"] = 60
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    res = cli("brief", str(path), "--json", "--draws", "100")
    assert res.returncode == 0, res.stderr
    before = json.loads(cli("brief", "--json", "--draws", "100").stdout)
    after = json.loads(res.stdout)
    territory = {b["issue"]: b for b in before["forecasts"]}["territory"]["models"]["compromise"]
    assert {f["issue"]: f for f in after["forecasts"]}["territory"]["models"]["compromise"] < territory


def test_new_without_from_writes_the_annotated_template_that_runs(cli, tmp_path):
    res = cli("new", "my-talks", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "my-talks" / "scenario.yaml").read_text(encoding="utf-8")
    assert "id: my-talks" in text and "# " in text and "Utility units" in text
    assert cli("validate", "my-talks/scenario.yaml", cwd=tmp_path).returncode == 0
    assert cli("brief", "my-talks/scenario.yaml", "--draws", "50", cwd=tmp_path).returncode == 0
    again = cli("new", "my-talks", cwd=tmp_path)
    assert again.returncode == 1 and "exists already" in again.stderr


def test_show_yaml_loads_from_another_folder_with_sources_inline(cli, tmp_path):
    res = cli("show", "--format", "yaml")
    assert res.returncode == 0 and "inline" in res.stderr
    other = tmp_path / "elsewhere"
    other.mkdir()
    checked = cli("validate", "-", input=res.stdout, cwd=other)
    assert checked.returncode == 0, checked.stderr
    (tmp_path / "copy.yaml").write_text(res.stdout, encoding="utf-8")
    assert cli("validate", str(tmp_path / "copy.yaml"), cwd=other).returncode == 0


def test_show_yaml_to_a_file_writes_the_sources_beside_it(cli, tmp_path):
    res = cli("show", "--format", "yaml", "-o", str(tmp_path / "out" / "case.yaml"))
    assert res.returncode == 0, res.stderr
    assert "5 source text(s) beside it" in res.stderr
    assert len(list((tmp_path / "out" / "sources").iterdir())) == 5
    assert cli("validate", "out/case.yaml", cwd=tmp_path).returncode == 0
    assert cli("show", "-o", str(tmp_path / "x.yaml")).returncode == 2


def test_the_documented_example_is_the_template_and_is_valid():
    from pathlib import Path

    from accord.scenario.files import template_text
    from accord.scenario.io import scenario_from_text

    doc = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete annotated example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == template_text()
    sc = scenario_from_text(example)
    assert sc.levers and sc.timeline and all(s.evidence or s.assumption for s in sc.stances)
