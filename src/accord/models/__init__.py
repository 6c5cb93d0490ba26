"""Built-in models; importing this package registers them."""

from accord.models import compromise, exchange, expected_utility, median, smp  # noqa: F401
from accord.models.base import Model, ModelParams, ModelResult, get_model, model_names, register

__all__ = ["Model", "ModelParams", "ModelResult", "get_model", "model_names", "register"]
