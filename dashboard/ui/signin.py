"""Built-in sign-in on the Streamlit side: find this browser's session, start one, end one, keep deep links.

The session id comes from the signed HttpOnly cookie that the routes in
:mod:`dashboard.access.routes` set (``streamlit run server.py``). When those
routes are not served (``streamlit run app.py``, or AppTest), a sign-in is
kept in this tab's session state instead and lasts as long as the tab.
Either way the session lives in the database and is re-checked on every run.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.access import audit, cookies, routes, sessions, tokens
from dashboard.access.auth import SignIn
from dashboard.ui import params
from dashboard.ui.adapters import streamlit_private

#: A session started in this tab when the cookie routes are not served (its raw id, server-side only).
SESSION_KEY = params.SESSION_SIGN_IN
_LINK_DONE = params.SESSION_LINK_DONE


def client_address() -> str | None:
    return st.context.ip_address


def _raw_ids(engine: Engine) -> list[str]:
    found = [st.session_state.get(SESSION_KEY),
             cookies.unsign(engine, cookies.read(st.context.cookies, cookies.SESSION_COOKIE))]
    return [raw for raw in found if raw]


def current(engine: Engine) -> tuple[sessions.Session | None, str | None]:
    """This browser's live session and its raw id, or (None, None): a bad or ended one is simply no session."""
    for raw in _raw_ids(engine):
        found = sessions.check(engine, raw)
        if found:
            return found, raw
    st.session_state.pop(SESSION_KEY, None)
    return None, None


def go(url: str) -> None:
    """Send the browser to ``url`` (a full page load; Streamlit's own st.login redirect message) and stop."""
    streamlit_private.redirect(url)
    st.stop()


def here(page_path: str) -> str:
    """The address of ``page_path`` with this run's query string (the link's filters and map settings)."""
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    query = urlencode(pairs)
    return f"{routes.root()}/{page_path}" + (f"?{query}" if query else "")


def device(engine: Engine, username: str) -> str | None:
    """The id in this browser's device cookie when it names ``username`` (it signed in as them before)."""
    return cookies.device_id(engine, cookies.read(st.context.cookies, cookies.DEVICE_COOKIE), username)


def start(engine: Engine, username: str, result: SignIn, page_path: str) -> None:
    """After a good password: a lasting cookie session through the route, or a session for this tab only.

    The route's one-time token is bound to this browser (address and nonce cookie); a browser that sent no
    nonce cookie (it blocks cookies) gets a session for this tab only."""
    browser = cookies.browser_key(engine, client_address(), cookies.read(st.context.cookies, cookies.NONCE_COOKIE))
    if routes.mounted() and browser:
        token = tokens.issue(engine, tokens.SIGN_IN, tokens.SIGN_IN_TTL, username=username,
                             fingerprint=result.fingerprint, client=browser)
        go(f"{routes.route_url('session')}?{urlencode({'token': token, 'next': here(page_path)})}")
    raw = sessions.create(engine, username, result.fingerprint)
    if raw:
        st.session_state[SESSION_KEY] = raw
    st.rerun()


def end(engine: Engine, username: str) -> None:
    """Sign out everywhere: the server-side session is revoked, then the route deletes its now dead cookie."""
    for raw in _raw_ids(engine):
        sessions.revoke(engine, raw)
    audit.record(engine, username, audit.SIGN_OUT)
    st.session_state.pop(SESSION_KEY, None)
    if routes.mounted():
        go(routes.route_url("signedout"))
    st.rerun()


def oidc_sign_in(engine: Engine, page_path: str) -> None:
    """st.login, keeping the requested page and query across the provider's redirect when the routes are served."""
    if routes.mounted():
        login = streamlit_private.login_redirect_url("default")  # its settings checked before a token is issued
        link = tokens.issue(engine, tokens.LINK, tokens.LINK_TTL, target=here(page_path))
        go(f"{routes.route_url('oidc')}?{urlencode({'link': link, 'login': login})}")
    st.login()


def oidc_link(engine: Engine) -> str | None:
    """Once per browser session after an OIDC sign-in: the link asked for before the provider's redirect."""
    if st.session_state.get(_LINK_DONE):
        return None
    st.session_state[_LINK_DONE] = True
    raw = cookies.unsign(engine, cookies.read(st.context.cookies, cookies.LINK_COOKIE), "link")
    row = tokens.redeem(engine, raw, tokens.LINK) if raw else None
    return routes.safe_next(row.target) if row and row.target else None
