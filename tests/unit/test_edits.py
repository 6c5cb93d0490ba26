"""Edits that name no actor (or issue) where their field needs one are parameter errors, not crashes."""

from __future__ import annotations

import pytest

from accord.errors import ParameterError
from accord.models import get_model
from accord.scenario import builtin
from accord.scenario.edits import edit_scenario
from accord.scenario.io import load_scenario
from accord.scenario.schema import Edit


@pytest.fixture(scope="module")
def ukraine():
    return load_scenario(builtin.DEFAULT)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (Edit(field="capability", add=1), "an edit of capability needs an actor"),
        (Edit(field="no_deal_cost", set=1), "an edit of no_deal_cost needs an actor"),
        (Edit(field="position", issue="territory", add=1), "an edit of position needs an actor and an issue"),
        (Edit(field="salience", actor="russia", add=0.1), "an edit of salience needs an actor and an issue"),
    ],
)
def test_an_edit_missing_its_actor_or_issue(ukraine, edit, message):
    with pytest.raises(ParameterError, match=message):
        edit_scenario(ukraine, [edit])


def test_parse_params_takes_another_models_params():
    eum = get_model("expected_utility")
    other = get_model("compromise").parse_params({})
    assert eum.parse_params(other) == eum.parse_params({})
