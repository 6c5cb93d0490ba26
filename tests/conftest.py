"""Shared fixtures: paths to test data and a runner for the real ``accord`` entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m accord ARGS`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        capture_output=True, text=True, input=input, cwd=cwd, timeout=300,
    )


@pytest.fixture
def cli():
    return run_cli
