"""NaN and infinities as JSON null; NumPy data as Python data."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from accord.jsonable import finite_or_none, jsonable


@pytest.mark.parametrize(
    ("x", "expected"),
    [(1.5, 1.5), (np.float64(2.0), 2.0), (3, 3.0), (math.nan, None), (np.inf, None), (-math.inf, None), (None, None)],
)
def test_finite_or_none(x, expected):
    out = finite_or_none(x)
    assert out == expected and (out is None or type(out) is float)


def test_jsonable_makes_strict_json():
    value = {
        1: np.array([[1.0, np.nan], [np.inf, 2.0]]),
        "t": (np.int64(3), np.bool_(True), "s", None),
        "d": dt.date(2025, 1, 2),
        "x": {np.float32(0.5)},
    }
    out = jsonable(value)
    assert out == {"1": [[1.0, None], [None, 2.0]], "t": [3, True, "s", None], "d": "2025-01-02", "x": [0.5]}
    assert type(out["t"][0]) is int and type(out["t"][1]) is bool
    json.dumps(out, allow_nan=False)
