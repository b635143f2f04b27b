"""Child Protection Unit (J646) dashboard: entrypoint.

Holds the navigation (only pages the viewer may see are registered), the auth gate and the shared sidebar
filters. All logic lives in ``dashboard/``; the pages are the rows of ``dashboard.page_table.PAGES``.

Run: ``streamlit run server.py``, which serves this script with the sign-in cookie routes beside it.

Pages and Streamlit's pages-directory mode. The design card keeps a top-level ``pages/`` folder of thin page
modules, and Streamlit treats a folder named ``pages/`` beside the main script as its old multipage mode:
until ``st.navigation`` has run once in the process, a fresh server's first request for ``/cases`` would run
``pages/cases.py`` by itself, without this script and so without the gate. The fix is at the root:
server.py turns that mode off (``dashboard.ui.adapters.streamlit_private.navigation_only``) when it is
imported, before the server accepts a connection, so every run is a run of this script, which registers the
pages with ``st.navigation`` and draws the one the gate allows inside the run's context
(``dashboard.ui.context.running``); this script turns it off too, and keeps it off for Streamlit's AppTest,
which resets it before every run. A page module started without this script (possible only in the one run
that can precede it: ``streamlit run app.py`` with a deep link as the process's first request) draws
nothing: it turns the mode off and asks Streamlit to run the same address again, which then comes here
(``dashboard.ui.shell.show``). So ``streamlit run app.py`` works too, but then a sign-in lasts only as long
as the browser tab (the cookie routes are server.py's).
"""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import auth, modes
from dashboard.errors import UserFacingError
from dashboard.i18n import _
from dashboard.page_table import BY_NAME, OPEN
from dashboard.publish import visibility
from dashboard.render import fonts, served
from dashboard.render.markup import escape_markdown
from dashboard.ui import a11y, cache, gate, language, link_notices, scope_view, shell, sidebar, unknown_page, url_state
from dashboard.ui.adapters import streamlit_private
from dashboard.ui.busy import busy_as_message
from dashboard.ui.context import Context, Run, running
from dashboard.ui.views import login

log = logging.getLogger("dashboard.app")
streamlit_private.navigation_only()  # server.py did this before the first session; see the docstring
language.apply()  # before anything is drawn, so every string of this run is in the chosen language
st.set_page_config(page_title=_("Child Protection Unit dashboard"), page_icon="🛡️", layout="wide")
a11y.page_setup()  # the page's language (lang="km" in Khmer), AA contrast, controls that fit a phone
fonts.ensure_installed()  # the Khmer web font the theme (config.toml) serves from /app/static
served.set_base_path(st.get_option("server.baseUrlPath"))  # the maps' iframes load Leaflet and the font below it
language.switch()


def page(name: str, default: bool = False) -> st.Page:
    return shell.st_page(BY_NAME[name], default)


def run_public() -> None:
    run_gate_pages([shell.st_page(row, default=i == 0) for i, row in enumerate(shell.PUBLIC)], shell.PUBLIC[0].name)


def run_internal() -> None:
    try:
        dataset, data_key = cache.current_dataset()
        engine = cache.current_engine()
    except UserFacingError as err:  # e.g. the configured database cannot be reached
        st.error(escape_markdown(err.message))
        st.stop()
    who = gate.viewer(engine)
    if who.role is None:
        # the gate: nothing internal is registered, so nothing internal can be reached
        run_gate_pages(gate.signed_out_pages(who, engine, login.render, [shell.st_page(p) for p in OPEN]),
                       gate.SIGN_IN_PATH)
        return
    names = list(auth.pages_for(who.role))
    first = page(names[0], default=True)
    refused = gate.refused_pages(names)
    navigation = unknown_page.navigation([first, *(page(n) for n in names[1:]), *refused], names[0])
    if navigation.url_path in {p.url_path for p in refused}:  # before any widget: the link's filters go along
        gate.refuse(navigation, first)
    start_page(navigation.url_path)
    # The link's translated settings in this language's labels, before any widget reads them; after the
    # navigation, so the rerun this may need keeps the page (signed out, the form has no such settings: a
    # rewrite there lost the page the link asked for).
    url_state.localize()
    gate.follow_oidc_link(who, engine)
    filters = sidebar.render(dataset, who.role, who.scope)
    gate.account_box(who, engine)
    # the one rule of what this viewer may see (a province scope narrows the data itself; see its docstring)
    seen = visibility.visible(who.role, who.scope, dataset, data_key, filters)
    ctx = Context(seen.dataset, seen.data_key, seen.filters, who.role, who.username, who.session, engine,
                  scope=seen.scope, asked_outside=seen.asked_outside)
    link_notices.show()
    with running(Run(navigation.url_path or names[0], ctx)):  # the home page's address is empty
        scope_view.notice(ctx)
        if not seen.only_outside:  # only provinces outside the scope asked for: their public figures, no page
            navigation.run()
        scope_view.outside_part(ctx, dataset, data_key, prominent=seen.only_outside)


def start_page(page_path: str) -> None:
    """The page is known: forget another page's settings and notices, and keep this link's language problem."""
    url_state.forget_on_page_change(page_path)
    link_notices.start_run(page_path)
    language.report_bad_link()


def run_gate_pages(pages: list, home_name: str) -> None:
    navigation = unknown_page.navigation(pages, home_name)
    start_page(navigation.url_path)
    link_notices.show()
    with running(Run(navigation.url_path, None)):
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
        if mode == "public":  # statements, not an expression: Streamlit's "magic" would st.write its value
            run_public()
        else:
            run_internal()


run_page_safely(run_mode)
