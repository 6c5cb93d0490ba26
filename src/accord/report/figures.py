"""Static figures for reports, drawn with matplotlib (Agg, no display, no browser).

Every function takes plain run and analysis JSON (as stored in the run history)
plus the scenario, and returns a :class:`matplotlib.figure.Figure` or None when
there is nothing to draw. Figures are built without ``pyplot``, so they hold no
global state and may be drawn from several threads.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from accord.scenario.schema import Issue, Scenario  # noqa: E402

INK = "#1f2933"
MUTED = "#616e7c"
RULE = "#cbd2d9"
ACCENT = "#1d4e89"
MODEL_COLOURS = ("#111827", "#6b7280", "#b45309", "#0f766e", "#7c3aed", "#be123c", "#374151")
ACTOR_COLOURS = ("#1d4e89", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#00838f", "#6d4c41", "#ad1457",
                 "#455a64", "#9e9d24")
WIDTH = 7.0

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8,
    "axes.edgecolor": RULE,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e7eb",
    "grid.linewidth": 0.6,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "text.color": INK,
    "svg.fonttype": "none",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "pdf.fonttype": 42,
}


@contextmanager
def style() -> Iterator[None]:
    """The report's matplotlib style, for drawing and for saving."""
    with rc_context(STYLE):
        yield


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prologue)."""
    buf = io.StringIO()
    with style():
        fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def to_png(fig: Figure, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _models(run_json: dict[str, Any]) -> list[str]:
    return list(run_json.get("models", {}))


def short_name(name: str, limit: int = 26) -> str:
    """An actor's name for a legend: before any parenthesis, cut at ``limit`` characters."""
    name = name.split(" (")[0]
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def share(issue: Issue, value: float) -> float:
    """``value`` as a percentage of ``issue``'s scale."""
    return 100 * (value - issue.scale.min) / (issue.scale.max - issue.scale.min)


def _scale_ticks(ax: Any, issue: Issue) -> None:
    pad = 0.02 * (issue.scale.max - issue.scale.min)
    ax.set_xlim(issue.scale.min - pad, issue.scale.max + pad)
    anchors = sorted(issue.scale.anchors)
    if anchors:
        ax.set_xticks(anchors)
        ax.set_xticklabels([f"{a:g}" for a in anchors])


def forecast_figure(scenario: Scenario, run_json: dict[str, Any]) -> Figure | None:
    """Each issue on its scale: actors' positions (size: capability × salience), status quo, forecasts."""
    models = _models(run_json)
    if not scenario.issues:
        return None
    with style():
        n = len(scenario.issues)
        legend_in = 0.22 * math.ceil((len(models) + 1 + len(scenario.actors)) / 4) + 0.15
        height = 0.45 + 0.78 * n + legend_in
        fig = Figure(figsize=(WIDTH, height))
        axes = fig.subplots(n, 1, squeeze=False)[:, 0]
        caps = {a.id: a.capability.mid for a in scenario.actors}
        actor_colour = {a.id: ACTOR_COLOURS[k % len(ACTOR_COLOURS)] for k, a in enumerate(scenario.actors)}
        weights = [caps.get(s.actor, 0) * s.salience.mid for s in scenario.stances]
        top = max(weights, default=1.0) or 1.0
        for ax, issue in zip(axes, scenario.issues, strict=True):
            ax.set_ylim(-1, 1)
            ax.set_yticks([])
            ax.grid(axis="y", visible=False)
            ax.spines["left"].set_visible(False)
            _scale_ticks(ax, issue)
            ax.set_title(_wrap(issue.name, 90), fontsize=8.5, pad=3)
            for s in scenario.stances:
                if s.issue != issue.id:
                    continue
                w = caps.get(s.actor, 0) * s.salience.mid
                lo, hi = s.position.low, s.position.high
                if hi > lo:
                    ax.plot([lo, hi], [0.35, 0.35], color=actor_colour[s.actor], lw=1.2, alpha=0.5)
                ax.scatter([s.position.mid], [0.35], s=18 + 140 * w / top, color=actor_colour[s.actor],
                           alpha=0.85, edgecolors="white", linewidths=0.6, zorder=3)
            sq = scenario.status_quo(issue)
            ax.plot([sq], [-0.45], marker="v", color=MUTED, ms=6, zorder=3)
            for k, m in enumerate(models):
                x = run_json["models"][m]["issues"].get(issue.id, {}).get("forecast")
                if x is not None:
                    ax.axvline(x, ymin=0.05, ymax=0.95, color=MODEL_COLOURS[k % len(MODEL_COLOURS)], lw=1.6,
                               ls=("-", "--", ":", "-.")[k % 4], zorder=2)
        handles = [Line2D([], [], color=MODEL_COLOURS[k % len(MODEL_COLOURS)], lw=1.6, ls=("-", "--", ":", "-.")[k % 4],
                          label=f"forecast: {m}") for k, m in enumerate(models)]
        handles.append(Line2D([], [], color=MUTED, marker="v", ls="", label="status quo"))
        handles += [Line2D([], [], color=actor_colour[a.id], marker="o", ls="", label=short_name(a.name))
                    for a in scenario.actors]
        fig.legend(handles=handles, loc="lower center", ncol=min(4, len(handles)), bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, legend_in / height, 1, 1), h_pad=0.6)
    return fig


