"""``accord serve``: the analyst's workbench in a browser (local by default)."""

from __future__ import annotations

import os

import typer

from accord.cli.common import DB_HELP, handle_errors, import_extra


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @handle_errors
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on. Anything but loopback "
                                                            "needs ACCORD_TOKEN."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Start the workbench: scenarios, runs, charts, run history and reports, in a web browser."""
        web = import_extra("accord.web")
        token = os.environ.get("ACCORD_TOKEN") or None
        web.server.check_settings(host, token)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        typer.echo(f"accord workbench on {url}" + ("?token=<ACCORD_TOKEN>" if token else ""), err=True)
        web.serve(host, port, db, token=token)
