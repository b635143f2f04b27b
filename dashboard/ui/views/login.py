"""Sign-in page for the built-in user store."""

from __future__ import annotations

import streamlit as st

from dashboard.access import auth
from dashboard.ui.cache import current_engine
from dashboard.ui.context import ensure_shell

SESSION_USER = "_cpu_user"


def render() -> None:
    ensure_shell()
    st.title("Sign in")
    st.caption("Child Protection Unit (J646) dashboard: internal pages hold confidential information about children.")
    with st.form("login", clear_on_submit=False):
        username = st.text_input("User name", key="login_user")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        role, message = auth.sign_in(current_engine(), username.strip(), password)
        if role is None:
            st.error(message)
            return
        st.session_state[SESSION_USER] = (username.strip(), role)
        st.session_state.pop("login_password", None)
        st.rerun()
