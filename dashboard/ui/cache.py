"""What the app keeps between reruns: engine, dataset, boundaries and metric results.

Results are keyed by the data version, so an ingest (by anyone, through any
process) shows on the next rerun without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.data import db, store
from dashboard.data.dataset import Dataset
from dashboard.data.seed import seed_demo_if_empty
from dashboard.geo.boundaries import Boundaries, active_source, load_boundaries
from dashboard.measures import compare, metrics, rollout, time_to_arrest
from dashboard.i18n import _
from dashboard.measures.filters import Filters
from dashboard.ui.context import Context

#: Metrics that need case rows; every other case metric runs on the daily counts.
ROW_METRICS = (metrics.by_victim,)
#: Metrics that read the days from report to arrest per case (``Dataset.arrest_times``).
TIME_METRICS = (time_to_arrest.headline, time_to_arrest.by_group, time_to_arrest.survival)
#: Metrics that also take the coverage table after the case frame.
WITH_COVERAGE = (metrics.summary, rollout.by_province, rollout.by_province_frames, rollout.since_arrival,
                 rollout.outside_coverage, compare.change_by_province)


@st.cache_resource(show_spinner=False)
def engine(url: str):
    return db.open_engine(url)


def current_engine():
    """The engine for the configured database (cached per URL)."""
    return engine(db.resolve_url())


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(url: str, version: int) -> Dataset:
    return store.load_from_db(engine(url))


def current_dataset() -> tuple[Dataset, str]:
    """The dataset and a key that changes when the data does. Seeds the demo into the app's own empty database."""
    url = db.resolve_url()
    eng = engine(url)
    seed_demo_if_empty(eng, url)
    version = store.data_version(eng)
    with st.spinner(_("Loading case data…")):
        return _dataset(url, version), f"{db.redact(url)}#{version}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundaries(path: str, mtime: float, join_column: str | None) -> Boundaries:
    return load_boundaries(path or None, join_column)


def boundaries() -> Boundaries:
    """The boundaries in use (core rule: geo.boundaries.active_source), reloaded when the file changes."""
    path, join_column = active_source()
    return _boundaries(str(path or ""), path.stat().st_mtime if path and path.exists() else 0.0, join_column)


def _name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, data_key: str, args: tuple, kwargs: tuple, _call: Callable[[], Any]) -> Any:
    return _call()


def metric(ctx: Context, func: Callable, filters: Filters | None = None, **kwargs: Any) -> Any:
    """``func(cases, [coverage,] filters, **kwargs)`` for this context, cached per data version and arguments."""
    filters = filters or ctx.filters
    dataset = ctx.dataset
    frame = dataset.cases if func in ROW_METRICS else dataset.arrest_times if func in TIME_METRICS else dataset.counts
    lead = (frame, dataset.coverage) if func in WITH_COVERAGE else (frame,)
    return _cached(_name(func), ctx.data_key, (filters,), tuple(sorted(kwargs.items())),
                   lambda: func(*lead, filters, **kwargs))


def coverage_metric(ctx: Context, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """``func(coverage, *args, **kwargs)`` for this context's coverage table, cached the same way."""
    coverage = ctx.dataset.coverage
    return _cached(_name(func), ctx.data_key, args, tuple(sorted(kwargs.items())),
                   lambda: func(coverage, *args, **kwargs))
