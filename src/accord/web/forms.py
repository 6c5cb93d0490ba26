"""The scenario form: document data to form fields and back, and problems to the fields they concern.

Form fields are named by their path in the scenario document, as the validator
names problems: ``actors[2].capability``, ``stances[3].salience``,
``issues[0].scale.min``. A problem at a path with no field of its own is shown at
the nearest field (``stances[3].evidence[0].quote`` at ``stances[3].evidence``),
at its row (``stances[3]``), or above the form.

The form edits the header, sources, actors, issues and stances. Everything else
(levers, timeline, types, and fields the form does not show, such as an actor's
aliases) is carried over from the version being edited; each row remembers which
item of that version it started from.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from accord.errors import Problem
from accord.scenario.schema import ActorKind

SECTIONS = ("sources", "actors", "issues", "stances")
ROW_KEY = re.compile(r"^(sources|actors|issues|stances)\[(\d{1,5})\]\.(.+)$")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
RANGE_FORMS = (
    re.compile(rf"^\[\s*({NUMBER})\s*,\s*({NUMBER})\s*\]$"),
    re.compile(rf"^({NUMBER})\s*(?:\.\.|to|–|—|\s-\s)\s*({NUMBER})$"),
    re.compile(r"^(\d+(?:\.\d*)?)-(\d+(?:\.\d*)?)$"),
)
EXTRA_ROWS = 1
MAX_ROWS = 2000


@dataclass(frozen=True)
class FieldSpec:
    """One input of the form.

    Attributes
    ----------
    key : str
        Path inside the row (``"scale.min"``) or the document (header fields).
    label : str
    kind : str
        ``text``, ``textarea``, ``uncertain``, ``number``, ``list``, ``anchors``,
        ``evidence``, ``select`` or ``date``.
    help : str
    options : tuple of str
        Choices of a ``select``.
    wide : bool
        Whether the input spans the row.
    """

    key: str
    label: str
    kind: str = "text"
    help: str = ""
    options: tuple[str, ...] = ()
    wide: bool = False


UNCERTAIN_HELP = "a number, or a range such as [30, 50]"
HEADER: tuple[FieldSpec, ...] = (
    FieldSpec("id", "Scenario id", help="letters, digits and dashes; the name the scenario is known by"),
    FieldSpec("title", "Title", wide=True),
    FieldSpec("as_of", "As of", "date", help="the date the case describes"),
    FieldSpec("description", "Description", "textarea", wide=True),
)
FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "sources": (
        FieldSpec("id", "Id"),
        FieldSpec("title", "Title", wide=True),
        FieldSpec("author", "Author"),
        FieldSpec("publisher", "Publisher"),
        FieldSpec("date", "Date", "date"),
        FieldSpec("url", "URL"),
        FieldSpec("text", "Text", "textarea", help="the full text; quotes are checked against it", wide=True),
    ),
    "actors": (
        FieldSpec("id", "Id"),
        FieldSpec("name", "Name"),
        FieldSpec("kind", "Kind", "select", options=get_args(ActorKind)),
        FieldSpec("capability", "Capability", "uncertain", help=UNCERTAIN_HELP),
        FieldSpec("no_deal_cost", "No-deal cost", "uncertain", help=UNCERTAIN_HELP),
    ),
    "issues": (
        FieldSpec("id", "Id"),
        FieldSpec("name", "Name"),
        FieldSpec("scale.min", "Scale min", "number"),
        FieldSpec("scale.max", "Scale max", "number"),
        FieldSpec("status_quo", "Status quo", "number"),
        FieldSpec("veto", "Veto players", "list", help="actor ids, separated by commas"),
        FieldSpec("scale.anchors", "Labelled anchors", "anchors", help="one per line: value: label", wide=True),
        FieldSpec("description", "Description", "textarea", wide=True),
    ),
    "stances": (
        FieldSpec("actor", "Actor"),
        FieldSpec("issue", "Issue"),
        FieldSpec("position", "Position", "uncertain", help=UNCERTAIN_HELP),
        FieldSpec("salience", "Salience", "uncertain", help="0 to 1, or a range"),
        FieldSpec("expects", "Expects without a deal", "uncertain", help="optional"),
        FieldSpec("evidence", "Evidence", "evidence", help="one quote per line: source-id: quoted text", wide=True),
        FieldSpec("assumption", "Assumption", "textarea", help="when there is no quote", wide=True),
    ),
}
TITLES = {"sources": "Sources", "actors": "Actors", "issues": "Issues", "stances": "Stances"}
SINGULAR = {"sources": "source", "actors": "actor", "issues": "issue", "stances": "stance"}


@dataclass
class Row:
    """One row of a section as shown in the form: raw strings by field key, and its origin."""

    values: dict[str, str] = field(default_factory=dict)
    base: int | None = None


@dataclass
class FormState:
    """What the form shows: header values and the rows of each section."""

    header: dict[str, str] = field(default_factory=dict)
    sections: dict[str, list[Row]] = field(default_factory=lambda: {s: [] for s in SECTIONS})

    def field_names(self) -> list[str]:
        """Every input's name, in the order of the form."""
        names = [f.key for f in HEADER]
        for section, rows in self.sections.items():
            for i in range(len(rows)):
                names += [f"{section}[{i}].{f.key}" for f in FIELDS[section]]
        return names

    def row_names(self) -> set[str]:
        return {f"{s}[{i}]" for s, rows in self.sections.items() for i in range(len(rows))}


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        x = float(value)
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    return str(value)


