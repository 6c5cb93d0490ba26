"""The conformance suite every model passes, built-in or third-party.

Use it from pytest, one test per check (see :mod:`accord.testing.parametrize`)::

    from accord.testing import parametrize_with_checks

    @parametrize_with_checks(["my_model"])
    def test_conformance(model, check):
        check(model)

or all checks in one test with :func:`check_model`, or get each check by name from
:func:`conformance_checks`. The checks:

- ``determinism``: the same input and seed give the same result;
- ``batch_equals_loop``: a batch of draws equals the loop of single runs;
- ``actor_permutation``: permuting actors permutes rounds and leaves forecasts unchanged;
- ``inside_scale``: forecasts and positions stay inside each issue's scale;
- ``masks_respected``: values stored under absent stances do not change anything;
- ``shapes``: result arrays have the documented shapes;
- ``no_warnings``: no warning is emitted;
- ``issues_independent``: a model that declares ``issues_independent`` forecasts each
  issue from that issue's stances alone (nothing to check for models that do not).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from accord.models.base import Model, ModelResult, get_model
from accord.scenario.arrays import ScenarioArrays

#: Tolerance of "equal": batches must equal loops to rounding of the last bits.
ATOL = 1e-12
#: Seed of the random cases the checks run on by default.
SEED = 20250707


def random_arrays(
    rng: np.random.Generator, n_actors: int = 7, n_issues: int = 4, n_draws: int | None = None,
    missing: float = 0.2,
) -> ScenarioArrays:
    """A random scenario for conformance checks.

    Parameters
    ----------
    rng : Generator
    n_actors, n_issues : int
    n_draws : int, optional
        Add a leading draw axis of this length.
    missing : float
        Share of stances left absent (every issue keeps at least two actors).

    Returns
    -------
    ScenarioArrays
        Positions are on scales of varying bounds; absent entries hold NaN/0.
    """
    lead = () if n_draws is None else (n_draws,)
    lo = rng.choice([0.0, -50.0, 10.0], size=n_issues)
    hi = lo + rng.choice([100.0, 10.0, 250.0], size=n_issues)
    present = rng.random((n_actors, n_issues)) >= missing
    present[:2] = True
    position = lo + (hi - lo) * rng.random((*lead, n_actors, n_issues))
    salience = rng.random((*lead, n_actors, n_issues))
    capability = 0.1 + rng.random((*lead, n_actors))
    return ScenarioArrays(
        actor_ids=tuple(f"A{k:02d}" for k in range(n_actors)),
        issue_ids=tuple(f"I{k:02d}" for k in range(n_issues)),
        position=np.where(present, position, np.nan),
        salience=np.where(present, salience, 0.0),
        capability=capability,
        present=present,
        scale_min=lo,
        scale_max=hi,
        status_quo=0.5 * (lo + hi),
    )


def _run(model: Model, arrays: ScenarioArrays, seed: int = 0) -> ModelResult:
    return model.run(arrays, None, np.random.default_rng(seed))


def _close(a: np.ndarray | None, b: np.ndarray | None, what: str) -> None:
    if a is None or b is None:
        assert a is None and b is None, f"{what}: one result has it, the other not"
        return
    np.testing.assert_allclose(a, b, rtol=0, atol=ATOL, equal_nan=True, err_msg=what)


def check_determinism(model: Model, arrays: ScenarioArrays) -> None:
    """The same input and seed give the same result."""
    first, second = _run(model, arrays), _run(model, arrays)
    _close(first.forecast, second.forecast, "forecast differs between two runs with the same seed")
    _close(first.rounds, second.rounds, "rounds differ between two runs with the same seed")


def check_batch_equals_loop(model: Model, arrays: ScenarioArrays) -> None:
    """A batch of draws equals the loop of single runs."""
    batch = arrays if arrays.batched else ScenarioArrays.stack([arrays, arrays])
    together = _run(model, batch)
    for d in range(batch.n_draws):
        alone = _run(model, batch.draw(d))
        _close(together.forecast[d], alone.forecast, f"draw {d}: batched forecast differs from a single run")
        _close(None if together.rounds is None else together.rounds[d], alone.rounds,
               f"draw {d}: batched rounds differ from a single run")


def check_actor_permutation(model: Model, arrays: ScenarioArrays) -> None:
    """Permuting actors permutes rounds and leaves forecasts unchanged."""
    base = _run(model, arrays)
    order = np.arange(arrays.n_actors)[::-1]
    permuted = _run(model, arrays.take_actors(order))
    _close(base.forecast, permuted.forecast, "forecast changes when actors are listed in another order")
    if base.rounds is not None and permuted.rounds is not None:
        _close(base.rounds[..., order, :], permuted.rounds, "rounds are not permuted with the actors")


def check_inside_scale(model: Model, arrays: ScenarioArrays) -> None:
    """Forecasts and positions stay inside each issue's scale."""
    res = _run(model, arrays)
    lo, hi = arrays.scale_min - 1e-9, arrays.scale_max + 1e-9
    f = res.forecast
    assert np.all(np.isnan(f) | ((f >= lo) & (f <= hi))), "a forecast lies outside its issue's scale"
    if res.rounds is not None:
        r = res.rounds
        assert np.all(np.isnan(r) | ((r >= lo) & (r <= hi))), "a position lies outside its issue's scale"
        absent = ~np.broadcast_to(arrays.present, r.shape)
        assert np.all(np.isnan(r[absent])), "an absent actor has a position in the rounds"


