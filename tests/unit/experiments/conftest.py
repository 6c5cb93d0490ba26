"""Scenarios shared by the experiments' tests."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from accord.scenario import builtin
from accord.scenario.io import load_scenario, scenario_from_data
from accord.scenario.values import Uncertain


def make_small(distribution: str = "uniform", **extra) -> object:
    """Two actors, two issues, a range of every kind."""
    data = {
        "id": "small",
        "title": "Small",
        "distribution": distribution,
        "hold_probability": [0.6, 0.9],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": [1, 3],
                "no_deal_cost": [0, 10],
                "no_deal_cost_path": [{"date": "2025-01-01", "value": [1, 2]}],
            },
            {"id": "b", "name": "B", "capability": 2},
        ],
        "issues": [
            {"id": "x", "name": "X", "veto": ["a", "b"], "hold_probability": [0.5, 1]},
            {"id": "y", "name": "Y", "scale": {"min": -10, "max": 10}},
        ],
        "stances": [
            {
                "actor": "a",
                "issue": "x",
                "position": [10, 30],
                "salience": [0.2, 0.6],
                "expects": [40, 60],
                "assumption": "test",
            },
            {"actor": "b", "issue": "x", "position": 90, "salience": 0.5, "assumption": "test"},
            {"actor": "a", "issue": "y", "position": [-5, 5], "salience": 1, "assumption": "test"},
        ],
        **extra,
    }
    return scenario_from_data(data)


@pytest.fixture
def small():
    """``small(distribution="uniform", **extra)``: two actors, two issues, a range of every kind."""
    return make_small


@pytest.fixture(scope="module")
def ukraine():
    return load_scenario(builtin.DEFAULT)


def count_ranges(obj) -> list[str]:
    """Names of the fields holding a true range, found by walking the scenario objects."""
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, Uncertain):
                if value.is_range:
                    found.append(name)
            else:
                found += count_ranges(value)
    elif isinstance(obj, tuple | list):
        for item in obj:
            found += count_ranges(item)
    return found


@pytest.fixture
def ranges_in():
    """``ranges_in(scenario)``: the names of the fields holding a range, found by walking the scenario."""
    return count_ranges
