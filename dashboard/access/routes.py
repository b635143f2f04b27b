"""The HTTP routes that set and clear the sign-in cookies, served beside Streamlit by ``server.py`` (st.App).

A Streamlit script cannot set an HttpOnly cookie, so the sign-in form hands
a verified sign-in to ``/_cpu/session`` as a one-time token (through a
browser redirect); that route creates the server-side session, sets the
signed session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and
redirects to the page the user asked for; the token is bound to the
browser's nonce cookie (set by :mod:`dashboard.access.middleware`), and a
device cookie remembers that this browser signed in as that user.
``POST /_cpu/signout`` (same origin only) ends the session and deletes the
cookie; ``/_cpu/signedout`` only deletes a cookie whose session the page has
already ended. ``/_cpu/oidc`` keeps a deep link across the OIDC
provider's redirect in a short-lived cookie, then hands over to Streamlit's
own ``/auth/login``. Cookies are set with Starlette and signed with
itsdangerous. Redirect targets are always paths on this site.
"""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard import settings
from dashboard.access import audit, cookies, sessions, tokens
from dashboard.data import db
from dashboard.errors import UserFacingError

log = logging.getLogger(__name__)
PREFIX = "/_cpu"
_state = {"mounted": False, "root": ""}
DEVICE_MAX_AGE = 180 * 86400


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


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _cookie(response: RedirectResponse, request: Request, name: str, value: str, max_age: int) -> None:
    """Over HTTPS: ``__Host-name``, Secure, Path=/ (the prefix demands it, base path or not); else Path=base."""
    secure = _secure(request)
    response.set_cookie(cookies.cookie_name(name, secure), value, max_age=max_age,
                        path="/" if secure else (root() or "/"), httponly=True, samesite="lax", secure=secure)


def _delete(response: RedirectResponse, name: str) -> None:
    response.delete_cookie(cookies.HOST_PREFIX + name, path="/", secure=True, httponly=True, samesite="lax")
    response.delete_cookie(name, path=root() or "/", httponly=True, samesite="lax")


def _public() -> bool:
    """Public mode has no sign-in and never opens the case database: the routes only redirect home."""
    return settings.current().mode == "public"


def cross_site(request: Request) -> bool:
    """A request another site made the browser send (Fetch metadata; browsers without it send none)."""
    return request.headers.get("sec-fetch-site") in ("cross-site", "same-site")


def same_origin(request: Request) -> bool:
    """A request from a page of this site: Sec-Fetch-Site says so, or (older browsers) Origin names this host."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


def start_session(request: Request) -> RedirectResponse:
    """GET /_cpu/session?token=T&next=PATH: swap a one-time sign-in token for the session cookie.

    The token works only in the browser it was issued to (its address and nonce cookie), never from a link
    another site made the browser follow. A device cookie naming the user is set (or kept) beside the session.
    """
    response = _redirect(safe_next(request.query_params.get("next")))
    if _public() or cross_site(request):
        return response
    try:
        engine = _engine()
        browser = cookies.browser_key(engine, _client(request), cookies.read(request.cookies, cookies.NONCE_COOKIE))
        row = tokens.redeem(engine, request.query_params.get("token"), tokens.SIGN_IN, browser) if browser else None
        raw = sessions.create(engine, row.username, row.fingerprint) if row else None
        if raw:
            max_age = int(settings.current().session_max_days * 86400)
            _cookie(response, request, cookies.SESSION_COOKIE, cookies.sign(engine, raw), max_age)
            device = cookies.device_id(engine, cookies.read(request.cookies, cookies.DEVICE_COOKIE), row.username)
            _cookie(response, request, cookies.DEVICE_COOKIE,
                    cookies.device_cookie(engine, device or secrets.token_urlsafe(16), row.username), DEVICE_MAX_AGE)
    except (UserFacingError, SQLAlchemyError) as exc:  # the page itself will say the database is unreachable
        log.warning("session route: %s", type(exc).__name__)
    return response


def sign_out(request: Request) -> Response:
    """POST /_cpu/signout from a page of this site: end the cookie's session and delete the cookie."""
    if not same_origin(request):
        return PlainTextResponse("Sign-out must come from this site.", status_code=403)
    response = _redirect(f"{root()}/")
    _delete(response, cookies.SESSION_COOKIE)
    if _public():
        return response
    try:
        engine = _engine()
        name = sessions.revoke(engine, cookies.unsign(engine, cookies.read(request.cookies, cookies.SESSION_COOKIE)))
        if name:
            audit.record(engine, name, audit.SIGN_OUT)
    except (UserFacingError, SQLAlchemyError) as exc:
        log.warning("sign-out route: %s", type(exc).__name__)
    return response


def signed_out(request: Request) -> RedirectResponse:
    """GET /_cpu/signedout: after the page has ended the session, delete its cookie. A live session's cookie is
    kept, so a link from another site can never sign anyone out."""
    response = _redirect(f"{root()}/")
    if _public():
        return response
    try:
        engine = _engine()
        raw = cookies.unsign(engine, cookies.read(request.cookies, cookies.SESSION_COOKIE))
        if sessions.check(engine, raw) is None:
            _delete(response, cookies.SESSION_COOKIE)
    except (UserFacingError, SQLAlchemyError) as exc:
        log.warning("signed-out route: %s", type(exc).__name__)
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
            Route(route_url("signout"), sign_out, methods=["POST"]),
            Route(route_url("signedout"), signed_out, methods=["GET"]),
            Route(route_url("oidc"), oidc_login, methods=["GET"])]