def display(kind: str, value: Any) -> str:
    """A document value as the text of its input."""
    if value is None:
        return ""
    if kind in ("uncertain", "number"):
        if isinstance(value, list | tuple) and len(value) == 2:
            return f"[{_number_text(value[0])}, {_number_text(value[1])}]"
        return _number_text(value)
    if kind == "list":
        return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    if kind == "anchors":
        if not isinstance(value, Mapping):
            return str(value)
        items = sorted(value.items(), key=lambda kv: _as_float(kv[0]))
        return "\n".join(f"{_number_text(_as_float(k))}: {v}" for k, v in items)
    if kind == "evidence":
        if not isinstance(value, list | tuple):
            return str(value)
        return "\n".join(f"{e.get('source', '')}: {' '.join(str(e.get('quote', '')).split())}"
                         if isinstance(e, Mapping) else str(e) for e in value)
    return str(value)


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.inf


def _get(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def state_from_document(data: Mapping[str, Any] | None) -> FormState:
    """The form showing ``data`` (a parsed scenario document), plus blank rows to fill in."""
    data = data or {}
    state = FormState(header={f.key: display(f.kind, _get(data, f.key)) for f in HEADER})
    for section in SECTIONS:
        items = data.get(section) or []
        rows = [Row({f.key: display(f.kind, _get(item, f.key)) for f in FIELDS[section]}, base=k)
                for k, item in enumerate(items) if isinstance(item, Mapping)]
        rows += [Row() for _ in range(EXTRA_ROWS)]
        state.sections[section] = rows
    return state


def _parse_number(text: str) -> Any:
    try:
        x = float(text)
    except ValueError:
        return text
    return int(x) if x.is_integer() and "." not in text and "e" not in text.lower() else x


def _parse_uncertain(text: str) -> Any:
    for form in RANGE_FORMS:
        m = form.match(text)
        if m:
            return [_parse_number(m.group(1)), _parse_number(m.group(2))]
    return _parse_number(text)


def _parse(kind: str, text: str, path: str, problems: list[Problem]) -> Any:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind not in ("textarea",):
        text = text.strip()
    if not text.strip():
        return None
    if kind == "uncertain":
        return _parse_uncertain(text)
    if kind == "number":
        return _parse_number(text)
    if kind == "list":
        return [p.strip() for p in text.split(",") if p.strip()]
    if kind == "anchors":
        anchors: dict[float, str] = {}
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            value, sep, label = line.partition(":")
            try:
                key = float(value.strip())
            except ValueError:
                key = None
            if not sep or key is None or not label.strip():
                problems.append(Problem(path, f"line {n}: expected 'value: label', got {line.strip()!r}"))
                continue
            anchors[key] = label.strip()
        return anchors
    if kind == "evidence":
        evidence = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            source, sep, quote = line.partition(":")
            quote = quote.strip().strip("\"“”")
            if not sep or not source.strip() or not quote:
                problems.append(Problem(path, f"line {n}: expected 'source-id: quoted text', got {line.strip()!r}"))
                continue
            evidence.append({"source": source.strip(), "quote": quote})
        return evidence
    return text.strip() if kind != "textarea" else text.strip("\n")


def _value(spec: FieldSpec, raw: str, base_value: Any, path: str, problems: list[Problem]) -> Any:
    """The document value of an input; an input left as it was shown keeps the stored value exactly."""
    normalised = raw.replace("\r\n", "\n").replace("\r", "\n")
    if base_value is not None and normalised == display(spec.kind, base_value):
        return copy.deepcopy(base_value)
    return _parse(spec.kind, normalised, path, problems)


def parse_form(form: Mapping[str, Any], base: Mapping[str, Any] | None) -> tuple[FormState, dict[str, Any],
                                                                                 list[Problem]]:
    """Read a posted form.

    Parameters
    ----------
    form : mapping of str to str
        The posted fields.
    base : mapping, optional
        The document of the version being edited (None for a new scenario).

    Returns
    -------
    state : FormState
        The rows kept (blank and removed rows dropped), renumbered from 0, for showing again.
    data : dict
        The scenario document to validate.
    problems : list of Problem
        Inputs that could not be read at all (a malformed anchor or evidence line).
    """
    base = base or {}
    problems: list[Problem] = []
    data: dict[str, Any] = {k: copy.deepcopy(v) for k, v in base.items() if k not in SECTIONS}
    state = FormState()
    for spec in HEADER:
        raw = form.get(spec.key)
        raw = raw if isinstance(raw, str) else ""
        state.header[spec.key] = raw
        _set(data, spec.key, _value(spec, raw, _get(base, spec.key), spec.key, problems))
    posted: dict[str, dict[int, dict[str, str]]] = {s: {} for s in SECTIONS}
    for key, value in form.items():
        m = ROW_KEY.match(key)
        if m and isinstance(value, str):
            section, index, name = m.group(1), int(m.group(2)), m.group(3)
            if index < MAX_ROWS:
                posted[section].setdefault(index, {})[name] = value
    for section in SECTIONS:
        items: list[dict[str, Any]] = []
        rows: list[Row] = []
        base_items = base.get(section) or []
        for index in sorted(posted[section]):
            values = posted[section][index]
            if values.get("_delete"):
                continue
            shown = {f.key: values.get(f.key, "") for f in FIELDS[section]}
            if not any(v.strip() for v in shown.values()):
                continue
            base_index = _base_index(values.get("_base"), len(base_items))
            item = copy.deepcopy(base_items[base_index]) if base_index is not None else {}
            if not isinstance(item, dict):
                item = {}
            k = len(items)
            for spec in FIELDS[section]:
                path = f"{section}[{k}].{spec.key}"
                _set(item, spec.key, _value(spec, shown[spec.key], _get(item, spec.key), path, problems))
            if isinstance(item.get("scale"), dict) and not item["scale"]:
                item.pop("scale")
            items.append(item)
            rows.append(Row(shown, base_index))
        if items or section in ("actors", "issues"):
            data[section] = items
        state.sections[section] = rows
    return state, data, problems


def _base_index(raw: str | None, count: int) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    k = int(raw)
    return k if 0 <= k < count else None


def parent_path(path: str) -> str:
    """``stances[3].evidence[0].quote`` -> ``stances[3].evidence[0]`` -> ``stances[3].evidence`` -> ``stances[3]``."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    if "." in path:
        return path[: path.rindex(".")]
    return ""


@dataclass
class ProblemMap:
    """Problems placed where the form shows them."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)

    def at(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.fields.values()) + len(self.general)


def place_problems(state: FormState, problems: list[Problem]) -> ProblemMap:
    """Put each problem next to the field (or row, or section) its path points at."""
    names = state.field_names()
    rows = state.row_names()
    out = ProblemMap()
    for problem in problems:
        target = _target(problem.path, names, rows)
        if target is None:
            out.general.append(problem)
        else:
            out.fields.setdefault(target, []).append(problem.message)
    return out


def _target(path: str, ordered: list[str], rows: set[str]) -> str | None:
    names = set(ordered)
    if not path:
        return None
    if path in names or path in rows or path in SECTIONS:
        return path
    descendant = next((n for n in ordered if n.startswith(path + ".") or n.startswith(path + "[")), None)
    if descendant is not None:
        return descendant
    current = parent_path(path)
    while current:
        if current in names or current in rows:
            return current
        current = parent_path(current)
    return None
