"""Check a scenario document and report every problem with its location.

:func:`validate_document` takes plain data (parsed YAML or JSON), the texts of the
sources and a map from document paths to line numbers. It checks structure item
by item, so one broken stance does not hide the others, then the rules that tie
fields together: unique ids, references that resolve, values inside their scales
and ranges, and every evidence quote found verbatim in its source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from accord.errors import Problem
from accord.scenario import schema as s
from accord.scenario.limits import check_count
from accord.scenario.values import Uncertain

Path = tuple[str | int | float, ...]

_SECTIONS: dict[str, type[BaseModel]] = {
    "sources": s.Source,
    "actors": s.Actor,
    "issues": s.Issue,
    "stances": s.Stance,
    "levers": s.Lever,
    "timeline": s.Snapshot,
    "types": s.ActorType,
}
_SCALARS = {
    "schema_version",
    "id",
    "title",
    "as_of",
    "description",
    "distribution",
    "hold_probability",
}

_QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)
_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as quotes are compared: NFC, typographic quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MAP)
    return _WS.sub(" ", text).strip()


def path_str(path: Path) -> str:
    """``("stances", 3, "salience")`` -> ``"stances[3].salience"``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Collector:
    def __init__(self, file: str | None, lines: Mapping[Path, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def line_of(self, path: Path) -> int | None:
        for k in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:k]))
            if line is not None:
                return line
        return None

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path_str(path), message, self.file, self.line_of(path)))


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_pattern_mismatch":
        return f"must be a non-empty id without control characters or surrounding spaces, got {value!r}"
    if kind in ("uncertain", "range_order", "finite", "id_chars"):
        return err["msg"]
    if kind.startswith("literal_error"):
        return f"{err['msg'][0].lower()}{err['msg'][1:]}, got {value!r}"
    msg = err["msg"]
    msg = msg.replace("Input should be", "must be").replace("Value error, ", "")
    return f"{msg}, got {value!r}" if "got" not in msg else msg


def _parse_item(model: type[BaseModel], data: Any, path: Path, out: _Collector) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            out.add(path + tuple(err["loc"]), _pydantic_message(err))
        return None


def _unique(items: Iterable[tuple[int, str]], section: str, what: str, out: _Collector) -> dict[str, int]:
    seen: dict[str, int] = {}
    for idx, key in items:
        if key in seen:
            out.add((section, idx, "id"), f"duplicate {what} id {key!r} (first at {section}[{seen[key]}])")
        else:
            seen[key] = idx
    return seen


def _check_range(out: _Collector, path: Path, value: Uncertain | float | None, lo: float, hi: float | None,
                 what: str) -> None:
    if value is None:
        return
    low, high = (value.low, value.high) if isinstance(value, Uncertain) else (value, value)
    if low < lo or (hi is not None and high > hi):
        bound = f"between {lo:g} and {hi:g}" if hi is not None else f"at least {lo:g}"
        shown = value.to_data() if isinstance(value, Uncertain) else value
        out.add(path, f"{what} must be {bound}, got {shown}")


def _check_quotes(out: _Collector, path: Path, evidence: Iterable[s.Evidence], texts: Mapping[str, str],
                  source_ids: set[str]) -> None:
    """Each quote of ``evidence`` must occur in its source's text (``texts``: already :func:`normalise_text`-ed)."""
    for k, ev in enumerate(evidence):
        if ev.source not in source_ids:
            out.add(path + ("evidence", k, "source"), f"refers to unknown source {ev.source!r}")
            continue
        text = texts.get(ev.source)
        if text is None:
            continue
        if normalise_text(ev.quote) not in text:
            short = ev.quote if len(ev.quote) <= 90 else ev.quote[:87] + "..."
            out.add(path + ("evidence", k, "quote"), f"quote {short!r} does not occur in source {ev.source!r}")


