"""Reports: a self-contained HTML document, or static PDF/PNG figures drawn with matplotlib.

Public API
----------
- :func:`prepare` / :func:`from_record`: gather the scenario, run and analyses.
- :func:`render_html`: one HTML file that opens offline (inline CSS and SVG, no scripts).
- :func:`write_pdf`, :func:`write_pngs`: the same content as static pages or figures.
"""

from __future__ import annotations

try:
    import jinja2  # noqa: F401
    import matplotlib  # noqa: F401
except ImportError as _exc:
    raise ImportError(
        f"reports need the 'report' extra ({_exc.name or _exc} is missing): pip install 'accord[report]'"
    ) from None

from accord.report.build import ReportInput, from_record, prepare  # noqa: E402
from accord.report.html import render_html  # noqa: E402
from accord.report.static import write_pdf, write_pngs  # noqa: E402

__all__ = ["ReportInput", "from_record", "prepare", "render_html", "write_pdf", "write_pngs"]
