"""The exchange model reproduces the Decide model (decide-exchange-model 2025.3.1).

Three random cases in Decide's input format, with the outcome of every issue after each of
10 iterations of the equal-gain model without randomisation, as Decide computed them
(``tests/data/exchange``). Every outcome must match to 1e-6 absolute, for the vectorised
model and for the loop oracle.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord.models.exchange import Exchange
from accord.scenario.arrays import ScenarioArrays
from oracles.exchange_loop import run_exchange_loop

TOL = 1e-6


def decide_arrays(text: str) -> ScenarioArrays:
    """Decide's tab-separated input as arrays: actors in ``#A`` order, issues in ``#P``
    order, each issue's scale from its ``#M`` rows (0–100 without them)."""
    actors: list[str] = []
    issues: list[str] = []
    bounds: dict[str, list[float]] = {}
    stances = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = [f.strip().strip("'") for f in line.split("\t")]
        kind = fields[0]
        if kind == "#A":
            actors.append(fields[1])
        elif kind == "#P":
            issues.append(fields[1])
        elif kind == "#M":
            bounds.setdefault(fields[1], []).append(float(fields[2]))
        elif kind == "#D":
            stances.append((fields[1], fields[2], float(fields[3]), float(fields[4]), float(fields[5])))
    n_a, n_i = len(actors), len(issues)
    position = np.full((n_a, n_i), np.nan)
    salience = np.zeros((n_a, n_i))
    capability = np.zeros(n_a)
    present = np.zeros((n_a, n_i), dtype=bool)
    for actor, issue, x, s, c in stances:
        a, i = actors.index(actor), issues.index(issue)
        position[a, i], salience[a, i], capability[a], present[a, i] = x, s, c, True
    lo = np.array([min(bounds.get(i, [0.0])) for i in issues])
    hi = np.array([max(bounds.get(i, [100.0])) for i in issues])
    return ScenarioArrays(tuple(actors), tuple(issues), position, salience, capability, present, lo, hi,
                          0.5 * (lo + hi))


def expected(case: dict, issues: tuple[str, ...]) -> np.ndarray:
    """The reference outcomes as an array (iterations, issues)."""
    rows = []
    for outcome in case["outcome_after_iteration"]:
        by_issue = {key.split(" [")[0]: value for key, value in outcome.items()}
        rows.append([by_issue[i] for i in issues])
    return np.array(rows)


def load_cases(data_dir):
    return json.loads((data_dir / "exchange" / "reference_cases.json").read_text())


CASE_NAMES = ["exchange-reference-1", "exchange-reference-2", "exchange-reference-3"]


@pytest.fixture(scope="module")
def cases(data_dir):
    return {c["name"]: c for c in load_cases(data_dir)}


def test_the_reference_file_holds_the_three_cases(cases):
    assert sorted(cases) == CASE_NAMES
    for case in cases.values():
        assert case["randomized_value"] == 0.0
        assert len(case["outcome_after_iteration"]) == case["iterations"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_model_matches_decide_after_every_iteration(cases, name):
    case = cases[name]
    arrays = decide_arrays(case["decide_csv"])
    result = Exchange().run(arrays, {"iterations": case["iterations"],
                                     "randomized_value": case["randomized_value"]})
    want = expected(case, arrays.issue_ids)
    assert result.trajectory.shape == want.shape
    diff = np.abs(result.trajectory - want)
    assert diff.max() <= TOL, f"{name}: max |difference| {diff.max():.3g}"
    np.testing.assert_array_equal(result.forecast, result.trajectory[-1])


@pytest.mark.parametrize("name", CASE_NAMES)
def test_oracle_matches_decide_after_every_iteration(cases, name):
    case = cases[name]
    arrays = decide_arrays(case["decide_csv"])
    trajectory, _, _ = run_exchange_loop(
        arrays.position.tolist(), arrays.salience.tolist(), arrays.capability.tolist(),
        arrays.present.tolist(), arrays.scale_min.tolist(), arrays.scale_max.tolist(),
        iterations=case["iterations"], randomized_value=case["randomized_value"],
        rng=np.random.default_rng(0), actor_ids=arrays.actor_ids, issue_ids=arrays.issue_ids,
    )
    diff = np.abs(np.array(trajectory) - expected(case, arrays.issue_ids))
    assert diff.max() <= TOL, f"{name}: max |difference| {diff.max():.3g}"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_every_iteration_carries_out_exchanges(cases, name):
    arrays = decide_arrays(cases[name]["decide_csv"])
    result = Exchange().run(arrays)
    rounds = {e.round for e in result.events}
    assert rounds == set(range(1, 11))
    assert all(e.kind == "exchange" for e in result.events)
