"""Read and write scenarios: YAML, JSON, the built-in cases and the foreign formats.

Every function here raises :class:`~accord.errors.ScenarioError` (listing all
problems with file and line) or :class:`~accord.errors.ImportFormatError` for
anything wrong with the input, never a bare parser exception.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from accord.errors import AccordError, ImportFormatError, Problem, ScenarioError
from accord.scenario import builtin
from accord.scenario.formats import FORMATS, detect_format, read_format
from accord.scenario.limits import LIMITS
from accord.scenario.schema import Scenario
from accord.scenario.validate import Path as DocPath
from accord.scenario.validate import path_str, validate_document
from accord.scenario.values import TooLarge

MIB = 1024 * 1024
MAX_SCENARIO_BYTES = 20 * MIB
MAX_SOURCE_BYTES = 20 * MIB
MAX_YAML_NODES = 500_000
MAX_DIGITS = 400

_FLOAT_12 = re.compile(
    r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"
)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.1 safe loading, with three differences that keep every problem located.

    Dates stay text (the schema checks them, so ``2025-13-45`` is reported with its
    line); ``6e1`` is a number as in YAML 1.2 and JSON; integers longer than
    ``MAX_DIGITS`` digits and floats beyond the float range become :class:`TooLarge`,
    which the schema refuses with the field's path.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_int(self, node: yaml.Node) -> int | TooLarge:
        text = str(self.construct_scalar(node))
        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            return TooLarge(text)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.Node) -> float | TooLarge:
        text = str(self.construct_scalar(node))
        value = super().construct_yaml_float(node)
        if math.isinf(value) and "inf" not in text.lower():
            return TooLarge(text)
        return value


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789"))
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


def read_text(path: Path, *, limit: int | None = None, what: str = "file") -> str:
    """The UTF-8 text of ``path``; a readable :class:`ScenarioError` if missing, too large or not UTF-8.

    ``limit`` is in bytes; by default the file limit of :mod:`accord.scenario.limits`.
    """
    name = str(path)
    limit = limit if limit is not None else max_file_bytes()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError([Problem("", f"{what} not found", name)]) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read {what}: {exc.strerror}", name)]) from None
    if path.is_dir():
        raise ScenarioError([Problem("", f"{what} is a directory, not a file", name)])
    if size > limit:
        raise ScenarioError([Problem("", f"{what} is {size / MIB:.1f} MiB, larger than the {limit / MIB:g} MiB limit; "
                                         f"set {LIMITS['file'].env} to raise it", name)])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read {what}: {exc.strerror}", name)]) from None
    return decode_utf8(raw, name)


def max_file_bytes() -> int:
    """The largest scenario or imported file read, in bytes (``ACCORD_MAX_FILE_MIB``, default 20 MiB)."""
    return LIMITS["file"].value * MIB


def decode_utf8(raw: bytes, name: str | None = None) -> str:
    """Decode ``raw`` as UTF-8 (a leading BOM is dropped) or report the first bad byte and its line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem("", f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}", name, line)]
        ) from None


