"""Child Protection Unit (J646) dashboard: entrypoint.

Holds the navigation (only pages the viewer may see are registered), the auth
gate and the shared sidebar filters. All logic lives in ``dashboard/``.
Run: ``streamlit run app.py``.
"""

from __future__ import annotations

import streamlit as st

from dashboard.access import modes
from dashboard.access import auth
from dashboard.errors import UserFacingError
from dashboard.render.markup import escape_markdown
from dashboard.render import fonts
from dashboard.ui import cache, gate, language, sidebar
from dashboard.ui.context import Context, running_pages, set_context

st.set_page_config(page_title="Child Protection Unit dashboard", page_icon="🛡️", layout="wide")
language.apply()  # before anything is drawn, so every string of this run is in the chosen language
fonts.ensure_installed()  # the Khmer web font the theme (config.toml) serves from /app/static
language.switch()

PAGE_SPECS = {  # name -> (file, title, icon)
    "overview": ("pages/overview.py", "Overview", ":material/space_dashboard:"),
    "coverage": ("pages/coverage.py", "Coverage", ":material/map:"),
    "cases": ("pages/cases.py", "Cases", ":material/folder_open:"),
    "arrests": ("pages/arrests.py", "Arrests", ":material/gavel:"),
    "analysis": ("pages/analysis.py", "Analysis", ":material/query_stats:"),
    "data": ("pages/data.py", "Data", ":material/upload_file:"),
    "about": ("pages/about.py", "About", ":material/info:"),
}


def page(name: str, default: bool = False) -> st.Page:
    path, title, icon = PAGE_SPECS[name]
    return st.Page(path, title=title, icon=icon, default=default)


def run_public() -> None:
    run_gate_pages([st.Page("pages/public.py", title="Public dashboard", icon=":material/public:", default=True),
                    page("about")])


def run_internal() -> None:
    try:
        dataset, data_key = cache.current_dataset()
        engine = cache.current_engine()
    except UserFacingError as err:  # e.g. the configured database cannot be reached
        st.error(escape_markdown(err.message))
        st.stop()
    who = gate.viewer(engine)
    if who.role is None:
        set_context(None)  # the gate: nothing internal is registered, so nothing internal can be reached
        if who.mode == modes.LOCKED:
            gate_page = st.Page(gate.setup_needed_page, title="Setup needed", url_path="setup", default=True)
        elif who.mode == modes.OIDC:
            st.session_state["_cpu_denied"] = who.message
            gate_page = st.Page(gate.oidc_login_page, title="Sign in", url_path="login", default=True)
        else:
            gate_page = st.Page("pages/login.py", title="Sign in", icon=":material/login:", default=True)
        run_gate_pages([gate_page, page("about")])
        return
    names = auth.pages_for(who.role)
    navigation = st.navigation([page(n, default=(n == names[0])) for n in names])
    filters = sidebar.render(dataset)
    gate.account_box(who)
    set_context(Context(dataset, data_key, filters, who.role))
    with running_pages():
        navigation.run()


def run_gate_pages(pages: list) -> None:
    with running_pages():
        st.navigation(pages).run()


try:
    mode = modes.app_mode()
except UserFacingError as err:
    st.error(escape_markdown(err.message))
    st.stop()
run_public() if mode == "public" else run_internal()
