"""Sign-in page for the built-in user store (also shown at a deep link's address while signed out)."""

from __future__ import annotations

import streamlit as st

from dashboard.access import auth
from dashboard.i18n import _
from dashboard.ui import signin
from dashboard.ui.cache import current_engine
from dashboard.ui.context import ensure_shell


def render(page_path: str = "", page_title: str = "") -> None:
    """The form; after sign-in the browser returns to ``page_path`` with this address's query string."""
    ensure_shell()
    st.title(_("Sign in"))
    st.caption(_("Child Protection Unit (J646) dashboard: internal pages hold confidential information about "
                 "children."))
    if page_title:
        st.info(_("The link you opened is for the **{page}** page. Sign in to open it, with the link's filters.")
                .format(page=page_title), icon=":material/link:")
    with st.form("login", clear_on_submit=False):
        username = st.text_input(_("User name"), key="login_user")
        password = st.text_input(_("Password"), type="password", key="login_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        engine = current_engine()
        name = username.strip()
        result = auth.sign_in(engine, name, password, signin.client_address())
        if result.role is None:
            st.error(_(result.message))
            return
        st.session_state.pop("login_password", None)
        signin.start(engine, name, result, page_path)
