"""What the pages do, apart from HTTP: load scenarios by reference, validate uploads, run and record.

Scenarios are reached only as a built-in name from :func:`accord.scenario.builtin.names`
or as the id of a version stored in the run history; nothing a request sends is
ever used as a file path. Uploaded documents must carry their sources' text
inline: a ``file:`` reference is reported as a problem, never read.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from accord.errors import AccordError, Problem, ScenarioError
from accord.report.analyses import run_analyses
from accord.runner import run_models, run_to_json
from accord.scenario import builtin
from accord.scenario.io import decode_utf8, load_scenario, parse_yaml, scenario_to_data
from accord.scenario.schema import Scenario
from accord.scenario.validate import validate_document
from accord.store import RunRecord, Store, VersionRecord
from accord.store.content import inline_sources

FILE_REFUSED = ("an uploaded scenario cannot refer to files: give this source's text inline as `text` "
                "instead of `file: {ref}`")


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


def run_and_record(
    store: Store,
    loaded: Loaded,
    *,
    models: list[str] | None,
    rounds: int | None,
    settings: dict[str, Any],
    seed: int,
    analyses: list[str],
) -> RunRecord:
    """Run the models (as ``accord run`` does) and the analyses, and record the run with its version."""
    scenario = loaded.scenario
    started = time.perf_counter()
    run = run_to_json(run_models(scenario, models or None, rounds=rounds, settings=settings, seed=seed))
    results, seconds = run_analyses(scenario, analyses, models=list(run["models"]), seed=seed)
    return store.record(
        run, scenario, params={"rounds": rounds, "settings": settings}, seed=seed, analyses=results,
        timings={"analyses": seconds}, seconds=time.perf_counter() - started, origin="web",
        version_origin="builtin" if loaded.kind == "builtin" else None,
    )
