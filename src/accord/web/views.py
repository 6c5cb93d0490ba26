"""Data for the pages' charts and tables, built from a scenario and stored run JSON."""

from __future__ import annotations

from typing import Any

from accord.report.figures import ACTOR_COLOURS, MODEL_COLOURS, short_name
from accord.scenario.schema import Scenario


def chart_scenario(scenario: Scenario) -> dict[str, Any]:
    """What the charts need to know of a scenario: issues with their scales, actors, stance weights."""
    caps = {a.id: a.capability.mid for a in scenario.actors}
    return {
        "actors": [{"id": a.id, "name": a.name, "short": short_name(a.name),
                    "colour": ACTOR_COLOURS[k % len(ACTOR_COLOURS)]} for k, a in enumerate(scenario.actors)],
        "model_colours": list(MODEL_COLOURS),
        "issues": [
            {
                "id": i.id, "name": i.name, "min": i.scale.min, "max": i.scale.max,
                "status_quo": scenario.status_quo(i),
                "anchors": [[float(v), label] for v, label in sorted(i.scale.anchors.items())],
                "stances": [
                    {"actor": s.actor, "position": s.position.mid, "low": s.position.low, "high": s.position.high,
                     "salience": s.salience.mid, "weight": caps.get(s.actor, 0.0) * s.salience.mid}
                    for s in scenario.stances if s.issue == i.id
                ],
            }
            for i in scenario.issues
        ],
    }


CHART_BARS = 12


def chart_analyses(analyses: dict[str, Any]) -> dict[str, Any]:
    """The analyses' JSON for the charts, with long tables cut to what a chart shows."""
    out = dict(analyses)
    sens = analyses.get("sensitivity")
    if isinstance(sens, dict) and isinstance(sens.get("outputs"), dict):
        out["sensitivity"] = {**{k: v for k, v in sens.items() if k != "outputs"}, "outputs": {
            issue: ({"error": o["error"]} if "error" in o else
                    {"baseline": o.get("baseline"), "tornado": (o.get("tornado") or [])[:CHART_BARS]})
            for issue, o in sens["outputs"].items() if isinstance(o, dict)
        }}
    return out


def models_with_rounds(run_json: dict[str, Any]) -> list[str]:
    """Models whose results carry positions after each round."""
    return [m for m, data in run_json.get("models", {}).items()
            if any(e.get("rounds") for e in data.get("issues", {}).values())]


def diff_bar(delta: float | None, span: float) -> float:
    """A forecast change as a share of the scale, clipped to [-1, 1], for drawing a bar."""
    if delta is None or not span:
        return 0.0
    return max(-1.0, min(1.0, delta / span))
