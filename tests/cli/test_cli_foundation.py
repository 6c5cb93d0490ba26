"""The CLI through the real entry point: output, JSON shape, exit codes, no tracebacks."""

from __future__ import annotations

import json

import pytest


def test_help_lists_commands(cli):
    res = cli("--help")
    assert res.returncode == 0
    for command in ("run", "validate", "import", "scenarios", "models", "show"):
        assert command in res.stdout


def test_run_bdm_file_compromise_json(cli, data_dir):
    res = cli("run", "--model", "compromise", "--json", str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["scenario"] == "ec_car_emissions_1994"
    forecast = data["models"]["compromise"]["issues"]["ec_car_emissions_1994"]["forecast"]
    assert forecast == pytest.approx(7.38996, abs=5e-6)


def test_run_table_on_imported_ktab(cli, data_dir):
    res = cli("run", "--model", "compromise", "--model", "median", str(data_dir / "ktab" / "SOE-Pol-Comp.csv"))
    assert res.returncode == 0, res.stderr
    assert "Policy" in res.stdout and "compromise" in res.stdout and "median" in res.stdout


def test_unknown_model_is_exit_1_without_traceback(cli, data_dir):
    res = cli("run", "--model", "oracle", str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 1
    assert "no model named 'oracle'" in res.stderr and "Traceback" not in res.stderr


def test_bad_parameter_is_exit_1(cli, data_dir):
    res = cli("run", "--model", "compromise", "--set", "nonsense", str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 2 and "KEY=VALUE" in res.stderr


def test_validate_reports_located_errors_and_exit_1(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: x\ntitle: X\nactors:\n  - {id: a, name: A, capability: 1}\nissues:\n  - {id: i, name: I}\n"
        "stances:\n  - {actor: a, issue: i, position: 5, salience: 1.4, assumption: guess}\n"
        "  - {actor: b, issue: j, position: 5, salience: 0.5, assumption: guess}\n",
        encoding="utf-8",
    )
    res = cli("validate", str(path))
    assert res.returncode == 1
    assert "stances[0].salience: salience must be between 0 and 1, got 1.4" in res.stderr
    assert "line 8" in res.stderr and "stances[1].actor" in res.stderr and "stances[1].issue" in res.stderr
    assert "Traceback" not in res.stderr
    as_json = json.loads(cli("validate", "--json", str(path)).stdout)
    assert as_json["valid"] is False and len(as_json["problems"]) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"\xff\xfe\x00bad", "not UTF-8"), (b"", "empty"), (b"id: [", "malformed YAML")],
)
def test_validate_bad_files(cli, tmp_path, content, expected):
    path = tmp_path / "s.yaml"
    path.write_bytes(content)
    res = cli("validate", str(path))
    assert res.returncode == 1 and expected in res.stderr and "Traceback" not in res.stderr


def test_validate_missing_file(cli, tmp_path):
    res = cli("validate", str(tmp_path / "missing.yaml"))
    assert res.returncode == 1 and "not found" in res.stderr


def test_import_writes_scenario_that_validates(cli, tmp_path, data_dir):
    out = tmp_path / "ktab.yaml"
    res = cli("import", str(data_dir / "ktab" / "dummyData_3Dim.csv"), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert cli("validate", str(out)).returncode == 0
    res = cli("run", "--model", "compromise", "--json", str(out))
    direct = cli("run", "--model", "compromise", "--json", str(data_dir / "ktab" / "dummyData_3Dim.csv"))
    a = json.loads(res.stdout)["models"]["compromise"]["issues"]
    b = json.loads(direct.stdout)["models"]["compromise"]["issues"]
    assert {k: v["forecast"] for k, v in a.items()} == pytest.approx({k: v["forecast"] for k, v in b.items()})


def test_import_bad_format_name(cli, data_dir):
    res = cli("import", "--format", "xml", str(data_dir / "ktab" / "dummyData_3Dim.csv"))
    assert res.returncode == 2


def test_models_lists_parameters(cli):
    res = cli("models", "--json")
    assert res.returncode == 0
    names = [m["name"] for m in json.loads(res.stdout)]
    assert "compromise" in names and "median" in names


def test_show_yaml_round_trips(cli, tmp_path, data_dir):
    res = cli("show", "--format", "yaml", str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 0
    path = tmp_path / "back.yaml"
    path.write_text(res.stdout, encoding="utf-8")
    assert cli("validate", str(path)).returncode == 0


def test_unknown_scenario_name(cli):
    res = cli("run", "no-such-case")
    assert res.returncode == 1 and "no built-in scenario or file named 'no-such-case'" in res.stderr


def test_run_save_records_in_run_history(cli, tmp_path, data_dir, monkeypatch):
    db = tmp_path / "runs.db"
    res = cli("run", "--model", "compromise", "--save", "--db", str(db), "--json",
              str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 0, res.stderr
    assert "stored as run 1" in res.stderr
    shown = cli("runs", "show", "1", "--db", str(db), "--json")
    assert shown.returncode == 0, shown.stderr
    assert "7.3899556" in shown.stdout
