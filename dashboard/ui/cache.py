"""What the app keeps between reruns: engine, dataset, boundaries and metric results.

Results are keyed by the data version, so an ingest (by anyone, through any
process) shows on the next rerun without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import page_table
from dashboard.data import db, store
from dashboard.data.dataset import Dataset
from dashboard.data.seed import seed_demo_if_empty
from dashboard.geo.boundaries import Boundaries, active_source, load_boundaries
from dashboard.i18n import _
from dashboard.measures import compare, funnel, metrics, rollout, time_to_arrest
from dashboard.measures.filters import Filters, counts_for
from dashboard.publish import visibility
from dashboard.ui.context import Context

#: Metrics that need case rows; every other case metric runs on the daily counts.
ROW_METRICS = (metrics.by_victim, funnel.funnel, funnel.by_group, funnel.time_to_stage,
               funnel.charge_share_by_province)
#: Metrics that read the days from report to arrest per case (``time_to_arrest.times_of``).
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
    frame = (dataset.cases if func in ROW_METRICS else time_to_arrest.times_of(dataset) if func in TIME_METRICS
             else counts_for(dataset, filters))
    lead = (frame, dataset.coverage) if func in WITH_COVERAGE else (frame,)
    return _cached(_name(func), ctx.data_key, (filters,), tuple(sorted(kwargs.items())),
                   lambda: visibility.within_scope(func(*lead, filters, **kwargs), ctx.scope))


def coverage_metric(ctx: Context, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """``func(coverage, *args, **kwargs)`` for this context's coverage table, cached the same way."""
    coverage = ctx.dataset.coverage
    return _cached(_name(func), ctx.data_key, args, tuple(sorted(kwargs.items())),
                   lambda: func(coverage, *args, **kwargs))


# ---------------------------------------------------------------- warm-up before the first viewer


def warm() -> dict[str, float]:
    """Fill the shared caches the first page needs, before anyone asks (``server.py`` runs this at start-up).

    Loads the dataset (and its daily counts and arrest times), the boundaries,
    the Overview's metrics for the default filters and its coverage map, built
    and rendered, and imports every page's modules. Returns seconds per step.
    Internal mode only: public mode reads its export, which is small.
    """
    import importlib
    import time

    steps: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        steps[name] = round(now - t0, 3)
        t0 = now

    views = [page.render.partition(":")[0] for page in page_table.INTERNAL]  # every internal page's view
    for module in ("plotly.graph_objects", "plotly.io", "streamlit_folium", "dashboard.render.charts", *views,
                   "dashboard.ui.views.login"):
        importlib.import_module(module)
    step("imports")
    dataset, data_key = current_dataset()
    step("dataset")
    counts_for(dataset), time_to_arrest.times_of(dataset)  # built once per dataset: computing them is the point
    step("daily counts and arrest times")
    b = boundaries()
    b.map_geojson  # noqa: B018
    step("boundaries")
    ctx = Context(dataset, data_key, Filters(), role="admin")
    summary = metric(ctx, metrics.summary)
    if summary["cases"]:
        metric(ctx, metrics.monthly)
    day = metrics.period_end(ctx.filters, dataset.as_of)
    coverage_metric(ctx, metrics.coverage_table, day)
    step("overview metrics")
    _warm_overview_map(b, dataset, day)
    step("overview map")
    return steps


def _warm_overview_map(b: Boundaries, dataset: Dataset, day) -> None:
    """The Overview's coverage map for the default filters, built and rendered as the page will ask for it."""
    from dashboard.i18n import _, fmt_date
    from dashboard.render import maps
    from dashboard.ui import map_widget

    styles, legend = maps.coverage_styles(b, dataset.coverage, day)
    fmap = maps.build_map(b, styles, _("Coverage on {day}").format(day=fmt_date(day)), legend, selected=(),
                          height=380)
    map_widget.render_map(fmap)
