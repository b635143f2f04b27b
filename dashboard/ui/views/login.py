"""Sign-in page for the built-in user store (also shown at a deep link's address while signed out)."""

from __future__ import annotations

import time

import streamlit as st

from dashboard.access import auth
from dashboard.i18n import _
from dashboard.ui import params, signin
from dashboard.ui.cache import current_engine

#: Form submits one browser tab may make per minute (a loop on the form costs the sender, not the audit trail).
SUBMITS_PER_MINUTE = 10
_SUBMITS = params.SESSION_SIGN_IN_SUBMITS


def _submit_allowed() -> bool:
    """Count this submit against the tab's per-minute allowance; False once it is spent."""
    now = time.monotonic()
    recent = [t for t in st.session_state.get(_SUBMITS, []) if now - t < 60]
    allowed = len(recent) < SUBMITS_PER_MINUTE
    st.session_state[_SUBMITS] = recent + [now] if allowed else recent
    return allowed


def render(page_path: str = "", page_title: str = "") -> None:
    """The form; after sign-in the browser returns to ``page_path`` with this address's query string."""
    st.title(_("Sign in"))
    st.caption(_("Child Protection Unit (J646) dashboard: internal pages hold confidential information about "
                 "children."))
    if page_title:
        st.info(_("The link you opened is for the **{page}** page. Sign in to open it, with the link's filters.")
                .format(page=page_title), icon=":material/link:")
    with st.form("login", clear_on_submit=False):
        username = st.text_input(_("User name"), key=params.LOGIN_USER)
        password = st.text_input(_("Password"), type="password", key=params.LOGIN_PASSWORD)
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        if not _submit_allowed():
            st.warning(_("Too many sign-in attempts from this page. Wait a minute, then try again."),
                       icon=":material/hourglass_top:")
            return
        engine = current_engine()
        name = username.strip()
        result = auth.sign_in(engine, name, password, signin.client_address(),
                              device=signin.device(engine, name) if auth.valid_name(name) else None)
        if result.role is None:
            message = _(result.message)
            st.error(message.format(minutes=result.retry_minutes) if result.retry_minutes else message)
            return
        st.session_state.pop(params.LOGIN_PASSWORD, None)
        signin.start(engine, name, result, page_path)
