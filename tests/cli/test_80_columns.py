"""Terminal output at 80 columns, through the real entry point: no line over 80, no header cut."""

from __future__ import annotations

import pytest

COMMANDS = {
    "brief": (["brief", "--draws", "200"], ["status", "quo", "compromise", "exchange", "expected", "utility"]),
    "run": (["run"], ["status", "quo", "compromise", "exchange", "expected", "utility", "median"]),
    # the built-in case has no zone as its red lines stand: the deal table shows the relaxed package
    "agree": (["agree"], ["status", "quo", "relaxed", "package", "lever(s)", "snapshot", "margin"]),
    "mc": (["mc", "--draws", "200"], ["mean", "sd", "p10", "p50", "p90", "blocks"]),
}
IDS = ("kyiv_government", "expected_utility", "sanctions_relief_offer", "us_congress")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_fits_80_columns_with_whole_header_words_and_names(name, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    args, header_words = COMMANDS[name]
    res = cli(*args)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    too_long = [line for line in lines if len(line) > 80]
    assert too_long == []
    assert "…" not in res.stdout
    words = set(res.stdout.split())
    missing = [w for w in header_words if w not in words]
    assert missing == []
    if name != "agree":
        assert [i for i in IDS if i in res.stdout] == []


def test_run_moves_long_anchor_labels_into_a_detail_section(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("run").stdout
    assert "Nearest labelled point of each forecast (compromise)" in out
    assert "Territory: 75, Recognition (by Ukraine too)" in out
    assert len(out.splitlines()) < 60
