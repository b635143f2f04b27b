"""The auth gate: who is viewing with which role, and which pages a link may reach.

Signed out, every internal page's address is registered (hidden) as the
sign-in page, so a deep link shows the sign-in form, never Streamlit's
"Page not found" dialog, and after sign-in the browser returns to that very
address with its filters. Signed in, the address of a page the role may not
see is registered (hidden) as a stand-in that app.py sends on to the first
permitted page with a one-line notice, keeping the link's filters: the page
itself is never registered, so it can never run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import page_table
from dashboard.access import audit, auth, modes, oidc_claims
from dashboard.data import store
from dashboard.i18n import N_, _
from dashboard.render.markup import escape_markdown
from dashboard.ui import link_notices, params, signin

#: Role names as shown (the stored role stays English).
ROLE_LABELS = {"leadership": N_("leadership"), "analyst": N_("analyst"), "admin": N_("admin")}
_DENIED = params.SESSION_DENIED


@dataclass
class Viewer:
    mode: str  # modes.OIDC / PASSWORD / DEMO / LOCKED
    role: str | None
    username: str = ""
    message: str = ""
    session: str | None = None  # the raw id of a built-in user's session
    scope: tuple[str, ...] | None = None  # the province scope (dashboard.access.scope); None = every province


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml at all is normal
        return {}


def oidc_configured() -> bool:
    return bool(_secrets().get("auth"))


def viewer(engine) -> Viewer:
    mode = modes.decide(oidc_configured(), auth.has_users(engine), store.holds_only_synthetic(engine))
    if mode == modes.DEMO:  # read-only: no write or upload page without a signed-in admin
        return Viewer(mode, modes.DEMO_ROLE, "demo")
    if mode == modes.LOCKED:
        return Viewer(mode, None, message=modes.EMPTY_MESSAGE if store.is_empty(engine) else modes.LOCKED_MESSAGE)
    if mode == modes.OIDC:
        user = st.user.to_dict()
        if not user.get("is_logged_in"):
            return Viewer(mode, None)
        email = str(user.get("email") or "")
        claimed = oidc_claims.role_and_scope(user, _secrets())
        if claimed.role is None:
            return Viewer(mode, None, email, message=claimed.message)
        return Viewer(mode, claimed.role, email, scope=claimed.scope)
    session, raw = signin.current(engine)
    if session:
        return Viewer(mode, session.role, session.username, session=raw, scope=session.scope)
    return Viewer(mode, None)


def _hidden(run: Callable[[], None], name: str, title: str) -> st.Page:
    run.__name__ = f"gate_{name}"
    return st.Page(run, title=title, url_path=name, visibility="hidden")


#: The sign-in page's name (its address is the root while signed out).
SIGN_IN_PATH = "login"


def signed_out_pages(who: Viewer, engine, sign_in: Callable[[str, str], None],
                     visible: list[st.Page]) -> list[st.Page]:
    """The sign-in page (or setup notice) at home and at every internal page's address, plus ``visible``.

    ``sign_in(page_path, page_title)`` draws the built-in sign-in form (the login view).
    """
    if who.mode == modes.OIDC:
        st.session_state[_DENIED] = who.message

    def for_page(name: str, title: str) -> Callable[[], None]:
        if who.mode == modes.LOCKED:
            return lambda: setup_needed_page(who.message)
        if who.mode == modes.OIDC:
            return lambda: oidc_login_page(engine, name, _(title) if title else "")
        return lambda: sign_in(name, _(title) if title else "")

    home = st.Page(for_page("", ""), title=_("Setup needed") if who.mode == modes.LOCKED else _("Sign in"),
                   icon=":material/login:", url_path=SIGN_IN_PATH, default=True)
    visible_paths = {p.url_path for p in visible}
    hidden = [_hidden(for_page(page.name, page.title), page.url_path, _("Sign in")) for page in page_table.INTERNAL
              if page.url_path not in visible_paths]
    return [home, *visible, *hidden]


def refused_pages(allowed: Sequence[str]) -> list[st.Page]:
    """Hidden stand-ins at the addresses of the pages this role may not see; app.py sends them on (``refuse``)."""
    def never_shown() -> None:  # app.py switches away before any page runs; should it not, still show nothing
        st.stop()

    return [_hidden(never_shown, page.url_path, _(page.title)) for page in page_table.INTERNAL
            if page.name not in allowed]


KEPT_ON_REFUSAL = params.KEPT_ON_REFUSAL


def refuse(asked: st.Page, first: st.Page) -> None:
    """Send a link to a page the role may not see to ``first``, with a one-line notice and the link's filters.

    Called before any widget is drawn, so the filters can still be written into the address; the refused
    page's code never runs (it is not even registered).
    """
    link_notices.add(_("That link is to {asked}, a page your role does not include, so you are on {page} "
                       "instead.").format(asked=asked.title, page=first.title),
                     kind=link_notices.REFUSED, page=first.url_path)
    kept = {key: st.query_params.get_all(key) for key in KEPT_ON_REFUSAL if key in st.query_params}
    try:
        st.switch_page(first, query_params=kept)
    except StreamlitAPIException:  # a filter already bound in this session: its widget state carries it over
        st.switch_page(first, query_params={})


def follow_oidc_link(who: Viewer, engine) -> None:
    """After an OIDC sign-in, go once to the page and filters the user's link asked for (and audit the sign-in)."""
    if who.mode == modes.OIDC:
        target = signin.oidc_link(engine)
        if target:  # redeemed once per sign-in: the moment to record it
            audit.record(engine, who.username, audit.SIGN_IN, detail={"role": who.role, "via": "oidc"})
            signin.go(target)


def account_box(who: Viewer, engine) -> None:
    """Sidebar: who is signed in, sign-out, and the demo-mode notice."""
    with st.sidebar:
        st.divider()
        if who.mode == modes.DEMO:
            st.info(_("**Demo mode** (read-only). No sign-in is configured and only SYNTHETIC data is loaded. To "
                      "upload data, add an admin with `python -m dashboard users add NAME --role admin` and sign "
                      "in. Sign-in becomes required once real data is ingested or users are added."),
                    icon=":material/lock_open:")
            return
        role = _(ROLE_LABELS.get(who.role, who.role))
        st.caption(_("Signed in as **{user}** ({role})").format(user=escape_markdown(who.username),
                                                                role=escape_markdown(role)))
        if st.button(_("Sign out"), key=params.SIGN_OUT):
            if who.mode == modes.OIDC:  # the provider's identity cookie: Streamlit's st.logout clears it
                audit.record(engine, who.username, audit.SIGN_OUT)
                st.logout()
                st.stop()
            signin.end(engine, who.username)


def oidc_login_page(engine, page_path: str = "", page_title: str = "") -> None:
    st.title(_("Sign in"))
    st.caption(_("Internal pages hold confidential information about children."))
    denied = st.session_state.get(_DENIED)
    if denied:
        st.error(escape_markdown(denied))  # it quotes the e-mail address the provider returned
        if st.button(_("Sign out")):
            st.logout()
        return
    if page_title:
        st.info(_("Sign in to open **{page}**.").format(page=page_title), icon=":material/link:")
    if st.button(_("Sign in with your organisation account"), type="primary"):
        signin.oidc_sign_in(engine, page_path)


def setup_needed_page(message: str = modes.LOCKED_MESSAGE) -> None:
    """Nothing is shown without a sign-in: says what to configure (real data loaded, or an empty database)."""
    st.title(_("Sign-in must be configured"))
    if message == modes.EMPTY_MESSAGE:
        st.info(_(message), icon=":material/database:")
    else:
        st.error(_(message))
