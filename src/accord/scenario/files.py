"""Write a scenario to disk so that it loads where it is written: sources inline or beside it.

A loaded scenario keeps, for every source read from a file, both the ``file`` reference
and the text. Written to standard output it can only carry the texts inline
(:func:`inline_sources`); written to a file, the texts go to the same relative paths
next to it (:func:`write_scenario`). :func:`new_case` starts a case folder from a
scenario or from the annotated template.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path, PurePosixPath

from accord.errors import AccordError
from accord.scenario.io import dump_scenario
from accord.scenario.schema import Scenario

TEMPLATE = "template/scenario.yaml"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def inline_sources(scenario: Scenario) -> Scenario:
    """The scenario with every source's text inline and no ``file`` reference."""
    sources = tuple(src.model_copy(update={"file": None}) if src.text is not None else src
                    for src in scenario.sources)
    return scenario.model_copy(update={"sources": sources})


def _source_path(ref: str | None, source_id: str) -> PurePosixPath:
    """A relative path inside the scenario's folder for a source's text."""
    if ref:
        path = PurePosixPath(ref.replace("\\", "/"))
        if not path.is_absolute() and ".." not in path.parts and path.parts:
            return path
    return PurePosixPath("sources") / f"{_SAFE.sub('_', source_id)}.txt"


def write_scenario(scenario: Scenario, path: Path, fmt: str | None = None, *, overwrite: bool = True) -> list[Path]:
    """Write ``scenario`` to ``path`` and the texts of its sources beside it.

    Parameters
    ----------
    scenario : Scenario
    path : Path
        The scenario file; its suffix chooses the format unless ``fmt`` is given.
    fmt : {"yaml", "json"}, optional
    overwrite : bool
        When False, refuse to replace an existing file.

    Returns
    -------
    list of Path
        Every file written, the scenario first.
    """
    fmt = fmt or ("json" if path.suffix.lower() == ".json" else "yaml")
    folder = path.parent
    sources = []
    texts: list[tuple[Path, str]] = []
    used: set[PurePosixPath] = set()
    for src in scenario.sources:
        if src.text is None:
            sources.append(src)
            continue
        rel = _source_path(src.file, src.id)
        if rel in used:
            rel = PurePosixPath("sources") / f"{_SAFE.sub('_', src.id)}.txt"
        used.add(rel)
        texts.append((folder / Path(*rel.parts), src.text))
        sources.append(src.model_copy(update={"file": str(rel)}))
    targets = [path] + [t for t, _ in texts]
    if not overwrite:
        existing = [t for t in targets if t.exists()]
        if existing:
            raise AccordError(f"{existing[0]} exists already; choose another folder")
    document = dump_scenario(scenario.model_copy(update={"sources": tuple(sources)}), fmt)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
    for target, text in texts:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return targets


def template_text(case_id: str | None = None) -> str:
    """The annotated template scenario, with its ``id`` replaced by ``case_id`` when given."""
    text = files("accord.scenario").joinpath(TEMPLATE).read_text(encoding="utf-8")
    if case_id:
        text = re.sub(r"^id: \S+", f"id: {case_id}", text, count=1, flags=re.M)
    return text


def case_id_for(folder: Path) -> str:
    """An id made from a folder's name (letters, digits, ``-`` and ``_``)."""
    slug = _SAFE.sub("-", folder.resolve().name).strip("-._")
    return slug or "my-case"


def new_case(folder: Path, scenario: Scenario | None = None) -> list[Path]:
    """Start a case in ``folder``: ``scenario.yaml`` (a copy of ``scenario``, or the template) and its sources.

    Returns
    -------
    list of Path
        Every file written, ``scenario.yaml`` first. Raises AccordError rather than
        overwrite a file.
    """
    target = folder / "scenario.yaml"
    if scenario is not None:
        return write_scenario(scenario, target, "yaml", overwrite=False)
    if target.exists():
        raise AccordError(f"{target} exists already; choose another folder")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(template_text(case_id_for(folder)), encoding="utf-8")
    return [target]
