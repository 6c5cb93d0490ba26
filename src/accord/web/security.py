"""Protections around the workbench: access token, request size limit, CSRF, security headers.

- Access token: when the app is given one (``ACCORD_TOKEN``; required off loopback),
  every request must carry it as ``Authorization: Bearer TOKEN``, as the
  ``accord_token`` cookie, or once as ``?token=TOKEN``, which sets the cookie and
  redirects to the same page without it.
- Size limit: one limit, 5 MiB (5,242,880 bytes) per request, whether the body
  declares its length or is sent in chunks; a larger request is answered with 413
  (the scenario editor shows the message and keeps the user's text).
- CSRF: a signed random token kept in a SameSite=Strict cookie and repeated in a
  hidden field of every form (double submit). A POST without a matching, validly
  signed pair is refused with 403.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.errors import CSRFError

CSRF_COOKIE = "accord_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TOKEN_COOKIE = "accord_token"
MAX_BODY = 5 * 1024 * 1024
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def simple_page(status: int, title: str, message: str) -> bytes:
    """A minimal error page, for responses sent before the application runs."""
    from html import escape

    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        f"{status} {escape(title)} · accord</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>"
        f"<body><main class=\"error-page\"><p class=\"status\">{status}</p><h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p></main></body></html>"
    ).encode()


async def send_page(send: Send, status: int, title: str, message: str, headers: list | None = None) -> None:
    body = simple_page(status, title, message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """The request body is larger than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request is larger than the {limit / 2**20:g} MiB limit")
        self.limit = limit


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes (by Content-Length, or while streaming)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = len(declared) > 18 or int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                if scope.get("method") == "POST":
                    await self.app(scope, self._refuse, send)
                else:
                    await send_page(send, 413, "Request too large",
                                    f"{BodyTooLarge(self.limit)}. Upload a smaller file.",
                                    [(b"connection", b"close")])
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)

    async def _refuse(self) -> Message:
        """The ``receive`` of a request declared too large: the application sees :class:`BodyTooLarge` at once."""
        raise BodyTooLarge(self.limit)


class SecurityHeadersMiddleware:
    """Add CSP, framing, sniffing and referrer headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, with_headers)


class TokenMiddleware:
    """Require the access token on every request (see the module docstring)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    def _ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        auth = request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if self._ok(bearer) or self._ok(request.cookies.get(TOKEN_COOKIE)):
            await self.app(scope, receive, send)
            return
        if self._ok(request.query_params.get("token")):
            query = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode())
                               if k != "token"])
            location = "/" + request.url.path.lstrip("/\\") + (f"?{query}" if query else "")
            cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                      + ("; Secure" if request.url.scheme == "https" else ""))
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                                    (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send_page(send, 401, "Access token needed",
                        "This workbench is shared on a network and needs its access token: open the link "
                        "with ?token=... that `accord serve` printed, or send Authorization: Bearer TOKEN.")


class HostCheckMiddleware:
    """Accept only requests whose Host header names an allowed host (guards against DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {h.strip("[]").lower() for h in allowed}

    @staticmethod
    def host_of(value: str) -> str:
        value = value.strip().lower()
        if value.startswith("["):
            return value[1:value.find("]")] if "]" in value else value
        return value.rsplit(":", 1)[0] if value.count(":") == 1 else value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if self.host_of(host) not in self.allowed:
            await send_page(send, 400, "Unexpected host",
                            "This workbench only answers requests addressed to this machine (localhost).")
            return
        await self.app(scope, receive, send)


class CSRF:
    """Issue and check double-submit CSRF tokens signed with the app's secret."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeSerializer(secret, salt="accord-csrf")

    def new_token(self) -> str:
        return self.serializer.dumps(secrets.token_urlsafe(24))

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        try:
            self.serializer.loads(token)
        except BadSignature:
            return False
        return True

    def token_for(self, request: Request) -> str:
        """The token for this browser: its cookie's, when valid, else a new one (set on the response)."""
        current = getattr(request.state, "csrf_token", None)
        if current:
            return current
        cookie = request.cookies.get(CSRF_COOKIE)
        token = cookie if self.valid(cookie) else self.new_token()
        request.state.csrf_token = token
        if token != cookie:
            request.state.csrf_new = True
        return token

    async def check(self, request: Request, form: Any | None = None) -> None:
        """Raise :class:`CSRFError` unless the request repeats its cookie's token in the form or a header."""
        cookie = request.cookies.get(CSRF_COOKIE)
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = form if form is not None else await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not (cookie and sent and self.valid(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())):
            raise CSRFError("the form's security token is missing or out of date")


def set_csrf_cookie(request: Request, response: Any) -> None:
    """Store a newly issued CSRF token in its cookie."""
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(CSRF_COOKIE, request.state.csrf_token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
