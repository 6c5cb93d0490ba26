"""``accord mc`` and ``accord sensitivity`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run_patched(*args: str, block: tuple[str, ...]) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess in which the modules ``block`` cannot be imported."""
    code = (
        "import sys\n"
        f"for name in {block!r}:\n"
        "    sys.modules[name] = None\n"
        "from accord.cli.app import main\n"
        f"sys.argv = ['accord', *{list(args)!r}]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_mc_json_on_the_builtin_case(cli):
    res = cli("mc", "--model", "compromise", "--draws", "3000", "--seed", "4", "--no-agreement", "--json")
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # no progress bar in JSON mode
    data = json.loads(res.stdout)
    assert data["scenario"] == "ukraine-2025" and data["draws"] == 3000 and data["seed"] == 4
    territory = data["models"]["compromise"]["issues"]["territory"]
    assert set(territory) == {"mean", "sd", "p10", "p50", "p90"}
    assert territory["p10"] < territory["p50"] < territory["p90"]
    assert data["agreement"] is None


def test_mc_same_seed_same_numbers_whatever_the_chunk_size(cli):
    base = ("mc", "-m", "median", "--draws", "2500", "--seed", "9", "--no-agreement", "--json")
    a = json.loads(cli(*base, "--chunk-size", "1024").stdout)
    b = json.loads(cli(*base, "--chunk-size", "2500").stdout)
    assert a["models"] == b["models"]


def test_mc_table_with_noise_on_an_imported_file(cli, data_dir):
    res = cli(
        "mc",
        str(data_dir / "eum" / "ec_car_emissions_1994.csv"),
        "-m",
        "compromise",
        "--draws",
        "1000",
        "--noise",
        "position=2",
        "--noise",
        "salience=0.05",
    )
    assert res.returncode == 0, res.stderr
    assert "compromise: forecast over the draws" in res.stdout and "p90" in res.stdout
    assert "noise position=2, salience=0.05" in res.stdout


def test_mc_bad_noise_is_a_usage_error(cli):
    res = cli("mc", "-m", "compromise", "--draws", "10", "--noise", "colour=2")
    assert res.returncode == 2 and "noise kind must be one of" in res.stderr and "Traceback" not in res.stderr


def test_mc_unknown_model_is_exit_1(cli):
    res = cli("mc", "-m", "oracle", "--draws", "10")
    assert res.returncode == 1 and "no model named 'oracle'" in res.stderr


@pytest.mark.parametrize(
    "args",
    [("mc", "-m", "compromise", "--draws", "10"), ("sensitivity", "--output", "territory", "--n", "8")],
)
def test_scheduler_without_dask_says_how_to_install(args):
    res = run_patched(*args, "--scheduler", "tcp://127.0.0.1:1", block=("dask", "dask.distributed"))
    assert res.returncode == 1, res.stderr
    assert "pip install 'accord[scale]'" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("args", [("mc", "--draws", "10"), ("sensitivity", "--output", "territory", "--n", "8")])
def test_scheduler_and_workers_together_is_a_usage_error(cli, args):
    res = cli(*args, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert res.returncode == 2 and "not both" in res.stderr


@pytest.mark.slow
def test_sensitivity_on_worker_processes_prints_the_same_json(cli):
    args = ("sensitivity", "--output", "territory", "--method", "morris", "--n", "10", "--json")
    alone, clustered = cli(*args, "--workers", "1"), cli(*args, "--workers", "2")
    assert clustered.returncode == 0, clustered.stderr
    drop = ("seconds",)
    a, b = json.loads(alone.stdout), json.loads(clustered.stdout)
    assert {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


def test_sensitivity_json_has_ranking_and_tornado(cli):
    res = cli("sensitivity", "--output", "territory", "--method", "morris", "--n", "10", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["method"] == "morris" and data["output"] == "territory" and data["model"] == "compromise"
    # compromise forecasts each issue from its own stances: only territory's ranges and its actors' capabilities
    assert len(data["ranking"]) == 12 and len(data["tornado"]) == 12
    assert any(n.startswith("12 of the 79 ranges") for n in data["notes"])
    assert all("territory" in r["label"] or r["label"].endswith("capability") for r in data["ranking"])
    top = data["ranking"][0]
    assert {"rank", "name", "label", "mu_star", "mu_star_conf", "mu", "sigma"} <= set(top)
    stars = [r["mu_star"] for r in data["ranking"]]
    assert stars == sorted(stars, reverse=True)
    assert {"low", "high", "baseline"} <= set(data["tornado"][0])


def test_sensitivity_sobol_table_grouped_by_actor(cli):
    res = cli("sensitivity", "--output", "territory", "--group", "actor", "--n", "64")
    assert res.returncode == 0, res.stderr
    assert "The judgements that matter most" in res.stdout and "total ST" in res.stdout
    assert "russia" in res.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--output", "territory", "--n", "1000"), 2, "power of two"),
        (("--output", "territory", "--method", "fast"), 2, "must be one of"),
        (("--output", "nowhere"), 1, "output must be an issue id or 'agreement'"),
        ((), 2, "--output"),
    ],
)
def test_sensitivity_errors(cli, args, code, message):
    res = cli("sensitivity", *args)
    assert res.returncode == code and message in res.stderr and "Traceback" not in res.stderr


def test_progress_bar_only_on_a_terminal_and_only_when_slow(monkeypatch):
    from accord.cli.progress import LazyProgress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with LazyProgress("x", delay=0.0) as quiet:
        quiet(1, 10)
        assert quiet._bar is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with LazyProgress("x", enabled=False, delay=0.0) as off:
        off(1, 10)
        assert off._bar is None
    with LazyProgress("x", delay=60.0) as fast:
        fast(5, 10)  # projected to finish well within a minute: no bar
        assert fast._bar is None
    with LazyProgress("x", delay=0.0) as slow:
        slow(1, 10)
        assert slow._bar is not None
        slow(10, 10)
    assert slow._bar is None


EXPECTATIONS = """\
id: expectations
title: Two sides who expect to win without a deal
actors:
  - {id: a, name: A, capability: 1}
  - {id: b, name: B, capability: 1}
issues:
  - {id: x, name: X, veto: [a, b]}
stances:
  - {actor: a, issue: x, position: 0, salience: 1, expects: [20, 60], assumption: test}
  - {actor: b, issue: x, position: 100, salience: 1, expects: [40, 80], assumption: test}
"""


def test_mc_samples_the_agreement_analysis_when_there_are_veto_players(cli, tmp_path):
    pytest.importorskip("accord.agreement")
    path = tmp_path / "expectations.yaml"
    path.write_text(EXPECTATIONS, encoding="utf-8")
    data = json.loads(cli("mc", str(path), "-m", "compromise", "--draws", "400", "--json").stdout)
    ag = data["agreement"]
    assert 0 < ag["p_zone"] < 0.3 and set(ag["gap"]) == {"mean", "sd", "p10", "p50", "p90"}
    assert ag["blocks"]["a"] == ag["blocks"]["b"] == pytest.approx(1 - ag["p_zone"])
    table = cli("mc", str(path), "-m", "compromise", "--draws", "200")
    assert table.returncode == 0, table.stderr
    assert "Zone of agreement in" in table.stdout and "How often each actor blocks" in table.stdout
    sens = cli("sensitivity", str(path), "--output", "agreement", "--method", "morris", "--n", "10", "--json")
    assert sens.returncode == 0, sens.stderr
    assert json.loads(sens.stdout)["model"] is None


@pytest.mark.slow
def test_worker_processes_give_the_single_process_json():
    """Two ``accord mc`` runs at once, each on worker processes: quiet, and the same numbers as one process."""
    import subprocess
    import sys

    def args(workers):
        return [sys.executable, "-m", "accord", "mc", "--workers", workers, "--draws", "5000", "-m",
                "expected_utility", "--no-agreement", "--seed", "3", "--json"]

    env = {**os.environ, "ACCORD_POOL_MIN_SECONDS": "0"}
    procs = [subprocess.Popen(args("2"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    alone = subprocess.run(args("1"), capture_output=True, text=True, check=True).stdout
    ref = json.loads(alone)
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        got = json.loads(out)
        assert "Traceback" not in err and "Warning" not in err, err
        assert {k: v for k, v in got.items() if k != "seconds"} == {k: v for k, v in ref.items() if k != "seconds"}
