"""Tables to and from spreadsheets: CSV and Excel (``.xlsx``, needs openpyxl).

:func:`write_tables` writes the tables a command prints (one sheet each in Excel; in
CSV the first to the file named and each other beside it); :func:`stance_table` and
:func:`apply_stance_table` take a scenario's stances to a sheet and back without loss.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from accord.errors import AccordError
from accord.scenario.io import scenario_from_data, scenario_to_data
from accord.scenario.schema import Scenario

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]
"""A table: its name, its header and its rows."""

SUFFIXES = (".csv", ".xlsx")
STANCE_COLUMNS = ("actor", "issue", "position_low", "position_high", "salience_low", "salience_high",
                  "expects_low", "expects_high", "assumption", "evidence",
                  "red_line_at_least", "red_line_at_most", "red_line_credibility_low", "red_line_credibility_high",
                  "red_line_assumption", "red_line_evidence", "actor_name", "issue_name")
"""Columns of the stance sheet; ``actor_name`` and ``issue_name`` are for reading and ignored on import."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise AccordError("Excel files need openpyxl: pip install openpyxl") from None
    return openpyxl


def check_suffix(path: Path) -> str:
    """``.csv`` or ``.xlsx``, or an error naming both."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise AccordError(f"{path}: a table is written as .csv or .xlsx, got {suffix or 'no suffix'!r}")
    return suffix


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "table"


def write_tables(path: Path, tables: Sequence[Table]) -> list[Path]:
    """Write ``tables`` to ``path`` (.csv or .xlsx).

    Returns
    -------
    list of Path
        The files written: one Excel workbook with a sheet per table, or one CSV file per
        table (the first at ``path``, the others at ``path`` with ``-NAME`` added to the stem).
    """
    suffix = check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        openpyxl = _openpyxl()
        book = openpyxl.Workbook()
        book.remove(book.active)
        used: set[str] = set()
        for name, header, rows in tables:
            title = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "table"
            while title in used:
                title = title[:28] + f"_{len(used)}"
            used.add(title)
            sheet = book.create_sheet(title)
            for r, row in enumerate([list(header), *rows], start=1):
                for c, value in enumerate(row, start=1):
                    cell = sheet.cell(row=r, column=c, value=_cell(value))
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
        book.save(path)
        return [path]
    written = []
    for k, (name, header, rows) in enumerate(tables):
        target = path if k == 0 else path.with_name(f"{path.stem}-{_slug(name)}{path.suffix}")
        with target.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows([[_cell(v) for v in row] for row in rows])
        written.append(target)
    return written


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def read_table(path: Path) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a CSV file or of the first sheet of an Excel workbook (empty cells are None)."""
    suffix = check_suffix(path)
    if suffix == ".xlsx":
        openpyxl = _openpyxl()
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise AccordError(f"{path}: not a readable Excel workbook ({exc})") from None
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        text = path.read_text(encoding="utf-8-sig")
        rows = [[c if c != "" else None for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise AccordError(f"{path}: the sheet is empty")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    return header, [[c.strip() if isinstance(c, str) else c for c in r] for r in rows[1:]]


def _pair(value: Any) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    if isinstance(value, list):
        return value[0], value[1]
    return value, None


def stance_table(scenario: Scenario) -> Table:
    """The stances as a sheet: one row each, ranges as low and high, evidence one ``source: quote`` a line."""
    data = scenario_to_data(scenario)
    actors = {a.id: a.name for a in scenario.actors}
    issues = {i.id: i.name for i in scenario.issues}
    rows = []
    for st in data.get("stances", []):
        row: list[Any] = [st["actor"], st["issue"]]
        for key in ("position", "salience", "expects"):
            row += list(_pair(st.get(key)))
        row.append(st.get("assumption"))
        row.append(_evidence_text(st.get("evidence", [])))
        line = st.get("red_line") or {}
        row += [line.get("at_least"), line.get("at_most"), *_pair(line.get("credibility")),
                line.get("assumption"), _evidence_text(line.get("evidence", []))]
        row += [actors.get(st["actor"]), issues.get(st["issue"])]
        rows.append(row)
    return "stances", STANCE_COLUMNS, rows


def _evidence_text(evidence: Sequence[dict[str, str]]) -> str | None:
    return "\n".join(f"{e['source']}: {e['quote']}" for e in evidence) or None


def _evidence(text: Any, where: str, problems: list[str]) -> list[dict[str, str]]:
    out = []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        source, sep, quote = line.partition(": ")
        if not sep:
            problems.append(f"{where}: expected 'source: quote', got {line!r}")
            continue
        out.append({"source": source.strip(), "quote": quote})
    return out


def _number(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise AccordError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, int | float):
        return value
    try:
        x = float(str(value).replace(",", "."))
    except ValueError:
        raise AccordError(f"{where}: expected a number, got {value!r}") from None
    return int(x) if x.is_integer() and re.fullmatch(r"-?\d+", str(value).strip()) else x


def apply_stance_table(scenario: Scenario, header: Sequence[str], rows: Sequence[Sequence[Any]],
                       name: str = "sheet") -> Scenario:
    """``scenario`` with its stances replaced by those of a stance sheet (see :func:`stance_table`).

    Raises
    ------
    AccordError
        A missing column or a cell that is not a number where one is needed (every such
        problem at once).
    accord.errors.ScenarioError
        The scenario with the new stances is invalid.
    """
    missing = [c for c in ("actor", "issue", "position_low", "salience_low") if c not in header]
    if missing:
        raise AccordError(f"{name}: the sheet needs the columns {', '.join(missing)} (see accord export)")
    col = {c: header.index(c) for c in STANCE_COLUMNS if c in header}
    problems = []
    stances = []
    for k, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (len(header) - len(row))

        def get(key: str, cells: list[Any] = cells) -> Any:
            return cells[col[key]] if key in col else None

        stance: dict[str, Any] = {"actor": str(get("actor") or ""), "issue": str(get("issue") or "")}
        for key in ("position", "salience", "expects"):
            try:
                low = _number(get(f"{key}_low"), f"{name}, row {k}, {key}_low")
                high = _number(get(f"{key}_high"), f"{name}, row {k}, {key}_high")
            except AccordError as exc:
                problems.append(str(exc))
                continue
            if low is not None:
                stance[key] = [low, high] if high is not None else low
        if get("assumption"):
            stance["assumption"] = str(get("assumption"))
        evidence = _evidence(get("evidence"), f"{name}, row {k}, evidence", problems)
        if evidence:
            stance["evidence"] = evidence
        line: dict[str, Any] = {}
        try:
            for key in ("at_least", "at_most"):
                value = _number(get(f"red_line_{key}"), f"{name}, row {k}, red_line_{key}")
                if value is not None:
                    line[key] = value
            low = _number(get("red_line_credibility_low"), f"{name}, row {k}, red_line_credibility_low")
            high = _number(get("red_line_credibility_high"), f"{name}, row {k}, red_line_credibility_high")
        except AccordError as exc:
            problems.append(str(exc))
            low = high = None
        if line:
            if low is not None:
                line["credibility"] = [low, high] if high is not None else low
            if get("red_line_assumption"):
                line["assumption"] = str(get("red_line_assumption"))
            line_evidence = _evidence(get("red_line_evidence"), f"{name}, row {k}, red_line_evidence", problems)
            if line_evidence:
                line["evidence"] = line_evidence
            stance["red_line"] = line
        stances.append(stance)
    if problems:
        raise AccordError("\n".join(problems))
    data = scenario_to_data(scenario)
    data["stances"] = stances
    data["sources"] = [src.model_dump(mode="json", exclude_defaults=True) for src in scenario.sources]
    return scenario_from_data(data, file=name)
