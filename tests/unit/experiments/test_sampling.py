"""Reproducible block sampling and global noise."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.experiments.factors import parse_noise
from accord.experiments.sampling import Sampler, sample_arrays
from accord.scenario.values import Uncertain


def test_uniform_draws_cover_the_range_and_points_stay_put(small):
    arrays = sample_arrays(small(), 4000, seed=1)
    pos = arrays.position[:, 0, 0]
    assert arrays.position.shape == (4000, 2, 2) and arrays.capability.shape == (4000, 2)
    assert pos.min() >= 10 and pos.max() <= 30
    assert pos.mean() == pytest.approx(20, abs=0.5) and pos.var() == pytest.approx(400 / 12, rel=0.1)
    assert np.all(arrays.position[:, 1, 0] == 90) and np.all(arrays.capability[:, 1] == 2)
    assert np.all(np.isnan(arrays.position[:, 1, 1]))


def test_pert_draws_have_the_midpoint_as_mode_and_lambda_4(small):
    pos = sample_arrays(small("pert"), 8000, seed=1).position[:, 0, 0]
    assert pos.min() >= 10 and pos.max() <= 30
    # PERT with mode at the midpoint and lambda 4 is Beta(3, 3): variance (b - a)^2 / 28.
    assert pos.mean() == pytest.approx(20, abs=0.3) and pos.var() == pytest.approx(400 / 28, rel=0.08)


def test_same_seed_same_draws_different_seed_different(small):
    a = sample_arrays(small(), 3000, seed=7).position
    b = sample_arrays(small(), 3000, seed=7).position
    c = sample_arrays(small(), 3000, seed=8).position
    assert np.array_equal(a, b, equal_nan=True)
    assert not np.array_equal(a, c, equal_nan=True)


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (5, 2100), (1024, 2048), (1500, 1500), (3000, 4097)])
def test_any_slice_of_draws_equals_the_same_rows_of_one_long_run(small, start, stop):
    sampler = Sampler(small("pert"), 3, noise={"position": 2})
    whole = sampler.draws(0, 5000)
    part = sampler.draws(start, stop)
    assert np.array_equal(part.unit, whole.unit[start:stop])
    assert np.array_equal(part.noise["position"], whole.noise["position"][start:stop])
    assert np.array_equal(part.extra("not.a.factor"), whole.extra("not.a.factor")[start:stop])


def test_a_range_that_is_not_a_listed_factor_still_gets_reproducible_draws(small):
    sc = small()

    d1 = Sampler(sc, 5).draws(0, 3000).value_of("somewhere[0].else", Uncertain(2, 4))
    d2 = Sampler(sc, 5).draws(1000, 3000).value_of("somewhere[0].else", Uncertain(2, 4))
    assert d1.min() >= 2 and d1.max() <= 4 and np.array_equal(d1[1000:], d2)


def test_an_edited_range_moves_with_its_draws(small):

    d = Sampler(small(), 0).draws(0, 100)
    base = d.value_of("stances[0].position", Uncertain(10, 30))
    assert np.allclose(d.value_of("stances[0].position", Uncertain(20, 40)), base + 10)


def test_noise_is_added_clipped_and_applies_to_points(small):
    sc = small()
    plain = sample_arrays(sc, 2000, seed=4)
    noisy = sample_arrays(sc, 2000, seed=4, noise=["position=40", "salience=0.5", "capability=2"])
    x = noisy.position[:, 1, 0]  # b's point position 90 on a 0-100 scale
    assert x.min() >= 0 and x.max() == 100 and np.std(x) > 10
    y = noisy.position[:, 0, 1]  # scale -10..10
    assert y.min() == -10 and y.max() == 10
    s = noisy.salience[noisy.salience > 0]
    assert s.min() >= 0 and s.max() <= 1
    assert noisy.capability.min() == 0 and not np.array_equal(noisy.capability, plain.capability)
    # The factor draws are the same: noise comes after them in each block.
    assert np.array_equal(Sampler(sc, 4).draws(0, 2000).unit, Sampler(sc, 4, noise={"position": 1}).draws(0, 2000).unit)


def test_noise_zero_changes_nothing(small):
    sc = small()
    assert np.array_equal(
        sample_arrays(sc, 500, seed=1).position,
        sample_arrays(sc, 500, seed=1, noise={"position": 0}).position,
        equal_nan=True,
    )


@pytest.mark.parametrize(
    ("noise", "message"),
    [
        (["position"], "KIND=SIGMA"),
        (["weight=1"], "noise kind must be one of"),
        (["position=abc"], "must be a number"),
        ({"salience": -1}, ">= 0"),
    ],
)
def test_bad_noise_is_a_parameter_error(noise, message):
    with pytest.raises(ParameterError, match=message):
        parse_noise(noise)


def test_parse_noise_orders_kinds():
    assert list(parse_noise(["salience=0.1", "position=5"])) == ["position", "salience"]


@pytest.mark.parametrize("seed", [-1, 1.5, "x"])
def test_bad_seed(small, seed):
    with pytest.raises(ParameterError, match="seed"):
        Sampler(small(), seed)
