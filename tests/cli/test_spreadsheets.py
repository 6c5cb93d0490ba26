"""Stance sheets and table output: CSV and Excel round trips are lossless; every table can be written."""

from __future__ import annotations

import csv

import pytest

from accord.scenario.io import load_scenario
from accord.tables import apply_stance_table, read_table, stance_table, write_tables


@pytest.fixture(params=[".csv", ".xlsx"])
def suffix(request):
    if request.param == ".xlsx":
        pytest.importorskip("openpyxl")
    return request.param


def test_stance_sheet_round_trip_is_lossless(tmp_path, suffix):
    sc = load_scenario("ukraine-2025")
    [path] = write_tables(tmp_path / f"stances{suffix}", [stance_table(sc)])
    header, rows = read_table(path)
    again = apply_stance_table(sc, header, rows)
    assert again == sc
    assert again.stances == sc.stances


def test_an_edited_cell_changes_that_stance_only(tmp_path, suffix):
    sc = load_scenario("ukraine-2025")
    [path] = write_tables(tmp_path / f"stances{suffix}", [stance_table(sc)])
    header, rows = read_table(path)
    k = next(i for i, r in enumerate(rows) if r[0] == "russia" and r[1] == "territory")
    rows[k][header.index("position_low")], rows[k][header.index("position_high")] = 60, None
    again = apply_stance_table(sc, header, rows)
    assert again.stance("russia", "territory").position.mid == 60
    assert [s for s in again.stances if (s.actor, s.issue) != ("russia", "territory")] == [
        s for s in sc.stances if (s.actor, s.issue) != ("russia", "territory")]


def test_export_and_import_through_the_cli(cli, tmp_path, suffix):
    sheet = tmp_path / f"stances{suffix}"
    res = cli("export", "ukraine-2025", str(sheet))
    assert res.returncode == 0, res.stderr
    res = cli("import", str(sheet), "--into", "ukraine-2025", "-o", str(tmp_path / "case" / "scenario.yaml"))
    assert res.returncode == 0, res.stderr
    assert load_scenario(tmp_path / "case" / "scenario.yaml") == load_scenario("ukraine-2025")


def test_a_bad_sheet_gets_every_problem_at_once(tmp_path):
    sc = load_scenario("ukraine-2025")
    [path] = write_tables(tmp_path / "s.csv", [stance_table(sc)])
    header, rows = read_table(path)
    rows[0][header.index("salience_low")] = "high"
    rows[1][header.index("position_low")] = "far"
    with pytest.raises(Exception) as info:
        apply_stance_table(sc, header, rows, name="s.csv")
    assert "row 2, salience_low" in str(info.value) and "row 3, position_low" in str(info.value)


@pytest.mark.parametrize("command", [["run"], ["agree"], ["mc", "--draws", "100"], ["brief", "--draws", "100"]])
def test_out_writes_the_tables_a_command_prints(cli, tmp_path, command, suffix):
    out = tmp_path / f"table{suffix}"
    res = cli(*command, "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert out.exists() and "wrote" in res.stderr
    if suffix == ".csv":
        rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
        assert rows[0][0] == "issue" and len(rows) == 13
        assert "Territory" in {r[0] for r in rows}
    else:
        import openpyxl

        book = openpyxl.load_workbook(out)
        assert book.worksheets[0].max_row == 13
