"""ASGI middleware in front of Streamlit (``server.py``): what no visitor may read, and the pre-sign-in nonce.

- ``/_stcore/metrics`` (cache names and sizes, per-session counts) answers 404: Streamlit has no setting that
  turns it off and serves it to anyone (issue 21 item 16).
- A page load (an HTML response) of a browser without a nonce cookie sets one: a random, HttpOnly value that a
  sign-in token is bound to, so a token is good only in the browser that signed in (issue 21 item 10).

Streamlit-free (Starlette/ASGI only).
"""

from __future__ import annotations

import re
import secrets
from http.cookies import SimpleCookie

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.access import cookies, routes

_BLOCKED = ("/_stcore/metrics",)


def _normal(path: str) -> str:
    return re.sub(r"/{2,}", "/", path).rstrip("/")


def blocked(path: str) -> bool:
    """Whether ``path`` (below the base path) is one no visitor may read."""
    path = _normal(path)
    return any(path == _normal(routes.root() + p) for p in _BLOCKED)


def _has_nonce(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: treat as none
                continue
            if any(name in jar for name in (cookies.NONCE_COOKIE, cookies.HOST_PREFIX + cookies.NONCE_COOKIE)):
                return True
    return False


def nonce_header(secure: bool) -> bytes:
    """A Set-Cookie header with a new nonce (a browser-session cookie)."""
    name = cookies.cookie_name(cookies.NONCE_COOKIE, secure)
    path = "/" if secure else (routes.root() or "/")
    return (f"{name}={secrets.token_urlsafe(24)}; Path={path}; HttpOnly; SameSite=Lax"
            + ("; Secure" if secure else "")).encode("latin-1")


class SignInGuard:
    """Blocks the metrics endpoint; gives a page load without a nonce cookie a new one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if blocked(scope.get("path", "")):
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        if scope.get("method") != "GET" or _has_nonce(scope):
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_nonce(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if kind.startswith(b"text/html"):
                    headers.append((b"set-cookie", nonce_header(secure)))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_nonce)
