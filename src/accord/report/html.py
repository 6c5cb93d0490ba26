"""The self-contained HTML report: inline CSS, inline SVG figures, no scripts, no external requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from accord.report import figures as figs
from accord.report.analyses import describe_options
from accord.report.analyses import title as analysis_title
from accord.report.build import ReportInput
from accord.report.content import ForecastRow, fmt, forecast_rows, stance_views
from accord.report.jsonview import render as render_json
from accord.scenario.schema import Scenario

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Section:
    """A report section made from one analysis."""

    name: str
    title: str
    intro: str | None = None
    figures: list[tuple[str, Markup]] = field(default_factory=list)
    body: Markup | None = None


@dataclass(frozen=True)
class Verdict:
    headline: str
    reasons: list[str]
    negative: bool
    facts: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(fmt=fmt, longdate=longdate)
    return env


def plural(n: int, word: str) -> str:
    """``plural(1, "issue")`` -> ``"1 issue"``; ``plural(3, "issue")`` -> ``"3 issues"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts(scenario: Scenario) -> str:
    """``"5 actors, 12 issues, 37 stances, 5 sources"``."""
    parts = [plural(len(scenario.actors), "actor"), plural(len(scenario.issues), "issue"),
             plural(len(scenario.stances), "stance")]
    if scenario.sources:
        parts.append(plural(len(scenario.sources), "source"))
    return ", ".join(parts)