def check_masks_respected(model: Model, arrays: ScenarioArrays) -> None:
    """Values stored under absent stances change nothing."""
    res = _run(model, arrays)
    junk = replace(
        arrays,
        position=np.where(arrays.present, arrays.position, arrays.scale_max * 0.9 + 0.1 * arrays.scale_min),
        salience=np.where(arrays.present, arrays.salience, 0.77),
    )
    other = _run(model, junk)
    _close(res.forecast, other.forecast, "values under absent stances changed the forecast")
    _close(res.rounds, other.rounds, "values under absent stances changed the rounds")


def check_shapes(model: Model, arrays: ScenarioArrays) -> None:
    """Result arrays have the documented shapes."""
    res = _run(model, arrays)
    lead = arrays.position.shape[:-2]
    assert res.forecast.shape == (*lead, arrays.n_issues), f"forecast shape {res.forecast.shape}"
    assert res.actor_ids == arrays.actor_ids and res.issue_ids == arrays.issue_ids
    if model.works_in_rounds:
        assert res.rounds is not None and res.trajectory is not None, "a model in rounds must return both"
        n_rounds = res.rounds.shape[len(lead)]
        assert res.rounds.shape == (*lead, n_rounds, arrays.n_actors, arrays.n_issues)
        assert res.trajectory.shape == (*lead, n_rounds, arrays.n_issues)
        _close(res.trajectory[..., -1, :], res.forecast, "the forecast is not the last round's")


def check_no_warnings(model: Model, arrays: ScenarioArrays) -> None:
    """No warning is emitted."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run(model, arrays)


def check_issues_independent(model: Model, arrays: ScenarioArrays) -> None:
    """A model declaring ``issues_independent`` forecasts each issue from its own stances only.

    Every other issue's positions and saliences are replaced by those of another random
    case; the issue's forecast must stay the same.
    """
    if not model.issues_independent:
        return
    base = _run(model, arrays)
    rng = np.random.default_rng(SEED + 1)
    lo, hi = arrays.scale_min, arrays.scale_max
    other_position = np.where(arrays.present, lo + (hi - lo) * rng.random(arrays.position.shape), np.nan)
    other_salience = np.where(arrays.present, rng.random(arrays.salience.shape), 0.0)
    for k in range(arrays.n_issues):
        keep = np.arange(arrays.n_issues) == k
        mixed = replace(
            arrays,
            position=np.where(keep, arrays.position, other_position),
            salience=np.where(keep, arrays.salience, other_salience),
        )
        _close(base.forecast[..., k], _run(model, mixed).forecast[..., k],
               f"issue {k}'s forecast changes with the stances on other issues")


CHECKS: dict[str, Callable[[Model, ScenarioArrays], None]] = {
    "determinism": check_determinism,
    "batch_equals_loop": check_batch_equals_loop,
    "actor_permutation": check_actor_permutation,
    "inside_scale": check_inside_scale,
    "masks_respected": check_masks_respected,
    "shapes": check_shapes,
    "no_warnings": check_no_warnings,
    "issues_independent": check_issues_independent,
}


def conformance_checks() -> dict[str, Callable[[Model, ScenarioArrays], None]]:
    """The checks by name, each ``(model, arrays) -> None`` raising AssertionError on failure."""
    return dict(CHECKS)


def check_model(model: str | Model, arrays: ScenarioArrays | None = None, seed: int = SEED) -> None:
    """Run every conformance check on ``model``, on ``arrays`` or on random cases (batched and not)."""
    m = get_model(model) if isinstance(model, str) else model
    rng = np.random.default_rng(seed)
    cases = [arrays] if arrays is not None else [
        random_arrays(rng),
        random_arrays(rng, n_actors=5, n_issues=3, n_draws=3),
    ]
    for case in cases:
        for name, check in CHECKS.items():
            try:
                check(m, case)
            except AssertionError as exc:
                raise AssertionError(f"{m.name}: conformance check {name!r} failed: {exc}") from None
