"""Unknown options, keys and ids: never exit 0, never a traceback, a nearby name when there is one."""

from __future__ import annotations

import random
import string

import pytest

COMMANDS = ["brief", "run", "validate", "show", "scenarios", "models", "import", "evidence search", "sources list",
            "backtest", "runs list", "serve", "report", "mc", "sensitivity", "agree"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase + "_") for _ in range(rng.randint(3, 12)))


rng = random.Random(14)
CASES = [
    *[[*c.split(), f"--{word(rng)}"] for c in COMMANDS],
    ["run", "--set", "iteration=3"],
    ["run", "--set", f"{word(rng)}=1"],
    ["mc", "--draws", "10", "--set", "round=2"],
    ["run", "--model", "compromis"],
    ["run", "--model", word(rng)],
    ["brief", word(rng) + ".yaml"],
    ["show", word(rng)],
    ["evidence", "stance", "ukraine-2025", "Russia", "territory"],
    ["evidence", "stance", "ukraine-2025", "russia", "Territory"],
    ["evidence", "stance", "ukraine-2025", word(rng), word(rng)],
    ["agree", "--lever", "sanctions_relief"],
    ["agree", "--type", "Russia=security"],
    ["agree", "--type", "russia=" + word(rng)],
    ["sensitivity", "--output", "Territory"],
    [word(rng)],
]
SUGGEST = {
    ("run", "--set", "iteration=3"): "did you mean 'iterations'",
    ("mc", "--draws", "10", "--set", "round=2"): "did you mean 'rounds'",
    ("run", "--model", "compromis"): "did you mean 'compromise'",
    ("evidence", "stance", "ukraine-2025", "Russia", "territory"): "did you mean 'russia'",
    ("evidence", "stance", "ukraine-2025", "russia", "Territory"): "did you mean 'territory'",
    ("agree", "--lever", "sanctions_relief"): "did you mean 'sanctions_relief_offer'",
    ("agree", "--type", "Russia=security"): "did you mean 'russia'",
    ("sensitivity", "--output", "Territory"): "did you mean 'territory'",
}


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_unknown_input_fails_cleanly(args, cli):
    res = cli(*args)
    assert res.returncode in (1, 2), (res.returncode, res.stdout[-300:], res.stderr[-300:])
    assert "Traceback" not in res.stderr + res.stdout
    assert res.stderr.strip()
    hint = SUGGEST.get(tuple(args))
    if hint:
        assert hint in res.stderr


def test_set_keys_are_usage_errors_and_version_prints(cli):
    assert cli("run", "--set", "iteration=3").returncode == 2
    res = cli("--version")
    assert res.returncode == 0 and res.stdout.startswith("accord ")