def longdate(day: dt.date | None) -> str:
    """``7 July 2025``."""
    return f"{day.day} {day:%B %Y}" if day else ""


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("headline", "summary", "text", "label", "verdict", "status"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def verdict_of(agreement: dict[str, Any] | None, scenario: Scenario | None = None,
               uncertainty: dict[str, Any] | None = None) -> Verdict | None:
    """The agreement analysis's verdict and its reasons, from its JSON, whatever its exact shape.

    With the ``scenario``, the verdict leads with a short headline and labelled facts in
    names (veto players, P(zone) from the Monte Carlo in ``uncertainty``, who blocks, what
    would open or widen a zone, the timeline); the analysis's own sentences become the reasons.
    """
    if not agreement or "error" in agreement:
        return None
    if scenario is not None:
        from accord.brief import verdict_block

        block = verdict_block(scenario, agreement, uncertainty)
        if block is not None:
            reasons = [agreement["verdict"]] if isinstance(agreement.get("verdict"), str) else []
            reasons += [r for r in agreement.get("reasons") or [] if isinstance(r, str)]
            return Verdict(block["headline"], reasons, not block["zone_exists"], block["facts"])
    raw = agreement.get("verdict")
    headline = _text(raw)
    if headline is None:
        return None
    reasons: list[str] = []
    for source in (raw if isinstance(raw, dict) else {}, agreement):
        for key in ("reasons", "why", "because"):
            items = source.get(key)
            if isinstance(items, list):
                reasons += [r if isinstance(r, str) else (_text(r) or str(r)) for r in items]
        if reasons:
            break
    flags = [raw.get(k) for k in ("attainable", "zone_exists", "exists", "agreement_possible", "possible")
             if isinstance(raw, dict) and isinstance(raw.get(k), bool)]
    flags += [agreement.get(k) for k in ("zone_exists", "attainable") if isinstance(agreement.get(k), bool)]
    negative = (not flags[0]) if flags else any(w in headline.lower() for w in ("no zone", "unattainable", "no deal",
                                                                                 "not attainable", "blocked"))
    return Verdict(headline, reasons, negative)


def key_findings(scenario: Scenario, rows: list[ForecastRow], analyses: dict[str, Any]) -> list[str]:
    """Short factual sentences drawn from the numbers, for the top of the report."""
    out: list[str] = []
    models = list(rows[0].values) if rows else []
    if not models:
        return out
    first = models[0]
    moves = []
    for row in rows:
        x = row.values.get(first)
        if x is not None:
            span = row.issue.scale.max - row.issue.scale.min
            moves.append((abs(x - row.status_quo) / span, x - row.status_quo, row))
    moves.sort(key=lambda m: -m[0])
    if moves:
        parts = []
        for _, delta, row in moves[:3]:
            anchor = row.anchors.get(first)
            parts.append(f"{row.issue.name} ({delta:+.1f}" + (f", nearest: “{anchor[1]}”" if anchor else "") + ")")
        out.append(f"Largest expected moves away from the status quo ({first}): " + "; ".join(parts) + ".")
    if len(models) > 1:
        spreads = []
        for row in rows:
            vals = [v for v in row.values.values() if v is not None]
            if len(vals) > 1:
                spreads.append((max(vals) - min(vals), row))
        if spreads:
            close = sum(1 for s, r in spreads if s <= 0.05 * (r.issue.scale.max - r.issue.scale.min))
            widest, row = max(spreads, key=lambda s: s[0])
            values = ", ".join(f"{m} {fmt(v)}" for m, v in row.values.items())
            out.append(f"The models agree within 5 % of the scale on {close} of {plural(len(spreads), 'issue')}; "
                       f"they differ most on {row.issue.name} ({values}).")
    unc = analyses.get("uncertainty") or {}
    stats = ((unc.get("models") or {}).get(first) or {}).get("issues") or {}
    widths = [((s["p90"] - s["p10"]) / (i.scale.max - i.scale.min), i, s) for i in scenario.issues
              if (s := stats.get(i.id)) and s.get("p10") is not None and s.get("p90") is not None]
    if widths:
        _, issue, s = max(widths, key=lambda w: w[0])
        out.append(f"Given the ranges of the judgements, the forecast is least certain on {issue.name}: "
                   f"80 % of {unc.get('draws', 'the')} draws fall between {fmt(s['p10'])} and {fmt(s['p90'])}.")
    sens = (analyses.get("sensitivity") or {}).get("outputs") or {}
    for issue in scenario.issues:
        ranking = (sens.get(issue.id) or {}).get("tornado") or []
        if ranking:
            top = ranking[0]
            out.append(f"The forecast on {issue.name} depends most on the judgement “{top.get('label')}”.")
            break
    return out


def _uncertainty_section(scenario: Scenario, data: dict[str, Any]) -> Section:
    section = Section("uncertainty", analysis_title("uncertainty"))
    if "error" in data:
        section.body = render_json(data)
        return section
    section.intro = (f"Every judgement given as a range was sampled ({data.get('draws', '?')} draws, "
                     f"{data.get('distribution', 'uniform')} distribution, seed {data.get('seed', '?')}) and the "
                     "models re-run on each draw.")
    fig = figs.uncertainty_figure(scenario, data)
    if fig is not None:
        section.figures.append(("The spread of each model's forecast over the draws: the bar covers 80 % of "
                                "draws, the tick marks the median.", Markup(figs.to_svg(fig))))
    names = {i.id: i.name for i in scenario.issues}
    records = [{"issue": names.get(issue, issue), "model": model, **stats}
               for model, m in (data.get("models") or {}).items()
               for issue, stats in (m.get("issues") or {}).items()]
    rest = {k: v for k, v in data.items() if k not in ("models", "histograms", "scenario")}
    section.body = Markup("").join([render_json(records), render_json(rest)])
    return section


def _sensitivity_section(scenario: Scenario, data: dict[str, Any]) -> Section:
    section = Section("sensitivity", analysis_title("sensitivity"))
    if "error" in data:
        section.body = render_json(data)
        return section
    section.intro = (f"Which judgements move each forecast most ({data.get('model')}; {data.get('method')} "
                     "screening with a one-at-a-time tornado: each range set to its low and its high end, "
                     "every other judgement at its midpoint).")
    fig = figs.tornado_figure(scenario, data)
    if fig is not None:
        section.figures.append(("The judgements with the widest effect on each issue's forecast.",
                                Markup(figs.to_svg(fig))))
    errors = {k: v["error"] for k, v in (data.get("outputs") or {}).items() if "error" in v}
    if errors:
        section.body = render_json({"not computed": errors})
    return section


AGREEMENT_SHOWN = frozenset({"verdict", "reasons", "zone", "nash", "kalai_smorodinsky", "relaxed", "issues",
                             "timings", "scenario"})


def agreement_rows(scenario: Scenario, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The agreement analysis per issue, as table rows: zone, status quo, bargaining solutions."""
    per_issue = data.get("issues") if isinstance(data.get("issues"), dict) else {}
    rows = []
    for issue in scenario.issues:
        entry = per_issue.get(issue.id)
        if not isinstance(entry, dict):
            continue
        zone = figs._zone_of(entry)
        row: dict[str, Any] = {"issue": issue.name, "status quo": entry.get("status_quo"),
                               "zone": f"{zone[0]:.1f}–{zone[1]:.1f}" if zone else "none"}
        for key, label in (("nash", "Nash"), ("kalai_smorodinsky", "Kalai–Smorodinsky"), ("relaxed", "closest")):
            if isinstance(entry.get(key), int | float):
                anchor = entry.get(f"{key}_anchor")
                row[label] = f"{entry[key]:.1f}" + (f" ({anchor})" if anchor else "")
        rows.append(row)
    return rows


def agreement_rest(data: dict[str, Any]) -> dict[str, Any]:
    """The agreement JSON without what the verdict, the figures and the per-issue table already show."""
    return {k: v for k, v in data.items() if k not in AGREEMENT_SHOWN and v not in (None, [], {})}


def _agreement_section(scenario: Scenario, data: dict[str, Any]) -> Section:
    section = Section("agreement", analysis_title("agreement"))
    if "error" in data:
        section.body = render_json(data)
        return section
    for caption, fig in figs.agreement_figures(scenario, data):
        section.figures.append((caption, Markup(figs.to_svg(fig))))
    section.body = Markup("").join([render_json(agreement_rows(scenario, data)), render_json(agreement_rest(data))])
    return section


SECTION_BUILDERS = {
    "agreement": _agreement_section,
    "uncertainty": _uncertainty_section,
    "sensitivity": _sensitivity_section,
}


def sections_for(scenario: Scenario, analyses: dict[str, Any]) -> list[Section]:
    """One section per analysis: known ones with their figures, any other one rendered from its JSON."""
    order = [n for n in SECTION_BUILDERS if n in analyses] + [n for n in analyses if n not in SECTION_BUILDERS]
    out = []
    for name in order:
        data = analyses[name]
        builder = SECTION_BUILDERS.get(name)
        if builder is not None and isinstance(data, dict):
            out.append(builder(scenario, data))
        else:
            out.append(Section(name, analysis_title(name), body=render_json(data)))
    return out


def render_html(report: ReportInput) -> str:
    """The report as one self-contained HTML document."""
    scenario, run = report.scenario, report.run
    rows = forecast_rows(scenario, run)
    models = list(run.get("models", {}))
    forecast = figs.forecast_figure(scenario, run)
    figures = {
        "forecast": Markup(figs.to_svg(forecast)) if forecast is not None else None,
        "rounds": [(m, Markup(figs.to_svg(f))) for m, f in figs.rounds_figures(scenario, run)],
    }
    created = report.meta.get("created_at") or dt.datetime.now(dt.UTC)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return environment().get_template("report.html.j2").render(
        scenario=scenario, meta={"seed": 0, **report.meta}, models=models, rows=rows, figures=figures,
        sections=sections_for(scenario, report.analyses), stances=stance_views(scenario),
        verdict=verdict_of(report.analyses.get("agreement"), report.scenario, report.analyses.get("uncertainty")),
        findings=key_findings(scenario, rows, report.analyses),
        created=f"{longdate(created.date())}, {created:%H:%M} UTC", css=Markup(css), counts=counts(scenario),
        options=describe_options(recorded_options(report), scenario),
    )


def recorded_options(report: ReportInput) -> dict[str, Any] | None:
    """The analysis options the report's run recorded in its parameters, if any."""
    params = report.meta.get("params")
    return params.get("analysis_options") if isinstance(params, dict) else None
