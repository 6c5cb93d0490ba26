"""Reports: a self-contained HTML file, a paginated PDF, PNG figures, and the ``accord report`` command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from accord.jsonable import jsonable
from accord.report import render_html, write_pdf, write_pngs
from accord.report.analyses import run_analyses
from accord.report.html import verdict_of
from accord.report.jsonview import render


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "data") and value:
                self.refs.append(value)


def test_html_is_self_contained(ukraine_report):
    html = render_html(ukraine_report)
    parser = _Refs()
    parser.feed(html)
    external = [r for r in parser.refs if not r.startswith(("#", "data:"))]
    assert external == []
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    assert "@import" not in html and "url(http" not in html
    assert parser.tags.count("svg") >= 3


def test_html_carries_forecasts_figures_and_sources(ukraine_report):
    html = render_html(ukraine_report)
    sc = ukraine_report.scenario
    assert sc.title in html
    assert "Table " not in html or "<caption>" in html
    first = ukraine_report.run["models"]["compromise"]["issues"]["territory"]
    assert f"{first['forecast']:,.1f}" in html and first["anchor"]["label"] in html
    for source in sc.sources:
        assert source.title.replace("'", "&#39;").replace('"', "&#34;") in html or source.title in html
    quote = sc.stances[0].evidence[0].quote
    assert quote.split()[0] in html
    assert "Key findings" in html and "Uncertainty" in html and "Sensitivity" in html
    assert "<figcaption>" in html


def test_pdf_has_pages(tmp_path, ukraine_report):
    path = write_pdf(ukraine_report, tmp_path / "report.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 5


def test_pngs(tmp_path, ukraine_report):
    (tmp_path / "out").mkdir()
    written = write_pngs(ukraine_report, tmp_path / "out" / "r.png")
    names = [p.name for p in written]
    assert names[0] == "r.png" and "r-forecast.png" in names and "r-uncertainty.png" in names
    for p in written:
        assert p.read_bytes().startswith(b"\x89PNG")


def test_verdict_is_read_from_any_shape():
    assert verdict_of(None) is None
    assert verdict_of({"error": "x"}) is None
    v = verdict_of({"verdict": "No zone of agreement", "reasons": ["Russia blocks territory"]})
    assert v.headline == "No zone of agreement" and v.reasons == ["Russia blocks territory"] and v.negative
    v = verdict_of({"verdict": {"text": "A deal is attainable", "attainable": True, "reasons": [{"text": "r"}]}})
    assert v.headline == "A deal is attainable" and not v.negative and v.reasons == ["r"]


def test_unknown_analyses_render_generically():
    html = str(render({"score": 0.123456, "rows": [{"actor": "a", "gap": 1.5}, {"actor": "b", "gap": None}],
                       "flags": [True, False], "note": "<b>escaped</b>"}))
    assert "<table" in html and "Score" in html and "0.123" in html and "&lt;b&gt;" in html


def test_analyses_adapter_survives_failures(monkeypatch):
    from accord.report import analyses
    from accord.scenario.io import load_scenario

    def broken(module, scenario, models, seed, options):
        raise RuntimeError("boom")

    monkeypatch.setitem(analyses.SPECS, "uncertainty",
                        analyses.AnalysisSpec("uncertainty", "U", "accord.experiments.montecarlo", broken))
    results, seconds = run_analyses(load_scenario("ukraine-2025"), ["uncertainty", "nonexistent"],
                                    models=["compromise"])
    assert results == {"uncertainty": {"error": "the uncertainty analysis failed: RuntimeError: boom"}}
    assert set(seconds) == {"uncertainty"}


def test_options_reach_only_the_functions_that_declare_them(monkeypatch):
    from types import SimpleNamespace

    from accord.report import analyses
    from accord.scenario.io import load_scenario

    received = {}

    def analyse_agreement(scenario, *, levers=()):
        received["levers"] = levers
        return {"verdict": "attainable", "scenario": scenario.id}

    monkeypatch.setattr(analyses, "_module", lambda spec: SimpleNamespace(analyse_agreement=analyse_agreement))
    options = analyses.AnalysisOptions(at="2025-03-18", levers=("us_energy_sanctions",), utility="quadratic")
    results, _ = run_analyses(load_scenario("ukraine-2025"), ["agreement"], options=options)
    assert results == {"agreement": {"verdict": "attainable", "scenario": "ukraine-2025"}}
    assert received == {"levers": ("us_energy_sanctions",)}


def test_options_recorded_and_described_per_analysis():
    from accord.report.analyses import AnalysisOptions, describe_options
    from accord.scenario.io import load_scenario

    options = AnalysisOptions(at="2025-03-18", levers=("us_energy_sanctions",), types={"russia": "security"},
                              draws=500)
    assert options.to_json(["sensitivity"]) == {}
    assert options.to_json(["uncertainty"]) == {"at": "2025-03-18", "levers": ["us_energy_sanctions"],
                                                "types": {"russia": "security"}, "draws": 500}
    assert describe_options(options.to_json(["agreement"]), load_scenario("ukraine-2025")) == [
        "as of 2025-03-18 (Trump-Putin call; 30-day energy truce)", "levers: US sanctions on Russian energy",
        "Russia: Russia driven by security concerns", "linear utility"]
    assert describe_options(options.to_json(), changed_only=True) == [
        "as of 2025-03-18", "levers: us_energy_sanctions", "russia=security", "500 Monte Carlo draws"]
    assert describe_options(AnalysisOptions().to_json(), changed_only=True) == []
    assert describe_options(None) == []


def test_long_pdf_table_repeats_its_header_on_every_page(tmp_path):
    from pypdf import PdfReader

    from accord.report.static import PageWriter

    writer = PageWriter("A long table")
    writer.lines("Some text before the table, so that it starts part-way down the first page.")
    rows = [[f"Row item {k}", f"{k * 1.5:.1f}"] for k in range(120)]
    writer.table("Values by item", ["Item heading", "Value heading"], rows, [3, 1], [False, True])
    path = writer.write_pdf(tmp_path / "long-table.pdf")

    pages = [page.extract_text() for page in PdfReader(path).pages]
    with_rows = [text for text in pages if re.search(r"Row item \d+", text)]
    assert len(with_rows) >= 2
    for text in with_rows:
        assert "Item heading" in text and "Value heading" in text
    assert "Table 1 (continued). Values by item" in with_rows[1]
    assert "Row item 0" in with_rows[0] and "Row item 119" in with_rows[-1]
    assert sum(len(re.findall(r"Row item \d+\b", text)) for text in with_rows) == 120


def test_jsonable():
    import numpy as np

    assert jsonable({"a": np.float64("nan"), "b": (1, np.int64(2)), "c": np.array([0.5])}) == {
        "a": None, "b": [1, 2], "c": [0.5]}


def test_cli_report_html_pdf_png(tmp_path, cli):
    out = cli("report", "-o", str(tmp_path / "r.html"), "-m", "compromise", "--analysis", "uncertainty", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["written"] == [str(tmp_path / "r.html")]
    assert "<svg" in (tmp_path / "r.html").read_text()
    out = cli("report", "ukraine-2025", "-o", str(tmp_path / "r.pdf"), "-m", "compromise", "--no-analyses")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    out = cli("report", "-o", str(tmp_path / "p" / "r.png"), "-m", "median", "--no-analyses")
    assert out.returncode == 0 and (tmp_path / "p" / "r-forecast.png").exists()


def test_cli_report_analysis_options_are_applied_and_recorded(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("ACCORD_DB", str(tmp_path / "h.db"))
    out = cli("report", "-o", str(tmp_path / "o.html"), "-m", "compromise", "-a", "agreement", "-a", "uncertainty",
              "--at", "2025-03-18", "--lever", "us_energy_sanctions", "--draws", "50", "--save", "--json")
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "o.html").read_text()
    assert "as of 2025-03-18" in html and "50 Monte Carlo draws" in html
    from accord.store import open_store

    with open_store(str(tmp_path / "h.db")) as store:
        run = store.get_run(json.loads(out.stdout)["run_id"])
    assert run.params["analysis_options"]["levers"] == ["us_energy_sanctions"]
    assert run.analyses["agreement"]["at"] == "2025-03-18"
    assert run.analyses["uncertainty"]["draws"] == 50


def test_cli_report_of_a_stored_run(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("ACCORD_DB", str(tmp_path / "h.db"))
    out = cli("report", "-o", str(tmp_path / "a.html"), "-m", "compromise", "--no-analyses", "--save", "--json")
    assert out.returncode == 0, out.stderr
    run_id = json.loads(out.stdout)["run_id"]
    assert run_id == 1
    out = cli("report", "--run", "latest", "-o", str(tmp_path / "b.html"))
    assert out.returncode == 0, out.stderr
    assert "Run</th><td>1</td>" in (tmp_path / "b.html").read_text().replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("args, message", [
    (["--format", "docx"], "must be one of html, pdf, png"),
    (["--analysis", "astrology"], "unknown analysis"),
    (["nosuchscenario"], "no built-in scenario or file named"),
    (["--lever", "bogus"], "unknown lever 'bogus'"),
    (["--type", "russia"], "a type must be given as ACTOR=TYPE, got 'russia'"),
    (["--type", "russia=bogus"], "unknown type 'bogus' of 'russia'"),
    (["--at", "2025-13-01"], "the date must be YYYY-MM-DD"),
    (["--utility", "cubic"], "must be linear or quadratic"),
])
def test_cli_report_errors(cli, tmp_path, args, message):
    out = cli("report", "-o", str(tmp_path / "x.html"), *args)
    assert out.returncode in (1, 2) and message in out.stderr and "Traceback" not in out.stderr


def test_missing_extra_gives_a_one_line_hint(tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None; sys.argv = ['accord', 'report', '-o', 'x.html'];"
            "from accord.cli.app import main; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'accord[report]'" in lines[0]


def test_pdf_header_words_fit_their_columns():
    from accord.report.static import BOLD_SANS_WIDTH, header_widths

    header = ["Issue", "Status quo", "compromise", "exchange", "expected utility", "median", "Nearest labelled outcome"]
    size = 7.8
    cols = header_widths(header, [2.1, 0.75, 1.0, 0.8, 0.8, 0.75, 2.2], 6.7, size)
    assert sum(cols) == pytest.approx(6.7)
    for h, w in zip(header, cols, strict=True):
        longest = max(len(word) for word in h.split())
        assert longest * size * 1.2 * BOLD_SANS_WIDTH / 72 + 0.1 <= w
