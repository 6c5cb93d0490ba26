"""The analyst's workbench: a local web app over the same functions as the CLI.

Server-rendered pages (FastAPI + Jinja2) with small progressive enhancement;
every script and style, plotly.js included, is served by the app itself, so it
works with no network. Runs are recorded in the run history (:mod:`accord.store`).

Public API
----------
- :func:`create_app`: the ASGI application.
- :func:`serve`: run it with uvicorn (``accord serve``).
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401
    import jinja2  # noqa: F401
    import plotly  # noqa: F401
    import python_multipart  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as _exc:
    raise ImportError(
        f"the workbench needs the 'web' extra ({_exc.name or _exc} is missing): pip install 'accord[web]'"
    ) from None

from accord.web.app import create_app  # noqa: E402
from accord.web.server import is_loopback, serve  # noqa: E402

__all__ = ["create_app", "is_loopback", "serve"]
