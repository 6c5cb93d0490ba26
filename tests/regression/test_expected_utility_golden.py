"""The expected utility model reproduces the published tables of Scholz, Calbert & Smith (2011).

Reference: ``tests/data/eum/reference_cases.json`` (the 1994 EC car-emissions case of
Bueno de Mesquita and two random cases, every actor's position after each round, from
an independent replication of Scholz et al. 2011; see ``tests/data/eum/README.md``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from accord.models.base import get_model
from accord.models.expected_utility import ExpectedUtility
from accord.scenario.arrays import ScenarioArrays
from oracles.eum_loop import run_issue

ATOL = 1e-9


def arrays_from_csv(text: str, issue: str = "issue") -> ScenarioArrays:
    """One-issue arrays from ``Actor,Capability,Position,Salience`` rows, every actor present."""
    rows = list(csv.DictReader(io.StringIO(text)))
    position = np.array([[float(r["Position"])] for r in rows])
    top = float(max(position.max(), 0.0))
    return ScenarioArrays(
        actor_ids=tuple(r["Actor"] for r in rows),
        issue_ids=(issue,),
        position=position,
        salience=np.array([[float(r["Salience"])] for r in rows]),
        capability=np.array([float(r["Capability"]) for r in rows]),
        present=np.ones((len(rows), 1), dtype=bool),
        scale_min=np.array([0.0]),
        scale_max=np.array([top]),
        status_quo=np.array([0.0]),
    )


REFERENCE = Path(__file__).parent.parent / "data" / "eum" / "reference_cases.json"
CASES = json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_model_reproduces_every_round(case):
    arrays = arrays_from_csv(case["csv"])
    assert list(arrays.actor_ids) == case["actors"]
    result = ExpectedUtility().run(arrays, {"rounds": case["rounds"], "variant": "scholz2011"})
    expected = np.array(case["positions_after_round"])
    got = result.rounds[:, :, 0]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_oracle_reproduces_every_round(case):
    arrays = arrays_from_csv(case["csv"])
    positions, _, _ = run_issue(
        list(arrays.position[:, 0]), list(arrays.capability), list(arrays.salience[:, 0]),
        case["rounds"], "scholz2011",
    )
    expected = np.array(case["positions_after_round"])
    np.testing.assert_allclose(np.array(positions), expected, rtol=0, atol=ATOL)


def test_reference_cases_run_as_one_batch_of_issues():
    """The three cases side by side as issues of one scenario give the same rounds."""
    ids = sorted({a for c in CASES for a in c["actors"]})
    index = {a: k for k, a in enumerate(ids)}
    n_actors, n_issues = len(ids), len(CASES)
    position = np.full((n_actors, n_issues), np.nan)
    salience = np.zeros((n_actors, n_issues))
    capability = np.zeros((len(CASES), n_actors))
    present = np.zeros((n_actors, n_issues), dtype=bool)
    for i, case in enumerate(CASES):
        one = arrays_from_csv(case["csv"])
        for k, actor in enumerate(one.actor_ids):
            position[index[actor], i] = one.position[k, 0]
            salience[index[actor], i] = one.salience[k, 0]
            capability[i, index[actor]] = one.capability[k]
            present[index[actor], i] = True
    # Capability is per actor, not per issue, so each case becomes one draw holding its own.
    arrays = ScenarioArrays(
        actor_ids=tuple(ids), issue_ids=tuple(c["name"] for c in CASES),
        position=np.broadcast_to(position, (len(CASES), n_actors, n_issues)).copy(),
        salience=np.broadcast_to(salience, (len(CASES), n_actors, n_issues)).copy(),
        capability=capability, present=present,
        scale_min=np.zeros(n_issues), scale_max=np.full(n_issues, 100.0), status_quo=np.zeros(n_issues),
    )
    result = get_model("eum").run(arrays, {"rounds": 10})
    for i, case in enumerate(CASES):
        rows = [index[a] for a in case["actors"]]
        got = result.rounds[i, :, rows, i].T
        np.testing.assert_allclose(got, np.array(case["positions_after_round"]), rtol=0, atol=ATOL)
