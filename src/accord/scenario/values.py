"""Where numbers enter a scenario: finite floats, and uncertain inputs (a number or a ``[low, high]`` range).

Every numeric field of :mod:`accord.scenario.schema` is a :data:`Finite` or an
:class:`Uncertain`; both accept only finite numbers that fit a float, so NaN,
infinity and numbers too large for a float (a 400-digit integer) are refused
with the field's path, whichever file format or importer they came from.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, PlainSerializer, PlainValidator
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
        if isinstance(value, int | float | TooLarge):
            return cls(finite_float(value))
        if isinstance(value, list | tuple):
            if len(value) != 2 or not all(
                isinstance(v, int | float | TooLarge) and not isinstance(v, bool) for v in value
            ):
                raise PydanticCustomError(
                    "uncertain", "a range must be two numbers [low, high], got {v}", {"v": _short(list(value))}
                )
            lo, hi = finite_float(value[0]), finite_float(value[1])
            if lo > hi:
                raise PydanticCustomError("range_order", "range low must not exceed high, got [{lo}, {hi}]",
                                          {"lo": f"{lo:g}", "hi": f"{hi:g}"})
            return cls(lo, hi)
        raise PydanticCustomError(
            "uncertain", "must be a number or a [low, high] range, got {v}", {"v": _short(value)}
        )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.to_data()),
        )


class TooLarge:
    """A number read from a file that does not fit a float: a placeholder the schema refuses with its path.

    Parameters
    ----------
    text : str
        The number as written (only its length and start are kept).
    """

    __slots__ = ("digits", "start")

    def __init__(self, text: str) -> None:
        self.digits = sum(c.isdigit() for c in text)
        self.start = text[:12].strip()

    def __repr__(self) -> str:
        return self.start if self.digits <= 12 else f"a {self.digits:,}-digit number ({self.start}...)"


def finite_float(value: Any) -> float:
    """``value`` as a finite float; a pydantic error for a non-number, NaN, infinity or an overflowing number.

    Parameters
    ----------
    value : Any
        An ``int`` or ``float`` (``bool`` is refused).

    Returns
    -------
    float
    """
    if isinstance(value, TooLarge):
        raise PydanticCustomError("finite", "must be a finite number, got {v}, too large for a float",
                                  {"v": repr(value)})
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("finite", "must be a number, got {v}", {"v": _short(value)})
    try:
        x = float(value)
    except OverflowError:
        digits = int(int(value).bit_length() * math.log10(2)) + 1
        size = f"a number of about {digits:,} digits"
        raise PydanticCustomError(
            "finite", "must be a finite number, got {v}, too large for a float", {"v": size}
        ) from None
    if not math.isfinite(x):
        raise PydanticCustomError("finite", "must be a finite number, got {v}", {"v": str(x)})
    return x


def _short(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    try:
        text = repr(value)
    except ValueError:
        return "a number too long to show"
    return text if len(text) <= 60 else text[:57] + "..."


def finite_key(value: Any) -> float:
    """A mapping key as a finite float: a number, or text holding one (JSON keys are always text)."""
    if isinstance(value, str):
        try:
            number = float(value.strip()) if len(value) <= 400 else TooLarge(value)
        except ValueError:
            raise PydanticCustomError("finite", "must be a number, got {v}", {"v": _short(value)}) from None
        return finite_float(number)
    return finite_float(value)


Finite = Annotated[
    float,
    PlainValidator(finite_float),
    PlainSerializer(lambda v: v, return_type=float),
]
"""A finite float: the type of every plain numeric field of a scenario."""

FiniteKey = Annotated[
    float,
    PlainValidator(finite_key),
    PlainSerializer(lambda v: v, return_type=float),
]
"""A finite float used as a mapping key (an anchor's value), given as a number or as text."""
