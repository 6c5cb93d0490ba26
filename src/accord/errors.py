"""Exceptions raised by accord.

Hierarchy::

    AccordError                     every error accord raises on purpose
    ├── ScenarioError               a scenario file or object is invalid
    │     carries ``problems``: a list of :class:`Problem` (location, rule, value)
    ├── ImportFormatError           a foreign file (BDM CSV, Decide, KTAB) cannot be read
    ├── SourceAddError              a source cannot be added to a scenario file (nothing was changed)
    ├── UnknownModelError           no model is registered under the requested name
    ├── ParameterError              a parameter or option is missing, mistyped or out of range
    ├── ModelError                  a model cannot run on the given arrays
    ├── StoreError                  the run history cannot be opened, read or written
    │   └── RunNotFoundError        no run (or scenario version) is stored under the requested id
    ├── ServeError                  the workbench cannot start with the given settings
    ├── RunFormError                a value of the workbench's run form cannot be used
    │     carries ``field``: the form input it came from
    └── CSRFError                   a form was posted without a valid CSRF token

Anything a user can get wrong surfaces as one of these; the CLI turns them into
readable messages and exit code 1, the workbench into a page that says what to fix.
Any other exception is a bug in accord.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with where it is.

    Attributes
    ----------
    path : str
        Location inside the document, e.g. ``stances[3].salience`` (empty for the whole file).
    message : str
        The rule that was broken, in words, including the value received.
    file : str or None
        The file the value came from, when there is one.
    line : int or None
        1-based line number in ``file``, when known.
    """

    path: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [w for w in (self.file, f"line {self.line}" if self.line else None) if w]
        suffix = f" ({', '.join(where)})" if where else ""
        head = f"{self.path}: " if self.path else ""
        return f"{head}{self.message}{suffix}"

    def to_dict(self) -> dict[str, object]:
        """The problem as plain JSON data."""
        return {"path": self.path, "message": self.message, "file": self.file, "line": self.line}


class AccordError(Exception):
    """Base class of every error accord raises deliberately."""


@dataclass
class ScenarioError(AccordError):
    """A scenario is invalid; ``problems`` lists every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    source: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} found"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ImportFormatError(AccordError):
    """A file in a foreign format (BDM CSV, Decide, KTAB) cannot be converted."""


class SourceAddError(AccordError):
    """A source cannot be added to a scenario file; nothing was changed."""


class UnknownModelError(AccordError):
    """No model is registered under the requested name."""


class ParameterError(AccordError):
    """A model parameter is unknown, mistyped or outside its declared range."""


class ModelError(AccordError):
    """A model cannot run on the arrays it was given."""


class StoreError(AccordError):
    """The run history cannot be opened, read or written."""


class RunNotFoundError(StoreError):
    """No run (or scenario version) is stored under the requested id."""


class ServeError(AccordError):
    """The workbench cannot start with the given settings."""


class RunFormError(AccordError):
    """A value of the run form that cannot be used.

    Parameters
    ----------
    message : str
    field : str, optional
        The name of the input the value came from, to mark it on the form.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CSRFError(AccordError):
    """A form was posted without a valid CSRF token."""
