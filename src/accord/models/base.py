"""The model protocol, its result type and the registry.

A model is a pure function of a :class:`~accord.scenario.arrays.ScenarioArrays`,
validated parameters and a random generator. Subclasses of :class:`Model`
implement :meth:`Model.simulate` for arrays that always carry a leading draw axis;
:meth:`Model.run` adds and strips that axis so callers may pass either form.

Models register with :func:`register` (a class decorator). Third-party packages
expose theirs through the ``accord.models`` entry-point group; they are loaded the
first time the registry is consulted.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from typing import Any, ClassVar, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from accord.errors import ParameterError, UnknownModelError
from accord.scenario.arrays import ScenarioArrays

ENTRY_POINT_GROUP = "accord.models"


class ModelParams(BaseModel):
    """Base of every model's parameters: typed, range-checked, immutable, no extras."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Event:
    """One thing that happened in a round of a dynamic model, in words and numbers.

    Attributes
    ----------
    round : int
        1-based round number.
    issue : str
        Issue id.
    kind : str
        Model-specific kind, e.g. ``"compromise"``, ``"confrontation"``, ``"exchange"``.
    actor : str
        The actor that moved (or initiated).
    other : str or None
        The counterpart, when there is one.
    old, new : float
        Position before and after.
    text : str
        The event as a sentence.
    """

    round: int
    issue: str
    kind: str
    actor: str
    other: str | None
    old: float
    new: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The event as plain JSON data."""
        return {
            "round": self.round,
            "issue": self.issue,
            "kind": self.kind,
            "actor": self.actor,
            "other": self.other,
            "old": self.old,
            "new": self.new,
            "text": self.text,
        }


@dataclass(frozen=True, eq=False)
class ModelResult:
    """What a model returns.

    Attributes
    ----------
    model : str
        Registered name of the model.
    actor_ids, issue_ids : tuple of str
    forecast : ndarray, shape (I,) or (D, I)
        Predicted outcome per issue; NaN for an issue on which no actor holds a stance.
    rounds : ndarray or None, shape (R, A, I) or (D, R, A, I)
        For models that work in rounds: every actor's position after each round
        (NaN where the actor holds no stance).
    trajectory : ndarray or None, shape (R, I) or (D, R, I)
        For models that work in rounds: the forecast after each round.
    events : tuple of Event
        What happened in each round, for unbatched runs (empty for batches).
    params : dict
        The parameters the model ran with.
    """

    model: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    forecast: np.ndarray
    rounds: np.ndarray | None = None
    trajectory: np.ndarray | None = None
    events: tuple[Event, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def batched(self) -> bool:
        """True when the result carries a leading draw axis."""
        return self.forecast.ndim == 2

    def draw(self, d: int) -> Self:
        """Draw ``d`` of a batched result, without the draw axis."""
        return replace(
            self,
            forecast=self.forecast[d],
            rounds=None if self.rounds is None else self.rounds[d],
            trajectory=None if self.trajectory is None else self.trajectory[d],
        )


class Model(ABC):
    """A forecasting model. Subclass, set the class attributes, implement :meth:`simulate`.

    Class attributes
    ----------------
    name : str
        Registry name.
    aliases : tuple of str
        Other names that resolve to this model.
    summary : str
        One line for ``accord models``.
    citation : str
        The published source of the model.
    Params : type of ModelParams
        The parameters, with types, defaults and ranges declared as pydantic fields.
    works_in_rounds : bool
        True when results carry ``rounds`` and ``trajectory``.
    issues_independent : bool
        True when each issue's forecast depends only on the stances on that issue (and the
        capabilities of the actors who hold them), as in a model that treats issues one by
        one; a sensitivity study of one issue's forecast then varies only those inputs.
        False (the default) for models that link issues, such as trades between them. The
        conformance check ``issues_independent`` tests the claim.
    """

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    Params: ClassVar[type[ModelParams]] = ModelParams
    works_in_rounds: ClassVar[bool] = False
    issues_independent: ClassVar[bool] = False

    def parse_params(self, params: ModelParams | dict[str, Any] | None = None) -> ModelParams:
        """Validate ``params`` against :attr:`Params`; raise :class:`ParameterError` if invalid."""
        if isinstance(params, self.Params):
            return params
        try:
            return self.Params(**(params.model_dump() if isinstance(params, ModelParams) else params or {}))
        except ValidationError as exc:
            details = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'parameters'}: {e['msg']} (got {e.get('input')!r})"
                for e in exc.errors()
            )
            raise ParameterError(f"invalid parameters for model {self.name!r}: {details}") from None

    def run(
        self,
        arrays: ScenarioArrays,
        params: ModelParams | dict[str, Any] | None = None,
        rng: np.random.Generator | None = None,
    ) -> ModelResult:
        """Run the model on ``arrays`` (with or without a draw axis).

        Events are produced for unbatched runs only. ``rng`` defaults to a
        generator seeded with 0, so a run without one is reproducible.
        """
        p = self.parse_params(params)
        rng = rng if rng is not None else np.random.default_rng(0)
        result = self.simulate(arrays.as_batch(), p, rng, explain=not arrays.batched)
        result = replace(result, params=p.model_dump())
        return result if arrays.batched else result.draw(0)

    @abstractmethod
    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        """Run on batched ``arrays`` (leading draw axis D) and return a batched result.

        When ``explain`` is True (``D == 1``) the result should carry events.
        """


_REGISTRY: dict[str, type[Model]] = {}
_ALIASES: dict[str, str] = {}
_entry_points_loaded = False


def register(cls: type[Model]) -> type[Model]:
    """Class decorator adding a model to the registry under its name and aliases."""
    ident = (cls.__module__, cls.__qualname__)
    for key in (cls.name, *cls.aliases):
        owner = _ALIASES.get(key)
        if owner is not None:
            taken = _REGISTRY[owner]
            if (taken.__module__, taken.__qualname__) != ident:
                raise ValueError(f"model name {key!r} is already taken by {owner!r} ({taken.__module__})")
    _REGISTRY[cls.name] = cls
    for key in (cls.name, *cls.aliases):
        _ALIASES[key] = cls.name
    return cls


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep.load()


def get_model(name: str) -> Model:
    """An instance of the model registered as ``name`` (or an alias of it)."""
    _load_entry_points()
    try:
        return _REGISTRY[_ALIASES[name]]()
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownModelError(f"no model named {name!r}; available: {known}") from None


def model_names() -> list[str]:
    """Names of all registered models, in registration order."""
    _load_entry_points()
    return list(_REGISTRY)


def describe_params(model: Model) -> list[dict[str, Any]]:
    """The declared parameters of ``model``: name, type, default, range and description."""
    out = []
    for pname, f in model.Params.model_fields.items():
        bounds: dict[str, Any] = {}
        for m in f.metadata:
            for attr in ("ge", "gt", "le", "lt"):
                if getattr(m, attr, None) is not None:
                    bounds[attr] = getattr(m, attr)
        ann = f.annotation
        out.append(
            {
                "name": pname,
                "type": getattr(ann, "__name__", str(ann)),
                "default": f.default,
                "range": bounds,
                "description": f.description or "",
            }
        )
    return out
