"""Compiling the models' hot loops with numba, when it is installed and not turned off.

The compiled kernels (:mod:`accord.models.exchange_kernel`,
:mod:`accord.models.expected_utility_kernel`) repeat their model's NumPy operations in
the same order, so they give bitwise the same numbers; the NumPy paths stay the
reference. ``ACCORD_JIT=0`` in the environment (read once, at import) keeps every model
on its NumPy path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal

try:
    import numba
except ImportError:  # pragma: no cover - numba is a core dependency; the models then use NumPy
    numba = None  # type: ignore[assignment]

__all__ = ["AVAILABLE", "REQUESTED", "compiled"]

#: True when numba imports, so that the functions decorated with :func:`compiled` are compiled.
AVAILABLE = numba is not None
#: False when ``ACCORD_JIT=0`` is set in the environment: every model keeps its NumPy path.
REQUESTED = os.environ.get("ACCORD_JIT", "1").strip() != "0"


def compiled(function: Callable[..., Any] | None = None, *, inline: bool = False) -> Any:
    """``function`` compiled once and cached on disk, or as it is without numba.

    ``error_model="numpy"``: a division by zero gives inf or NaN, as in NumPy; no
    fast-math, so every operation rounds as NumPy's does. ``inline``: compiled into its
    callers (saves passing the arguments, and counting references to arrays, on every
    call of a hot path). The compiled code is cached next to the module or in numba's
    user cache directory (``NUMBA_CACHE_DIR``), else kept per process.
    """
    if function is None:
        return lambda f: compiled(f, inline=inline)
    if numba is None:  # pragma: no cover
        return function
    how: Literal["always", "never"] = "always" if inline else "never"
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy", inline=how)(function)
    except RuntimeError:  # pragma: no cover - no writable cache directory: compile in every process
        return numba.njit(nogil=True, error_model="numpy", inline=how)(function)