def rounds_figures(scenario: Scenario, run_json: dict[str, Any]) -> list[tuple[str, Figure]]:
    """For each model that works in rounds: every actor's position after each round, per issue."""
    out = []
    actor_colour = {a.id: ACTOR_COLOURS[k % len(ACTOR_COLOURS)] for k, a in enumerate(scenario.actors)}
    names = {a.id: a.name for a in scenario.actors}
    for model, data in run_json.get("models", {}).items():
        issues = [(i, data["issues"].get(i.id, {})) for i in scenario.issues]
        issues = [(i, e) for i, e in issues if e.get("rounds")]
        if not issues:
            continue
        with style():
            cols = 2 if len(issues) > 1 else 1
            rows = math.ceil(len(issues) / cols)
            legend_in = 0.22 * math.ceil((len(scenario.actors) + 1) / 4) + 0.15
            height = 0.45 + 1.9 * rows + legend_in
            fig = Figure(figsize=(WIDTH, height))
            axes = fig.subplots(rows, cols, squeeze=False).ravel()
            seen: dict[str, Any] = {}
            for ax, (issue, entry) in zip(axes, issues, strict=False):
                rounds = entry["rounds"]
                xs = list(range(len(rounds)))
                for a, actor in enumerate(entry.get("actors", [])):
                    ys = [r[a] if r[a] is not None else math.nan for r in rounds]
                    (line,) = ax.plot(xs, ys, color=actor_colour.get(actor, MUTED), lw=1.1, alpha=0.9)
                    seen.setdefault(actor, line)
                traj = [v if v is not None else math.nan for v in entry.get("trajectory", [])]
                (fline,) = ax.plot(list(range(len(traj))), traj, color=INK, lw=2.0, ls="--")
                seen.setdefault("__forecast__", fline)
                ax.set_ylim(issue.scale.min, issue.scale.max)
                ax.set_title(_wrap(issue.name, 48), fontsize=8)
                ax.set_xlabel("round")
            for ax in axes[len(issues):]:
                ax.set_visible(False)
            handles = [seen[k] for k in seen if k != "__forecast__"]
            labels = [short_name(names.get(k, k)) for k in seen if k != "__forecast__"]
            if "__forecast__" in seen:
                handles.append(seen["__forecast__"])
                labels.append("forecast")
            fig.legend(handles, labels, loc="lower center", ncol=min(4, len(handles)), bbox_to_anchor=(0.5, 0.0))
            fig.tight_layout(rect=(0, legend_in / height, 1, 1))
        out.append((model, fig))
    return out


def uncertainty_figure(scenario: Scenario, data: dict[str, Any]) -> Figure | None:
    """Monte Carlo: the 10–90 % interval and median of each model's forecast, per issue."""
    models = data.get("models") or {}
    if not models or "error" in data:
        return None
    with style():
        n = len(scenario.issues)
        legend_in = 0.22 * math.ceil(len(models) / 6) + 0.2
        height = 0.8 + 0.42 * n * max(1, len(models)) ** 0.5 + legend_in
        fig = Figure(figsize=(WIDTH, height))
        ax = fig.subplots()
        labels = []
        offsets = [0.0] if len(models) == 1 else [(k - (len(models) - 1) / 2) * 0.22 for k in range(len(models))]
        for i, issue in enumerate(scenario.issues):
            labels.append(_wrap(issue.name, 34))
            for k, by_issue in enumerate(models.values()):
                st = (by_issue.get("issues") or {}).get(issue.id)
                if not st or st.get("p10") is None:
                    continue
                y = i + offsets[k]
                colour = MODEL_COLOURS[k % len(MODEL_COLOURS)]
                ax.plot([share(issue, st["p10"]), share(issue, st["p90"])], [y, y], color=colour, lw=3.2, alpha=0.45,
                        solid_capstyle="butt")
                ax.plot([share(issue, st["p50"])], [y], marker="|", ms=11, mew=2, color=colour)
        ax.set_yticks(range(n))
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("forecast, % of each issue's scale (bar: 10–90 % of draws; tick: median)")
        ax.grid(axis="y", visible=False)
        handles = [Line2D([], [], color=MODEL_COLOURS[k % len(MODEL_COLOURS)], lw=3.2, alpha=0.6, label=m)
                   for k, m in enumerate(models)]
        fig.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)), bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, legend_in / height, 1, 1))
    return fig


