"""Uncertain numeric inputs: a number, or a ``[low, high]`` range of expert judgement."""

from __future__ import annotations

import math
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema


class Uncertain:
    """A judgement given as a point or as a closed range ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Bounds of the range; equal for a point value.
    """

    __slots__ = ("low", "high")

    def __init__(self, low: float, high: float | None = None) -> None:
        self.low = float(low)
        self.high = float(low if high is None else high)

    @property
    def mid(self) -> float:
        """Midpoint: the value used when the range is not sampled."""
        return 0.5 * (self.low + self.high)

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def shifted(self, delta: float) -> Uncertain:
        return Uncertain(self.low + delta, self.high + delta)

    def scaled(self, factor: float) -> Uncertain:
        lo, hi = sorted((self.low * factor, self.high * factor))
        return Uncertain(lo, hi)

    def to_data(self) -> float | list[float]:
        """Plain data for YAML/JSON: a number for a point, ``[low, high]`` for a range."""
        return [self.low, self.high] if self.is_range else self.low

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Uncertain):
            return (self.low, self.high) == (other.low, other.high)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.low, self.high))

    def __repr__(self) -> str:
        return f"Uncertain({self.low!r}, {self.high!r})" if self.is_range else f"Uncertain({self.low!r})"

    def __str__(self) -> str:
        return f"[{self.low:g}, {self.high:g}]" if self.is_range else f"{self.low:g}"

    @classmethod
    def parse(cls, value: Any) -> Uncertain:
        """Read a number or a two-element list; raise a pydantic error with a readable message."""
        if isinstance(value, Uncertain):
            return value
        if isinstance(value, bool):
            raise PydanticCustomError("uncertain", "must be a number or a [low, high] range, got {v}", {"v": value})
        if isinstance(value, int | float):
            _finite(value)
            return cls(value)
        if isinstance(value, list | tuple):
            if len(value) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
                raise PydanticCustomError(
                    "uncertain", "a range must be two numbers [low, high], got {v}", {"v": list(value)}
                )
            lo, hi = value
            _finite(lo)
            _finite(hi)
            if lo > hi:
                raise PydanticCustomError(
                    "range_order", "range low must not exceed high, got [{lo}, {hi}]", {"lo": lo, "hi": hi}
                )
            return cls(lo, hi)
        raise PydanticCustomError(
            "uncertain", "must be a number or a [low, high] range, got {v}", {"v": repr(value)}
        )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.to_data()),
        )


def _finite(v: float) -> None:
    if not math.isfinite(v):
        raise PydanticCustomError("finite", "must be a finite number, got {v}", {"v": v})
