"""Test helpers for accord and for third-party models: the model conformance suite."""

from accord.testing.conformance import CHECKS, check_model, conformance_checks, random_arrays

__all__ = ["CHECKS", "check_model", "conformance_checks", "random_arrays"]