def tornado_figure(scenario: Scenario, data: dict[str, Any], top: int = 5) -> Figure | None:
    """Sensitivity: for each issue, the judgements that move the forecast most (low end to high end)."""
    outputs = {k: v for k, v in (data.get("outputs") or {}).items() if v.get("tornado")}
    if not outputs:
        return None
    names = {i.id: i.name for i in scenario.issues}
    with style():
        cols = 2 if len(outputs) > 1 else 1
        rows = math.ceil(len(outputs) / cols)
        fig = Figure(figsize=(WIDTH, 0.5 + rows * (0.2 * top + 0.55)))
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, (issue_id, out) in zip(axes, outputs.items(), strict=False):
            bars = out["tornado"][:top]
            base = out.get("baseline")
            for j, bar in enumerate(bars):
                lo, hi = bar.get("low"), bar.get("high")
                if lo is None or hi is None or base is None:
                    continue
                ax.barh(j, lo - base, left=base, color="#c0392b", alpha=0.75, height=0.62)
                ax.barh(j, hi - base, left=base, color=ACCENT, alpha=0.75, height=0.62)
            if base is not None:
                ax.axvline(base, color=INK, lw=0.8)
            labels = [(b.get("label") or b.get("name", "")).replace(f" on {issue_id}", "")
                      .replace(f" of {issue_id}", "") for b in bars]
            ax.set_yticks(range(len(bars)))
            ax.set_yticklabels([_wrap(t, 28) for t in labels], fontsize=7)
            ax.set_ylim(top - 0.5, -0.5)
            ax.grid(axis="y", visible=False)
            ax.set_title(_wrap(names.get(issue_id, issue_id), 44), fontsize=8)
        for ax in axes[len(outputs):]:
            ax.set_visible(False)
        fig.supxlabel("forecast with the judgement at the low end (red) or the high end (blue) of its range",
                      fontsize=7.5, color=MUTED)
        fig.tight_layout(h_pad=0.9, w_pad=1.2)
    return fig


def _zone_of(entry: Any) -> tuple[float, float] | None:
    if not isinstance(entry, dict):
        return None
    zone = entry.get("zone", entry)
    if isinstance(zone, list | tuple) and len(zone) == 2 and all(isinstance(v, int | float) for v in zone):
        return float(zone[0]), float(zone[1])
    if isinstance(zone, dict):
        for lo_key, hi_key in (("low", "high"), ("lo", "hi"), ("min", "max"), ("zone_low", "zone_high"),
                               ("lower", "upper"), ("from", "to")):
            lo, hi = zone.get(lo_key), zone.get(hi_key)
            if isinstance(lo, int | float) and isinstance(hi, int | float):
                return float(lo), float(hi)
    return None


def _per_issue(data: dict[str, Any], key: str = "issues") -> dict[str, Any]:
    raw = data.get(key)
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, list):
        return {e.get("issue") or e.get("id"): e for e in raw
                if isinstance(e, dict) and (e.get("issue") or e.get("id"))}
    return {}


