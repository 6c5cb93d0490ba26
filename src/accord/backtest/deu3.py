"""Read the DEU III dataset of EU legislative negotiations and turn its issues into scenarios.

DEU III (Arregui & Perarnaud 2021, "The Decision-making in the European Union (DEU
III) dataset", CORA repository, doi:10.34810/data53, CC BY 4.0) records, for 364
controversial issues in 141 legislative proposals (1996–2018), each actor's position
and salience on a 0–100 scale, the reference point (what happens without a new act)
and the outcome. The copy shipped in ``accord/data/deu3`` (see its README) is
tab-separated: a header, then a row of each actor's GDP (not an issue), then one row
per issue with ``p<actor>`` and ``s<actor>`` columns for the European Commission
(``com``), the European Parliament (``ep``) and 28 member states.

Reading rules:

- an actor takes part in an issue when it has both a position and a salience;
  saliences are divided by 100 to give accord's 0–1 scale. A position without a
  salience (54 in the packaged file) is left out, not imputed: every model weighs an
  actor by its salience, and the file gives none. They are listed in
  :attr:`Deu3.missing_salience` and counted in the backtest's report. Imputing them would
  be a modelling choice the data do not support, and it barely matters: with the issue's
  mean salience the salience-weighted mean's MAE is 23.646 instead of 23.681 (with the
  actor's mean salience over its issues, 23.613);
- an issue belongs to the proposal its issue id names (``<proposal>i<k>``): where the
  ``prnr`` column disagrees, the issue id wins and the correction is listed in
  :attr:`Deu3.corrections`. In the packaged file this joins the ERDF regulation, whose
  first two issues carry ``a04163`` and the other two ``d04167`` (same issue ids
  ``d04167i1``–``i4``, name, dates and procedure), into one proposal;
- a reference point that is not recorded (100 valid issues) stays NaN in
  :attr:`Deu3.reference` (the reference-point baseline skips those issues). Where a
  scenario needs a status quo, such an issue gets :attr:`Deu3.reference_fill`: the most
  common recorded reference point of the file (0 in the packaged file, 198 of the 253
  recorded ones; ties: the smallest). The middle of the scale, which a scenario without a
  status quo would get, is recorded on 5 issues only;
- issues without a valid outcome (missing, or outside [0, 100]) are excluded and
  listed in :attr:`Deu3.excluded` with the reason;
- dates are day-month-year; some were mangled by a spreadsheet into
  ``YYYY-MM-DD`` where ``YYYY`` holds the day (19dd/20dd) and ``DD`` the two-digit
  year (``"2029-09-04"`` is 29 September 2004); ``999`` means unknown.

Every issue can be built as a :class:`~accord.scenario.schema.Scenario` with
:func:`accord.scenario.io.scenario_from_data` (:func:`group_scenario`), so every model
runs on it unchanged; the backtest builds the same
:class:`~accord.scenario.arrays.ScenarioArrays` directly (:func:`group_arrays`),
which is much faster and gives identical arrays.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from accord import data as packaged
from accord.backtest.voting_power import council_power
from accord.errors import ImportFormatError, ScenarioError
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.io import read_text, scenario_from_data
from accord.scenario.schema import Scenario

ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
    "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)
INSTITUTIONS: tuple[str, ...] = ("com", "ep")
MEMBER_STATES: tuple[str, ...] = ACTORS[2:]
ACTOR_NAMES: dict[str, str] = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria", "be": "Belgium",
    "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark",
    "ee": "Estonia", "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece", "hu": "Hungary",
    "ie": "Ireland", "it": "Italy", "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta",
    "nl": "Netherlands", "pl": "Poland", "pt": "Portugal", "ro": "Romania", "si": "Slovenia",
    "sk": "Slovakia", "es": "Spain", "se": "Sweden", "uk": "United Kingdom",
}
#: DEU III actor codes that differ from the EU country codes used by :mod:`accord.backtest.voting_power`.
EU_CODE: dict[str, str] = {"bu": "bg", "cr": "hr"}

CAPABILITIES: tuple[str, ...] = ("equal", "gdp", "council_votes", "calibrated")
Capability = Literal["equal", "gdp", "council_votes", "calibrated"]
COUNCIL_DATES: tuple[str, ...] = ("adoption", "introduction")

#: Capability of the Commission and of the Parliament under ``gdp``, ``council_votes`` and
#: ``calibrated``, as a multiple of the mean member state's capability under the same option.
#: They are not states: they have no GDP and no Council votes, and the data give no other
#: measure of their weight, so each counts as an average member state.
INSTITUTION_POWER = 1.0

_META = ("prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc", "counvte", "intro",
         "finact")
_SCALE = 100.0


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Deu3:
    """The valid issues of a DEU III file, as arrays (issues × actors in :data:`ACTORS` order).

    Attributes
    ----------
    issue_ids, proposal_ids, proposal_names : tuple of str, length I
    act_types, council_areas : tuple of str, length I
        Type of act (Reg, Dir, Dec) and Council configuration.
    procedure : tuple of str, length I
        ``COD`` (co-decision) or ``CNS`` (consultation).
    voting_rule : tuple of str, length I
        ``QMV``, ``QMV(10)`` (qualified majority cast by at least ten members) or ``Unan``.
    introduced, adopted : tuple of (date or None), length I
        Dates of the Commission proposal and of the final act.
    position : ndarray, shape (I, A)
        0–100; NaN where the actor does not take part.
    salience : ndarray, shape (I, A)
        0–1; 0 where the actor does not take part.
    present : ndarray of bool, shape (I, A)
    reference : ndarray, shape (I,)
        Reference point (no new act); NaN where not recorded.
    outcome : ndarray, shape (I,)
        What was decided, in [0, 100].
    gdp : ndarray or None, shape (A,)
        The GDP row (trillion USD), when the file has one (for the Commission and the
        Parliament the packaged file repeats Germany's 4.1, which is not their GDP; see
        :func:`capabilities`).
    excluded : tuple of (str, str, str)
        Issue id, proposal id and reason of every issue left out.
    source : str
        Name of the file read.
    missing_salience : tuple of (str, str)
        Issue id and actor of every position that has no salience (left out).
    corrections : tuple of (str, str, str)
        Issue id, the ``prnr`` of the file and the proposal id used instead.
    reference_fill : float
        Status quo of the issues without a recorded reference point (NaN: the file
        records none).
    """

    issue_ids: tuple[str, ...]
    proposal_ids: tuple[str, ...]
    proposal_names: tuple[str, ...]
    act_types: tuple[str, ...]
    council_areas: tuple[str, ...]
    procedure: tuple[str, ...]
    voting_rule: tuple[str, ...]
    introduced: tuple[dt.date | None, ...]
    adopted: tuple[dt.date | None, ...]
    position: np.ndarray
    salience: np.ndarray
    present: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    gdp: np.ndarray | None
    excluded: tuple[tuple[str, str, str], ...] = ()
    source: str = "deu3"
    missing_salience: tuple[tuple[str, str], ...] = ()
    corrections: tuple[tuple[str, str, str], ...] = ()
    reference_fill: float = math.nan
    _proposal_codes: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _, codes = np.unique(np.asarray(self.proposal_ids, dtype=object), return_inverse=True)
        object.__setattr__(self, "_proposal_codes", _frozen(codes.astype(np.int64)))

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    @property
    def proposals(self) -> tuple[str, ...]:
        """Proposal ids in order of first appearance."""
        return tuple(dict.fromkeys(self.proposal_ids))

    @property
    def status_quo(self) -> np.ndarray:
        """The reference point of each issue, :attr:`reference_fill` where none is recorded; shape (I,)."""
        return np.where(np.isnan(self.reference), self.reference_fill, self.reference)

    @property
    def proposal_codes(self) -> np.ndarray:
        """An integer label per issue, equal for issues of the same proposal."""
        return self._proposal_codes

    def subset(self, index: Sequence[int] | np.ndarray) -> Deu3:
        """The issues at ``index`` (in that order); ``excluded`` is kept."""
        idx = np.asarray(index, dtype=np.int64)

        def pick(values: tuple) -> tuple:
            return tuple(values[k] for k in idx)

        return Deu3(
            issue_ids=pick(self.issue_ids), proposal_ids=pick(self.proposal_ids),
            proposal_names=pick(self.proposal_names), act_types=pick(self.act_types),
            council_areas=pick(self.council_areas), procedure=pick(self.procedure),
            voting_rule=pick(self.voting_rule), introduced=pick(self.introduced), adopted=pick(self.adopted),
            position=_frozen(self.position[idx]), salience=_frozen(self.salience[idx]),
            present=_frozen(self.present[idx]), reference=_frozen(self.reference[idx]),
            outcome=_frozen(self.outcome[idx]), gdp=self.gdp, excluded=self.excluded, source=self.source,
            missing_salience=tuple(m for m in self.missing_salience if m[0] in set(pick(self.issue_ids))),
            corrections=tuple(c for c in self.corrections if c[0] in set(pick(self.issue_ids))),
            reference_fill=self.reference_fill,
        )

    def first_proposals(self, n: int) -> Deu3:
        """The issues of the first ``n`` proposals (a quick subset for checks)."""
        keep = set(self.proposals[:n])
        part = self.subset([k for k, p in enumerate(self.proposal_ids) if p in keep])
        return replace(part, excluded=tuple(e for e in self.excluded if e[1] in keep))


def parse_date(text: str) -> dt.date | None:
    """A DEU III date: ``dd-mm-yy``, ``dd-mm-yyyy`` or the mangled ``YYYY-MM-DD`` form; None for ``999``.

    Raises
    ------
    ValueError
        When the text is none of these.
    """
    text = text.strip()
    if text in ("", "999", "."):
        return None
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if year < 100:
            year += 1900 if year > 50 else 2000
        return dt.date(year, month, day)
    m = re.fullmatch(r"(19|20)(\d{2})-(\d{2})-(\d{2})", text)
    if m:
        day, month, year = int(m.group(2)), int(m.group(3)), int(m.group(4))
        return dt.date(year + (1900 if year > 50 else 2000), month, day)
    raise ValueError(f"not a DEU III date: {text!r}")


def _number(text: str, where: str) -> float:
    text = text.strip()
    if text in ("", "."):
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise ImportFormatError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ImportFormatError(f"{where}: expected a finite number, got {text!r}")
    return value


def proposal_of(issue: str, prnr: str) -> str:
    """The proposal an issue belongs to: the one its id names (``<proposal>i<k>``), else ``prnr``."""
    m = re.fullmatch(r"(.+)i\d+", issue)
    return m.group(1) if m else prnr


def most_common(values: np.ndarray) -> float:
    """The most frequent finite value (ties: the smallest); NaN when there is none."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan
    uniq, counts = np.unique(v, return_counts=True)
    return float(uniq[np.argmax(counts)])


