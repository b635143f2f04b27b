"""The HTTP routes that set and clear the sign-in cookies, served beside Streamlit by ``server.py`` (st.App).

A Streamlit script cannot set an HttpOnly cookie, so the sign-in form hands
a verified sign-in to ``/_cpu/session`` as a one-time token (through a
browser redirect); that route creates the server-side session, sets the
signed session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and
redirects to the page the user asked for. ``/_cpu/signout`` ends the session
and deletes the cookie. ``/_cpu/oidc`` keeps a deep link across the OIDC
provider's redirect in a short-lived cookie, then hands over to Streamlit's
own ``/auth/login``. Cookies are set with Starlette and signed with
itsdangerous. Redirect targets are always paths on this site.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from dashboard.access import audit, cookies, sessions, tokens
from dashboard.data import db
from dashboard.errors import UserFacingError
from dashboard import settings

log = logging.getLogger(__name__)
PREFIX = "/_cpu"
_state = {"mounted": False, "root": ""}


def mounted() -> bool:
    """Whether this process serves the cookie routes (started through ``server.py``)."""
    return _state["mounted"]


def root() -> str:
    """The site's base path ('' at the domain root, else '/base')."""
    return _state["root"]


def route_url(name: str) -> str:
    return f"{root()}{PREFIX}/{name}"


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site (never another host), else the home page."""
    home = f"{root()}/"
    if not target or len(target) > 2048 or any(ord(ch) < 32 for ch in target) or "\\" in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    if root() and not (target == root() or target.startswith(root() + "/")):
        return home
    return target


@lru_cache(maxsize=4)
def _engine_for(url: str):
    return db.open_engine(url)


def _engine():
    return _engine_for(db.resolve_url())


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _redirect(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _cookie(response: RedirectResponse, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path=root() or "/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def _public() -> bool:
    """Public mode has no sign-in and never opens the case database: the routes only redirect home."""
    return settings.current().mode == "public"


def start_session(request: Request) -> RedirectResponse:
    """GET /_cpu/session?token=T&next=PATH: swap a one-time sign-in token for the session cookie."""
    response = _redirect(safe_next(request.query_params.get("next")))
    if _public():
        return response
    try:
        engine = _engine()
        row = tokens.redeem(engine, request.query_params.get("token"), tokens.SIGN_IN,
                            cookies.client_key(engine, _client(request)))
        raw = sessions.create(engine, row.username, row.fingerprint) if row else None
        if raw:
            max_age = int(settings.current().session_max_days * 86400)
            _cookie(response, request, cookies.SESSION_COOKIE, cookies.sign(engine, raw), max_age)
    except (UserFacingError, SQLAlchemyError) as exc:  # the page itself will say the database is unreachable
        log.warning("session route: %s", type(exc).__name__)
    return response


def sign_out(request: Request) -> RedirectResponse:
    """GET /_cpu/signout: end the cookie's session (if the page has not already) and delete the cookie."""
    response = _redirect(f"{root()}/")
    response.delete_cookie(cookies.SESSION_COOKIE, path=root() or "/")
    if _public():
        return response
    try:
        engine = _engine()
        name = sessions.revoke(engine, cookies.unsign(engine, request.cookies.get(cookies.SESSION_COOKIE)))
        if name:
            audit.record(engine, name, audit.SIGN_OUT)
    except (UserFacingError, SQLAlchemyError) as exc:
        log.warning("sign-out route: %s", type(exc).__name__)
    return response


def oidc_login(request: Request) -> RedirectResponse:
    """GET /_cpu/oidc?link=T&login=URL: remember the link token in a cookie, then go to Streamlit's /auth/login."""
    login = request.query_params.get("login") or ""
    if not login.startswith(f"{root()}/auth/login?") or safe_next(login) != login:
        return _redirect(f"{root()}/")
    response = _redirect(login)
    link = request.query_params.get("link")
    if link and len(link) <= 128 and not _public():
        try:
            value = cookies.sign(_engine(), link, "link")
            _cookie(response, request, cookies.LINK_COOKIE, value, int(tokens.LINK_TTL.total_seconds()))
        except (UserFacingError, SQLAlchemyError) as exc:
            log.warning("oidc route: %s", type(exc).__name__)
    return response


def build(base_path: str = "") -> list[Route]:
    """The routes for ``st.App(routes=...)``; also marks this process as serving them."""
    base = base_path.strip("/")
    _state.update(mounted=True, root=f"/{base}" if base else "")
    return [Route(route_url("session"), start_session, methods=["GET"]),
            Route(route_url("signout"), sign_out, methods=["GET"]),
            Route(route_url("oidc"), oidc_login, methods=["GET"])]
