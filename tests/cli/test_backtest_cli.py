"""``accord backtest`` through the real entry point: JSON shape, files, exit codes, the missing-extra hint."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest


def test_full_backtest_reproduces_23_68(cli):
    res = cli("backtest", "deu3", "--model", "compromise", "--bootstrap", "0", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    row = data["models"]["compromise"]
    assert data["issues"] == 353 and row["n"] == 353
    assert data["proposals"] == 136 and row["proposals"] == 136
    assert abs(row["mae"] - 23.68) < 0.005
    assert data["data_notes"]["positions_without_salience"]["count"] == 54
    assert data["models"]["always_50"]["intervals"] is None


def test_json_shape_on_a_subset(cli):
    res = cli("backtest", "deu3", "--json", "-m", "median", "--limit", "12", "--bootstrap", "100",
              "--capability", "council_votes")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["capability"] == "council_votes" and data["proposals"] == 12
    assert list(data["models"]) == ["compromise", "median", "reference_point", "always_50",
                                    "commission_position"]
    assert data["council_date"] == "adoption" and "adoption" in data["capability_note"]
    for row in data["models"].values():
        for key in ("n", "proposals", "mae", "rmse", "median_ae", "within10", "mae_ci", "intervals",
                    "by_procedure"):
            assert key in row
    diff = data["models"]["median"]["mae_diff_vs_compromise"]
    assert diff["ci"][0] <= diff["diff"] <= diff["ci"][1]


def test_calibrated_capability(cli):
    res = cli("backtest", "deu3", "--json", "-m", "compromise", "--limit", "30", "--bootstrap", "50",
              "--capability", "calibrated", "--level", "0.8")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    row = data["models"]["compromise"]
    assert row["kind"] == "fitted" and len(row["fitted"]["by_fold"]) == data["folds"]
    assert [iv["level"] for iv in row["intervals"]] == [0.8]
    assert "fitted on the training folds only" in data["capability_note"]


def test_table_and_files(cli, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "report"
    res = cli("backtest", "deu3", "--limit", "6", "--bootstrap", "50", "-m", "compromise", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "MAE" in res.stdout and "always_50" in res.stdout and "wrote" in res.stdout
    assert "no interval" in res.stdout and "Positions without a salience" in res.stdout
    assert "no model beats the weighted mean" in " ".join(res.stdout.split())
    with (out / "predictions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 17 and {"issue", "outcome", "compromise", "compromise_lower_80"} <= set(rows[0])
    assert (out / "errors.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, code, message", [
    (["--capability", "population"], 2, "must be one of equal, gdp, council_votes, calibrated"),
    (["--model", "oracle"], 1, "no model named 'oracle'"),
])
def test_bad_input_exit_codes(cli, args, code, message):
    res = cli("backtest", "deu3", "--limit", "2", *args)
    assert res.returncode == code
    assert message in res.stderr and "Traceback" not in res.stderr


def test_missing_file_is_exit_1(cli, tmp_path):
    res = cli("backtest", str(tmp_path / "missing.csv"))
    assert res.returncode == 1 and "not found" in res.stderr and "Traceback" not in res.stderr


def test_without_matplotlib_a_one_line_hint(tmp_path):
    stub = tmp_path / "stub" / "matplotlib"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('matplotlib is not installed')\n", encoding="utf-8")
    path = os.pathsep.join([str(tmp_path / "stub"), os.environ.get("PYTHONPATH", "")])
    res = subprocess.run(
        [sys.executable, "-m", "accord", "backtest", "deu3", "--limit", "2", "--bootstrap", "0",
         "-m", "compromise", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path}, timeout=300,
    )
    assert res.returncode == 1
    assert "install accord[report]" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
