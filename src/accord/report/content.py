"""What a report or a results page shows, as plain data: forecast rows, stances with their evidence.

Shared by the HTML and PDF reports and the web workbench, so that they show the
same numbers in the same order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from accord.scenario.schema import Issue, Scenario, nearest_anchor


@dataclass(frozen=True)
class ForecastRow:
    """One issue of the forecast table.

    Attributes
    ----------
    issue : Issue
    status_quo : float
    values : dict of str to float or None
        Forecast by model.
    anchors : dict of str to (float, str) or None
        The labelled anchor nearest each model's forecast.
    """

    issue: Issue
    status_quo: float
    values: dict[str, float | None]
    anchors: dict[str, tuple[float, str] | None]

    @property
    def first_anchor(self) -> tuple[float, str] | None:
        return next(iter(self.anchors.values()), None)


def forecast_rows(scenario: Scenario, run_json: dict[str, Any]) -> list[ForecastRow]:
    """The forecast table: one row per issue, one value per model, with the nearest labelled anchors."""
    models = run_json.get("models", {})
    rows = []
    for issue in scenario.issues:
        values = {m: data["issues"].get(issue.id, {}).get("forecast") for m, data in models.items()}
        anchors = {m: (nearest_anchor(issue, v) if v is not None else None) for m, v in values.items()}
        rows.append(ForecastRow(issue, scenario.status_quo(issue), values, anchors))
    return rows


@dataclass(frozen=True)
class Quote:
    """A quote behind a stance, with what is known of its source."""

    text: str
    source_id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    passage: int | None = None

    @property
    def citation(self) -> str:
        """``Title``, author, publisher, date (what is known), as one line."""
        parts = [self.title, self.author, self.publisher, self.date.isoformat() if self.date else None]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class StanceView:
    """A stance with its evidence, for display."""

    actor_id: str
    actor_name: str
    issue_id: str
    position: str
    salience: str
    expects: str | None
    quotes: list[Quote] = field(default_factory=list)
    assumption: str | None = None


def _passage_number(source_id: str, text: str | None, quote: str) -> int | None:
    if not text:
        return None
    try:
        from accord.evidence.corpus import match_quote
    except ImportError:
        return None
    try:
        match = match_quote(source_id, text, quote)
    except Exception:  # the passage number is a convenience; a quote that validated is still shown
        return None
    return match.passage.number if match is not None and match.passages else None


def stance_views(scenario: Scenario) -> dict[str, list[StanceView]]:
    """The scenario's stances grouped by issue id, each with its quotes and their sources."""
    sources = {s.id: s for s in scenario.sources}
    names = {a.id: a.name for a in scenario.actors}
    out: dict[str, list[StanceView]] = {i.id: [] for i in scenario.issues}
    for st in scenario.stances:
        quotes = []
        for ev in st.evidence:
            src = sources.get(ev.source)
            quotes.append(Quote(
                text=ev.quote, source_id=ev.source, title=src.title if src else ev.source,
                author=src.author if src else None, publisher=src.publisher if src else None,
                date=src.date if src else None, url=src.url if src else None,
                passage=_passage_number(ev.source, src.text if src else None, ev.quote),
            ))
        out.setdefault(st.issue, []).append(StanceView(
            actor_id=st.actor, actor_name=names.get(st.actor, st.actor), issue_id=st.issue,
            position=str(st.position), salience=str(st.salience),
            expects=str(st.expects) if st.expects is not None else None, quotes=quotes, assumption=st.assumption,
        ))
    return out


def fmt(value: Any, digits: int = 1) -> str:
    """A number for a table: fixed decimals, an en dash for none."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)
