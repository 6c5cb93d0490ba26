"""Fixtures for the report tests: a prepared report of the built-in case (computed once)."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib", reason="reports need: pip install 'accord[report]'")


@pytest.fixture(scope="session")
def ukraine_report():
    from accord.report import prepare
    from accord.scenario.io import load_scenario

    return prepare(load_scenario("ukraine-2025"), seed=0)
