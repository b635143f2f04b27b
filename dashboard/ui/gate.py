"""The auth gate: who is viewing, and with which role."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.access import modes
from dashboard.access import auth
from dashboard.data import store
from dashboard.ui.views.login import SESSION_USER


@dataclass
class Viewer:
    mode: str  # modes.OIDC / PASSWORD / DEMO / LOCKED
    role: str | None
    username: str = ""
    message: str = ""


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
        return Viewer(mode, None, message=modes.LOCKED_MESSAGE)
    if mode == modes.OIDC:
        user = st.user.to_dict()
        if not user.get("is_logged_in"):
            return Viewer(mode, None)
        email = str(user.get("email") or "")
        role = (_secrets().get("roles") or {}).get(email)
        if role not in auth.ROLES:
            return Viewer(mode, None, email, message=f"{email} has no role in this dashboard. Ask an admin to add it "
                                                      "under [roles] in .streamlit/secrets.toml.")
        return Viewer(mode, role, email)
    signed_in = st.session_state.get(SESSION_USER)
    if signed_in:
        return Viewer(mode, signed_in[1], signed_in[0])
    return Viewer(mode, None)


def account_box(who: Viewer) -> None:
    """Sidebar: who is signed in, sign-out, and the demo-mode notice."""
    with st.sidebar:
        st.divider()
        if who.mode == modes.DEMO:
            st.info("**Demo mode** (read-only). No sign-in is configured and only SYNTHETIC data is loaded. To "
                    "upload data, add an admin with `python -m dashboard users add NAME --role admin` and sign "
                    "in. Sign-in becomes required once real data is ingested or users are added.",
                    icon=":material/lock_open:")
            return
        st.caption(f"Signed in as **{who.username}** ({who.role})")
        if st.button("Sign out", key="sign_out"):
            if who.mode == modes.OIDC:
                st.logout()
            st.session_state.pop(SESSION_USER, None)
            st.rerun()


def oidc_login_page() -> None:
    st.title("Sign in")
    st.caption("Internal pages hold confidential information about children.")
    who = st.session_state.get("_cpu_denied")
    if who:
        st.error(who)
        if st.button("Sign out"):
            st.logout()
        return
    if st.button("Sign in with your organisation account", type="primary"):
        st.login()


def setup_needed_page() -> None:
    st.title("Sign-in must be configured")
    st.error(modes.LOCKED_MESSAGE)
