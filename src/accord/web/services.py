"""What the pages do, apart from HTTP: load scenarios by reference, validate uploads, run and record.

Scenarios are reached only as a built-in name from :func:`accord.scenario.builtin.names`
or as the id of a version stored in the run history; nothing a request sends is
ever used as a file path. Uploaded documents must carry their sources' text
inline: a ``file:`` reference is reported as a problem, never read.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from accord.errors import AccordError, ParameterError, Problem, RunFormError, ScenarioError
from accord.report.analyses import OPTION_USERS, AnalysisOptions, describe_options, run_analyses
from accord.runner import run_models, run_to_json
from accord.scenario import builtin
from accord.scenario.case import resolve_levers, resolve_types
from accord.scenario.io import decode_utf8, load_scenario, parse_yaml, scenario_to_data
from accord.scenario.schema import Actor, ActorType, Lever, Scenario
from accord.scenario.validate import validate_document
from accord.store import RunRecord, RunSummary, Store, VersionRecord
from accord.store.content import inline_sources

FILE_REFUSED = ("an uploaded scenario cannot refer to files: give this source's text inline as `text` "
                "instead of `file: {ref}`")
MIN_DRAWS, MAX_DRAWS = 10, 200_000
UTILITY_FORMS = ("linear", "quadratic")


class NotFound(AccordError):
    """The page's scenario, version or run does not exist."""


@dataclass(frozen=True)
class Loaded:
    """A scenario reached by reference, with what the pages need about it.

    Attributes
    ----------
    kind : {"builtin", "versions"}
    key : str
        The built-in name, or the version id as text.
    scenario : Scenario
    version : VersionRecord or None
        The stored version (None for a built-in not yet stored).
    """

    kind: str
    key: str
    scenario: Scenario
    version: VersionRecord | None = None

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.key}"

    @property
    def document(self) -> dict[str, Any]:
        """The scenario as document data, sources inline."""
        return scenario_to_data(inline_sources(self.scenario))


@lru_cache(maxsize=32)
def builtin_scenario(name: str) -> Scenario:
    """A built-in scenario by name; only names listed by :func:`builtin.names` are accepted."""
    if name not in builtin.names():
        raise NotFound(f"there is no built-in scenario named {name!r}")
    return load_scenario(name)


def load_ref(store: Store, kind: str, key: str) -> Loaded:
    """The scenario at ``/{kind}/{key}``."""
    if kind == "builtin":
        return Loaded(kind, key, builtin_scenario(key))
    if kind == "versions":
        if not key.isdigit():
            raise NotFound(f"scenario versions are numbered, got {key!r}")
        try:
            version = store.get_version(int(key))
        except AccordError:
            raise NotFound(f"there is no scenario version {key}") from None
        return Loaded(kind, key, version.scenario(), version)
    raise NotFound(f"no such page: /{kind}/{key}")


def _refuse_file(ref: str, _path: Any) -> str | None:
    raise ValueError(FILE_REFUSED.format(ref=ref))


def validate_data(data: Any, *, lines: dict | None = None, file: str | None = None
                  ) -> tuple[Scenario | None, list[Problem]]:
    """Validate document data from a request; a source ``file`` is a problem, never opened."""
    return validate_document(data, file=file, lines=lines or {}, load_source_text=_refuse_file)


def validate_text(text: str, file: str = "scenario.yaml") -> tuple[Scenario | None, list[Problem]]:
    """Parse (safely) and validate YAML or JSON text from a request."""
    try:
        data, lines = parse_yaml(text, file)
    except ScenarioError as exc:
        return None, list(exc.problems)
    return validate_data(data, lines=lines, file=file)


def decode_upload(raw: bytes, name: str) -> str:
    """The text of an uploaded file (UTF-8), or a :class:`ScenarioError` naming the bad byte."""
    return decode_utf8(raw, name)


