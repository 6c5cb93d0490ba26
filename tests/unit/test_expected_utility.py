"""Unit tests of the expected utility model: equations, edge cases, batching, events."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.models import expected_utility as eu
from accord.models.base import describe_params, get_model
from accord.models.expected_utility import ExpectedUtility, simulate_rows
from accord.scenario.arrays import ScenarioArrays
from accord.testing import CHECKS, random_arrays
from oracles.eum_loop import run_arrays, run_issue

VARIANTS = ("scholz2011", "bdm1994")


def one_issue(position, capability, salience, present=None, ids=None) -> ScenarioArrays:
    """Unbatched arrays for one issue on a 0..100 scale."""
    position = np.asarray(position, dtype=float)[:, None]
    present = np.ones(position.shape, dtype=bool) if present is None else np.asarray(present)[:, None]
    return ScenarioArrays(
        actor_ids=tuple(ids or (f"A{k}" for k in range(len(position)))),
        issue_ids=("q",),
        position=np.where(present, position, np.nan),
        salience=np.where(present, np.asarray(salience, dtype=float)[:, None], 0.0),
        capability=np.asarray(capability, dtype=float),
        present=present,
        scale_min=np.array([0.0]),
        scale_max=np.array([100.0]),
        status_quo=np.array([50.0]),
    )


def ec_case(data_dir) -> ScenarioArrays:
    with open(data_dir / "eum" / "ec_car_emissions_1994.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return one_issue(
        [float(r["Position"]) for r in rows], [float(r["Capability"]) for r in rows],
        [float(r["Salience"]) for r in rows], ids=[r["Actor"] for r in rows],
    )


class BdmByDefault(ExpectedUtility):
    """The model with ``variant="bdm1994"`` as default, for the conformance checks."""

    def parse_params(self, params=None):
        if params is None or isinstance(params, dict):
            params = {"variant": "bdm1994", **(params or {})}
        return super().parse_params(params)


def model_for(variant: str) -> ExpectedUtility:
    return ExpectedUtility() if variant == "scholz2011" else BdmByDefault()


# --- registry and parameters -------------------------------------------------------------------


def test_registered_under_name_and_alias():
    assert isinstance(get_model("expected_utility"), ExpectedUtility)
    assert isinstance(get_model("eum"), ExpectedUtility)
    assert ExpectedUtility.works_in_rounds


def test_parameters_defaults_and_ranges():
    model = ExpectedUtility()
    p = model.parse_params(None)
    assert (p.rounds, p.variant) == (10, "scholz2011")
    for bad in ({"rounds": 0}, {"rounds": 1001}, {"variant": "bdm"}, {"steps": 3}):
        with pytest.raises(ParameterError):
            model.parse_params(bad)
    described = {d["name"]: d for d in describe_params(model)}
    assert described["rounds"]["range"] == {"ge": 1, "le": 1000}
    assert described["rounds"]["description"] and described["variant"]["description"]


# --- conformance, oracle, batching ---------------------------------------------------------------


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("variant", VARIANTS)
def test_conformance(variant, check):
    rng = np.random.default_rng(11)
    model = model_for(variant)
    for arrays in (random_arrays(rng), random_arrays(rng, n_actors=5, n_issues=3, n_draws=3)):
        CHECKS[check](model, arrays)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("n_actors", [1, 2, 3, 5, 9])
def test_agrees_with_loop_oracle(variant, n_actors):
    rng = np.random.default_rng(100 + n_actors)
    arrays = random_arrays(rng, n_actors=n_actors, n_issues=3, n_draws=2, missing=0.3)
    result = ExpectedUtility().run(arrays, {"rounds": 6, "variant": variant})
    rounds, trajectory = run_arrays(
        arrays.position, arrays.salience, arrays.capability, arrays.present, 6, variant,
    )
    np.testing.assert_allclose(result.rounds, np.array(rounds), rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(result.trajectory, np.array(trajectory), rtol=0, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("variant", VARIANTS)
def test_batch_equals_loop_of_single_runs_exactly(variant):
    arrays = random_arrays(np.random.default_rng(5), n_actors=9, n_issues=5, n_draws=6, missing=0.2)
    params = {"variant": variant, "rounds": 8}
    together = ExpectedUtility().run(arrays, params)
    for d in range(arrays.n_draws):
        alone = ExpectedUtility().run(arrays.draw(d), params)
        np.testing.assert_array_equal(together.rounds[d], alone.rounds)
        np.testing.assert_array_equal(together.trajectory[d], alone.trajectory)
        np.testing.assert_array_equal(together.forecast[d], alone.forecast)


@pytest.mark.parametrize("variant", VARIANTS)
def test_blocks_and_tensor_chunks_do_not_change_results(variant, monkeypatch):
    arrays = random_arrays(np.random.default_rng(8), n_actors=7, n_issues=3, n_draws=2, missing=0.1)
    params = {"variant": variant, "rounds": 4}
    reference = ExpectedUtility().run(arrays, params)
    monkeypatch.setattr(eu, "TENSOR_BYTES", 1)
    monkeypatch.setattr(eu, "BLOCK_CELLS", 1)
    chunked = ExpectedUtility().run(arrays, params)
    np.testing.assert_array_equal(chunked.rounds, reference.rounds)
    np.testing.assert_array_equal(chunked.trajectory, reference.trajectory)


# --- equations --------------------------------------------------------------------------------------


def _row(x, c, s):
    x, c, s = (np.asarray(v, dtype=float)[None] for v in (x, c, s))
    mask = np.ones(x.shape, dtype=bool)
    return x, c * s, s, mask, mask[:, :, None] & mask[:, None, :]


def test_probabilities_follow_each_variant():
    x, w, s, mask, pair = _row([0, 10, 35, 60, 100], [1, 2, 0.5, 1, 3], [0.9, 0.2, 0.6, 1, 0.4])
    _, _, dist = eu._distances(x, np.array([100.0]))
    risk = np.array([[0.5, 1.0, 2.0, 1.3, 0.8]])
    scholz = eu._prevail(dist, risk, w, pair, "scholz2011")
    bdm = eu._prevail(dist, risk, w, pair, "bdm1994")
    oracle_p = eu_oracle_probabilities(x[0], w[0], risk[0])
    np.testing.assert_allclose(scholz[0], oracle_p["scholz2011"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(bdm[0], oracle_p["bdm1994"], rtol=0, atol=1e-15)
    assert scholz.sum() == pytest.approx(0.5, abs=1e-15)
    off = ~np.eye(5, dtype=bool)
    np.testing.assert_allclose((bdm + bdm.transpose(0, 2, 1))[0][off], 1.0, rtol=0, atol=1e-15)
    assert np.all(np.diagonal(scholz[0]) == 0) and np.all(np.diagonal(bdm[0]) == 0)


def eu_oracle_probabilities(x, w, r):
    n = len(x)
    d = np.array([[abs(x[k] - x[j]) / 100.0 for j in range(n)] for k in range(n)])
    v = np.array([[[w[k] * (d[k, j] ** r[k] - d[k, i] ** r[k]) for j in range(n)] for i in range(n)]
                  for k in range(n)])
    pos = np.maximum(v, 0.0).sum(axis=0)
    pairwise = np.abs(v).sum(axis=0)
    return {
        "scholz2011": pos / np.abs(v).sum(),
        "bdm1994": np.divide(pos, pairwise, out=np.zeros_like(pos), where=pairwise > 0),
    }


def test_stakes_equal_the_utility_equations():
    rng = np.random.default_rng(2)
    dist = rng.random((3, 4, 4))
    risk = 0.5 + 1.5 * rng.random((3, 4))
    prob, sal = rng.random((3, 4, 4)), rng.random((3, 4))
    gain, stake = eu._stakes(dist, risk)
    r = risk[:, :, None]
    u_s = 2 - 4 * (0.5 - 0.5 * dist) ** r
    u_f = 2 - 4 * (0.5 + 0.5 * dist) ** r
    u_sq = 2 - 4 * 0.5**r
    s_j = sal[:, None, :]
    literal = s_j * (prob * u_s + (1 - prob) * u_f) + (1 - s_j) * u_s - u_sq
    np.testing.assert_allclose(gain - s_j * (1 - prob) * stake, literal, rtol=0, atol=1e-14)


def test_risk_is_one_when_every_actor_faces_the_same_danger():
    x, w, s, mask, pair = _row([2, 8], [0.5, 0.5], [0.7, 0.7])
    _, _, dist = eu._distances(x, np.array([6.0]))
    for variant in VARIANTS:
        np.testing.assert_array_equal(eu._risk(dist, w, s, mask, pair, variant), 1.0)


def test_risk_spans_half_to_two():
    x, w, s, mask, pair = _row([0, 10, 35, 60, 100], [1, 2, 0.5, 1, 3], [0.9, 0.2, 0.6, 1, 0.4])
    _, _, dist = eu._distances(x, np.array([100.0]))
    r = eu._risk(dist, w, s, mask, pair, "scholz2011")
    assert r.min() == pytest.approx(0.5, abs=1e-15) and r.max() == pytest.approx(2.0, abs=1e-15)


# --- edge cases --------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_one_actor_stays_put(variant):
    res = ExpectedUtility().run(one_issue([42.0], [1.0], [0.8]), {"variant": variant})
    np.testing.assert_array_equal(res.rounds[:, 0, 0], 42.0)
    np.testing.assert_array_equal(res.forecast, [42.0])
    assert res.events == ()


@pytest.mark.parametrize("variant", VARIANTS)
def test_everyone_at_one_position_nobody_moves_and_nothing_warns(variant):
    arrays = one_issue([30.0] * 4, [1, 2, 3, 4], [0.1, 0.5, 0.9, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ExpectedUtility().run(arrays, {"variant": variant})
    np.testing.assert_array_equal(res.rounds, 30.0)
    np.testing.assert_allclose(res.trajectory, 30.0, rtol=0, atol=1e-12)
    assert res.events == ()


@pytest.mark.parametrize("variant", VARIANTS)
def test_zero_salience_everywhere_nobody_moves(variant):
    arrays = one_issue([10.0, 40.0, 90.0], [1, 2, 3], [0.0, 0.0, 0.0])
    res = ExpectedUtility().run(arrays, {"variant": variant})
    np.testing.assert_array_equal(res.rounds[:, :, 0], np.tile([10.0, 40.0, 90.0], (10, 1)))
    np.testing.assert_allclose(res.forecast, [140.0 / 3], rtol=0, atol=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_zero_salience_actor_agrees_with_oracle(variant):
    x, c, s = [10.0, 40.0, 55.0, 90.0], [1.0, 2.0, 0.7, 3.0], [0.6, 0.0, 0.9, 0.3]
    res = ExpectedUtility().run(one_issue(x, c, s), {"variant": variant})
    positions, forecasts, _ = run_issue(x, c, s, 10, variant)
    np.testing.assert_allclose(res.rounds[:, :, 0], positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.trajectory[:, 0], forecasts, rtol=0, atol=1e-9)


def test_confrontation_ties_go_to_the_first_actor_in_input_order():
    first = ExpectedUtility().run(one_issue([5.0, 0.0, 10.0], [1, 1, 1], [0.05, 0.5, 0.5]))
    assert first.rounds[0, 0, 0] == 0.0
    swapped = ExpectedUtility().run(one_issue([5.0, 10.0, 0.0], [1, 1, 1], [0.05, 0.5, 0.5]))
    assert swapped.rounds[0, 0, 0] == 10.0
    assert first.events[0].kind == swapped.events[0].kind == "confrontation"
    assert first.events[0].other == swapped.events[0].other == "A1"
    bdm_case = one_issue([5.0, 10.0, 0.0], [0.1, 1, 1], [0.2, 0.9, 0.9])
    bdm = ExpectedUtility().run(bdm_case, {"variant": "bdm1994"})
    assert bdm.rounds[0, 0, 0] == 10.0


def test_absent_actor_is_nan_and_ignored():
    arrays = one_issue(
        [10.0, 40.0, 90.0, 70.0], [1, 2, 3, 9], [0.6, 0.5, 0.4, 0.9], present=[True, True, True, False],
    )
    res = ExpectedUtility().run(arrays)
    assert np.all(np.isnan(res.rounds[:, 3, 0]))
    alone = ExpectedUtility().run(one_issue([10.0, 40.0, 90.0], [1, 2, 3], [0.6, 0.5, 0.4]))
    np.testing.assert_array_equal(res.rounds[:, :3], alone.rounds)


def test_capitulations_only_in_bdm1994():
    rng = np.random.default_rng(4)
    rows, n = 300, 6
    x, c, s = 100 * rng.random((rows, n)), rng.random((rows, n)), rng.random((rows, n))
    mask = np.ones((rows, n), dtype=bool)
    _, _, kinds_scholz, _ = simulate_rows(x, c, s, mask, 5, "scholz2011", record=True)
    _, _, kinds_bdm, _ = simulate_rows(x, c, s, mask, 5, "bdm1994", record=True)
    assert not np.any(kinds_scholz == eu.CAPITULATION)
    assert np.any(kinds_scholz == eu.CONFRONTATION) and np.any(kinds_scholz == eu.COMPROMISE)
    assert np.any(kinds_bdm == eu.CAPITULATION)


def test_trajectory_is_capability_salience_weighted_mean():
    arrays = random_arrays(np.random.default_rng(9), n_actors=6, n_issues=4, missing=0.3)
    res = ExpectedUtility().run(arrays)
    w = np.where(arrays.present, arrays.capability[:, None] * arrays.salience, 0.0)
    for t in range(res.rounds.shape[0]):
        x = np.where(arrays.present, res.rounds[t], 0.0)
        np.testing.assert_allclose(res.trajectory[t], (w * x).sum(0) / w.sum(0), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(res.forecast, res.trajectory[-1])


# --- events ------------------------------------------------------------------------------------------


def test_events_describe_every_move(data_dir):
    arrays = ec_case(data_dir)
    res = ExpectedUtility().run(arrays)
    first = [e.text for e in res.events if e.round == 1]
    assert "Belgium compromises with France: moves 7.00 → 8.42" in first
    assert "Luxembourg gives in to Belgium under confrontation: moves 4.00 → 7.00" in first
    before = np.concatenate([arrays.position[None, :, :], res.rounds[:-1]])
    moved = np.argwhere(before != res.rounds)
    assert len(moved) == len(res.events)
    for (t, a, i), event in zip(moved, res.events, strict=True):
        assert (event.round, event.actor, event.issue) == (t + 1, arrays.actor_ids[a], arrays.issue_ids[i])
        assert (event.old, event.new) == (before[t, a, i], res.rounds[t, a, i])
        assert event.kind in {"confrontation", "compromise"}


def test_batched_runs_have_no_events():
    arrays = random_arrays(np.random.default_rng(3), n_actors=5, n_issues=2, n_draws=2)
    assert ExpectedUtility().run(arrays).events == ()
