"""A-priori voting power in the Council of the European Union, computed exactly.

Every qualified-majority rule the Council has used since 1995 is a *quota game*: a
coalition ``S`` of member states wins when

    Σ_{i ∈ S} v_i ≥ θ(|S|),

where ``v`` is one additive quantity (weighted votes, or population) and the quota
``θ`` depends on the number of members in the coalition (``θ = ∞`` where too few
members take part, ``θ = 0`` where too few are left to form a blocking minority).

Power is the **normalised Banzhaf index** (Penrose 1946; Banzhaf 1965; Felsenthal &
Machover 1998, *The Measurement of Voting Power*, Edward Elgar): the share of all
swings (a losing coalition that the member turns into a winning one by joining)
that belong to each member. The Shapley–Shubik index (Shapley & Shubik 1954, *APSR*
48(3)) is available from the same swing counts.

The swings are counted exactly, not sampled: for each member, the other members
are split in two halves whose coalitions (2^14 each for 28 members) are enumerated
with their size and sum; for every coalition size ``c`` the swings are the
coalitions whose sum lies in ``[θ(c+1) − v_i, θ(c))``, counted by binary search in
the sorted sums of the other half (a meet-in-the-middle enumeration). Sums are
integers (votes, persons), so the counts are exact; 28 members take milliseconds.

Rules (for acts on a proposal from the Commission; the variants for other acts
are given in brackets):

========================  ==========================  ============================================
period                    members                     qualified majority
========================  ==========================  ============================================
1995-01-01 – 2004-04-30   EU-15, 87 votes             62 votes [cast by at least 10 members];
                                                      Art. 205(2) EC (Art. 148(2) EC before 1999)
2004-05-01 – 2004-10-31   EU-25, 124 votes            88 votes [by at least two thirds of the
                                                      members]; 2003 Act of Accession, Art. 26
2004-11-01 – 2006-12-31   EU-25, 321 votes            232 votes and a majority of the members
                                                      [two thirds]; 2003 Act of Accession, Art. 12
2007-01-01 – 2013-06-30   EU-27, 345 votes            255 votes, majority of members; 2005 Act of
                                                      Accession, Art. 22
2013-07-01 – 2014-10-31   EU-28, 352 votes            260 votes, majority of members; 2012 Act of
                                                      Accession, Art. 20; Protocol No 36, Art. 3(3)
2014-11-01 – 2020-01-31   EU-28, population           55 % of the members (at least 15) [72 %] and
                                                      65 % of the population; a blocking minority
                                                      needs at least four members; Art. 16(4) TEU,
                                                      Art. 238(2)–(3) TFEU
========================  ==========================  ============================================

Simplifications, stated: the Nice rules' verification that a majority holds 62 % of
the population (made only at a member's request) is not modelled; neither is the
option, until 31 March 2017, to ask for a vote under the Nice weights, nor the
opt-outs of Denmark, Ireland and the United Kingdom in justice and home affairs.
The double majority uses Eurostat's population on 1 January of the year before the
vote (the Council's own annual figures in Annex III to its Rules of Procedure are
drawn from Eurostat's data of 30 September of that year and may differ slightly);
see ``accord/data/council/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Literal

import numpy as np

from accord import data as packaged

Index = Literal["banzhaf", "shapley_shubik"]
INDICES: tuple[str, ...] = ("banzhaf", "shapley_shubik")


@dataclass(frozen=True)
class QuotaGame:
    """A simple game in which ``S`` wins when ``Σ_{i∈S} values[i] ≥ quota[|S|]``.

    Attributes
    ----------
    players : tuple of str
    values : tuple of int
        Non-negative integer weight of each player (votes, persons).
    quota : tuple of (int or None), length ``len(players) + 1``
        The quota for coalitions of each size; None where no coalition of that size wins.
    """

    players: tuple[str, ...]
    values: tuple[int, ...]
    quota: tuple[int | None, ...]

    def __post_init__(self) -> None:
        n = len(self.players)
        if len(self.values) != n or len(self.quota) != n + 1:
            raise ValueError(f"a game of {n} players needs {n} values and {n + 1} quotas")
        if any(v < 0 for v in self.values):
            raise ValueError("values must be non-negative")
        if len(set(self.players)) != n:
            raise ValueError("player names must be unique")

    @property
    def n(self) -> int:
        return len(self.players)

    def wins(self, coalition: set[str] | frozenset[str]) -> bool:
        """True when ``coalition`` (a set of player names) is winning."""
        total = sum(v for p, v in zip(self.players, self.values, strict=True) if p in coalition)
        q = self.quota[len(coalition)]
        return q is not None and total >= q


def weighted_game(players: tuple[str, ...], votes: tuple[int, ...], quota: int,
                  min_members: int = 0) -> QuotaGame:
    """Weighted voting: at least ``quota`` votes cast by at least ``min_members`` members."""
    n = len(players)
    return QuotaGame(tuple(players), tuple(int(v) for v in votes),
                     tuple(quota if c >= min_members else None for c in range(n + 1)))


def double_majority_game(
    players: tuple[str, ...],
    population: tuple[int, ...],
    *,
    member_share: float = 0.55,
    min_members: int = 15,
    population_share: float = 0.65,
    blocking_members: int | None = 4,
) -> QuotaGame:
    """The double majority of Art. 16(4) TEU and Art. 238 TFEU.

    A coalition wins with at least ``member_share`` of the members (and at least
    ``min_members``) holding at least ``population_share`` of the population, or,
    when ``blocking_members`` is set, when fewer than that many members oppose it.
    Shares are rounded up to whole members and whole persons.
    """
    n = len(players)
    total = sum(int(p) for p in population)
    members = max(math.ceil(round(member_share * n, 9)), min_members)
    people = math.ceil(Fraction(str(population_share)) * total)
    quota: list[int | None] = []
    for c in range(n + 1):
        if blocking_members is not None and c >= max(n - blocking_members + 1, members):
            quota.append(0)
        elif c >= members:
            quota.append(people)
        else:
            quota.append(None)
    return QuotaGame(tuple(players), tuple(int(p) for p in population), tuple(quota))


def unanimity_game(players: tuple[str, ...]) -> QuotaGame:
    """Every member must agree: each one holds a veto."""
    return weighted_game(players, (1,) * len(players), len(players))


def _subset_sums(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sums = np.zeros(1, dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    for v in values:
        sums = np.concatenate([sums, sums + v])
        sizes = np.concatenate([sizes, sizes + 1])
    return sums, sizes


def swing_counts(game: QuotaGame) -> np.ndarray:
    """Exact number of swings of each player by the size of the coalition it joins.

    Returns
    -------
    ndarray of int64, shape (n, n)
        ``[i, c]``: the number of losing coalitions of ``c`` other players that
        player ``i`` turns into winning ones by joining.
    """
    n = game.n
    values = np.asarray(game.values, dtype=np.int64)
    big = int(values.sum()) + int(values.max(initial=0)) + 1
    theta = np.array([big if q is None else q for q in game.quota], dtype=np.int64)
    out = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        others = np.delete(values, i)
        half = len(others) // 2
        sums_a, sizes_a = _subset_sums(others[:half])
        sums_b, sizes_b = _subset_sums(others[half:])
        order = np.lexsort((sums_b, sizes_b))
        bounds = np.searchsorted(sizes_b[order], np.arange(len(others) - half + 2))
        sorted_b = sums_b[order]
        for cb in range(len(others) - half + 1):
            block = sorted_b[bounds[cb]:bounds[cb + 1]]
            c = sizes_a + cb
            lo = theta[c + 1] - values[i] - sums_a
            hi = theta[c] - sums_a
            count = np.searchsorted(block, hi, "left") - np.searchsorted(block, lo, "left")
            out[i] += np.bincount(c, weights=np.maximum(count, 0), minlength=n)[:n].astype(np.int64)
    return out


def power_index(game: QuotaGame, index: Index = "banzhaf") -> np.ndarray:
    """The normalised Banzhaf or the Shapley–Shubik index of every player (sums to 1).

    Parameters
    ----------
    game : QuotaGame
    index : {"banzhaf", "shapley_shubik"}

    Returns
    -------
    ndarray, shape (n,)
        All zeros when no player is ever decisive (a game nobody can win).
    """
    swings = swing_counts(game)
    n = game.n
    if index == "banzhaf":
        raw = swings.sum(axis=1).astype(float)
    elif index == "shapley_shubik":
        coef = [Fraction(math.factorial(c) * math.factorial(n - 1 - c), math.factorial(n)) for c in range(n)]
        raw = np.array([float(sum(int(s) * w for s, w in zip(row, coef, strict=True))) for row in swings])
    else:
        raise ValueError(f"index must be one of {', '.join(INDICES)}, got {index!r}")
    total = raw.sum()
    return raw / total if total > 0 else raw


@dataclass(frozen=True)
class CouncilRule:
    """The Council's qualified-majority rule over a period.

    Attributes
    ----------
    name : str
    start, end : date
        First and last day in force (inclusive).
    kind : {"votes", "double_majority"}
    votes_column : str or None
        Column of ``council/weighted_votes.csv`` holding the weights.
    members : tuple of str
        Member states (lower-case EU country codes).
    quota : int or None
        Votes needed (weighted rules).
    min_members : int
        Members needed on a Commission proposal.
    min_members_other : int
        Members needed on other acts.
    citation : str
    """

    name: str
    start: dt.date
    end: dt.date
    kind: Literal["votes", "double_majority"]
    votes_column: str | None
    members: tuple[str, ...]
    quota: int | None
    min_members: int
    min_members_other: int
    citation: str


EU15 = ("at", "be", "dk", "fi", "fr", "de", "el", "ie", "it", "lu", "nl", "pt", "es", "se", "uk")
EU25 = EU15 + ("cy", "cz", "ee", "hu", "lv", "lt", "mt", "pl", "si", "sk")
EU27 = EU25 + ("bg", "ro")
EU28 = EU27 + ("hr",)

COUNCIL_RULES: tuple[CouncilRule, ...] = (
    CouncilRule("EU-15 weighted votes", dt.date(1995, 1, 1), dt.date(2004, 4, 30), "votes", "eu15",
                EU15, 62, 0, 10,
                "Art. 205(2) EC (Art. 148(2) EC before 1 May 1999), as adapted by the 1994 Act of Accession"),
    CouncilRule("EU-25 transitional weighted votes", dt.date(2004, 5, 1), dt.date(2004, 10, 31), "votes",
                "accession2004", EU25, 88, 0, 17, "2003 Act of Accession, Art. 26"),
    CouncilRule("EU-25 Nice weighted votes", dt.date(2004, 11, 1), dt.date(2006, 12, 31), "votes", "nice",
                EU25, 232, 13, 17, "Art. 205(2) EC as amended by the 2003 Act of Accession, Art. 12"),
    CouncilRule("EU-27 Nice weighted votes", dt.date(2007, 1, 1), dt.date(2013, 6, 30), "votes", "nice",
                EU27, 255, 14, 18, "2005 Act of Accession, Art. 22; Protocol No 36 (Lisbon), Art. 3(3)"),
    CouncilRule("EU-28 Nice weighted votes", dt.date(2013, 7, 1), dt.date(2014, 10, 31), "votes", "nice",
                EU28, 260, 15, 19, "2012 Act of Accession, Art. 20; Protocol No 36, Art. 3(3)"),
    CouncilRule("EU-28 double majority", dt.date(2014, 11, 1), dt.date(2020, 1, 31), "double_majority",
                None, EU28, None, 15, 0, "Art. 16(4) TEU; Art. 238(2)-(3) TFEU"),
)


def council_rule(date: dt.date) -> CouncilRule:
    """The qualified-majority rule in force on ``date``."""
    for rule in COUNCIL_RULES:
        if rule.start <= date <= rule.end:
            return rule
    first, last = COUNCIL_RULES[0].start, COUNCIL_RULES[-1].end
    raise ValueError(
        f"no Council voting rule is recorded for {date.isoformat()} (covered: {first} to {last})")


@cache
def _table(name: str) -> dict[str, dict[str, str]]:
    with packaged.path("council", name).open(encoding="utf-8", newline="") as fh:
        return {row["state"]: row for row in csv.DictReader(fh)}


def weighted_votes(column: str) -> dict[str, int]:
    """Weighted votes per member state in ``column`` of ``council/weighted_votes.csv``."""
    return {s: int(row[column]) for s, row in _table("weighted_votes.csv").items() if row[column]}


def population_years() -> tuple[int, ...]:
    """The years (1 January) of the population table."""
    first = next(iter(_table("population.csv").values()))
    return tuple(int(k) for k in first if k.isdigit())


def population(year: int) -> dict[str, int]:
    """Eurostat population on 1 January of ``year`` (or of the latest year tabled before it)."""
    years = [y for y in population_years() if y <= year]
    if not years:
        raise ValueError(f"no population figures for {year}; the table starts in {population_years()[0]}")
    key = str(max(years))
    return {s: int(row[key]) for s, row in _table("population.csv").items()}


def council_game(date: dt.date, voting_rule: str = "QMV") -> QuotaGame:
    """The Council as a quota game on ``date``.

    Parameters
    ----------
    date : date
    voting_rule : {"QMV", "QMV(10)", "Unan"}
        ``QMV``: qualified majority on a Commission proposal; ``QMV(10)``: on an act
        not proposed by the Commission (EU-15: 62 votes cast by at least 10 members);
        ``Unan``: unanimity.
    """
    rule = council_rule(date)
    members = rule.members
    if voting_rule in ("Unan", "unanimity"):
        return unanimity_game(members)
    if voting_rule not in ("QMV", "QMV(10)"):
        raise ValueError(f"voting rule must be QMV, QMV(10) or Unan, got {voting_rule!r}")
    commission = voting_rule == "QMV"
    if rule.kind == "votes":
        assert rule.votes_column is not None and rule.quota is not None
        votes = weighted_votes(rule.votes_column)
        need = rule.min_members if commission else rule.min_members_other
        return weighted_game(members, tuple(votes[m] for m in members), rule.quota, need)
    pop = population(date.year - 1)
    if commission:
        return double_majority_game(members, tuple(pop[m] for m in members))
    return double_majority_game(members, tuple(pop[m] for m in members), member_share=0.72, min_members=0,
                                blocking_members=None)


@cache
def _council_power(rule_name: str, voting_rule: str, year: int, index: str) -> tuple[tuple[str, float], ...]:
    rule = next(r for r in COUNCIL_RULES if r.name == rule_name)
    date = max(rule.start, min(rule.end, dt.date(year, 6, 30)))
    game = council_game(date, voting_rule)
    power = power_index(game, index)  # type: ignore[arg-type]
    return tuple(zip(game.players, (float(x) for x in power), strict=True))


def council_power(date: dt.date, voting_rule: str = "QMV", index: Index = "banzhaf") -> dict[str, float]:
    """A-priori power of each member state in the Council on ``date``, relative to the mean member.

    Parameters
    ----------
    date : date
    voting_rule : {"QMV", "QMV(10)", "Unan"}
    index : {"banzhaf", "shapley_shubik"}

    Returns
    -------
    dict of str to float
        Member-state code (lower-case EU codes: ``de``, ``el``, ``uk``...) to power,
        scaled so the members' mean is 1 (the normalised index times the number of
        members). States that were not members on ``date`` are absent.
    """
    rule = council_rule(date)
    year = date.year if rule.kind == "double_majority" else rule.start.year
    pairs = _council_power(rule.name, voting_rule, year, index)
    n = len(pairs)
    return {state: n * p for state, p in pairs}