def zone_figure(scenario: Scenario, data: dict[str, Any]) -> Figure | None:
    """The zone of agreement on each issue, with the bargaining solutions and the status quo."""
    per_issue = _per_issue(data)
    rows = [(issue, per_issue.get(issue.id)) for issue in scenario.issues if issue.id in per_issue]
    if not rows:
        return None
    marks = (("nash", "D", "#111827", "Nash bargaining solution"),
             ("kalai_smorodinsky", "s", "#b45309", "Kalai–Smorodinsky point"),
             ("relaxed", "o", "#8a1c1c", "closest package (no zone)"))
    with style():
        fig = Figure(figsize=(WIDTH, 1.0 + 0.36 * len(rows)))
        ax = fig.subplots()
        used = set()
        for k, (issue, entry) in enumerate(rows):
            def pct(v: float, issue: Issue = issue) -> float:
                return share(issue, v)

            ax.plot([0, 100], [k, k], color=RULE, lw=0.8)
            zone = _zone_of(entry)
            if zone is not None:
                ax.plot([pct(zone[0]), pct(zone[1])], [k, k], color="#2e7d32", lw=7, alpha=0.55,
                        solid_capstyle="butt")
                used.add("zone")
            else:
                ax.text(101, k, "no zone", va="center", fontsize=7, color="#8a1c1c")
            ax.plot([pct(scenario.status_quo(issue))], [k], marker="v", color=MUTED, ms=6, ls="")
            for key, marker, colour, _ in marks:
                value = entry.get(key) if isinstance(entry, dict) else None
                if isinstance(value, int | float):
                    ax.plot([pct(value)], [k], marker=marker, color=colour, ms=5, ls="")
                    used.add(key)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([_wrap(i.name, 34) for i, _ in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("% of each issue's scale")
        handles = [Line2D([], [], color=MUTED, marker="v", ls="", label="status quo")]
        if "zone" in used:
            handles.insert(0, Line2D([], [], color="#2e7d32", lw=7, alpha=0.55, label="zone of agreement"))
        handles += [Line2D([], [], color=c, marker=m, ls="", label=label)
                    for key, m, c, label in marks if key in used]
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, 0.32 / (1.0 + 0.36 * len(rows)), 1, 1))
    return fig


def timeline_figure(data: dict[str, Any]) -> Figure | None:
    """The gap to a zone of agreement at each date of the case's timeline."""
    import datetime as dt

    timeline = data.get("timeline")
    if not isinstance(timeline, list) or not timeline or not all(isinstance(t, dict) for t in timeline):
        return None
    if not all(isinstance(t.get("gap"), int | float) for t in timeline):
        return None
    try:
        xs: list[Any] = [dt.date.fromisoformat(str(t["date"])) for t in timeline]
    except (KeyError, ValueError):
        xs = list(range(len(timeline)))
    snapshots = [(x, t) for x, t in zip(xs, timeline, strict=True) if t.get("kind") == "snapshot" and t.get("label")]
    key = [f"{k}  {t['date']}  {t['label']}" for k, (_, t) in enumerate(snapshots, start=1)]
    with style():
        fig = Figure(figsize=(WIDTH, 2.6 + 0.16 * len(key)))
        ax = fig.subplots()
        gaps = [t["gap"] for t in timeline]
        ax.plot(xs, gaps, color=INK, lw=1.2)
        for x, t in zip(xs, timeline, strict=True):
            ax.plot([x], [t["gap"]], marker="o", ms=5, ls="",
                    color="#2e7d32" if t.get("zone_exists") else "#8a1c1c")
        # Snapshots are numbered at their dates, staggered so close dates do not collide,
        # and named in a key under the chart.
        for k, (x, t) in enumerate(snapshots, start=1):
            ax.annotate(str(k), (x, t["gap"]), textcoords="offset points", xytext=(0, 8 + 9 * ((k - 1) % 3)),
                        ha="center", fontsize=7, color=INK, weight="bold")
        ax.set_ylabel("gap to a zone (utility)")
        ax.set_ylim(bottom=0, top=max(max(gaps) * 1.35, 0.05))
        fig.autofmt_xdate()
        handles = [Line2D([], [], color="#2e7d32", marker="o", ls="", label="zone exists"),
                   Line2D([], [], color="#8a1c1c", marker="o", ls="", label="no zone")]
        ax.legend(handles=handles, loc="upper right")
        if key:
            fig.text(0.01, 0.01, "\n".join(key), fontsize=6.8, color=MUTED, va="bottom", ha="left")
            fig.tight_layout(rect=(0, 0.16 * len(key) / (2.6 + 0.16 * len(key)) + 0.01, 1, 1))
        else:
            fig.tight_layout()
    return fig


def agreement_figures(scenario: Scenario, data: dict[str, Any]) -> list[tuple[str, Figure]]:
    """The agreement analysis's figures that its JSON supports, with captions."""
    if not isinstance(data, dict) or "error" in data:
        return []
    out = []
    zone = zone_figure(scenario, data)
    if zone is not None:
        out.append(("Zone of agreement on each issue: the outcomes every veto player prefers to no deal.", zone))
    timeline = timeline_figure(data)
    if timeline is not None:
        out.append(("The gap to a zone of agreement over the case's timeline (0: a zone exists).", timeline))
    return out
