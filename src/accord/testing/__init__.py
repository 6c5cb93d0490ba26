"""Test helpers for accord and for third-party models: the model conformance suite.

:func:`parametrize_with_checks` gives one pytest test per model and check;
:func:`check_model` runs every check in one call.
"""

from accord.testing.conformance import CHECKS, check_model, conformance_checks, random_arrays
from accord.testing.parametrize import ConformanceCheck, parametrize_with_checks

__all__ = [
    "CHECKS",
    "ConformanceCheck",
    "check_model",
    "conformance_checks",
    "parametrize_with_checks",
    "random_arrays",
]
