"""A page address with more below it (``/cases/2014``): sent to its first part before Streamlit answers it.

Streamlit answers every address it has no file for with its page shell, whose scripts are linked relative to
the address (``./static/js/…``). Below a nested address they resolve to ``/cases/static/js/…``, which is the
shell again, not a script, and the browser shows a blank white page. No page has a nested address, so a page
load (a GET that accepts HTML) of one is redirected to its first part, with the query string kept; the app
then opens that page, or says that no page has that address (``dashboard.ui.unknown_page``).

Streamlit's own files, media, components and this app's routes (``/_cpu/…``) are never touched, nor is an
address whose last part looks like a file name. Streamlit-free (Starlette/ASGI only).
"""

from __future__ import annotations

import re

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard.access import routes

#: First parts that Streamlit (or a static folder) serves below the base path; any part starting with "_" too.
SERVED = frozenset({"static", "media", "component", "app", "favicon.png", "manifest.json", "robots.txt"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


def page_part(path: str) -> str | None:
    """The first part of ``path`` (below the base path) if ``path`` is a nested page address, else None."""
    base = routes.root()
    if base and not (path == base or path.startswith(base + "/")):
        return None
    parts = [part for part in path[len(base):].split("/") if part]
    if len(parts) < 2 or "." in parts[-1] or parts[0] in SERVED or not _WORD.fullmatch(parts[0]):
        return None
    return parts[0]


def _accepts_html(scope: Scope) -> bool:
    return any(key == b"accept" and b"text/html" in value for key, value in scope.get("headers", []))


class NestedPageAddress:
    """Redirects a page load of ``/<page>/<more>`` to ``/<page>`` (the query string kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        first = page_part(scope.get("path", "")) if scope["type"] == "http" else None
        if first is None or scope.get("method") != "GET" or not _accepts_html(scope):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{routes.root()}/{first}" + (f"?{query}" if query else "")
        await RedirectResponse(target, status_code=302)(scope, receive, send)
