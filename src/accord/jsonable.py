"""Plain JSON values from numbers: NaN and infinities become None (JSON null)."""

from __future__ import annotations

import math
from typing import Any


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
