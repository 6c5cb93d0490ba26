"""Add source documents to a scenario file without disturbing the rest of it.

For each document, the extracted text (:mod:`accord.evidence.extract`) is written next
to the scenario as ``sources/<id>.txt`` and an entry is added to the file's ``sources``
list. A YAML file is edited as text, at one place (the end of the ``sources`` list, or a
new ``sources`` key at the end), so comments, key order and layout elsewhere stay as
they were; a JSON file is rewritten with the same data plus the new entries.

The file is then read back and validated. If it does not read back to the same scenario
with the new sources appended, the original bytes are restored, the new text files are
removed, and an error says why. Built-in scenarios and files that are not writable are
refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import Problem, ScenarioError, SourceAddError
from accord.evidence.extract import Extracted, extract_file
from accord.scenario.schema import Scenario, Source

_SLUG = re.compile(r"[^a-z0-9]+")
_DOC_MARKER = re.compile(r"^(?:\.\.\.|---)[ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class AddedSource:
    """A source added to a scenario file.

    Attributes
    ----------
    source : Source
        The entry as written (with its text loaded).
    path : Path
        The text file written next to the scenario.
    extracted : Extracted
        What was extracted from the original document.
    original : Path
        The document the text came from.
    """

    source: Source
    path: Path
    extracted: Extracted
    original: Path


def slug(text: str) -> str:
    """A source id made from a file name: lower-case letters, digits and hyphens, at most 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = _SLUG.sub("-", ascii_text.lower()).strip("-")[:60].strip("-")
    return s or "source"


def scenario_file(ref: str | Path) -> Path:
    """The writable scenario file ``ref`` names.

    Raises
    ------
    SourceAddError
        ``ref`` is a built-in scenario, is missing, is not a YAML/JSON file, or cannot be written.
    """
    from accord.scenario import builtin

    ref_str = str(ref)
    if ref_str in builtin.names() and not Path(ref_str).exists():
        raise SourceAddError(
            f"{ref_str!r} is a built-in scenario and cannot be changed; copy its folder "
            f"and add sources to the copy"
        )
    path = Path(ref_str)
    if not path.exists():
        raise SourceAddError(f"{ref_str}: scenario file not found")
    if path.is_dir():
        raise SourceAddError(f"{ref_str}: is a directory; name the scenario's YAML or JSON file")
    real = path.resolve()
    builtin_root = Path(builtin.__file__).resolve().parent
    if builtin_root in real.parents:
        raise SourceAddError(f"{ref_str}: is a built-in scenario and cannot be changed; "
                             "copy its folder first")
    if real.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise SourceAddError(f"{ref_str}: sources can only be added to a YAML or JSON scenario file")
    mode = real.stat().st_mode
    if not os.access(real, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise SourceAddError(f"{ref_str}: the scenario file is not writable")
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise SourceAddError(f"{real.parent}: the scenario's folder is not writable")
    return real


def _entry(source: Source) -> dict[str, Any]:
    data = source.model_dump(mode="python", exclude_defaults=True, exclude={"text"})
    order = ("id", "title", "title_assigned", "author", "publisher", "date", "url", "file", "notes")
    return {k: data[k] for k in order if k in data}


def _dump_block(entries: list[dict[str, Any]], dash_col: int, item_col: int) -> str:
    import yaml

    out = []
    for entry in entries:
        lines = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=10**9,
                               default_flow_style=False).splitlines()
        gap = max(item_col - dash_col - 1, 1)
        out.append(" " * dash_col + "-" + " " * gap + lines[0])
        out.extend(" " * (dash_col + 1 + gap) + ln if ln else ln for ln in lines[1:])
    return "\n".join(out) + "\n"


def _dump_flow(entry: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=10**9,
                          default_flow_style=True).strip()


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _after_line(text: str, index: int) -> tuple[int, str]:
    """Position just after the line holding ``index`` (and a newline to add if the text ends there)."""
    if index > 0 and text[index - 1] == "\n":
        return index, ""
    nl = text.find("\n", index)
    return (len(text), "\n") if nl < 0 else (nl + 1, "")


