"""The ``smp`` model's settings and conventions (its KTAB reproduction: tests/regression)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.cli.app import app
from accord.models import get_model
from accord.models.smp import SMPParams
from accord.scenario.arrays import ScenarioArrays
from accord.testing import random_arrays

DUMMY = Path(__file__).resolve().parents[1] / "data" / "ktab" / "dummyData_3Dim.csv"
MODEL = get_model("smp")

SETTINGS = [(name, value) for name, field in SMPParams.model_fields.items()
            if getattr(field.annotation, "__args__", None) for value in field.annotation.__args__]


def small(seed: int = 3, missing: float = 0.0) -> ScenarioArrays:
    return random_arrays(np.random.default_rng(seed), n_actors=6, n_issues=2, missing=missing)


@pytest.mark.parametrize(("name", "value"), SETTINGS, ids=[f"{n}={v}" for n, v in SETTINGS])
def test_every_ktab_setting_runs_inside_the_scales(name, value):
    arrays = small()
    res = MODEL.run(arrays, {name: value}, np.random.default_rng(1))
    n = res.n_states
    assert 2 <= n <= 101
    r = res.rounds[:n]
    assert np.all((r >= arrays.scale_min - 1e-9) & (r <= arrays.scale_max + 1e-9))
    np.testing.assert_allclose(res.win_prob[:n].sum(axis=1) >= 1 - 1e-9, True)
    # padding repeats the last real state
    np.testing.assert_array_equal(res.rounds[n:], np.broadcast_to(res.rounds[n - 1], res.rounds[n:].shape))


def test_rounds_start_with_the_given_positions_and_stop_by_ktab_rule():
    arrays = small()
    res = MODEL.run(arrays)
    np.testing.assert_allclose(res.rounds[0], arrays.position, rtol=0, atol=1e-12)
    short = MODEL.run(arrays, {"iterations": 2})
    assert short.n_states <= 3 and short.rounds.shape[0] == 3


def test_stochastic_transitions_follow_the_generator():
    arrays = small(seed=5)
    p = {"state_transitions": "Stochastic"}
    a = MODEL.run(arrays, p, np.random.default_rng(7))
    b = MODEL.run(arrays, p, np.random.default_rng(7))
    np.testing.assert_array_equal(a.rounds, b.rounds)


def test_saliences_above_a_total_of_one_are_scaled_to_one():
    arrays = small()
    total = arrays.salience.sum(axis=1, keepdims=True)
    scaled = replace(arrays, salience=arrays.salience / total)
    doubled = replace(arrays, salience=2 * arrays.salience / total)
    np.testing.assert_array_equal(MODEL.run(scaled).rounds, MODEL.run(doubled).rounds)


def test_degenerate_inputs_do_not_fail():
    arrays = small()
    same = replace(arrays, position=np.full_like(arrays.position, 40.0) + arrays.scale_min * 0)
    res = MODEL.run(same)
    np.testing.assert_allclose(res.rounds[: res.n_states], 40.0)
    zero = replace(arrays, capability=np.zeros_like(arrays.capability))
    assert np.isfinite(MODEL.run(zero).forecast).all()
    alone = arrays.take_actors(np.array([0]))
    res = MODEL.run(alone)
    np.testing.assert_allclose(res.forecast, alone.position[0])


def test_an_actor_without_stances_is_left_out():
    arrays = small(missing=0.3)
    present = arrays.present.copy()
    present[3] = False
    gone = replace(arrays, present=present, position=np.where(present, arrays.position, np.nan),
                   salience=np.where(present, arrays.salience, 0.0))
    without = gone.take_actors(np.array([0, 1, 2, 4, 5]))
    a, b = MODEL.run(gone), MODEL.run(without)
    np.testing.assert_allclose(a.forecast, b.forecast, rtol=0, atol=1e-12)
    assert np.isnan(a.rounds[:, 3]).all() and np.isnan(a.win_prob[:, 3]).all()


def test_run_json_on_a_ktab_file():
    out = CliRunner().invoke(app, ["run", str(DUMMY), "--model", "smp", "--json"])
    assert out.exit_code == 0, out.output
    issues = json.loads(out.output)["models"]["smp"]["issues"]
    first = issues[next(iter(issues))]
    assert len(first["rounds"]) == len(first["win_prob"]) == len(first["trajectory"]) == 11
    assert first["rounds"][0][0] == pytest.approx(75.79)
    assert first["actors"][0] == "SActor-00"
    assert first["win_prob"][1][0] == pytest.approx(0.6059, abs=5e-5)
    explained = CliRunner().invoke(app, ["run", str(DUMMY), "--model", "smp", "--explain"])
    text = " ".join(explained.output.split())
    assert "SActor-04 challenges SActor-00" in text
    assert "adopts the bargain of SActor-04's challenge to SActor-00" in text