def parse_yaml(text: str, file: str | None = None) -> tuple[Any, dict[DocPath, int]]:
    """Parse YAML safely, returning the data and the line of every node.

    Raises
    ------
    ScenarioError
        On a syntax error, a duplicate key, a non-string key path, or a document
        that expands to more than ``MAX_YAML_NODES`` nodes.
    """
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[DocPath, int] = {}
        problems: list[Problem] = []
        _index_nodes(node, (), lines, problems, file, [0])
        if problems:
            raise ScenarioError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError([Problem("", f"malformed YAML: {what}", file, line)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError([Problem("", f"malformed YAML: character U+{exc.character:04X} is not allowed "
                                         "(a control character)" if isinstance(exc.character, int)
                                     else f"malformed YAML: {exc.reason}", file, line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem("", f"malformed YAML: {exc}", file)]) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise ScenarioError([Problem("", f"malformed YAML value: {exc}", file)]) from None
    except RecursionError:
        raise ScenarioError([Problem("", "malformed YAML: nested too deeply", file, _deep_line(text))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json_int(text: str) -> int | TooLarge:
    return TooLarge(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def _json_float(text: str) -> float | TooLarge:
    value = float(text)
    return TooLarge(text) if math.isinf(value) else value


def parse_json(text: str, file: str | None = None) -> tuple[Any, dict[DocPath, int]]:
    """Parse JSON strictly, returning the data and the line of every value.

    Duplicate keys are refused with their line; ``NaN`` and ``Infinity`` are read as
    floats and numbers too large for a float as :class:`~accord.scenario.values.TooLarge`,
    so that the schema refuses them with their path and line.

    Raises
    ------
    ScenarioError
        On malformed JSON or a duplicate key.
    """
    try:
        data = json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem("", f"malformed JSON: {exc.msg}", file, exc.lineno)]) from None
    except RecursionError:
        raise ScenarioError([Problem("", "malformed JSON: nested too deeply", file, _deep_line(text))]) from None
    except _DuplicateKey as exc:
        try:
            parse_yaml(text, file)
        except ScenarioError as located:
            duplicates = [p for p in located.problems if p.message.startswith("duplicate key")]
            if duplicates:
                raise ScenarioError(duplicates) from None
        raise ScenarioError([Problem("", f"duplicate key {exc.key!r}", file)]) from None
    try:
        _, lines = parse_yaml(text, file)
    except ScenarioError:
        lines = {}
    return data, lines


def _deep_line(text: str, depth: int = 200) -> int | None:
    """The line where brackets first nest ``depth`` deep (quoted text ignored), or None."""
    level, quote, line = 0, "", 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            level += 1
            if level >= depth:
                return line
        elif ch in "]}":
            level -= 1
    return None


def _index_nodes(node: yaml.Node, path: DocPath, lines: dict[DocPath, int], problems: list[Problem],
                 file: str | None, count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_YAML_NODES:
        raise ScenarioError([Problem("", f"document has more than {MAX_YAML_NODES:,} nodes (aliases expanded)",
                                     file, node.start_mark.line + 1)])
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            key_obj = _scalar_key(key)
            if key in seen:
                problems.append(Problem(
                    _join(path, key_obj), f"duplicate key {key!r} (first on line {seen[key]})",
                    file, key_node.start_mark.line + 1,
                ))
            seen.setdefault(key, key_node.start_mark.line + 1)
            _index_nodes(value_node, path + (key_obj,), lines, problems, file, count)
    elif isinstance(node, yaml.SequenceNode):
        for idx, child in enumerate(node.value):
            _index_nodes(child, path + (idx,), lines, problems, file, count)


def _scalar_key(key: str) -> str | int | float:
    for kind in (int, float):
        try:
            return kind(key)
        except ValueError:
            pass
    return key


def _join(path: DocPath, key: object) -> str:
    return path_str(path + (str(key),))


def scenario_from_data(
    data: Any,
    *,
    file: str | None = None,
    lines: Mapping[DocPath, int] | None = None,
    base_dir: Path | None = None,
    require_data: bool = True,
) -> Scenario:
    """Validate parsed data into a :class:`Scenario`; source ``file`` entries resolve against ``base_dir``.

    ``require_data=False`` accepts a draft without the stances a forecast needs (see
    :func:`accord.scenario.validate.validate_document`).
    """

    def load_source(ref: str, _path: DocPath) -> str | None:
        if base_dir is None:
            raise ValueError(f"source file {ref!r} cannot be read: the scenario has no folder")
        root = base_dir.resolve()
        target = (root / ref).resolve()
        if root != target and root not in target.parents:
            raise ValueError(f"source file {ref!r} lies outside the scenario's folder")
        try:
            return read_text(target, limit=max(MAX_SOURCE_BYTES, max_file_bytes()), what="source file")
        except ScenarioError as exc:
            raise ValueError("; ".join(p.message for p in exc.problems) + f" ({ref})") from None

    scenario, problems = validate_document(data, file=file, lines=lines, load_source_text=load_source,
                                           require_data=require_data)
    if problems:
        raise ScenarioError(problems, source=file)
    assert scenario is not None
    return scenario


def scenario_from_text(text: str, *, file: str | None = None, base_dir: Path | None = None,
                       fmt: str = "yaml", require_data: bool = True) -> Scenario:
    """Parse and validate scenario text in ``fmt`` (``yaml`` or ``json``)."""
    if fmt == "json":
        data, lines = parse_json(text, file)
    else:
        data, lines = parse_yaml(text, file)
    return scenario_from_data(data, file=file, lines=lines, base_dir=base_dir, require_data=require_data)


def load_scenario(ref: str | Path, fmt: str | None = None, *, require_data: bool = True) -> Scenario:
    """Load a scenario from a built-in name, a YAML/JSON file, or a BDM/Decide/KTAB file.

    Parameters
    ----------
    ref : str or Path
        ``"ukraine-2025"`` (see :func:`accord.scenario.builtin.names`) or a path.
    fmt : {"bdm", "decide", "ktab"}, optional
        Force a foreign format instead of detecting it.
    require_data : bool, default True
        False accepts a draft without the stances a forecast needs.
    """
    ref_str = str(ref)
    if fmt is None and ref_str in builtin.names() and not Path(ref_str).exists():
        path = builtin.path(ref_str)
        return scenario_from_text(read_text(path), file=f"{ref_str}/scenario.yaml", base_dir=path.parent,
                                  require_data=require_data)
    path = Path(ref_str)
    if not path.exists() and not path.suffix:
        known = ", ".join(builtin.names()) or "none"
        raise ScenarioError([Problem("", f"no built-in scenario or file named {ref_str!r} (built-ins: {known})")])
    text = read_text(path, what="scenario file" if path.suffix in (".yaml", ".yml", ".json") else "file")
    if fmt is not None:
        return convert(text, fmt, name=path.stem, file=str(path))
    if path.suffix.lower() == ".json":
        return scenario_from_text(text, file=str(path), base_dir=path.parent, fmt="json",
                                  require_data=require_data)
    if path.suffix.lower() in (".yaml", ".yml"):
        return scenario_from_text(text, file=str(path), base_dir=path.parent, require_data=require_data)
    detected = detect_format(text)
    if detected is not None:
        return convert(text, detected, name=path.stem, file=str(path))
    try:
        return scenario_from_text(text, file=str(path), base_dir=path.parent, require_data=require_data)
    except ScenarioError as exc:
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            raise ImportFormatError(
                f"{path}: line 1: not a recognised format (expected a BDM CSV, a Decide file or a KTAB CSV); "
                "use --format bdm|decide|ktab to force one"
            ) from exc
        raise


def convert(text: str, fmt: str, *, name: str = "imported", file: str | None = None) -> Scenario:
    """Convert ``text`` in a foreign format (see :mod:`accord.scenario.formats`) to a validated scenario.

    Raises
    ------
    ImportFormatError
        An unknown format, a file that does not follow it, or one that converts to an
        invalid scenario.
    """
    where = file or name
    lines: dict[DocPath, int] = {}
    try:
        data = read_format(text, fmt, name, lines)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{where}: {exc}") from None
    try:
        return scenario_from_data(data, file=where, lines=lines)
    except ScenarioError as exc:
        raise ImportFormatError(f"{where}: the {fmt} file converts to an invalid scenario:\n{exc}") from None


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data for YAML/JSON, omitting defaults; sources with a ``file`` keep the reference, not the text."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("schema_version", scenario.schema_version)
    for src, raw in zip(scenario.sources, data.get("sources", []), strict=True):
        if src.file is not None:
            raw.pop("text", None)
    for issue in data.get("issues", []):
        anchors = issue.get("scale", {}).get("anchors")
        if anchors:
            issue["scale"]["anchors"] = {_number(float(k)): v for k, v in anchors.items()}
    ordered: dict[str, Any] = {k: data[k] for k in ("schema_version", "id", "title") if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return ordered


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def dump_scenario(scenario: Scenario, fmt: str = "yaml") -> str:
    """The scenario as YAML or JSON text that :func:`scenario_from_text` reads back to an equal scenario."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


__all__ = [
    "FORMATS",
    "AccordError",
    "convert",
    "detect_format",
    "dump_scenario",
    "load_scenario",
    "read_text",
    "scenario_from_data",
    "scenario_from_text",
    "scenario_to_data",
]