def read_deu3(text: str, name: str = "deu3.csv") -> Deu3:
    """Parse DEU III text (tab-separated, as described in the module docstring).

    Raises
    ------
    ImportFormatError
        On a missing column, a value that is not a number or date, or a position or
        salience outside 0–100; the message names the line and column.
    """
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise ImportFormatError(f"{name}: the file is empty")
    header = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(header)}
    needed = [*_META, *(f"p{a}" for a in ACTORS), *(f"s{a}" for a in ACTORS), "rp", "out"]
    missing = [c for c in needed if c not in col]
    if missing:
        raise ImportFormatError(f"{name}: not in the DEU III layout; missing columns: {', '.join(missing)}")

    def cell(row: list[str], column: str) -> str:
        k = col[column]
        return row[k].strip() if k < len(row) else ""

    gdp = None
    body = rows[1:]
    line0 = 2
    if body and not cell(body[0], "isnr"):
        gdp = np.array([_number(cell(body[0], f"p{a}"), f"{name}, line 2, column p{a}") for a in ACTORS])
        body, line0 = body[1:], 3

    meta: dict[str, list[Any]] = {
        k: [] for k in ("issue", "proposal", "pname", "type", "council", "proc", "rule", "intro", "adopted")
    }
    pos_rows, sal_rows, ref, out = [], [], [], []
    excluded: list[tuple[str, str, str]] = []
    corrections: list[tuple[str, str, str]] = []
    for offset, row in enumerate(body):
        line = line0 + offset
        if not any(c.strip() for c in row):
            continue
        issue = cell(row, "isnr")
        where = f"{name}, line {line}"
        if not issue:
            raise ImportFormatError(f"{where}: the issue id (isnr) is empty")
        outcome = _number(cell(row, "out"), f"{where}, column out")
        prnr = cell(row, "prnr")
        proposal = proposal_of(issue, prnr)
        if math.isnan(outcome):
            excluded.append((issue, proposal, "no outcome recorded"))
            continue
        if not 0.0 <= outcome <= _SCALE:
            excluded.append((issue, proposal, f"outcome {outcome:g} outside [0, 100]"))
            continue
        if proposal != prnr:
            corrections.append((issue, prnr, proposal))
        p = np.array([_number(cell(row, f"p{a}"), f"{where}, column p{a}") for a in ACTORS])
        s = np.array([_number(cell(row, f"s{a}"), f"{where}, column s{a}") for a in ACTORS])
        for arr, prefix in ((p, "p"), (s, "s")):
            bad = np.flatnonzero((arr < 0) | (arr > _SCALE))
            if bad.size:
                a = ACTORS[bad[0]]
                raise ImportFormatError(
                    f"{where}, column {prefix}{a}: must be between 0 and 100, got {arr[bad[0]]:g}")
        r = _number(cell(row, "rp"), f"{where}, column rp")
        if not math.isnan(r) and not 0.0 <= r <= _SCALE:
            raise ImportFormatError(f"{where}, column rp: must be between 0 and 100, got {r:g}")
        dates = []
        for column in ("intro", "finact"):
            try:
                dates.append(parse_date(cell(row, column)))
            except ValueError as exc:
                raise ImportFormatError(f"{where}, column {column}: {exc}") from None
        meta["issue"].append(issue)
        meta["proposal"].append(proposal)
        meta["pname"].append(cell(row, "prname"))
        meta["type"].append(cell(row, "type"))
        meta["council"].append(cell(row, "council"))
        meta["proc"].append(cell(row, "proc"))
        meta["rule"].append(cell(row, "counvte"))
        meta["intro"].append(dates[0])
        meta["adopted"].append(dates[1])
        pos_rows.append(p)
        sal_rows.append(s)
        ref.append(r)
        out.append(outcome)

    n_actors = len(ACTORS)
    position = np.array(pos_rows).reshape(-1, n_actors)
    salience = np.array(sal_rows).reshape(-1, n_actors)
    present = ~np.isnan(position) & ~np.isnan(salience)
    no_salience = np.argwhere(~np.isnan(position) & np.isnan(salience))
    reference = np.array(ref, dtype=float)
    return Deu3(
        issue_ids=tuple(meta["issue"]), proposal_ids=tuple(meta["proposal"]),
        proposal_names=tuple(meta["pname"]), act_types=tuple(meta["type"]),
        council_areas=tuple(meta["council"]), procedure=tuple(meta["proc"]),
        voting_rule=tuple(meta["rule"]), introduced=tuple(meta["intro"]), adopted=tuple(meta["adopted"]),
        position=_frozen(np.where(present, position, np.nan)),
        salience=_frozen(np.where(present, salience / _SCALE, 0.0)),
        present=_frozen(present), reference=_frozen(reference),
        outcome=_frozen(np.array(out, dtype=float)), gdp=None if gdp is None else _frozen(gdp),
        excluded=tuple(excluded), source=name,
        missing_salience=tuple((meta["issue"][k], ACTORS[a]) for k, a in no_salience),
        corrections=tuple(corrections), reference_fill=most_common(reference),
    )


