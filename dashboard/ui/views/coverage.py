"""Coverage: where the programme operated on a chosen date, and the rollout over time."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.data.schema import PROGRAMME_START
from dashboard.i18n import _, fmt_date, fmt_int, fmt_month
from dashboard.measures import metrics
from dashboard.render import charts, maps
from dashboard.ui import components as ui
from dashboard.ui import map_widget, params, playback, url_state
from dashboard.ui.cache import boundaries, coverage_metric
from dashboard.ui.context import context

SLIDER_KEY = params.COVERAGE_DAY.key


def _months(first: date, last: date) -> list[date]:
    return [d.date() for d in pd.date_range(pd.Timestamp(first).to_period("M").to_timestamp(), last, freq="MS")] \
        or [first]


def render() -> None:
    ctx = context("coverage")
    ui.page_header(ctx, _("Coverage"), _("Provinces where the programme operates, and since when"))
    cov = ctx.dataset.coverage  # with none loaded, the page header says so and the map is all 'not covered'
    first = min(cov["start_date"].min().date(), PROGRAMME_START) if len(cov) else PROGRAMME_START
    last = metrics.period_end(ctx.filters, ctx.dataset.as_of)
    months = _months(first, last)
    if last not in months:
        months.append(last)
    url_state.day_from_link(params.COVERAGE_DAY, months)  # a copied link reopens the slider's day
    playback.player(SLIDER_KEY, months, lambda day: _rollout(ctx, months, day), _("Coverage on"), _("Play rollout"),
                    format_func=lambda d: fmt_month(d) if d.day == 1 else fmt_date(d),
                    help=_("Step through the rollout month by month from July 2013."))


def _rollout(ctx, months: list[date], day: date) -> None:
    url_state.keep_day(params.COVERAGE_DAY, day, months[-1])
    info = coverage_metric(ctx, metrics.coverage_at, day)
    on_day = _("on {day}").format(day=fmt_date(day))
    ui.kpi_row([(_("Provinces covered"), _("{covered} of {total}").format(covered=fmt_int(info["provinces_covered"]),
                                                                       total=fmt_int(info["provinces_total"])), None,
                 on_day),
                (_("Population covered"), ui.fmt_share(info["population_covered_share"]), _("2008 census"), on_day),
                (_("Area covered"), ui.fmt_share(info["area_covered_share"]), _("Province areas (km²)"), on_day)])
    b = boundaries()
    styles, legend = maps.coverage_styles(b, ctx.dataset.coverage, day)
    fmap = maps.build_map(b, styles, _("Coverage on {day}").format(day=fmt_date(day)), legend, b.map_note(),
                          selected=ctx.filters.provinces)
    map_widget.province_map(fmap, key="map_coverage", name=f"coverage_{day.isoformat()}")
    if b.map_note():
        st.caption(b.map_note())
    ui.data_table(coverage_metric(ctx, metrics.coverage_table, day), f"coverage_{day.isoformat()}", "coverage_table")
    timeline = coverage_metric(ctx, metrics.coverage_timeline, months[0], months[-1])
    ui.chart(charts.coverage_over_time(timeline, pd.Timestamp(day)), key="coverage_chart")
    ui.data_table(timeline, "coverage_over_time", "coverage_timeline")
