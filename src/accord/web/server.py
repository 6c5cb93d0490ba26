"""Start the workbench with uvicorn, refusing unsafe settings."""

from __future__ import annotations

import ipaddress
import os

from accord.errors import ServeError

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_settings(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an access token."""
    if not is_loopback(host) and not token:
        raise ServeError(
            f"refusing to listen on {host} without an access token: anyone who can reach it could read and "
            "change your scenarios. Set ACCORD_TOKEN to a long random secret (for example: "
            "export ACCORD_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')), "
            "or serve on 127.0.0.1"
        )
    if token is not None and len(token) < 16:
        raise ServeError("ACCORD_TOKEN is too short: use at least 16 random characters")


def serve(host: str = "127.0.0.1", port: int = 8000, db_url: str | None = None, *, token: str | None = None,
          log_level: str = "info") -> None:
    """Run the workbench until interrupted.

    Parameters
    ----------
    host : str
        Interface to listen on; anything but loopback needs ``token``.
    port : int
    db_url : str, optional
        Run-history database.
    token : str, optional
        Access token; default ``ACCORD_TOKEN``.
    """
    import uvicorn

    from accord.web.app import create_app

    token = token if token is not None else (os.environ.get("ACCORD_TOKEN") or None)
    check_settings(host, token)
    allowed = [*LOOPBACK_HOSTS, host] if is_loopback(host) else None
    app = create_app(db_url, token=token, allowed_hosts=allowed)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False)
