"""Progress bars: on stderr when it is a terminal, never with --quiet, never in --json output."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

MC = ["mc", "--draws", "2048", "--chunk-size", "1024", "--model", "expected_utility", "--model", "exchange"]


def run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run accord with stderr on a pseudo-terminal and stdout on a pipe; return (code, stdout, terminal text)."""
    master, slave = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "accord", *args], stdout=subprocess.PIPE, stderr=slave,
                            env=env)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    with proc.stdout:
        out = proc.stdout.read().decode()
    code = proc.wait()
    os.close(master)
    return code, out, b"".join(chunks).decode(errors="replace")


def test_mc_shows_a_bar_on_a_terminal_but_not_in_its_json():
    code, out, terminal = run_with_terminal_stderr(*MC, "--json")
    assert code == 0
    assert out.lstrip().startswith("{") and "sampling" not in out
    assert "sampling" not in terminal
    code, out, terminal = run_with_terminal_stderr(*MC)
    assert code == 0
    # 2,048 draws through the models, then the same 2,048 through the agreement analysis
    assert "sampling" in terminal and "4096/4096" in terminal.replace(" ", "").replace(",", "")


def test_quiet_turns_the_bar_off():
    code, out, terminal = run_with_terminal_stderr(*MC, "--quiet")
    assert code == 0 and "sampling" not in terminal
    assert "draws" in out


def test_report_progress_names_each_step(tmp_path):
    from accord.report.build import prepare
    from accord.scenario.io import load_scenario

    pytest.importorskip("matplotlib")
    seen = []
    prepare(load_scenario("ukraine-2025"), models=["compromise"], analyses=["agreement", "uncertainty"],
            progress=lambda label, done, total: seen.append((label, done, total)))
    labels = [s[0] for s in seen]
    assert labels[0] == "Zone of agreement" and "Uncertainty (Monte Carlo)" in labels
    draws = [s for s in seen if s[0] == "Uncertainty (Monte Carlo)" and s[2] > 1]
    assert draws and draws[-1][1] == draws[-1][2]


def test_the_numeric_core_takes_a_plain_callback():
    import ast
    from pathlib import Path

    import accord.experiments.montecarlo as mc

    tree = ast.parse(Path(mc.__file__).read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "rich" not in imported
