"""Static reports without a browser: a paginated A4 PDF, or PNG figures, drawn with matplotlib (Agg).

The PDF carries what the HTML report carries, in the same order: title and
provenance, verdict, key findings, the forecast table, the figures with numbered
captions, the analyses' tables, and the stances with the quotes and sources
behind them.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from accord.report import figures as figs
from accord.report.analyses import describe_options
from accord.report.analyses import title as analysis_title
from accord.report.build import ReportInput
from accord.report.content import fmt, forecast_rows, stance_views
from accord.report.html import counts, key_findings, longdate, recorded_options, verdict_of

A4 = (8.27, 11.69)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 0.85, 0.8, 0.85
SERIF, SANS = "DejaVu Serif", "DejaVu Sans"
CHAR_WIDTH = 0.55
FIGURE_DPI = 180
LINE = 1.38


BOLD_SANS_WIDTH = 0.62
"""Width of an average bold sans-serif character, as a share of the font size (a safe upper estimate)."""


def _wrap(text: str, size: float, width_in: float, serif: bool = True, whole_words: bool = False) -> list[str]:
    chars = max(3, int(width_in * 72 / (size * (CHAR_WIDTH if serif else 0.56))))
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        lines += textwrap.wrap(para, chars, break_long_words=not whole_words, break_on_hyphens=False) or [""]
    return lines


def header_widths(header: Sequence[str], widths: Sequence[float], total: float, size: float) -> list[float]:
    """Column widths in inches, from relative ``widths``, each wide enough for its header's longest word.

    What a narrow column needs is taken from the others in proportion to their room to spare,
    so header words never run into the next column.
    """
    cols = [w / sum(widths) * total for w in widths]
    need = [max((len(word) for word in h.split()), default=0) * size * 1.2 * BOLD_SANS_WIDTH / 72 + 0.12
            for h in header]
    for _ in range(len(cols)):
        short = [k for k, (c, n) in enumerate(zip(cols, need, strict=True)) if c < n - 1e-9]
        if not short:
            break
        deficit = sum(need[k] - cols[k] for k in short)
        spare = {k: cols[k] - need[k] for k in range(len(cols)) if k not in short and cols[k] > need[k]}
        room = sum(spare.values())
        if room <= 0:
            break
        take = min(deficit, room)
        for k in short:
            cols[k] = need[k] if take == deficit else cols[k] + (need[k] - cols[k]) * take / deficit
        for k, r in spare.items():
            cols[k] -= take * r / room
    return cols


@dataclass
class _Cursor:
    page: Figure
    y: float


class PageWriter:
    """Lays out text, tables and figures on A4 pages, starting a new page when one is full."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.pages: list[Figure] = []
        self.figure_no = 0
        self.table_no = 0
        self.section_no = 0
        self._new_page()

    @property
    def width(self) -> float:
        return A4[0] - 2 * MARGIN_X

    def _new_page(self) -> None:
        page = Figure(figsize=A4)
        page.patch.set_facecolor("white")
        n = len(self.pages) + 1
        if n > 1:
            page.text(MARGIN_X / A4[0], 1 - 0.45 / A4[1], self.title, fontsize=7.5, family=SANS, color=figs.MUTED)
        page.text(1 - MARGIN_X / A4[0], 0.45 / A4[1], f"{n}", fontsize=8, family=SANS, color=figs.MUTED,
                  ha="right")
        self.pages.append(page)
        self.cur = _Cursor(page, MARGIN_TOP)

    def _fits(self, height: float) -> bool:
        """Whether ``height`` inches fit on the current page (anything fits on an empty page)."""
        return self.cur.y + height <= A4[1] - MARGIN_BOTTOM or self.cur.y <= MARGIN_TOP + 0.01

    def _need(self, height: float) -> None:
        if not self._fits(height):
            self._new_page()

    def _text(self, x: float, y: float, s: str, **kw: Any) -> None:
        self.cur.page.text(x / A4[0], 1 - y / A4[1], s, va="top", **kw)

    def space(self, inches: float) -> None:
        self.cur.y += inches

    def lines(self, text: str, *, size: float = 9.5, serif: bool = True, color: str = figs.INK,
              weight: str = "normal", style: str = "normal", indent: float = 0.0, keep: float = 0.0) -> None:
        wrapped = _wrap(text, size, self.width - indent, serif)
        step = size * LINE / 72
        self._need(min(len(wrapped), 3) * step + keep)
        for line in wrapped:
            self._need(step)
            self._text(MARGIN_X + indent, self.cur.y, line, fontsize=size, family=SERIF if serif else SANS,
                       color=color, weight=weight, style=style)
            self.cur.y += step

    def heading(self, text: str, *, numbered: bool = True, level: int = 2, keep: float = 0.5) -> None:
        size = 13 if level == 2 else 10.5
        self._need(0.45 + keep)
        if self.cur.y > MARGIN_TOP + 0.01:
            self.space(0.18 if level == 2 else 0.1)
        if numbered and level == 2:
            self.section_no += 1
            text = f"{self.section_no}. {text}"
        self.lines(text, size=size, serif=False, weight="bold")
        if level == 2:
            y = 1 - (self.cur.y + 0.02) / A4[1]
            self.cur.page.add_artist(Rectangle((MARGIN_X / A4[0], y), self.width / A4[0], 0.6 / 72 / A4[1],
                                               transform=self.cur.page.transFigure, color=figs.RULE))
            self.space(0.1)

    def bullets(self, items: Sequence[str], size: float = 9.5) -> None:
        for item in items:
            wrapped = _wrap(item, size, self.width - 0.25)
            step = size * LINE / 72
            self._need(step * min(len(wrapped), 2))
            self._text(MARGIN_X + 0.08, self.cur.y, "•", fontsize=size, family=SERIF, color=figs.ACCENT)
            for line in wrapped:
                self._need(step)
                self._text(MARGIN_X + 0.25, self.cur.y, line, fontsize=size, family=SERIF, color=figs.INK)
                self.cur.y += step
            self.space(0.03)

    def box(self, headline: str, reasons: Sequence[str], negative: bool) -> None:
        size = 10.5
        head = _wrap(headline, size, self.width - 0.4, serif=False)
        body = [_wrap(r, 9, self.width - 0.65) for r in reasons]
        height = 0.18 + len(head) * size * LINE / 72 + sum(len(b) for b in body) * 9 * LINE / 72 + 0.12
        self._need(height)
        top = self.cur.y
        page = self.cur.page
        page.add_artist(Rectangle((MARGIN_X / A4[0], 1 - (top + height) / A4[1]), self.width / A4[0],
                                  height / A4[1], transform=page.transFigure, color="#f3f5f7", zorder=0))
        page.add_artist(Rectangle((MARGIN_X / A4[0], 1 - (top + height) / A4[1]), 0.06 / A4[0], height / A4[1],
                                  transform=page.transFigure, color="#8a1c1c" if negative else figs.ACCENT))
        self.cur.y += 0.1
        for line in head:
            self._text(MARGIN_X + 0.2, self.cur.y, line, fontsize=size, family=SANS, weight="bold", color=figs.INK)
            self.cur.y += size * LINE / 72
        for wrapped in body:
            self._text(MARGIN_X + 0.25, self.cur.y, "•", fontsize=9, family=SERIF)
            for line in wrapped:
                self._text(MARGIN_X + 0.42, self.cur.y, line, fontsize=9, family=SERIF, color=figs.INK)
                self.cur.y += 9 * LINE / 72
        self.cur.y = top + height + 0.1

    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              numeric: Sequence[bool], size: float = 7.8) -> None:
        """A numbered table; when it runs onto another page, that page repeats its header row.

        Parameters
        ----------
        caption : str
        header : sequence of str
            The column headings.
        rows : sequence of sequence of str
            The cells, one sequence per row, as many as ``header``.
        widths : sequence of float
            Relative column widths.
        numeric : sequence of bool
            Columns aligned right.
        size : float
            Font size of the cells, in points.
        """
        self.table_no += 1
        number = self.table_no
        cols = header_widths(header, widths, self.width, size)
        step = size * 1.3 / 72

        def wrap_row(cells: Sequence[str], bold: bool) -> tuple[list[list[str]], float]:
            wrapped = [_wrap(c, size * (1.2 if bold else 1.0), w - 0.1, serif=False, whole_words=bold)
                       for c, w in zip(cells, cols, strict=True)]
            return wrapped, max(len(w) for w in wrapped) * step + 0.05

        def draw_row(wrapped: list[list[str]], height: float, bold: bool) -> None:
            x = MARGIN_X
            for lines, w, num in zip(wrapped, cols, numeric, strict=True):
                for k, line in enumerate(lines):
                    self._text(x + (w - 0.04 if num else 0.02), self.cur.y + 0.03 + k * step, line, fontsize=size,
                               family=SANS, weight="bold" if bold else "normal", ha="right" if num else "left",
                               color=figs.INK)
                x += w
            self.cur.y += height
            y = 1 - self.cur.y / A4[1]
            self.cur.page.add_artist(Rectangle((MARGIN_X / A4[0], y), self.width / A4[0],
                                               (1.1 if bold else 0.5) / 72 / A4[1],
                                               transform=self.cur.page.transFigure,
                                               color=figs.INK if bold else "#e4e7eb"))

        head, head_height = wrap_row(header, True)
        body = [wrap_row(row, False) for row in rows]
        first_row = body[0][1] if body else 0.0
        self.lines(f"Table {number}. {caption}", size=8.5, serif=False, color=figs.MUTED, weight="bold",
                   keep=head_height + first_row)
        self._need(head_height + first_row)
        draw_row(head, head_height, True)
        for wrapped, height in body:
            if not self._fits(height):
                self._new_page()
                self.lines(f"Table {number} (continued). {caption}", size=8.5, serif=False, color=figs.MUTED,
                           weight="bold")
                draw_row(head, head_height, True)
            draw_row(wrapped, height, False)
        self.space(0.12)

    def write_pdf(self, path: str | Path) -> Path:
        """Write the pages laid out so far as a PDF titled with the writer's title."""
        path = Path(path)
        with figs.style(), PdfPages(path, metadata={"Title": self.title, "Creator": "accord"}) as pdf:
            for page in self.pages:
                FigureCanvasAgg(page)
                pdf.savefig(page)
        return path

    def figure(self, fig: Figure, caption: str, heading: str | None = None) -> None:
        buf = io.BytesIO()
        with figs.style():
            fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight", facecolor="white")
        buf.seek(0)
        from matplotlib.image import imread

        image = imread(buf)
        h_px, w_px = image.shape[:2]
        width = self.width
        height = width * h_px / w_px
        cap = _wrap(f"Figure {self.figure_no + 1}. {caption}", 8.5, self.width, serif=False)
        available = A4[1] - MARGIN_TOP - MARGIN_BOTTOM - len(cap) * 8.5 * LINE / 72 - 0.2
        if heading is not None:
            available -= 0.6
        if height > available:
            width, height = width * available / height, available
        if heading is not None:
            self.heading(heading, keep=height + len(cap) * 8.5 * LINE / 72 + 0.15)
        self._need(height + len(cap) * 8.5 * LINE / 72 + 0.15)
        self.figure_no += 1
        page = self.cur.page
        ax = page.add_axes((MARGIN_X / A4[0] + (self.width - width) / 2 / A4[0], 1 - (self.cur.y + height) / A4[1],
                            width / A4[0], height / A4[1]))
        ax.imshow(np.asarray(image), interpolation="none")
        ax.set_axis_off()
        self.cur.y += height + 0.06
        self.lines(f"Figure {self.figure_no}. {caption}", size=8.5, serif=False, color=figs.MUTED)
        self.space(0.12)