def validate_document(
    data: Any,
    *,
    file: str | None = None,
    lines: Mapping[Path, int] | None = None,
    load_source_text: Callable[[str, Path], str | None] | None = None,
    require_data: bool = True,
) -> tuple[s.Scenario | None, list[Problem]]:
    """Validate a parsed scenario document.

    Parameters
    ----------
    data : Any
        The parsed YAML or JSON document.
    file : str, optional
        Name of the file, for messages.
    lines : mapping of path tuple to int, optional
        Line of each node, from the YAML parser.
    load_source_text : callable, optional
        ``(file_reference, path) -> text or None``: reads a source's ``file``; it
        reports its own problems by raising ``ValueError`` with a message.
    require_data : bool, default True
        Also refuse a scenario no model can forecast from: no stances, an issue nobody
        holds a stance on, or an issue whose capabilities or saliences are all zero.
        False accepts such a scenario as work in progress (adding sources to a draft).

    Returns
    -------
    scenario : Scenario or None
        The scenario when there is no problem, else None.
    problems : list of Problem
    """
    out = _Collector(file, lines or {})
    if data is None or data == {} or data == []:
        out.problems.append(Problem("", "the scenario is empty", file, out.line_of(()) or 1))
        return None, out.problems
    if not isinstance(data, dict):
        out.problems.append(Problem("", f"a scenario must be a mapping of fields, got {type(data).__name__}", file,
                                    out.line_of(()) or 1))
        return None, out.problems

    for key in data:
        if key not in _SCALARS and key not in _SECTIONS:
            out.add((str(key),), "is not a known field")
    top = {k: data[k] for k in _SCALARS if k in data}
    top.update({k: [] for k in ("actors", "issues")})
    header = _parse_item(s.Scenario, top, (), out)
    version = data.get("schema_version", s.SCHEMA_VERSION)
    if isinstance(version, int) and version > s.SCHEMA_VERSION:
        out.add(("schema_version",), f"this accord reads schema version {s.SCHEMA_VERSION}, got {version}")

    over_limit = False
    for section in ("actors", "issues", "stances"):
        raw = data.get(section)
        message = check_count(section, len(raw), "the scenario has") if isinstance(raw, list) else None
        if message is not None:
            out.add((section,), message)
            over_limit = True
    if over_limit:
        return None, out.problems

    parsed: dict[str, list[tuple[int, Any]]] = {}
    broken: dict[str, list[dict]] = {section: [] for section in _SECTIONS}
    salvage: list[tuple[int, dict[str, Any]]] = []
    for section, model in _SECTIONS.items():
        raw = data.get(section, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            out.add((section,), f"must be a list, got {type(raw).__name__}")
            raw = []
        items = []
        for idx, item in enumerate(raw):
            if section == "sources" and isinstance(item, dict):
                item = dict(item)
                if item.get("file") is not None and item.get("text") is None and load_source_text is not None:
                    try:
                        item["text"] = load_source_text(str(item["file"]), (section, idx, "file"))
                    except ValueError as exc:
                        out.add((section, idx, "file"), str(exc))
            obj = _parse_item(model, item, (section, idx), out)
            if obj is not None:
                items.append((idx, obj))
            elif isinstance(item, dict):
                broken[section].append(item)
                if section == "stances":
                    salvage.append((idx, item))
        parsed[section] = items

    for section in ("actors", "issues"):
        if not data.get(section):
            out.add((section,), f"the scenario needs at least one {section[:-1]}")

    sources = parsed["sources"]
    actors = parsed["actors"]
    issues = parsed["issues"]
    source_ids = set(_unique(((i, x.id) for i, x in sources), "sources", "source", out))
    actor_ids = set(_unique(((i, x.id) for i, x in actors), "actors", "actor", out))
    broken_actors = {item["id"] for item in broken["actors"] if isinstance(item.get("id"), str)}
    broken_issues = {item["id"] for item in broken["issues"] if isinstance(item.get("id"), str)}
    broken_pairs = {(item["actor"], item["issue"]) for item in broken["stances"]
                    if isinstance(item.get("actor"), str) and isinstance(item.get("issue"), str)}
    issue_by_id: dict[str, s.Issue] = {}
    for _, x in issues:
        issue_by_id.setdefault(x.id, x)
    _unique(((i, x.id) for i, x in issues), "issues", "issue", out)
    texts = {x.id: normalise_text(x.text) for _, x in sources if x.text is not None}

    for idx, src in sources:
        if src.text is None and src.file is None:
            out.add(("sources", idx), "needs the source text, as `file` (a path next to the scenario) or `text`")
    for idx, actor in actors:
        _check_range(out, ("actors", idx, "capability"), actor.capability, 0.0, None, "capability")
        _check_range(out, ("actors", idx, "no_deal_cost"), actor.no_deal_cost, 0.0, None, "no_deal_cost")
        dates = [p.date for p in actor.no_deal_cost_path]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            out.add(("actors", idx, "no_deal_cost_path"), "dates must be strictly increasing")
        for k, p in enumerate(actor.no_deal_cost_path):
            _check_range(out, ("actors", idx, "no_deal_cost_path", k, "value"), p.value, 0.0, None, "no_deal_cost")
    for idx, issue in issues:
        sc = issue.scale
        if not sc.min < sc.max:
            out.add(("issues", idx, "scale"), f"scale min must be below max, got min {sc.min:g}, max {sc.max:g}")
            continue
        for a in sc.anchors:
            _check_range(out, ("issues", idx, "scale", "anchors", a), a, sc.min, sc.max, "anchor")
        _check_range(out, ("issues", idx, "status_quo"), issue.status_quo, sc.min, sc.max, "status_quo")
        _check_range(out, ("issues", idx, "hold_probability"), issue.hold_probability, 0, 1, "hold_probability")
        for k, v in enumerate(issue.veto):
            if v not in actor_ids and v not in broken_actors:
                out.add(("issues", idx, "veto", k), f"refers to unknown actor {v!r}")
        _check_range(out, ("issues", idx, "carry_over"), issue.carry_over, 0, 1, "carry_over")
        if issue.options == "anchors" and not sc.anchors:
            out.add(("issues", idx, "options"), "options: anchors needs the scale to have anchors")
        elif isinstance(issue.options, tuple):
            if not issue.options:
                out.add(("issues", idx, "options"), "an indivisible issue needs at least one option")
            for k, v in enumerate(issue.options):
                _check_range(out, ("issues", idx, "options", k), v, sc.min, sc.max, "option")
    for idx, actor in actors:
        for k, req in enumerate(actor.requires):
            _check_requirement(out, ("actors", idx, "requires", k), req, issue_by_id, texts, source_ids,
                               broken_issues)
    if header is not None:
        _check_range(out, ("hold_probability",), header.hold_probability, 0, 1, "hold_probability")

    seen_pairs: dict[tuple[str, str], int] = {}
    for idx, st in parsed["stances"]:
        path: Path = ("stances", idx)
        if st.actor not in actor_ids and st.actor not in broken_actors:
            out.add(path + ("actor",), f"refers to unknown actor {st.actor!r}")
        issue = issue_by_id.get(st.issue)
        if issue is None and st.issue not in broken_issues:
            out.add(path + ("issue",), f"refers to unknown issue {st.issue!r}")
        pair = (st.actor, st.issue)
        if pair in seen_pairs:
            out.add(path, f"duplicate stance of {st.actor!r} on {st.issue!r} (first at stances[{seen_pairs[pair]}])")
        else:
            seen_pairs[pair] = idx
        _check_stance_values(out, path, st, issue)
        if not st.evidence and not st.assumption:
            out.add(path + ("evidence",), "a stance needs evidence (source quotes) or an `assumption`")
        _check_quotes(out, path, st.evidence, texts, source_ids)
        _check_red_line(out, path + ("red_line",), st.red_line, issue, texts, source_ids)

    for idx, item in salvage:
        _check_broken_stance(out, ("stances", idx), item, issue_by_id)

    if require_data and not out.problems:
        _check_degenerate(out, actors, issues, parsed["stances"])

    stance_by_pair = {(st.actor, st.issue): st for _, st in parsed["stances"]}
    capability = {a.id: a for _, a in actors}
    for section in ("levers", "timeline"):
        for idx, item in parsed[section]:
            for k, edit in enumerate(item.edits):
                if not _refers_to_broken(edit, broken_actors, broken_issues, broken_pairs):
                    epath = (section, idx, "edits", k)
                    if _check_edit(out, epath, edit, actor_ids, issue_by_id, seen_pairs):
                        _check_edit_result(out, epath, edit, header, capability, issue_by_id, stance_by_pair)
            _check_quotes(out, (section, idx), item.evidence, texts, source_ids)
    _unique(((i, x.id) for i, x in parsed["levers"]), "levers", "lever", out)
    dates = [x.date for _, x in parsed["timeline"]]
    if dates != sorted(dates):
        out.add(("timeline",), "snapshots must be in date order")

    priors: dict[str, float] = {}
    type_keys: dict[tuple[str, str], int] = {}
    for idx, typ in parsed["types"]:
        path = ("types", idx)
        if typ.actor not in actor_ids and typ.actor not in broken_actors:
            out.add(path + ("actor",), f"refers to unknown actor {typ.actor!r}")
        key = (typ.actor, typ.id)
        if key in type_keys:
            out.add(path + ("id",), f"duplicate type {typ.id!r} of actor {typ.actor!r}")
        type_keys.setdefault(key, idx)
        _check_range(out, path + ("prior",), typ.prior, 0, 1, "prior")
        priors[typ.actor] = priors.get(typ.actor, 0.0) + typ.prior
        for k, ts in enumerate(typ.stances):
            spath = path + ("stances", k)
            issue = issue_by_id.get(ts.issue)
            if issue is None:
                if ts.issue not in broken_issues:
                    out.add(spath + ("issue",), f"refers to unknown issue {ts.issue!r}")
            elif (typ.actor, ts.issue) in broken_pairs or typ.actor in broken_actors:
                pass
            elif (typ.actor, ts.issue) not in seen_pairs and (ts.position is None or ts.salience is None):
                out.add(spath, f"{typ.actor!r} has no base stance on {ts.issue!r}: give position and salience")
            _check_stance_values(out, spath, ts, issue)
            if not ts.evidence and not ts.assumption and ts.red_line is None:
                out.add(spath + ("evidence",), "a type's stance needs evidence or an `assumption` (or only a red line)")
            _check_quotes(out, spath, ts.evidence, texts, source_ids)
            _check_red_line(out, spath + ("red_line",), ts.red_line, issue, texts, source_ids)
    for actor_id, total in priors.items():
        if abs(total - 1.0) > 1e-9:
            out.add(("types",), f"the priors of {actor_id!r}'s types must sum to 1, got {total:g}")

    if out.problems or header is None:
        return None, out.problems
    scenario = header.model_copy(
        update={
            section: tuple(obj for _, obj in parsed[section])
            for section in _SECTIONS
        }
    )
    return scenario, []


def _check_stance_values(out: _Collector, path: Path, st: s.Stance | s.TypeStance, issue: s.Issue | None) -> None:
    _check_range(out, path + ("salience",), st.salience, 0.0, 1.0, "salience")
    if issue is not None and issue.scale.min < issue.scale.max:
        lo, hi = issue.scale.min, issue.scale.max
        _check_range(out, path + ("position",), st.position, lo, hi, f"position on {issue.id!r}")
        _check_range(out, path + ("expects",), st.expects, lo, hi, f"expects on {issue.id!r}")


def _check_bounds(out: _Collector, path: Path, at_least: float | None, at_most: float | None,
                  issue: s.Issue | None) -> None:
    """``at_least``/``at_most`` inside the issue's scale and in order."""
    if issue is not None and issue.scale.min < issue.scale.max:
        lo, hi = issue.scale.min, issue.scale.max
        _check_range(out, path + ("at_least",), at_least, lo, hi, f"at_least on {issue.id!r}")
        _check_range(out, path + ("at_most",), at_most, lo, hi, f"at_most on {issue.id!r}")
    if at_least is not None and at_most is not None and at_least > at_most:
        out.add(path, f"at_least ({at_least:g}) must not be above at_most ({at_most:g})")


def _check_red_line(out: _Collector, path: Path, line: s.RedLine | None, issue: s.Issue | None,
                    texts: Mapping[str, str], source_ids: set[str]) -> None:
    if line is None:
        return
    _check_bounds(out, path, line.at_least, line.at_most, issue)
    _check_range(out, path + ("credibility",), line.credibility, 0, 1, "credibility")
    if not line.evidence and not line.assumption:
        out.add(path + ("evidence",), "a red line needs evidence (source quotes) or an `assumption`")
    _check_quotes(out, path, line.evidence, texts, source_ids)


def _check_requirement(out: _Collector, path: Path, req: s.Requirement, issues: Mapping[str, s.Issue],
                       texts: Mapping[str, str], source_ids: set[str], broken: Iterable[str] = ()) -> None:
    if req.at_least_k > len(req.of):
        out.add(path + ("at_least_k",), f"at_least_k is {req.at_least_k} but the requirement lists only "
                                         f"{len(req.of)} condition(s)")
    for k, cond in enumerate(req.of):
        issue = issues.get(cond.issue)
        if issue is None and cond.issue not in set(broken):
            out.add(path + ("of", k, "issue"), f"refers to unknown issue {cond.issue!r}")
        _check_bounds(out, path + ("of", k), cond.at_least, cond.at_most, issue)
    if not req.evidence and not req.assumption:
        out.add(path + ("evidence",), "a requirement needs evidence (source quotes) or an `assumption`")
    _check_quotes(out, path, req.evidence, texts, source_ids)


def _check_broken_stance(out: _Collector, path: Path, item: Mapping[str, Any],
                         issues: Mapping[str, s.Issue]) -> None:
    """Range checks on the numbers of a stance that failed to parse for another field, so none waits a round."""
    try:
        s.Stance.model_validate(item)
    except ValidationError as exc:
        bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
    else:
        return
    values: dict[str, Uncertain] = {}
    for key in ("position", "salience", "expects"):
        if key in bad or item.get(key) is None:
            continue
        try:
            values[key] = Uncertain.parse(item[key])
        except (TypeError, ValueError):
            continue
    _check_range(out, path + ("salience",), values.get("salience"), 0.0, 1.0, "salience")
    issue_id = item.get("issue")
    issue = issues.get(issue_id) if isinstance(issue_id, str) else None
    if issue is not None and issue.scale.min < issue.scale.max:
        lo, hi = issue.scale.min, issue.scale.max
        _check_range(out, path + ("position",), values.get("position"), lo, hi, f"position on {issue.id!r}")
        _check_range(out, path + ("expects",), values.get("expects"), lo, hi, f"expects on {issue.id!r}")


def _check_degenerate(out: _Collector, actors: list[tuple[int, s.Actor]], issues: list[tuple[int, s.Issue]],
                      stances: list[tuple[int, s.Stance]]) -> None:
    """Refuse a scenario no model can weigh: no stances, an issue without any, or one whose weights are all zero."""
    if not stances:
        out.add(("stances",), "the scenario has no stances: without them there is nothing to forecast")
        return
    cap = {a.id: a.capability for _, a in actors}
    by_issue: dict[str, list[s.Stance]] = {}
    for _, st in stances:
        by_issue.setdefault(st.issue, []).append(st)
    for idx, issue in issues:
        held = by_issue.get(issue.id, [])
        if not held:
            out.add(("issues", idx), f"no actor has a stance on {issue.id!r}: give it stances or remove it")
            continue
        if all(cap[st.actor].high == 0 for st in held):
            out.add(("issues", idx), f"every actor with a stance on {issue.id!r} has capability 0: "
                                     "there is no power to weigh")
        elif all(st.salience.high == 0 for st in held):
            out.add(("issues", idx), f"every stance on {issue.id!r} has salience 0: nobody cares about it")
        elif all(cap[st.actor].high * st.salience.high == 0 for st in held):
            out.add(("issues", idx), f"every actor with a stance on {issue.id!r} has capability 0 or salience 0: "
                                     "there is no weight to forecast with")


_EDIT_BOUNDS: dict[str, tuple[float, float | None]] = {
    "salience": (0.0, 1.0),
    "capability": (0.0, None),
    "no_deal_cost": (0.0, None),
    "hold_probability": (0.0, 1.0),
}


def _check_edit_result(out: _Collector, path: Path, edit: s.Edit, header: s.Scenario | None,
                       actors: Mapping[str, s.Actor], issues: Mapping[str, s.Issue],
                       stances: Mapping[tuple[str, str], s.Stance]) -> None:
    """Report an edit whose result leaves the field's scale (a position off the issue's scale, a salience above 1)."""
    field = edit.field
    if field == "red_line":
        return
    issue = issues.get(edit.issue) if edit.issue is not None else None
    base: Uncertain | None = None
    if field in ("position", "salience", "expects"):
        st = stances.get((edit.actor or "", edit.issue or ""))
        if st is None or issue is None:
            return
        base = getattr(st, field) if field != "expects" or st.expects is not None else None
        if base is None:
            base = Uncertain(s.Scenario.status_quo(header, issue)) if header is not None else None
        bounds: tuple[float, float | None] = (
            (issue.scale.min, issue.scale.max) if field != "salience" else _EDIT_BOUNDS[field]
        )
    elif field in ("capability", "no_deal_cost"):
        actor = actors.get(edit.actor) if edit.actor is not None else None
        if actor is None:
            return
        base = getattr(actor, field)
        bounds = _EDIT_BOUNDS[field]
    else:
        base = issue.hold_probability if issue is not None else (header.hold_probability if header else None)
        bounds = _EDIT_BOUNDS[field]
    if base is None or (field in ("position", "expects") and (issue is None or not issue.scale.min < issue.scale.max)):
        return
    op, value = edit.operation
    if op == "set":
        result = value
    elif op == "add":
        result = Uncertain(base.low + value.low, base.high + value.high)
    else:
        corners = [b * v for b in (base.low, base.high) for v in (value.low, value.high)]
        result = Uncertain(min(corners), max(corners))
    lo, hi = bounds
    if result.low < lo or (hi is not None and result.high > hi):
        where = (f"the scale of {issue.id!r}" if field in ("position", "expects") and issue is not None
                 else f"the range of {field}")
        span = f"{lo:g} to {hi:g}" if hi is not None else f"at least {lo:g}"
        out.add(path + (op,), f"this edit makes {field} {result}, outside {where} ({span})")


def _refers_to_broken(edit: s.Edit, actors: set, issues: set, pairs: set) -> bool:
    """Whether ``edit`` names an actor, issue or stance that was already reported as malformed."""
    return edit.actor in actors or edit.issue in issues or (edit.actor, edit.issue) in pairs


def _check_edit(out: _Collector, path: Path, edit: s.Edit, actor_ids: set[str], issues: Mapping[str, s.Issue],
                stances: Mapping[tuple[str, str], int]) -> bool:
    """Report an edit that names the wrong things; True when it names the right ones."""
    before = len(out.problems)
    needs_actor = edit.field in ("position", "salience", "expects", "capability", "no_deal_cost", "red_line")
    needs_issue = edit.field in ("position", "salience", "expects", "red_line")
    if edit.field == "red_line":
        _check_bounds(out, path, edit.at_least, edit.at_most, issues.get(edit.issue or ""))
        _check_range(out, path + ("credibility",), edit.credibility, 0, 1, "credibility")
    if needs_actor and edit.actor is None:
        out.add(path, f"an edit of {edit.field} needs an `actor`")
    if needs_issue and edit.issue is None:
        out.add(path, f"an edit of {edit.field} needs an `issue`")
    if edit.field in ("capability", "no_deal_cost") and edit.issue is not None:
        out.add(path + ("issue",), f"{edit.field} belongs to an actor, not to an issue")
    if edit.field == "hold_probability" and edit.actor is not None:
        out.add(path + ("actor",), "hold_probability belongs to an issue or to the deal, not to an actor")
    if edit.actor is not None and edit.actor not in actor_ids:
        out.add(path + ("actor",), f"refers to unknown actor {edit.actor!r}")
    if edit.issue is not None and edit.issue not in issues:
        out.add(path + ("issue",), f"refers to unknown issue {edit.issue!r}")
    if (needs_issue and edit.actor in actor_ids and edit.issue in issues
            and (edit.actor, edit.issue) not in stances):
        out.add(path, f"{edit.actor!r} has no stance on {edit.issue!r} to edit")
    return len(out.problems) == before
