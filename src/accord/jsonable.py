"""Plain JSON values from numbers and NumPy data: NaN and infinities become None (JSON null)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite_or_none(x: Any) -> float | None:
    """``float(x)``, or None when it is NaN or infinite (or ``x`` is None).

    Parameters
    ----------
    x : float, NumPy scalar or None

    Returns
    -------
    float or None
    """
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def jsonable(value: Any) -> Any:
    """``value`` as strict JSON data: NaN and infinities become None, NumPy data Python data.

    Parameters
    ----------
    value : any
        Dicts (keys become strings), sequences and sets, arrays of any shape, NumPy
        scalars, numbers, strings, None, dates; anything else becomes its ``str``.

    Returns
    -------
    dict, list, str, int, float, bool or None
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return finite_or_none(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