def _figures(report: ReportInput) -> list[tuple[str, str, Figure]]:
    """``(slug, caption, figure)`` for every figure of the report, in order."""
    sc, run = report.scenario, report.run
    out: list[tuple[str, str, Figure]] = []
    fig = figs.forecast_figure(sc, run)
    if fig is not None:
        out.append(("forecast", "Positions of the actors on each issue (dot size: capability × salience; line: "
                    "stated range), the status quo (triangle) and each model's forecast (vertical lines).", fig))
    for model, f in figs.rounds_figures(sc, run):
        out.append((f"rounds-{model}", f"{model}: each actor's position after every round, and the forecast "
                    "(dashed).", f))
    for caption, f in figs.agreement_figures(sc, report.analyses.get("agreement") or {}):
        out.append(("agreement" if not out or out[-1][0] != "agreement" else "agreement-timeline", caption, f))
    unc = report.analyses.get("uncertainty")
    if isinstance(unc, dict) and (f := figs.uncertainty_figure(sc, unc)) is not None:
        out.append(("uncertainty", "The spread of each model's forecast over the Monte Carlo draws: the bar "
                    "covers 80 % of draws, the tick marks the median.", f))
    sens = report.analyses.get("sensitivity")
    if isinstance(sens, dict) and (f := figs.tornado_figure(sc, sens)) is not None:
        out.append(("sensitivity", "The judgements with the widest effect on each issue's forecast (each range at "
                    "its low and its high end, every other judgement at its midpoint).", f))
    return out


