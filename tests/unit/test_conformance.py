"""Every registered model passes the conformance suite, check by check."""

import numpy as np
import pytest

from accord.models.base import get_model, model_names
from accord.testing import CHECKS, random_arrays


@pytest.fixture(scope="module")
def cases():
    rng = np.random.default_rng(7)
    return [random_arrays(rng), random_arrays(rng, n_actors=5, n_issues=3, n_draws=3)]


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("name", model_names())
def test_model_conforms(name, check, cases):
    model = get_model(name)
    for arrays in cases:
        CHECKS[check](model, arrays)


def test_suite_catches_a_model_that_reads_masked_values():
    from accord.models.base import Model, ModelResult

    class Leaky(Model):
        name = "leaky"

        def simulate(self, arrays, params, rng, explain):
            x = np.nan_to_num(arrays.position, nan=0.0) + arrays.salience
            return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, x.mean(axis=-2))

    arrays = random_arrays(np.random.default_rng(1))
    with pytest.raises(AssertionError):
        CHECKS["masks_respected"](Leaky(), arrays)
