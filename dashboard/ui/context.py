"""The per-run context (data, filters, the viewer's role and engine) and the page being drawn, with the role check.

app.py builds the :class:`Context` once per run and draws the page inside :func:`running`, which holds it in a
context variable for that run (as ``dashboard.i18n`` holds the language); a fragment rerun, which runs only the
fragment's function, re-enters the run it was defined in (``dashboard.ui.fragments``). Nothing is kept in
session state, so a run can never see another run's context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st

from dashboard.access.auth import pages_for
from dashboard.data.dataset import Dataset
from dashboard.i18n import _
from dashboard.measures.filters import Filters


@dataclass
class Context:
    """What every page needs for one run: data, filters, the viewer's role."""

    dataset: Dataset
    data_key: str
    filters: Filters
    role: str
    username: str = ""  # who the audit trail names ("demo" in demo mode)
    session: str | None = None  # a built-in user's session id, re-checked before a deferred download
    engine: object = None  # the case database the audit trail is written to
    #: the viewer's province scope (None: every province); ``dataset`` then holds only its case rows
    #: (dashboard.publish.visibility), and ``asked_outside`` the provinces asked for outside it
    scope: tuple[str, ...] | None = None
    asked_outside: tuple[str, ...] = ()


@dataclass(frozen=True)
class Run:
    """The page app.py routed this run to, and its context (None outside the internal pages)."""

    page: str
    ctx: Context | None


_RUN: ContextVar[Run | None] = ContextVar("dashboard_run", default=None)


@contextmanager
def running(run: Run | None) -> Iterator[None]:
    """Draw a page (or re-run one of its fragments) as part of ``run``."""
    token = _RUN.set(run)
    try:
        yield
    finally:
        _RUN.reset(token)


def current_run() -> Run | None:
    """The run being drawn; None when a page module runs without app.py (see ``dashboard.ui.shell.show``)."""
    return _RUN.get()


def context(page: str) -> Context:
    """This run's context, if the viewer may see ``page``; otherwise stop the page.

    Navigation registers only permitted pages; this check holds even so.
    """
    run = _RUN.get()
    ctx = run.ctx if run else None
    if ctx is None or page not in pages_for(ctx.role):
        st.error(_("This page is not available. Open the dashboard's home page and sign in."))
        st.stop()
    return ctx


def current() -> tuple[Context | None, str]:
    """This run's context (None outside the internal pages) and the page being drawn."""
    run = _RUN.get()
    return (run.ctx, run.page) if run else (None, "")