@cache
def _packaged() -> Deu3:
    file = packaged.path("deu3", "deu3.csv")
    return read_deu3(read_text(file, what="DEU III file"), name="deu3")


def load_deu3(path: str | Path | None = None) -> Deu3:
    """The packaged DEU III copy (cached), or a file in the same layout."""
    if path is None:
        return _packaged()
    file = Path(path)
    try:
        text = read_text(file, what="DEU III file")
    except ScenarioError as exc:
        raise ImportFormatError(str(exc.problems[0]) if exc.problems else str(exc)) from None
    return read_deu3(text, name=str(file))


def gdp_capability(data: Deu3, alpha: float = 1.0) -> np.ndarray:
    """``GDP^α`` of every actor; the Commission and the Parliament get the mean member state's.

    The file's GDP row is read for the member states only: its value for the Commission
    and the Parliament (Germany's, in the packaged file) is not a GDP. Each of them gets
    :data:`INSTITUTION_POWER` times the mean of the member states' ``GDP^α`` (the mean
    over every member state in the row), as under ``council_votes``.

    Parameters
    ----------
    data : Deu3
    alpha : float
        Exponent (1: GDP itself; 0: everyone 1).

    Returns
    -------
    ndarray, shape (A,)
    """
    if data.gdp is None:
        raise ImportFormatError(f"{data.source}: has no GDP row, so capability 'gdp' is not available")
    states = np.array([a not in INSTITUTIONS for a in ACTORS])
    gdp = np.asarray(data.gdp, dtype=float)
    if not (np.isfinite(gdp[states]).all() and (gdp[states] > 0).all()):
        raise ImportFormatError(f"{data.source}: the GDP row needs a positive number for every member state")
    own = gdp**alpha
    return np.where(states, own, INSTITUTION_POWER * own[states].mean())


