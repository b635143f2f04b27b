"""``GET /_cpu/health``: 200 when this process can answer a page (its database replies), else 503.

For the reverse proxy and for monitoring. The body is one word ("ok" or
"unavailable") and nothing else: no version, no counts, no paths, no error
text, so anyone may be allowed to read it. In public mode the dashboard never
opens the case database; there the check is that the published export folder
is readable.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from dashboard import settings
from dashboard.access import routes
from dashboard.errors import UserFacingError

log = logging.getLogger(__name__)
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def healthy() -> bool:
    """Whether the database answers ``SELECT 1`` (public mode: whether the export folder is readable)."""
    current = settings.current()
    if current.mode == "public":
        return bool(current.public_dir) and current.public_dir.is_dir()
    try:
        with routes._engine().connect() as conn:
            return conn.execute(sa.text("SELECT 1")).scalar() == 1
    except (UserFacingError, SQLAlchemyError, OSError) as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return False


async def health(_request: Request) -> PlainTextResponse:
    """The endpoint: the check runs in a worker thread, never on the event loop that serves the tabs."""
    if await asyncio.to_thread(healthy):
        return PlainTextResponse("ok", headers=_HEADERS)
    return PlainTextResponse("unavailable", status_code=503, headers=_HEADERS)


def build() -> list[Route]:
    """The route for ``st.App(routes=...)``, below the base path like the other /_cpu routes."""
    return [Route(routes.route_url("health"), health, methods=["GET", "HEAD"])]
