"""``GET /_cpu/download/<token>``: serve a case-level download offered by :mod:`dashboard.access.download_offers`.

The request must carry the session cookie of the live session the file was
offered to (same user, same session); the file is handed out once, within
60 s, as an attachment that no cache keeps. Every other request gets 403
with a short plain-text reason and nothing else. Each served file is one
``download`` entry in the audit trail (who, page, filters, rows), as the
other downloads are.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dashboard.access import audit, cookies, download_offers, routes, scope, sessions
from dashboard.errors import UserFacingError

log = logging.getLogger(__name__)
_state = {"mounted": False}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_NO_STORE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache", "X-Content-Type-Options": "nosniff",
             "Referrer-Policy": "no-referrer"}


def mounted() -> bool:
    """Whether this process serves the download route (started through ``server.py``)."""
    return _state["mounted"]


def download_url(token: str) -> str:
    return routes.route_url(f"download/{token}")


def _refused(reason: str) -> PlainTextResponse:
    return PlainTextResponse(reason, status_code=403, headers=_NO_STORE)


def serve(request: Request) -> Response:
    """Hand out the offered file to its own live session, once."""
    token = request.path_params.get("token", "")
    if routes._public() or not token or len(token) > 64:
        return _refused("This download is not available.")
    try:
        engine = routes._engine()
        raw = cookies.unsign(engine, cookies.read(request.cookies, cookies.SESSION_COOKIE))  # __Host- over HTTPS
        live = sessions.check(engine, raw)
        if live is None:
            return _refused("Sign in to download this file.")
        found = download_offers.claim(token, live.username, raw)
        if found is None:
            return _refused("This download link has expired or was already used. Go back and export again.")
        offered_scope = found.audit.get("detail", {}).get("scope", scope.audit_text(None))
        if offered_scope != scope.audit_text(live.scope):  # the scope changed between the click and the fetch
            return _refused("Your provinces changed since this file was made. Go back and export again.")
        audit.record(engine, found.username, audit.DOWNLOAD, page=found.audit.get("page"),
                     rows=found.audit.get("rows"), detail={"file": found.file_name, **found.audit.get("detail", {})})
    except (UserFacingError, SQLAlchemyError) as exc:
        log.warning("download route: %s", type(exc).__name__)
        return _refused("The download could not be checked. Try again.")
    name = _SAFE_NAME.sub("_", found.file_name) or "download.csv"
    headers = {**_NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(found.content, media_type="text/csv; charset=utf-8", headers=headers)


def build() -> list[Route]:
    """The route for ``st.App(routes=...)`` (after :func:`dashboard.access.routes.build`, which sets the base path)."""
    _state["mounted"] = True
    return [Route(routes.route_url("download/{token}"), serve, methods=["GET"])]
