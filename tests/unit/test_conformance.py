"""Every registered model passes the conformance suite, check by check."""

import numpy as np
import pytest

from accord.models.base import Model, ModelResult, model_names
from accord.testing import CHECKS, ConformanceCheck, parametrize_with_checks, random_arrays

RNG = np.random.default_rng(7)
CASES = [random_arrays(RNG), random_arrays(RNG, n_actors=5, n_issues=3, n_draws=3)]


@parametrize_with_checks(model_names(), CASES)
def test_model_conforms(model, check):
    check(model)


class Leaky(Model):
    """Reads the values stored under absent stances."""

    name = "leaky"

    def simulate(self, arrays, params, rng, explain):
        x = np.nan_to_num(arrays.position, nan=0.0) + arrays.salience
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, x.mean(axis=-2))


def test_parametrize_with_checks_gives_one_id_per_model_and_check():
    mark = parametrize_with_checks(["compromise", Leaky()]).mark
    assert mark.args[0] == ("model", "check")
    ids = [p.id for p in mark.args[1]]
    assert ids == [f"{m}-{c}" for m in ("compromise", "leaky") for c in CHECKS]
    model, check = mark.args[1][0].values
    assert model.name == "compromise" and isinstance(check, ConformanceCheck) and len(check.cases) == 2


def test_a_bound_check_fails_with_the_model_and_check_named():
    check = ConformanceCheck("masks_respected", (random_arrays(np.random.default_rng(1)),))
    with pytest.raises(AssertionError, match="leaky: conformance check 'masks_respected' failed"):
        check(Leaky())


def test_suite_catches_a_model_that_reads_masked_values():
    arrays = random_arrays(np.random.default_rng(1))
    with pytest.raises(AssertionError):
        CHECKS["masks_respected"](Leaky(), arrays)


class Coupled(Model):
    """Claims independence but averages every issue into each forecast."""

    name = "coupled"
    issues_independent = True

    def simulate(self, arrays, params, rng, explain):
        x = np.where(arrays.present, arrays.position, 0.0).mean(axis=(-2, -1), keepdims=True)
        f = np.broadcast_to(x[..., 0, :], (*arrays.position.shape[:-2], arrays.n_issues))
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, np.array(f))


def test_suite_catches_a_model_that_links_issues_it_calls_independent():
    with pytest.raises(AssertionError, match="stances on other issues"):
        CHECKS["issues_independent"](Coupled(), random_arrays(np.random.default_rng(1)))
