"""What changed between two runs: their inputs and their results.

Inputs are compared item by item: actors, issues, sources and levers by id,
stances by ``(actor, issue)``, timeline snapshots by date and label, actor types
by ``(actor, id)``; each item is added, removed, or changed in named fields with
the old and new values. Results are compared per model and issue: both forecasts
and the difference. Analyses are compared leaf by leaf.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from accord.scenario.schema import Scenario

if TYPE_CHECKING:
    from accord.store.repository import RunRecord

HEADER_FIELDS = ("id", "title", "as_of", "description", "distribution", "hold_probability")
SECTIONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "actors": lambda x: x["id"],
    "issues": lambda x: x["id"],
    "stances": lambda x: f"{x['actor']} / {x['issue']}",
    "sources": lambda x: x["id"],
    "levers": lambda x: x["id"],
    "timeline": lambda x: f"{x['date']} {x['label']}",
    "types": lambda x: f"{x['actor']} / {x['id']}",
}
MAX_LEAF_CHANGES = 200
NOISE = 1e-9
"""Numbers closer than this are the same: differences below it are rounding, not change."""


def _dump(scenario: Scenario) -> dict[str, Any]:
    data = scenario.model_dump(mode="json")
    for src in data.get("sources", []):
        src.pop("file", None)
    return data


def _fields_changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: {"old": old.get(k), "new": new.get(k)}
            for k in sorted(set(old) | set(new), key=lambda k: (list(old) + list(new)).index(k))
            if old.get(k) != new.get(k)}


def diff_scenarios(old: Scenario, new: Scenario) -> dict[str, Any]:
    """Differences between two scenarios.

    Returns
    -------
    dict
        ``{"same": bool, "header": {FIELD: {"old", "new"}}, SECTION: {"added": [KEY...],
        "removed": [KEY...], "changed": {KEY: {FIELD: {"old", "new"}}}}}`` for each
        section that differs.
    """
    a, b = _dump(old), _dump(new)
    out: dict[str, Any] = {"header": _fields_changed({k: a.get(k) for k in HEADER_FIELDS},
                                                     {k: b.get(k) for k in HEADER_FIELDS})}
    for section, key in SECTIONS.items():
        items_a = {key(x): x for x in a.get(section, [])}
        items_b = {key(x): x for x in b.get(section, [])}
        added = [k for k in items_b if k not in items_a]
        removed = [k for k in items_a if k not in items_b]
        changed = {k: _fields_changed(items_a[k], items_b[k]) for k in items_a
                   if k in items_b and items_a[k] != items_b[k]}
        if added or removed or changed:
            out[section] = {"added": added, "removed": removed, "changed": changed}
    out["same"] = not out["header"] and len(out) == 1
    return out


def _delta(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float) and math.isfinite(a) and math.isfinite(b):
        return b - a
    return None


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Forecast differences between two :func:`accord.runner.run_to_json` outputs.

    Returns
    -------
    dict
        ``{"models": {MODEL: {"status": "both"|"added"|"removed", "params": {...changed...},
        "issues": {ISSUE: {"old", "new", "delta", "old_anchor", "new_anchor"}}}}, "max_abs_delta": float}``.
    """
    models_a, models_b = old.get("models", {}), new.get("models", {})
    out: dict[str, Any] = {}
    largest = 0.0
    for name in [*models_a, *(m for m in models_b if m not in models_a)]:
        ma, mb = models_a.get(name), models_b.get(name)
        status = "both" if ma is not None and mb is not None else ("removed" if mb is None else "added")
        issues_a = (ma or {}).get("issues", {})
        issues_b = (mb or {}).get("issues", {})
        issues: dict[str, Any] = {}
        for issue in [*issues_a, *(i for i in issues_b if i not in issues_a)]:
            ea, eb = issues_a.get(issue, {}), issues_b.get(issue, {})
            fa, fb = ea.get("forecast"), eb.get("forecast")
            delta = _delta(fa, fb)
            if delta is not None:
                largest = max(largest, abs(delta))
            issues[issue] = {
                "old": fa, "new": fb, "delta": delta,
                "old_anchor": (ea.get("anchor") or {}).get("label"),
                "new_anchor": (eb.get("anchor") or {}).get("label"),
            }
        out[name] = {"status": status, "params": _fields_changed((ma or {}).get("params", {}),
                                                                  (mb or {}).get("params", {})),
                     "issues": issues}
    return {"models": out, "max_abs_delta": largest}


IGNORED_LEAVES = frozenset({"seconds", "timings"})


def leaf_changes(old: Any, new: Any, path: str = "", limit: int = MAX_LEAF_CHANGES) -> list[dict[str, Any]]:
    """Paths where two JSON values differ, with old, new and (for numbers) delta; at most ``limit``.

    Wall times (keys named ``seconds`` or ``timings``) are not compared, nor numbers that differ by less
    than :data:`NOISE`.
    """
    out: list[dict[str, Any]] = []

    def walk(a: Any, b: Any, p: str) -> None:
        if len(out) >= limit:
            return
        if a is None and isinstance(b, dict):
            a = {}
        if b is None and isinstance(a, dict):
            b = {}
        if isinstance(a, dict) and isinstance(b, dict):
            for k in [*a, *(k for k in b if k not in a)]:
                if k not in IGNORED_LEAVES:
                    walk(a.get(k), b.get(k), f"{p}.{k}" if p else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{p}[{i}]")
        elif a != b:
            delta = _delta(a, b)
            if delta is not None and abs(delta) < NOISE:
                return
            out.append({"path": p, "old": a, "new": b, "delta": delta})

    walk(old, new, path)
    return out


def _settings(run: RunRecord) -> dict[str, Any]:
    return {"models": run.models, "params": run.params, "seed": run.seed, "accord_version": run.accord_version}


def diff_runs(old: RunRecord, new: RunRecord) -> dict[str, Any]:
    """Everything that differs between two stored runs: settings, inputs, results, analyses."""
    same_inputs = old.content_hash == new.content_hash
    if same_inputs or old.version is None or new.version is None:
        inputs: dict[str, Any] = {"same": same_inputs, "header": {}}
    else:
        inputs = diff_scenarios(old.version.scenario(), new.version.scenario())
    analyses = {name: leaf_changes(old.analyses.get(name), new.analyses.get(name))
                for name in _union(old.analyses, new.analyses)}
    return {
        "old": {"id": old.id, "scenario": old.scenario_id, "version": old.version_number,
                "content_hash": old.content_hash, "created_at": old.to_json()["created_at"]},
        "new": {"id": new.id, "scenario": new.scenario_id, "version": new.version_number,
                "content_hash": new.content_hash, "created_at": new.to_json()["created_at"]},
        "settings": _fields_changed(_settings(old), _settings(new)),
        "inputs": inputs,
        "results": diff_results(old.results, new.results),
        "analyses": {k: v for k, v in analyses.items() if v},
    }


def _union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    seen = list(a)
    return seen + [x for x in b if x not in seen]
