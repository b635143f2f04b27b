"""Cached data for the app: engine, dataset, boundaries and metric results."""

from __future__ import annotations

import os
import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import db, metrics, store
from dashboard.boundaries import Boundaries, load_boundaries
from dashboard.filters import Filters
from dashboard.paths import PROJECT_ROOT, VAR_DIR
from dashboard.store import Dataset

ACTIVE_BOUNDARIES_DIR = VAR_DIR / "boundaries"


@dataclass
class Context:
    """What every page needs for one run: data, filters, the viewer's role."""

    dataset: Dataset
    data_key: str
    filters: Filters
    role: str


@st.cache_resource(show_spinner=False)
def engine(url: str):
    return db.open_engine(url)


def current_engine():
    """The engine for the configured database (cached per URL)."""
    return engine(db.resolve_url())


@st.cache_resource(show_spinner="Loading case data…", max_entries=2)
def _dataset(url: str, version: int) -> Dataset:
    return store.load_from_db(engine(url), seed_if_empty=False)


def current_dataset() -> tuple[Dataset, str]:
    """The dataset and a key that changes when the data does. Seeds the demo into an empty database."""
    url = db.resolve_url()
    eng = engine(url)
    store.ensure_seeded(eng)
    version = store.data_version(eng)
    return _dataset(url, version), f"{db.redact(url)}#{version}"


def active_boundaries_path() -> Path | None:
    """A user-chosen boundary file (Data page or DASHBOARD_BOUNDARIES), else None for the default."""
    if os.environ.get("DASHBOARD_BOUNDARIES"):
        return Path(os.environ["DASHBOARD_BOUNDARIES"])
    chosen = sorted(ACTIVE_BOUNDARIES_DIR.glob("active.*")) if ACTIVE_BOUNDARIES_DIR.exists() else []
    return chosen[0] if chosen else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundaries(path: str, mtime: float, join_column: str | None) -> Boundaries:
    return load_boundaries(path or None, join_column)


def boundaries() -> Boundaries:
    path = active_boundaries_path()
    column_file = ACTIVE_BOUNDARIES_DIR / "join_column.txt"
    join_column = column_file.read_text(encoding="utf-8").strip() if path and column_file.exists() else None
    return _boundaries(str(path or ""), path.stat().st_mtime if path else 0.0, join_column or None)


ROW_METRICS = ("by_victim",)


@st.cache_data(show_spinner=False, max_entries=512)
def _metric(name: str, data_key: str, filters: Filters, kwargs: tuple, _dataset: Dataset) -> Any:
    func = getattr(metrics, name)
    # daily counts answer every metric but the victim breakdown, which needs case rows
    frame = _dataset.cases if name in ROW_METRICS else _dataset.counts
    if name == "summary":
        return func(frame, _dataset.coverage, filters, **dict(kwargs))
    return func(frame, filters, **dict(kwargs))


def metric(ctx: Context, name: str, filters: Filters | None = None, **kwargs: Any) -> Any:
    """A metrics function's result, cached per data version and filters."""
    return _metric(name, ctx.data_key, filters or ctx.filters, tuple(sorted(kwargs.items())), ctx.dataset)


_CONTEXT_KEY = "_cpu_context"
_run = threading.local()  # each Streamlit script run has its own thread


@contextmanager
def running_pages() -> Iterator[None]:
    """app.py wraps ``navigation.run()`` in this, so pages know the gate ran in this very run."""
    _run.via_app = True
    try:
        yield
    finally:
        _run.via_app = False


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
        st.error("This page is not available. Open the dashboard's home page and sign in.")
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
    from dashboard.auth import pages_for

    ensure_shell()
    ctx = st.session_state.get(_CONTEXT_KEY)
    if ctx is None or page not in pages_for(ctx.role):
        st.error("This page is not available. Open the dashboard's home page and sign in.")
        st.stop()
    return ctx
