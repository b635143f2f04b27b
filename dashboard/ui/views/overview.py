"""Overview: headline figures, a small coverage map and the monthly trend (leadership)."""

from __future__ import annotations

import streamlit as st

from dashboard.render import charts
from dashboard.render import maps
from dashboard.measures import metrics
from dashboard.ui import components as ui
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import context


def headline(ctx) -> dict:
    s = metric(ctx, metrics.summary)
    ci = s["arrest_rate_ci95"]
    ui.kpi_row([
        ("Cases", f"{s['cases']:,}", "Cases reported in the selected period, provinces and offences."),
        (f"Cases in {s['year']}" if s["year"] else "Cases this year", f"{s['cases_this_year']:,}",
         "Cases in the calendar year of the period's end."),
        ("Arrests", f"{s['arrests']:,}", "Cases in which an arrest was made."),
    ])
    ui.kpi_row([
        ("Arrest rate", ui.fmt_share(s["arrest_rate"]),
         f"95% interval (Wilson): {ci[0]:.0%}–{ci[1]:.0%}" if ci else "No cases."),
        ("Provinces covered", f"{s['provinces_covered']} of {s['provinces_total']}",
         f"Provinces where the programme operated on {s['period_end']}."),
        ("Population covered", ui.fmt_share(s["population_covered_share"]),
         f"Share of people living in covered provinces ({s['census']})."),
    ])
    if ci:
        st.caption(f"Arrest rate {s['arrest_rate']:.1%}, 95% interval {ci[0]:.1%} to {ci[1]:.1%} (Wilson score).")
    return s


def render() -> None:
    ctx = context("overview")
    ui.page_header(ctx, "Overview", "Child Protection Unit (J646): cases investigated with the Cambodian National Police")
    s = headline(ctx)
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Where the programme operates")
        b = boundaries()
        day = metrics.period_end(ctx.filters, ctx.dataset.as_of)
        styles, legend = maps.coverage_styles(b, ctx.dataset.coverage, day)
        fmap = maps.build_map(b, styles, f"Coverage on {day}", legend, selected=ctx.filters.provinces, height=380)
        ui.province_map(fmap, key="map_overview", name="coverage_overview", height=380)
        ui.data_table(coverage_metric(ctx, metrics.coverage_table, day), f"coverage_{day.isoformat()}", "overview_coverage")
    with right:
        if s["cases"] == 0:
            ui.no_cases(ctx)
        else:
            monthly = metric(ctx, metrics.monthly)
            st.plotly_chart(charts.monthly_trend(monthly), width="stretch", key="overview_trend")
            ui.data_table(monthly, "monthly_cases", "overview_monthly")
