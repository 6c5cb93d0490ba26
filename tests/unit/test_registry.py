"""The model registry: names, aliases, parameters, entry points."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
from pydantic import Field

from accord.errors import ParameterError, UnknownModelError
from accord.models import base
from accord.models.base import Model, ModelParams, ModelResult, describe_params, get_model, register


class _Params(ModelParams):
    rounds: int = Field(10, ge=1, le=100, description="How many rounds.")
    variant: Literal["a", "b"] = "a"


class _Echo(Model):
    name = "echo_test_model"
    aliases = ("echo_alias",)
    Params = _Params

    def simulate(self, arrays, params, rng, explain):
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids,
                           np.nanmean(np.where(arrays.present, arrays.position, np.nan), axis=-2))


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    monkeypatch.setattr(base, "_ALIASES", dict(base._ALIASES))


def test_register_and_alias(clean_registry):
    register(_Echo)
    assert isinstance(get_model("echo_alias"), _Echo)
    assert "echo_test_model" in base.model_names()


def test_name_clash_is_refused(clean_registry):
    class Clash(_Echo):
        name = "compromise"
        aliases = ()

    with pytest.raises(ValueError, match="already taken"):
        register(Clash)


def test_unknown_model_lists_available():
    with pytest.raises(UnknownModelError, match="available: .*compromise"):
        get_model("nope")


def test_parameters_validated_with_readable_message():
    model = _Echo()
    assert model.parse_params({"rounds": 5}).rounds == 5
    with pytest.raises(ParameterError, match=r"rounds: Input should be less than or equal to 100 \(got 500\)"):
        model.parse_params({"rounds": 500})
    with pytest.raises(ParameterError, match="variant"):
        model.parse_params({"variant": "z"})
    with pytest.raises(ParameterError, match="Extra inputs are not permitted"):
        model.parse_params({"colour": 1})


def test_describe_params_reports_ranges():
    rows = {r["name"]: r for r in describe_params(_Echo())}
    assert rows["rounds"]["range"] == {"ge": 1, "le": 100}
    assert rows["rounds"]["default"] == 10 and rows["rounds"]["description"] == "How many rounds."


def test_entry_points_are_loaded(clean_registry, monkeypatch):
    loaded = []

    class FakeEntryPoint:
        def load(self):
            loaded.append(True)
            register(_Echo)

    monkeypatch.setattr(base, "_entry_points_loaded", False)
    monkeypatch.setattr(base, "entry_points", lambda group: [FakeEntryPoint()] if group == "accord.models" else [])
    assert isinstance(get_model("echo_test_model"), _Echo)
    assert loaded == [True]
