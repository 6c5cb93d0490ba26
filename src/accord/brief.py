"""The one-page brief: is a deal attainable, how sure, who blocks, what would open a zone.

:func:`build_brief` gathers the answers from the agreement analysis, a quick Monte Carlo,
every model's forecast, the timeline and the cached backtest into plain JSON data, in
words and with names rather than ids, so that the command line and the web app show the
same brief. It shows whatever the agreement analysis returns: the conflict set, the
openings and P(zone) when the analysis reports them, and otherwise the blockers, the
gap and the levers.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from importlib import resources
from typing import Any

from accord.backtest.record import packaged_track_record
from accord.runner import run_models, run_to_json
from accord.scenario.schema import Scenario

DISAGREE_SHARE = 0.2
"""Models disagree on an issue when their forecasts span at least this share of its scale."""

TRACK_RECORD_FILE = "backtest_summary.json"
#: Draws on which the brief counts how often each red line blocks alone (a few programs a draw).
PIVOTAL_DRAWS = 100
TRACK_RECORD_SCRIPT = "scripts/track_record.py"

MODEL_LABELS = {"expected_utility": "expected utility"}


def model_label(name: str) -> str:
    """A model's name as people read it (``expected_utility`` -> ``expected utility``)."""
    return MODEL_LABELS.get(name, name.replace("_", " "))


