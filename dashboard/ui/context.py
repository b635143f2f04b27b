"""The per-run context (data, filters, the viewer's role), the role check, and the app shell."""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from dashboard.access.auth import pages_for
from dashboard.data.dataset import Dataset
from dashboard.measures.filters import Filters
from dashboard.i18n import _
from dashboard.paths import PROJECT_ROOT

_CONTEXT_KEY = "_cpu_context"
_run = threading.local()  # each Streamlit script run has its own thread


@dataclass
class Context:
    """What every page needs for one run: data, filters, the viewer's role."""

    dataset: Dataset
    data_key: str
    filters: Filters
    role: str
    username: str = ""  # who the audit trail names ("demo" in demo mode)
    session: str | None = None  # a built-in user's session id, re-checked before a deferred download


@contextmanager
def running_pages() -> Iterator[None]:
    """app.py wraps ``navigation.run()`` in this, so pages know the gate ran in this very run."""
    _run.via_app = True
    _run.page = ""
    try:
        yield
    finally:
        _run.via_app = False


@contextmanager
def fragment_run(page: str) -> Iterator[None]:
    """A fragment rerun (ui.fragments) is a run of a page the gate already routed: say so for its duration.

    The full run's thread-local state is gone in a fragment rerun, and without it ``context()`` would take the
    run for a page started without app.py.
    """
    if getattr(_run, "via_app", False):  # inline, inside the full run: nothing to restore
        yield
        return
    _run.via_app, _run.page = True, page
    try:
        yield
    finally:
        _run.via_app, _run.page = False, ""


def ensure_shell() -> None:
    """Run app.py (navigation, gate, filters) if this page file was started without it.

    Streamlit runs a ``pages/`` file on its own when a fresh server's first
    request is a deep link (its pre-``st.navigation`` folder mode). Then the
    page runs app.py here, which registers the real navigation and renders
    the requested page (or the sign-in page) through the gate, and stops.
    """
    if getattr(_run, "via_app", False):
        return
    if getattr(_run, "in_shell", False):  # app.py is running but did not route here: never render ungated
        st.error(_("This page is not available. Open the dashboard's home page and sign in."))
        st.stop()
    _run.in_shell = True
    try:
        runpy.run_path(str(PROJECT_ROOT / "app.py"), run_name="__cpu_app__")
    finally:
        _run.in_shell = False
    st.stop()


def set_context(ctx: Context | None) -> None:
    """Set (or with None, clear) this session's context; app.py does this on every run."""
    if ctx is None:
        st.session_state.pop(_CONTEXT_KEY, None)
    else:
        st.session_state[_CONTEXT_KEY] = ctx


def context(page: str) -> Context:
    """This run's context, if the viewer may see ``page``; otherwise stop the page.

    Navigation already registers only permitted pages; this check also holds
    if a page file is ever run without app.py (e.g. Streamlit's pages/ folder
    fallback on a fresh server).
    """
    ensure_shell()
    ctx = st.session_state.get(_CONTEXT_KEY)
    if ctx is None or page not in pages_for(ctx.role):
        st.error(_("This page is not available. Open the dashboard's home page and sign in."))
        st.stop()
    _run.page = page
    return ctx


def current() -> tuple[Context | None, str]:
    """This run's context (None outside the internal pages) and the page that asked for it."""
    return st.session_state.get(_CONTEXT_KEY), getattr(_run, "page", "")
