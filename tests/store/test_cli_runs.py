"""``accord runs list|show|diff`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture
def history(monkeypatch, db_url, store, small, record):
    monkeypatch.setenv("ACCORD_DB", db_url)
    first = record(small, seed=1)
    second = record(small.model_copy(update={"stances": small.stances[1:]}), seed=1)
    return first, second


def test_list_show_diff_json(cli, history):
    first, second = history
    out = cli("runs", "list", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total"] == 2 and [r["id"] for r in data["runs"]] == [second.id, first.id]
    out = cli("runs", "show", str(first.id), "--json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["results"]["scenario"] == "small" and shown["version"]["number"] == 1
    out = cli("runs", "diff", str(first.id), "latest", "--json")
    assert out.returncode == 0, out.stderr
    diff = json.loads(out.stdout)
    assert diff["inputs"]["stances"]["removed"] == ["a / x"]
    assert diff["results"]["models"]["compromise"]["issues"]["x"]["delta"] is not None


def test_text_output(cli, history):
    first, second = history
    out = cli("runs", "diff", str(first.id), str(second.id))
    assert out.returncode == 0, out.stderr
    assert "- stance a / x" in out.stdout and "Forecasts" in out.stdout
    out = cli("runs", "list")
    assert out.returncode == 0 and "small" in out.stdout
    out = cli("runs", "show", str(second.id))
    assert out.returncode == 0 and "v2" in out.stdout


def test_unknown_run_exits_1(cli, history):
    out = cli("runs", "show", "999")
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: no run '999'")
    for bad in ("/etc/passwd/history.db", "nosuchdialect://x/y"):
        out = cli("runs", "list", "--db", bad)
        assert out.returncode == 1 and out.stderr.startswith("error: cannot open the run history"), out.stderr
        assert "Traceback" not in out.stderr


def test_missing_extra_gives_a_one_line_hint(monkeypatch, db_url):
    monkeypatch.setenv("ACCORD_DB", db_url)
    code = ("import sys; sys.modules['sqlalchemy'] = None; sys.argv = ['accord', 'runs', 'list'];"
            "from accord.cli.app import main; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'accord[store]'" in lines[0]