def _layout(report: ReportInput, *, first_page: bool = False) -> PageWriter:
    sc = report.scenario
    meta = report.meta
    rows = forecast_rows(sc, report.run)
    models = list(report.run.get("models", {}))
    w = PageWriter(sc.title)
    w.cur.page.add_artist(Rectangle((MARGIN_X / A4[0], 1 - (MARGIN_TOP - 0.2) / A4[1]), w.width / A4[0],
                                    0.07 / A4[1], transform=w.cur.page.transFigure, color=figs.ACCENT))
    kicker = "NEGOTIATION ANALYSIS" + (f" · SITUATION AS OF {longdate(sc.as_of).upper()}" if sc.as_of else "")
    w.lines(kicker, size=8, serif=False, color=figs.ACCENT, weight="bold")
    w.space(0.05)
    w.lines(sc.title, size=19, serif=False, weight="bold")
    created = meta.get("created_at") or dt.datetime.now(dt.UTC)
    w.lines(f"{counts(sc)}. Prepared {longdate(created.date())}, {created:%H:%M} UTC.", size=9, color=figs.MUTED)
    prov = [f"models {', '.join(models)}", f"seed {meta.get('seed', 0)}"]
    if meta.get("run_id"):
        prov.insert(0, f"run {meta['run_id']}")
    if meta.get("content_hash"):
        prov.append(f"scenario {sc.id}" + (f" v{meta['version']}" if meta.get("version") else "")
                    + f" sha256 {meta['content_hash'][:16]}")
    prov.append(f"accord {meta.get('accord_version', '')}")
    w.lines(" · ".join(prov), size=7.5, serif=False, color=figs.MUTED)
    options = describe_options(recorded_options(report), sc)
    if options:
        w.lines("analysis options: " + " · ".join(options), size=7.5, serif=False, color=figs.MUTED)
    w.space(0.15)
    verdict = verdict_of(report.analyses.get("agreement"), sc, report.analyses.get("uncertainty"))
    if verdict is not None:
        w.box(verdict.headline, [f"{label}: {text}" for label, text in verdict.facts] or verdict.reasons,
              verdict.negative)
    w.heading("Key findings")
    w.bullets(key_findings(sc, rows, report.analyses))
    w.heading("Forecast")
    header = ["Issue", "Status quo", *[m.replace("_", " ") for m in models],
              f"Nearest labelled outcome ({models[0] if models else '–'})"]
    body = [[r.issue.name, fmt(r.status_quo), *[fmt(r.values[m]) for m in models],
             f"{r.first_anchor[0]:g}: {r.first_anchor[1]}" if r.first_anchor else "–"] for r in rows]
    numeric = [max(0.75, 0.1 * max(len(word) for word in h.split())) for h in header[1:-1]]
    w.table("Forecast by issue and model", header, body, [2.1, *numeric, max(2.2, 3.9 - sum(numeric) / 3)],
            [False, True, *[True] * len(models), False])
    if first_page:
        return w
    figures = _figures(report)
    for slug, caption, fig in figures:
        if slug == "forecast":
            w.figure(fig, caption)
    rounds = [(c, f) for s, c, f in figures if s.startswith("rounds-")]
    for k, (caption, fig) in enumerate(rounds):
        w.figure(fig, caption, heading="Positions over rounds" if k == 0 else None)
    for name in report.analyses:
        data = report.analyses[name]
        shown = [(c, f) for s, c, f in figures if s.startswith(name)]
        if isinstance(data, dict) and "error" in data:
            w.heading(analysis_title(name))
            w.lines(str(data["error"]), size=9, color="#8a1c1c")
            continue
        for k, (caption, fig) in enumerate(shown):
            w.figure(fig, caption, heading=analysis_title(name) if k == 0 else None)
        if not shown:
            w.heading(analysis_title(name))
            w.lines("The full results of this analysis are in the HTML report and the run history.", size=9,
                    color=figs.MUTED)
    w.heading("Stances and the evidence behind them", numbered=False)
    views = stance_views(sc)
    for issue in sc.issues:
        w.heading(issue.name, level=3)
        for st in views.get(issue.id, []):
            values = f"position {st.position} · salience {st.salience}"
            w.lines(f"{st.actor_name} — {values}", size=8.5, serif=False, weight="bold", keep=0.3)
            for q in st.quotes:
                w.lines(f"“{q.text}”", size=8.5, style="italic", indent=0.15)
                w.lines(f"— {q.citation}" + (f", ¶ {q.passage}" if q.passage else ""), size=7.5, serif=False,
                        color=figs.MUTED, indent=0.15)
            if st.assumption:
                w.lines(f"Assumption: {st.assumption}", size=8, serif=False, color=figs.MUTED, indent=0.15)
            w.space(0.05)
    if sc.sources:
        w.heading("Sources", numbered=False)
        for k, s in enumerate(sc.sources, start=1):
            parts = [s.author, s.publisher, s.date.isoformat() if s.date else "undated"]
            w.lines(f"{k}. {s.title}. " + ", ".join(p for p in parts if p) + "." + (f" {s.url}" if s.url else ""),
                    size=8.5)
    return w


def write_pdf(report: ReportInput, path: str | Path) -> Path:
    """Write the report as a paginated A4 PDF."""
    return _layout(report).write_pdf(path)


def write_pngs(report: ReportInput, path: str | Path, dpi: int = 200) -> list[Path]:
    """Write the first page (verdict, findings, forecast table) and every figure as PNG files.

    ``path`` names the first page (``report.png``); the figures go next to it as
    ``report-forecast.png``, ``report-uncertainty.png`` and so on.
    """
    path = Path(path)
    stem = path.with_suffix("")
    writer = _layout(report, first_page=True)
    written = []
    with figs.style():
        FigureCanvasAgg(writer.pages[0])
        writer.pages[0].savefig(path, dpi=dpi // 2, facecolor="white")
    written.append(path)
    for slug, _, fig in _figures(report):
        target = Path(f"{stem}-{slug}.png")
        target.write_bytes(figs.to_png(fig, dpi))
        written.append(target)
    return written