def join_words(words: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def load_track_record() -> dict[str, Any] | None:
    """The backtest summary cached in the package by ``scripts/track_record.py``, or None."""
    try:
        text = resources.files("accord.data").joinpath(TRACK_RECORD_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return json.loads(text)


def track_record_summary(record: dict[str, Any] | None) -> dict[str, Any]:
    """The backtest in one sentence, with the mean absolute error of each model and baseline beside it."""
    if not record:
        return {"text": "No backtest is cached; run `accord backtest deu3` for the models' track record.",
                "source": None, "mae": {}}
    rows = record["models"]
    models = {n: r for n, r in rows.items() if r.get("kind") == "model" and r.get("mae") is not None}
    baselines = {n: r for n, r in rows.items() if r.get("kind") == "baseline" and r.get("mae") is not None}
    ranked = sorted(models, key=lambda n: models[n]["mae"])
    best = ranked[0] if ranked else None
    return {
        "text": packaged_track_record() + " (DEU III)",
        "source": f"accord backtest deu3, seed {record.get('seed', 0)}, cached in "
                  f"accord/data/{TRACK_RECORD_FILE} by {TRACK_RECORD_SCRIPT}",
        "best_model": best,
        "issues": record["issues"],
        "mae": {n: r["mae"] for n, r in {**models, **baselines}.items()},
    }


def _scale_share(scenario: Scenario, issue_id: str, delta: float) -> float:
    issue = scenario.issue(issue_id)
    width = issue.scale.max - issue.scale.min
    return abs(delta) / width if width else 0.0


def forecasts_section(scenario: Scenario, run_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Each issue's status quo and every model's forecast, and whether the models disagree."""
    out = []
    for issue in scenario.issues:
        by_model = {m: run_json["models"][m]["issues"][issue.id]["forecast"] for m in run_json["models"]}
        finite = {m: x for m, x in by_model.items() if x is not None}
        entry: dict[str, Any] = {
            "issue": issue.id,
            "name": issue.name,
            "scale": [issue.scale.min, issue.scale.max],
            "status_quo": scenario.status_quo(issue),
            "models": by_model,
            "spread": None,
            "disagree": False,
        }
        if finite:
            lo = min(finite, key=finite.get)
            hi = max(finite, key=finite.get)
            spread = finite[hi] - finite[lo]
            entry["spread"] = spread
            entry["disagree"] = _scale_share(scenario, issue.id, spread) >= DISAGREE_SHARE
            entry["lowest"] = {"model": lo, "value": finite[lo]}
            entry["highest"] = {"model": hi, "value": finite[hi]}
        out.append(entry)
    return out


def conflict_section(scenario: Scenario, agreement: dict[str, Any]) -> list[dict[str, Any]]:
    """Who blocks and on what: the conflict set when reported, otherwise the blockers' binding issues."""
    actors = {a.id: a.name for a in scenario.actors}
    issues = {i.id: i.name for i in scenario.issues}
    limits = agreement.get("conflict") or []
    if any(c.get("bound") in ("at_least", "at_most", "requires") for c in limits):
        return [
            {**c, "actor_name": actors.get(c.get("actor"), c.get("actor")),
             "issue_name": issues.get(c.get("issue"), c.get("issue"))}
            for c in agreement["conflict"]
        ]
    out = []
    for b in agreement.get("blockers") or []:
        binding = b.get("binding_issues") or []
        out.append({
            "actor": b["actor"],
            "actor_name": actors.get(b["actor"], b["actor"]),
            "gap": b.get("gap"),
            "issues": [t["issue"] for t in binding],
            "issue_names": [issues.get(t["issue"], t["issue"]) for t in binding],
            "loss": [t.get("loss") for t in binding],
        })
    return out


def openings_section(scenario: Scenario, agreement: dict[str, Any]) -> list[dict[str, Any]]:
    """The cheapest ways to open or widen a zone: the analysis's openings, else levers and position shifts."""
    actors = {a.id: a.name for a in scenario.actors}
    issues = {i.id: i.name for i in scenario.issues}
    levers = {lv.id: lv.name for lv in scenario.levers}
    found = agreement.get("openings") or []
    if any(c.get("bound") in ("at_least", "at_most") for o in found for c in o.get("changes") or []):
        out = []
        for o in found:
            changes = [
                {**c, "actor_name": actors.get(c.get("actor"), c.get("actor")),
                 "issue_name": issues.get(c.get("issue"), c.get("issue"))}
                for c in o.get("changes") or []
            ]
            out.append({**o, "changes": changes,
                        "lever_names": [levers.get(x, x) for x in o.get("levers") or []]})
        return out
    out = []
    zone = agreement.get("zone_exists")
    for e in agreement.get("levers") or []:
        useful = (e.get("zone_exists") and not zone) or (e.get("gap_closed") or 0) > 1e-9 or (
            zone and (e.get("nash_shift") or 0) > 1e-9)
        if not useful:
            continue
        out.append({
            "kind": "lever",
            "levers": list(e["levers"]),
            "lever_names": [levers.get(x, x) for x in e["levers"]],
            "opens_zone": bool(e.get("zone_exists")),
            "share_closed": e.get("share_closed"),
            "nash_shift": e.get("nash_shift"),
        })
    for b in agreement.get("blockers") or []:
        shifts = [t for t in b.get("binding_issues") or [] if t.get("shift_to") is not None]
        if not shifts:
            continue
        t = min(shifts, key=lambda t: t.get("shift") or 0.0)
        out.append({
            "kind": "shift",
            "actor": b["actor"],
            "actor_name": actors.get(b["actor"], b["actor"]),
            "issue": t["issue"],
            "issue_name": issues.get(t["issue"], t["issue"]),
            "from": t["position"],
            "to": t["shift_to"],
        })
    return out


def timeline_section(agreement: dict[str, Any]) -> dict[str, Any]:
    """The verdict over the timeline: how many dates have a zone and where it opens or closes."""
    points = agreement.get("timeline") or []
    if not points:
        return {"dates": 0, "with_zone": 0, "changes": [], "first": None, "last": None}
    changes = []
    for prev, cur in zip(points, points[1:], strict=False):
        if bool(prev["zone_exists"]) != bool(cur["zone_exists"]):
            changes.append({"date": cur["date"], "label": cur.get("label"),
                            "zone_exists": bool(cur["zone_exists"]), "gap": cur.get("gap")})
    pick = ("date", "label", "zone_exists", "gap")
    return {
        "dates": len(points),
        "with_zone": sum(1 for p in points if p["zone_exists"]),
        "changes": changes,
        "first": {k: points[0].get(k) for k in pick},
        "last": {k: points[-1].get(k) for k in pick},
    }


def verdict_section(scenario: Scenario, agreement: dict[str, Any], p_zone: float | None) -> dict[str, Any]:
    """The headline and the facts behind it, in names."""
    actors = {a.id: a.name for a in scenario.actors}
    zone = bool(agreement.get("zone_exists"))
    if zone:
        headline = "A deal is attainable"
    else:
        headline = "No deal is attainable as the case stands"
    if p_zone is not None:
        sure = "almost certainly" if p_zone >= 0.95 else "probably" if p_zone >= 0.6 else (
            "perhaps" if p_zone >= 0.4 else "probably not" if p_zone >= 0.05 else "almost certainly not")
        headline += f"; over the uncertain inputs a zone exists {sure}"
    return {
        "headline": headline + ".",
        "zone_exists": zone,
        "gap": agreement.get("gap"),
        "margin": agreement.get("margin"),
        "veto_players": [actors.get(v, v) for v in agreement.get("veto_players") or []],
        "text": agreement.get("verdict"),
    }


def build_brief(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    models: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The brief of a case as plain JSON data.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Draws of the quick Monte Carlo behind P(zone); 0 skips it.
    seed : int
        Seed of the Monte Carlo and of the models.
    models : sequence of str, optional
        Models whose forecasts are shown; default every registered model.

    Returns
    -------
    dict
        Keys ``scenario``, ``title``, ``verdict``, ``p_zone``, ``p_zone_se``, ``draws``,
        ``block_rates``, ``pivotal``, ``conflict``, ``openings``, ``forecasts``, ``timeline``,
        ``track_record`` and ``seconds``. ``p_zone_se`` is the binomial standard error
        ``sqrt(p (1 - p) / draws)``.
    """
    from accord.agreement import analyse_agreement
    from accord.experiments.agreement import agreement_probability
    from accord.scenario.case import Case

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    run = run_models(scenario, list(models) if models else None, seed=seed)
    run_json = run_to_json(run)
    seconds["models"] = time.perf_counter() - start

    case = Case.resolve(scenario)
    probability = None
    if draws and any(issue.veto for issue in scenario.issues):
        start = time.perf_counter()
        probability = agreement_probability(case, draws, seed=seed, pivotal_draws=PIVOTAL_DRAWS)
        seconds["p_zone"] = time.perf_counter() - start
    start = time.perf_counter()
    agreement = analyse_agreement(case, with_types=False, probability=probability).to_json()
    seconds["agreement"] = time.perf_counter() - start
    p_zone = agreement.get("p_zone")
    p_zone_se = agreement.get("p_zone_se")
    n_draws = agreement.get("draws")
    block_rates: dict[str, float] = {}

    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "verdict": verdict_section(scenario, agreement, p_zone),
        "p_zone": p_zone,
        "p_zone_se": p_zone_se,
        "draws": n_draws,
        "block_rates": block_rates,
        "pivotal": named_pivotal(scenario, agreement),
        "pivotal_draws": agreement.get("pivotal_draws"),
        "conflict": conflict_section(scenario, agreement),
        "openings": openings_section(scenario, agreement),
        "forecasts": forecasts_section(scenario, run_json),
        "timeline": timeline_section(agreement),
        "track_record": track_record_summary(load_track_record()),
        "seconds": seconds,
    }


# --------------------------------------------------------------------------- in words


def percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def digits_for(scale: Sequence[float] | None) -> int:
    """Decimals that show a forecast legibly on a scale of this width: 0 from 50 points up, then 1, then 2."""
    width = (scale[1] - scale[0]) if scale else 100.0
    return 0 if width >= 50 else 1 if width >= 5 else 2


def whole(x: float | None, digits: int = 0) -> str:
    """``x`` with ``digits`` decimals, or ``–`` for no value."""
    return "–" if x is None else f"{x:.{digits}f}"


def verdict_facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The labelled facts under the headline."""
    v = data["verdict"]
    rows: list[tuple[str, str]] = []
    if data.get("p_zone") is not None:
        se = data.get("p_zone_se")
        n = data.get("draws")
        text = percent(data["p_zone"]) + (f" ± {percent(se)}" if se is not None else "")
        if n:
            text += f" (1 s.e.) over {n:,} draws of every range"
        rows.append(("P(zone)", text))
    if v["veto_players"] and len(v["veto_players"]) <= 3:
        rows.append(("Veto players", join_words(v["veto_players"])))
    if v["zone_exists"] and v.get("margin") is not None:
        margin = v["margin"] if abs(v["margin"]) >= 5e-4 else 0.0
        rows.append(("Margin", f"each gains at least {margin:.3f} utility units over no deal"))
    elif not v["zone_exists"] and v.get("gap") is not None:
        rows.append(("Gap", f"the smallest concession that opens a zone is {v['gap']:.3f} utility units"))
    rows.append(("Who blocks", blockers_text(data)))
    rows.append(("To open" if not v["zone_exists"] else "To widen", openings_text(data)))
    if data.get("pivotal"):
        rows.append(("Blocks alone", pivotal_text(data["pivotal"], data.get("pivotal_draws"))))
    return rows


def blockers_text(data: dict[str, Any]) -> str:
    """Who blocks and on what, from the conflict set or the blockers."""
    conflict = data.get("conflict") or []
    parts = []
    for c in conflict[:4]:
        if c.get("bound") in ("at_least", "at_most"):
            sign = "≥" if c["bound"] == "at_least" else "≤"
            parts.append(f"{c['actor_name']}: {c['issue_name']} {sign} {plain(c.get('value'))}")
        elif c.get("bound") == "surplus":
            parts.append(f"{c['actor_name']} accepts nothing worth less than no deal")
        elif c.get("bound") == "requires":
            parts.append(f"{c['actor_name']}'s requirement (at least {plain(c.get('value'))} condition(s))")
        else:
            on = join_words(c.get("issue_names", [])[:2]) or "the package as a whole"
            parts.append(f"{c['actor_name']}, short {c['gap']:.3f}, on {on}")
    text = "; ".join(parts) if parts else "nobody at the central values"
    if len(conflict) > 4:
        text += f"; and {len(conflict) - 4} more"
    rates = {a: r for a, r in (data.get("block_rates") or {}).items() if r > 0}
    if data.get("block_rates") is not None and data.get("draws"):
        if rates:
            top = sorted(rates.items(), key=lambda t: -t[1])[:3]
            text += "; in the draws: " + ", ".join(f"{a} {percent(r)}" for a, r in top)
        elif data.get("block_rates"):
            text += "; nobody in any draw"
    return text


def plain(x: Any) -> str:
    return f"{x:g}" if isinstance(x, int | float) else str(x)


def openings_text(data: dict[str, Any]) -> str:
    """The cheapest way to open (or widen) a zone, first of the openings."""
    openings = data.get("openings") or []
    if not openings:
        return "nothing found among the scenario's levers and single position shifts"
    o = openings[0]
    if "changes" in o:
        moves = []
        for c in o["changes"]:
            if c.get("bound") == "surplus":
                moves.append(f"{c['actor_name']} accepts {abs(c.get('to') or 0):.3f} less than no deal")
            else:
                sign = "≥" if c.get("bound") == "at_least" else "≤"
                moves.append(f"{c['actor_name']}: {c['issue_name']} {sign} "
                             f"{c.get('from', 0):.0f} → {c.get('to', 0):.0f}")
        text = "; ".join(moves[:2]) or "a lever alone"
        if len(moves) > 2:
            text += f" and {len(moves) - 2} more"
        if o.get("p_posture") is not None:
            text += f" (chance all are postures {o['p_posture']:.2f})"
        if o.get("lever_names"):
            text += " with " + " + ".join(o["lever_names"])
        return text
    if o.get("kind") == "lever":
        label = " + ".join(o["lever_names"])
        if data["verdict"]["zone_exists"]:
            return f"{label} moves the Nash package most ({o['nash_shift']:.1f} points of scale in all)"
        if o.get("opens_zone"):
            return f"{label} opens a zone"
        return f"{label} closes {100 * (o.get('share_closed') or 0):.0f}% of the gap"
    return f"{o['actor_name']} moves on {o['issue_name']} from {o['from']:.0f} to {o['to']:.0f}"


def named_pivotal(scenario: Scenario, agreement: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Each red line's pivotality from the agreement JSON, with the actor's and issue's names."""
    names = {a.id: a.name for a in scenario.actors}
    inames = {i.id: i.name for i in scenario.issues}
    return [{**p, "actor_name": names.get(p["actor"], p["actor"]), "issue_name": inames.get(p["issue"], p["issue"])}
            for p in agreement.get("pivotal") or []] or None


def pivotal_text(pivotal: Any, counted: int | None = None) -> str:
    """The red lines that most often block alone, with how often."""
    if not isinstance(pivotal, list):
        return str(pivotal)
    top = sorted((p for p in pivotal if isinstance(p, dict) and p.get("share")), key=lambda p: -p["share"])[:2]
    if not top:
        return "no single red line blocks alone in any draw"
    return "; ".join(f"{p.get('actor_name', p['actor'])}: {p.get('issue_name', p['issue'])} "
                     f"{'≥' if p['bound'] == 'at_least' else '≤'} {plain(p['value'])} in {percent(p['share'])}"
                     for p in top) + (f" of the first {counted:,} draws" if counted else " of the draws")


def timeline_text(tl: dict[str, Any]) -> str:
    """How the verdict moves over the timeline, in one sentence."""
    if not tl["dates"]:
        return "the scenario has no timeline"
    first, last = tl["first"], tl["last"]
    text = f"a zone on {tl['with_zone']} of {tl['dates']} dates, {first['date']} to {last['date']}"
    for ch in tl["changes"][:3]:
        text += f"; {'opens' if ch['zone_exists'] else 'closes'} {ch['date']} ({ch['label']})"
    if not tl["changes"]:
        if tl["with_zone"] == tl["dates"]:
            text += "; the verdict holds throughout"
        elif tl["with_zone"] == 0:
            text += f"; the gap goes from {first['gap']:.3f} to {last['gap']:.3f}"
    return text


def verdict_block(scenario: Scenario, agreement: dict[str, Any] | None,
                  uncertainty: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The headline and labelled facts of a stored agreement analysis (and Monte Carlo), in names.

    Returns
    -------
    dict or None
        ``{"headline", "facts": [(label, text)], "zone_exists"}``, or None without an analysis.
    """
    if not agreement or "error" in agreement or "zone_exists" not in agreement:
        return None
    p_zone = agreement.get("p_zone")
    draws = agreement.get("draws")
    block_rates: dict[str, float] = {}
    mc = (uncertainty or {}).get("agreement") if isinstance(uncertainty, dict) else None
    if p_zone is None and isinstance(mc, dict) and mc.get("p_zone") is not None:
        p_zone, draws = mc["p_zone"], uncertainty.get("draws")
        names = {a.id: a.name for a in scenario.actors}
        block_rates = {names.get(a, a): r for a, r in (mc.get("blocks") or {}).items()}
    se = agreement.get("p_zone_se")
    if p_zone is not None and se is None and draws:
        se = math.sqrt(p_zone * (1 - p_zone) / draws)
    data = {
        "verdict": verdict_section(scenario, agreement, p_zone),
        "p_zone": p_zone, "p_zone_se": se, "draws": draws, "block_rates": block_rates,
        "pivotal": named_pivotal(scenario, agreement),
        "pivotal_draws": agreement.get("pivotal_draws"),
        "conflict": conflict_section(scenario, agreement),
        "openings": openings_section(scenario, agreement),
        "timeline": timeline_section(agreement),
    }
    facts = verdict_facts(data)
    if data["timeline"]["dates"]:
        facts.append(("Over time", timeline_text(data["timeline"])))
    return {"headline": data["verdict"]["headline"], "facts": facts, "zone_exists": data["verdict"]["zone_exists"]}