def capabilities(data: Deu3, kind: Capability = "equal", *, council_date: str = "adoption",
                 index: str = "banzhaf", alpha: float | None = None) -> np.ndarray:
    """Capability of every actor on every issue.

    Parameters
    ----------
    data : Deu3
    kind : {"equal", "gdp", "council_votes", "calibrated"}
        ``equal``: 1 for everyone. ``gdp``: each member state's GDP from the file's GDP
        row; the Commission and the Parliament the mean member state's
        (:func:`gdp_capability`). ``council_votes``: each member state's a-priori
        voting power in the Council under the rule in force
        (:func:`accord.backtest.voting_power.council_power`: normalised Banzhaf index,
        scaled so the mean member state has 1), taking the issue's voting rule
        (qualified majority or unanimity) into account; states that were not members
        then get 0; the Commission and the Parliament get :data:`INSTITUTION_POWER`
        times the mean member state's power, i.e. 1. ``calibrated``: ``GDP^alpha``
        (:func:`gdp_capability`), with ``alpha`` fitted by the backtest on training folds.
    council_date : {"adoption", "introduction"}
        Which date picks the Council rule: the adoption of the final act (default; the
        rule under which the act was adopted, falling back to the introduction when the
        final act's date is unknown) or the Commission's proposal.
    index : {"banzhaf", "shapley_shubik"}
    alpha : float, optional
        The exponent of ``calibrated`` (required for it).

    Returns
    -------
    ndarray, shape (I, A)
    """
    shape = (data.n_issues, len(ACTORS))
    if kind == "equal":
        return np.ones(shape)
    if kind == "gdp":
        return np.broadcast_to(gdp_capability(data), shape).copy()
    if kind == "calibrated":
        if alpha is None:
            raise ValueError("capability 'calibrated' needs its exponent alpha (the backtest fits it per fold)")
        return np.broadcast_to(gdp_capability(data, alpha), shape).copy()
    if kind != "council_votes":
        raise ValueError(f"capability must be one of {', '.join(CAPABILITIES)}, got {kind!r}")
    if council_date not in COUNCIL_DATES:
        raise ValueError(f"council_date must be 'adoption' or 'introduction', got {council_date!r}")
    out = np.zeros(shape)
    for k in range(data.n_issues):
        date = data.introduced[k]
        if council_date == "adoption" and data.adopted[k] is not None:
            date = data.adopted[k]
        if date is None:
            raise ImportFormatError(f"{data.source}: issue {data.issue_ids[k]} has no date of introduction")
        power = council_power(date, data.voting_rule[k], index)  # type: ignore[arg-type]
        for a, actor in enumerate(ACTORS):
            own = power.get(EU_CODE.get(actor, actor), 0.0)
            out[k, a] = INSTITUTION_POWER if actor in INSTITUTIONS else own
    return out