def insert_yaml_sources(text: str, entries: list[dict[str, Any]]) -> str:
    """``text`` with ``entries`` appended to its top-level ``sources`` list, changing nothing else.

    Raises
    ------
    SourceAddError
        When the document is not a YAML mapping.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise SourceAddError(f"the scenario file is not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise SourceAddError("the scenario file is not a YAML mapping")
    found = next(((k, v) for k, v in root.value
                  if isinstance(k, yaml.ScalarNode) and k.value == "sources"), None)
    if found is None:
        if root.flow_style:
            close = text.rfind("}", 0, root.end_mark.index)
            lead = ", " if root.value else ""
            items = ", ".join(_dump_flow(e) for e in entries)
            return text[:close] + f"{lead}sources: [{items}]" + text[close:]
        tail = _DOC_MARKER.search(text, root.end_mark.index)
        at = tail.start() if tail else len(text)
        head = text[:at]
        if head and not head.endswith("\n"):
            head += "\n"
        col = root.start_mark.column
        block = " " * col + "sources:\n" + _dump_block(entries, col + 2, col + 4)
        return head + block + text[at:]
    key, value = found
    if isinstance(value, yaml.SequenceNode) and value.flow_style:
        close = text.rfind("]", 0, value.end_mark.index)
        lead = ", " if value.value else ""
        return text[:close] + lead + ", ".join(_dump_flow(e) for e in entries) + text[close:]
    if isinstance(value, yaml.SequenceNode) and value.value:
        first = value.value[0]
        line = _line_start(text, first.start_mark.index)
        dash = text.rfind("-", line, first.start_mark.index)
        dash_col = dash - line if dash >= 0 else first.start_mark.column - 2
        last = value.value[-1]
        at, nl = _after_line(text, last.end_mark.index)
        while not nl and at > last.start_mark.index:
            prev = _line_start(text, at - 1)
            if prev <= last.start_mark.index or text[prev:at].strip()[:1] not in ("", "#"):
                break
            at = prev
        return text[:at] + nl + _dump_block(entries, dash_col, first.start_mark.column) + text[at:]
    if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        text = text[: value.start_mark.index] + text[value.end_mark.index:]
        at, nl = _after_line(text, key.end_mark.index)
        col = key.start_mark.column
        return text[:at] + nl + _dump_block(entries, col + 2, col + 4) + text[at:]
    raise SourceAddError("`sources` in the scenario file must be a list")


def _unique_id(base: str, taken: set[str], folder: Path) -> str:
    candidate, n = base, 1
    while candidate in taken or (folder / f"{candidate}.txt").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.accord-tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_new(target: Path, text: str) -> None:
    """Write ``text`` to ``target``, which must not exist: a temporary file, fsynced, then linked into place.

    A failure or an interruption never leaves a truncated ``target``; the temporary file
    is removed on any error.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.accord-tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:
            if target.exists():
                raise FileExistsError(f"{target} already exists") from None
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def add_sources(
    scenario: str | Path,
    files: list[str | Path],
    *,
    title: str | None = None,
    author: str | None = None,
    date: dt.date | None = None,
    publisher: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
) -> list[AddedSource]:
    """Add documents as sources of a scenario file.

    Parameters
    ----------
    scenario : str or Path
        A YAML or JSON scenario file (not a built-in scenario); it must be valid.
    files : list of str or Path
        Text, Markdown, HTML or PDF documents.
    title, source_id, url : str, optional
        Override what is read from the document; only with a single file.
    author, publisher : str, optional
    date : datetime.date, optional
        Override what is read from the documents, for every file.

    Returns
    -------
    list of AddedSource

    Raises
    ------
    SourceAddError
        Nothing was written: the scenario is built-in or not writable, an option does not fit,
        or the file did not read back as expected (the original was restored).
    ScenarioError, ImportFormatError
        The scenario is invalid or a document cannot be read; nothing was written.
    """
    from accord.scenario.io import MAX_SOURCE_BYTES, load_scenario, read_text

    if not files:
        raise SourceAddError("name at least one file to add")
    if len(files) > 1 and (title or source_id or url):
        raise SourceAddError("--title, --id and --url apply to a single file; add the files one at a time")
    path = scenario_file(scenario)
    before = load_scenario(path, require_data=False)
    original = path.read_bytes()
    text = read_text(path)
    folder = path.parent / "sources"
    taken = {s.id for s in before.sources}
    if source_id is not None and source_id in taken:
        raise SourceAddError(f"the scenario already has a source {source_id!r}")

    planned: list[tuple[Source, str, Extracted, Path]] = []
    for f in files:
        doc = Path(f)
        extracted = extract_file(doc)
        body = extracted.text
        if len(body.encode("utf-8")) > MAX_SOURCE_BYTES:
            limit = f"{MAX_SOURCE_BYTES / 2**20:g} MiB"
            raise ScenarioError([Problem("", f"extracted text is larger than the {limit} limit for a source",
                                         str(doc))])
        sid = source_id or _unique_id(slug(doc.stem), taken, folder)
        if (folder / f"{sid}.txt").exists():
            raise SourceAddError(f"{folder / (sid + '.txt')} already exists; choose another --id")
        taken.add(sid)
        notes = [f"Text extracted from {doc.name} ({extracted.format})."]
        if extracted.dropped:
            notes.append(f"{len(extracted.dropped)} boilerplate block(s) left out.")
        given_title = title or extracted.title
        source = Source(
            id=sid,
            title=given_title or doc.stem,
            title_assigned=given_title is None,
            author=author or extracted.author,
            publisher=publisher or extracted.publisher,
            date=date or extracted.date,
            url=url or extracted.url,
            file=f"sources/{sid}.txt",
            notes=" ".join(notes),
        )
        planned.append((source, body, extracted, doc))

    entries = [_entry(s) for s, _, _, _ in planned]
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        data.setdefault("sources", [])
        if not isinstance(data["sources"], list):
            raise SourceAddError("`sources` in the scenario file must be a list")
        data["sources"].extend(json.loads(json.dumps(e, default=str)) for e in entries)
        new_text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        new_text = insert_yaml_sources(text, entries)

    created_dir = not folder.exists()
    written: list[Path] = []
    try:
        folder.mkdir(exist_ok=True)
        for source, body, _, _ in planned:
            target = folder / f"{source.id}.txt"
            _write_new(target, body)
            written.append(target)
        _write_atomic(path, new_text.encode("utf-8"))
        after = load_scenario(path, require_data=False)
        _check_round_trip(before, after, [s for s, _, _, _ in planned])
    except BaseException as exc:
        if path.read_bytes() != original:
            _write_atomic(path, original)
        for target in written:
            target.unlink(missing_ok=True)
        if created_dir and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
        if isinstance(exc, ScenarioError):
            raise SourceAddError(f"the scenario did not validate after adding the sources, so it was "
                                 f"left unchanged:\n{exc}") from None
        if isinstance(exc, OSError):
            raise SourceAddError(f"cannot write next to the scenario: {exc}") from None
        raise
    by_id = {s.id: s for s in after.sources}
    return [AddedSource(by_id[s.id], folder / f"{s.id}.txt", ex, doc) for s, _, ex, doc in planned]


def _check_round_trip(before: Scenario, after: Scenario, added: list[Source]) -> None:
    n = len(before.sources)
    ok = (
        after.sources[:n] == before.sources
        and [s.id for s in after.sources[n:]] == [s.id for s in added]
        and all(a.model_copy(update={"text": None}) == b
                for a, b in zip(after.sources[n:], added, strict=True))
        and after.model_copy(update={"sources": before.sources}) == before
    )
    if not ok:
        raise SourceAddError("the scenario file did not read back as the same scenario plus the new sources, "
                             "so it was left unchanged")
