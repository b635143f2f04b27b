"""Child Protection Unit (J646) dashboard: entrypoint.

Holds the navigation (only pages the viewer may see are registered), the auth
gate and the shared sidebar filters. All logic lives in ``dashboard/``.
Run: ``streamlit run server.py``, which serves this script with the sign-in
cookie routes beside it (``streamlit run app.py`` works too, but then a
sign-in lasts only as long as the browser tab).
"""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import modes
from dashboard.access import auth
from dashboard.errors import UserFacingError
from dashboard.i18n import N_, _
from dashboard.render.markup import escape_markdown
from dashboard.render import fonts, served
from dashboard.ui import a11y, cache, gate, language, link_notices, sidebar, url_choices, url_labels
from dashboard.ui.busy import busy_as_message
from dashboard.ui.context import Context, running_pages, set_context

log = logging.getLogger("dashboard.app")
language.apply()  # before anything is drawn, so every string of this run is in the chosen language
st.set_page_config(page_title=_("Child Protection Unit dashboard"), page_icon="🛡️", layout="wide")
a11y.page_setup()  # the page's language (lang="km" in Khmer), AA contrast, controls that fit a phone
fonts.ensure_installed()  # the Khmer web font the theme (config.toml) serves from /app/static
served.set_base_path(st.get_option("server.baseUrlPath"))  # the maps' iframes load Leaflet and the font below it
language.switch()

PAGE_SPECS = {  # name -> (file, title, icon); titles are translated when the page is registered
    "overview": ("pages/overview.py", N_("Overview"), ":material/space_dashboard:"),
    "coverage": ("pages/coverage.py", N_("Coverage"), ":material/map:"),
    "cases": ("pages/cases.py", N_("Cases"), ":material/folder_open:"),
    "arrests": ("pages/arrests.py", N_("Arrests"), ":material/gavel:"),
    "analysis": ("pages/analysis.py", N_("Analysis"), ":material/query_stats:"),
    "data": ("pages/data.py", N_("Data"), ":material/upload_file:"),
    "about": ("pages/about.py", N_("About"), ":material/info:"),
}


def page(name: str, default: bool = False) -> st.Page:
    path, title, icon = PAGE_SPECS[name]
    return st.Page(path, title=_(title), icon=icon, default=default)


def run_public() -> None:
    run_gate_pages([st.Page("pages/public.py", title=_("Public dashboard"), icon=":material/public:", default=True),
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
        run_gate_pages(gate.signed_out_pages(who, engine, PAGE_SPECS, [page("about")]))
        return
    names = list(auth.pages_for(who.role))
    first = page(names[0], default=True)
    refused = gate.refused_pages(names, PAGE_SPECS)
    navigation = st.navigation([first, *(page(n) for n in names[1:]), *refused])
    if navigation.url_path in {p.url_path for p in refused}:  # before any widget: the link's filters go along
        gate.refuse(navigation, first)
    start_page(navigation.url_path)
    # The link's translated settings in this language's labels, before any widget reads them; after the
    # navigation, so the rerun this may need keeps the page (signed out, the form has no such settings: a
    # rewrite there lost the page the link asked for).
    url_labels.localize()
    gate.follow_oidc_link(who, engine)
    filters = sidebar.render(dataset)
    gate.account_box(who, engine)
    set_context(Context(dataset, data_key, filters, who.role, who.username, who.session))
    link_notices.show()
    with running_pages():
        navigation.run()


def start_page(page_path: str) -> None:
    """The page is known: forget another page's settings and notices, and keep this link's language problem."""
    url_choices.forget_on_page_change(page_path)
    link_notices.start_run(page_path)
    language.report_bad_link()


def run_gate_pages(pages: list) -> None:
    navigation = st.navigation(pages)
    start_page(navigation.url_path)
    link_notices.show()
    with running_pages():
        navigation.run()


def run_page_safely(run) -> None:
    """The page boundary: a database error is a plain message for the visitor; its type goes to the server log."""
    try:
        run()
    except SQLAlchemyError as exc:
        log.warning("database error while drawing a page: %s", type(exc).__name__)
        st.error(_("The case database could not answer just now. Try again in a moment; if it keeps happening, "
                   "tell an admin."))


try:
    mode = modes.app_mode()
except UserFacingError as err:
    st.error(escape_markdown(err.message))
    st.stop()


def run_mode() -> None:
    """The chosen mode's pages; a write lock held past the busy timeout is "try again in a moment"."""
    with busy_as_message():
        run_public() if mode == "public" else run_internal()


run_page_safely(run_mode)