def capability_note(data: Deu3, kind: Capability, *, council_date: str = "adoption") -> str:
    """Where the capabilities of ``kind`` come from, and what the Commission and the Parliament get, in words."""
    inst = ("the Commission and the Parliament each get the mean member state's {what}, "
            "since they have no {lack} and the data give no other measure of their weight")
    if kind == "equal":
        return "every actor 1 (the compromise model is then the salience-weighted mean)"
    if kind in ("gdp", "calibrated"):
        if data.gdp is None:
            return "not available: the file has no GDP row"
        states = [a for a in ACTORS if a not in INSTITUTIONS]
        mean = float(np.mean([data.gdp[ACTORS.index(a)] for a in states]))
        held = [float(data.gdp[ACTORS.index(a)]) for a in INSTITUTIONS]
        file_note = (f"; the file's value for them ({held[0]:g}) is not theirs and is not used"
                     if any(math.isfinite(h) for h in held) else "")
        where = "member states: the GDP row of the file (trillion USD, one year for the whole period)"
        if kind == "gdp":
            return (f"{where}; " + inst.format(what=f"GDP ({mean:.3f})", lack="GDP") + file_note)
        return (f"GDP^α × salience^β with α and β fitted on the training folds only (grid α 0–1.5, "
                f"β 0–2, steps 0.25; least MAE of the weighted mean); {where}; "
                + inst.format(what="GDP^α", lack="GDP") + file_note)
    if kind == "council_votes":
        return ("member states: a-priori voting power in the Council (normalised Banzhaf index, mean "
                f"member 1) under the rule in force at the {council_date} date and the issue's voting rule; "
                "non-members 0; " + inst.format(what="power (1)", lack="Council votes"))
    raise ValueError(f"capability must be one of {', '.join(CAPABILITIES)}, got {kind!r}")