def safe_stem(filename: str | None, default: str = "imported") -> str:
    """A name from an upload's file name, for ids and titles only (never for a path)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-.")
    return stem[:80] or default


def parse_settings(text: str) -> dict[str, Any]:
    """``KEY=VALUE`` lines (values read as YAML scalars), as ``accord run --set`` reads them."""
    out: dict[str, Any] = {}
    for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise AccordError(f"parameters, line {n}: expected KEY=VALUE, got {line.strip()!r}")
        try:
            out[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            raise AccordError(f"parameters, line {n}: cannot read the value {value.strip()!r}") from None
    return out


@dataclass(frozen=True)
class RunFormChoices:
    """The analysis options the run form offers for a scenario; an empty one is not shown.

    Attributes
    ----------
    dates : list of (str, str)
        The timeline's dates (``YYYY-MM-DD``) with the labels of their snapshots.
    levers : tuple of Lever
    typed_actors : list of (Actor, list of ActorType)
        The actors that have alternative types, with their types.
    utility : bool
        Whether the utility form can be chosen (the agreement analysis is available).
    draws : bool
        Whether the Monte Carlo draws can be chosen (the uncertainty analysis is available).
    """

    dates: list[tuple[str, str]] = field(default_factory=list)
    levers: tuple[Lever, ...] = ()
    typed_actors: list[tuple[Actor, list[ActorType]]] = field(default_factory=list)
    utility: bool = False
    draws: bool = False

    @property
    def case(self) -> bool:
        """Whether the form offers any choice of the case analysed (date, levers, types)."""
        return bool(self.dates or self.levers or self.typed_actors)

    def __bool__(self) -> bool:
        return self.case or self.utility or self.draws


def run_form_choices(scenario: Scenario, analyses: Collection[str]) -> RunFormChoices:
    """What the run form offers for ``scenario`` when the named analyses are available."""
    case_analyses = set(OPTION_USERS["at"])
    if not case_analyses & set(analyses):
        return RunFormChoices(utility="agreement" in analyses, draws="uncertainty" in analyses)
    labels: dict[str, list[str]] = {}
    for snapshot in scenario.timeline:
        labels.setdefault(snapshot.date.isoformat(), []).append(snapshot.label)
    typed = [(actor, [t for t in scenario.types if t.actor == actor.id]) for actor in scenario.actors]
    return RunFormChoices(
        dates=[(date, "; ".join(names)) for date, names in sorted(labels.items())],
        levers=scenario.levers,
        typed_actors=[(actor, types) for actor, types in typed if types],
        utility="agreement" in analyses,
        draws="uncertainty" in analyses,
    )


def analysis_options(scenario: Scenario, *, at: str, levers: Sequence[str], types: Mapping[str, str],
                     utility: str, draws: int) -> AnalysisOptions:
    """The run form's analysis options, checked against the scenario.

    Parameters
    ----------
    scenario : Scenario
    at : str
        A date of the scenario's timeline (``YYYY-MM-DD``), or empty for the scenario as written.
    levers : sequence of str
        Lever ids.
    types : mapping of str to str
        Type id by actor id; an empty type id leaves the actor's type open.
    utility : str
    draws : int
        Monte Carlo draws, already read as a number.

    Returns
    -------
    AnalysisOptions

    Raises
    ------
    RunFormError
        A date not in the timeline, an unknown lever, actor or type, or an unknown utility form
        (levers and types are checked by the agreement analysis's own resolvers).
    """
    at = at.strip()
    dates = sorted({s.date.isoformat() for s in scenario.timeline})
    if at and at not in dates:
        known = ", ".join(dates) if dates else "none, it has no timeline"
        raise RunFormError(f"the agreement date {at!r} is not a date of the timeline of {scenario.id!r}; its dates: "
                           f"{known}", "at")
    try:
        resolve_levers(scenario, levers)
    except ParameterError as exc:
        raise RunFormError(str(exc), "levers") from None
    chosen = {actor: type_id for actor, type_id in types.items() if type_id}
    for actor, type_id in chosen.items():
        try:
            resolve_types(scenario, {actor: type_id})
        except ParameterError as exc:
            raise RunFormError(str(exc), f"type:{actor}") from None
    if utility not in UTILITY_FORMS:
        raise RunFormError(f"the utility form must be {' or '.join(UTILITY_FORMS)}, got {utility!r}", "utility")
    return AnalysisOptions(at=at or None, levers=tuple(dict.fromkeys(levers)), types=chosen, utility=utility,
                           draws=draws)


def recorded_options(runs: Sequence[RunSummary]) -> dict[int, list[str]]:
    """The analysis options of stored runs that differ from the defaults, in words, by run id."""
    return {run.id: run_settings(run.params) for run in runs}


def run_settings(params: Mapping[str, Any] | None) -> list[str]:
    """What a run was asked for beyond the models and the seed, in words: rounds, parameters, analysis options."""
    params = params or {}
    out = []
    if params.get("rounds"):
        out.append(f"{params['rounds']} rounds")
    out += [f"{k}={v}" for k, v in (params.get("settings") or {}).items()]
    out += describe_options(params.get("analysis_options"), changed_only=True)
    return out or ["defaults"]


class ProgressBoard:
    """Where each run under way stands, by job id, for the run page to poll.

    Keeps at most ``limit`` jobs (the oldest are dropped) and forgets a job ``ttl``
    seconds after its last update. Safe to use from several threads.
    """

    JOB = re.compile(r"[A-Za-z0-9_-]{8,64}")

    def __init__(self, limit: int = 256, ttl: float = 600.0) -> None:
        self.limit = limit
        self.ttl = ttl
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def valid(self, job: Any) -> bool:
        return isinstance(job, str) and bool(self.JOB.fullmatch(job))

    def update(self, job: str, step: str, done: int, total: int, finished: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            self._jobs.pop(job, None)
            self._jobs[job] = {"step": step, "done": int(done), "total": int(total), "finished": finished,
                               "at": now}
            for key in [k for k, v in self._jobs.items() if now - v["at"] > self.ttl]:
                del self._jobs[key]
            while len(self._jobs) > self.limit:
                del self._jobs[next(iter(self._jobs))]

    def get(self, job: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._jobs.get(job)
            return None if entry is None else {k: v for k, v in entry.items() if k != "at"}

    def reporter(self, job: str | None) -> Callable[[str, int, int], None] | None:
        """A ``progress(step, done, total)`` callable that posts to this board, or None without a job."""
        if not job or not self.valid(job):
            return None
        return lambda step, done, total: self.update(job, step, done, total)


def run_and_record(
    store: Store,
    loaded: Loaded,
    *,
    models: list[str] | None,
    rounds: int | None,
    settings: dict[str, Any],
    seed: int,
    analyses: list[str],
    options: AnalysisOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    note: str | None = None,
) -> RunRecord:
    """Run the models (as ``accord run`` does) and the analyses, and record the run with its version.

    ``progress(step, done, total)``, when given, hears of each step as it goes; ``note`` is
    stored with the run.

    The analysis options that affect the analyses run are recorded in the run's
    parameters as ``analysis_options``.
    """
    scenario = loaded.scenario
    started = time.perf_counter()
    if progress is not None:
        progress("Running the models", 0, 1)
    run = run_to_json(run_models(scenario, models or None, rounds=rounds, settings=settings, seed=seed))
    results, seconds = run_analyses(scenario, analyses, models=list(run["models"]), seed=seed, options=options,
                                    progress=progress)
    if progress is not None:
        progress("Saving the run", 1, 1)
    params: dict[str, Any] = {"rounds": rounds, "settings": settings}
    recorded = options.to_json(results) if options is not None else {}
    if recorded:
        params["analysis_options"] = recorded
    return store.record(
        run, scenario, params=params, seed=seed, analyses=results,
        timings={"analyses": seconds}, seconds=time.perf_counter() - started, origin="web",
        version_origin="builtin" if loaded.kind == "builtin" else None, note=note or None,
    )
