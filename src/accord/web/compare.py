"""The comparison page in words: what changed in the verdict and the forecasts, and JSON paths as names."""

from __future__ import annotations

import re
from typing import Any

from accord.brief import model_label, verdict_block
from accord.scenario.schema import Scenario
from accord.store.diff import NOISE

KEY_WORDS = {
    "nash": "Nash package", "kalai_smorodinsky": "Kalai–Smorodinsky package", "relaxed": "relaxed package",
    "zone": "zone", "zone_exists": "zone exists", "gap": "gap", "margin": "margin", "p_zone": "P(zone)",
    "p_zone_se": "its standard error", "blockers": "blockers", "blocks": "blocks in", "levers": "levers",
    "timeline": "timeline", "types": "types", "reasons": "reasons", "verdict": "verdict",
    "partial_deals": "partial deals", "deals": "deals", "issues": "issues", "forecasts": "forecasts",
    "summary": "summary", "mean": "mean", "sd": "sd", "p10": "p10", "p50": "median", "p90": "p90",
    "reservation": "reservation value", "nash_surplus": "Nash surplus", "ks_surplus": "K–S surplus",
    "nash_shift": "Nash shift", "share_closed": "share of the gap closed", "gap_closed": "gap closed",
    "no_deal_cost": "no-deal cost", "status_quo": "status quo", "binding_issues": "binding issues",
    "histograms": "histogram", "counts": "counts", "edges": "bin edges", "agreement": "agreement",
}


def path_words(path: str, scenario: Scenario | None) -> str:
    """``levers[0].nash.territory`` -> ``levers › #1 › Nash package › Territory`` (ids become names)."""
    names: dict[str, str] = {}
    if scenario is not None:
        names.update({a.id: a.name for a in scenario.actors})
        names.update({i.id: i.name for i in scenario.issues})
        names.update({lv.id: lv.name for lv in scenario.levers})
    parts = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if token.startswith("["):
            parts.append(f"#{int(token[1:-1]) + 1}")
        else:
            parts.append(names.get(token) or KEY_WORDS.get(token) or model_label(token))
    return " › ".join(parts)


def lead(old_record: Any, new_record: Any, results_diff: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """What changed, first: the verdict before and after, and the forecasts that moved most.

    Returns
    -------
    dict
        ``{"verdict": {"old", "new", "changed"} or None, "moved": [{"model", "issue", "old", "new",
        "delta", "share"}], "unchanged": int}``; forecasts that differ by less than
        :data:`~accord.store.diff.NOISE` count as unchanged.
    """
    verdicts = []
    for record in (old_record, new_record):
        sc = record.version.scenario() if record.version is not None else scenario
        block = verdict_block(sc, record.analyses.get("agreement"), record.analyses.get("uncertainty"))
        verdicts.append(block)
    verdict = None
    if any(verdicts):
        old_v, new_v = verdicts
        verdict = {
            "old": old_v["headline"] if old_v else "no agreement analysis",
            "new": new_v["headline"] if new_v else "no agreement analysis",
            "changed": (old_v or {}).get("headline") != (new_v or {}).get("headline")
            or (old_v or {}).get("zone_exists") != (new_v or {}).get("zone_exists"),
        }
    names = {i.id: i for i in scenario.issues}
    moved, unchanged = [], 0
    for model, m in results_diff["models"].items():
        for issue_id, e in m["issues"].items():
            delta = e.get("delta")
            if delta is None or abs(delta) < NOISE:
                unchanged += delta is not None
                continue
            issue = names.get(issue_id)
            span = (issue.scale.max - issue.scale.min) if issue is not None else 0.0
            moved.append({"model": model_label(model), "issue": issue.name if issue else issue_id,
                          "old": e["old"], "new": e["new"], "delta": delta,
                          "share": abs(delta) / span if span else None})
    moved.sort(key=lambda r: -(r["share"] if r["share"] is not None else abs(r["delta"])))
    return {"verdict": verdict, "moved": moved, "unchanged": unchanged}