def groups(data: Deu3, capability: np.ndarray,
           by: Literal["proposal", "issue"] = "proposal") -> list[np.ndarray]:
    """Issue indices that form one scenario each.

    ``by="proposal"`` puts a proposal's issues together (what multi-issue models need);
    issues of a proposal whose capabilities differ (different voting rules) are split.
    ``by="issue"`` gives one scenario per issue.
    """
    if by == "issue":
        return [np.array([k]) for k in range(data.n_issues)]
    if by != "proposal":
        raise ValueError(f"grouping must be 'proposal' or 'issue', got {by!r}")
    out: list[np.ndarray] = []
    members: dict[str, list[int]] = {}
    for k, p in enumerate(data.proposal_ids):
        members.setdefault(p, []).append(k)
    for idx in members.values():
        split: dict[bytes, list[int]] = {}
        for k in idx:
            split.setdefault(np.ascontiguousarray(capability[k]).tobytes(), []).append(k)
        out.extend(np.array(v) for v in split.values())
    return out


def _check_group(idx: np.ndarray, capability: np.ndarray) -> np.ndarray:
    idx = np.asarray(idx, dtype=np.int64)
    if idx.size == 0:
        raise ValueError("a scenario needs at least one issue")
    if not np.array_equal(capability[idx], np.broadcast_to(capability[idx[0]], (idx.size, len(ACTORS)))):
        raise ValueError("issues of one scenario must share their capabilities")
    return idx


def group_actors(data: Deu3, idx: np.ndarray) -> np.ndarray:
    """Indices (into :data:`ACTORS`) of the actors taking part in at least one of the issues."""
    return np.flatnonzero(data.present[np.asarray(idx)].any(axis=0))


def group_arrays(data: Deu3, idx: Sequence[int] | np.ndarray, capability: np.ndarray) -> ScenarioArrays:
    """The :class:`ScenarioArrays` of the issues ``idx``, built directly.

    They equal ``arrays_from_scenario(group_scenario(data, idx, capability))``.
    """
    idx = _check_group(np.asarray(idx), capability)
    who = group_actors(data, idx)
    sq = data.status_quo[idx]
    return ScenarioArrays(
        actor_ids=tuple(ACTORS[a] for a in who),
        issue_ids=tuple(data.issue_ids[k] for k in idx),
        position=data.position[np.ix_(idx, who)].T.copy(),
        salience=data.salience[np.ix_(idx, who)].T.copy(),
        capability=capability[idx[0], who].astype(float),
        present=data.present[np.ix_(idx, who)].T.copy(),
        scale_min=np.zeros(idx.size),
        scale_max=np.full(idx.size, _SCALE),
        status_quo=np.where(np.isnan(sq), 0.5 * _SCALE, sq),
    )


def scenario_document(data: Deu3, idx: Sequence[int] | np.ndarray, capability: np.ndarray) -> dict[str, Any]:
    """The plain scenario document (as from YAML) of the issues ``idx``."""
    idx = _check_group(np.asarray(idx), capability)
    who = group_actors(data, idx)
    first = idx[0]
    pid, pname = data.proposal_ids[first], data.proposal_names[first]
    issues = []
    for k in idx:
        issue: dict[str, Any] = {
            "id": data.issue_ids[k],
            "name": f"{pname}, issue {data.issue_ids[k].rpartition('i')[2]}",
            "scale": {"min": 0.0, "max": _SCALE},
        }
        if not math.isnan(data.status_quo[k]):
            issue["status_quo"] = float(data.status_quo[k])
        issues.append(issue)
    stances = [
        {"actor": ACTORS[a], "issue": data.issue_ids[k], "position": float(data.position[k, a]),
         "salience": float(data.salience[k, a]),
         "assumption": "DEU III expert-interview estimate (Arregui & Perarnaud 2021)"}
        for k in idx for a in who if data.present[k, a]
    ]
    doc: dict[str, Any] = {
        "id": f"deu3-{pid}" if len(idx) > 1 else f"deu3-{data.issue_ids[first]}",
        "title": f"DEU III: {pname} ({pid}), {data.procedure[first]}, {data.voting_rule[first]}",
        "actors": [
            {"id": ACTORS[a], "name": ACTOR_NAMES[ACTORS[a]],
             "kind": "institution" if ACTORS[a] in INSTITUTIONS else "state",
             "capability": float(capability[first, a])}
            for a in who
        ],
        "issues": issues,
        "stances": stances,
    }
    if data.introduced[first] is not None:
        doc["as_of"] = data.introduced[first].isoformat()
    return doc


def group_scenario(data: Deu3, idx: Sequence[int] | np.ndarray, capability: np.ndarray) -> Scenario:
    """The issues ``idx`` as a validated :class:`Scenario`, built with :func:`scenario_from_data`."""
    return scenario_from_data(scenario_document(data, idx, capability), file=data.source)


def issue_scenario(data: Deu3, issue_id: str, kind: Capability = "equal", **options: Any) -> Scenario:
    """One issue as a scenario, with capabilities of ``kind`` (see :func:`capabilities`)."""
    k = data.issue_ids.index(issue_id)
    return group_scenario(data, [k], _capability_rows(data, [k], kind, options))


def proposal_scenario(data: Deu3, proposal_id: str, kind: Capability = "equal", **options: Any) -> Scenario:
    """A proposal's valid issues together as one scenario."""
    idx = [k for k, p in enumerate(data.proposal_ids) if p == proposal_id]
    if not idx:
        raise KeyError(proposal_id)
    return group_scenario(data, idx, _capability_rows(data, idx, kind, options))


def _capability_rows(data: Deu3, idx: list[int], kind: Capability, options: dict[str, Any]) -> np.ndarray:
    cap = np.zeros((data.n_issues, len(ACTORS)))
    cap[idx] = capabilities(data.subset(idx), kind, **options)
    return cap
