"""Arrests: arrest rate by province with 95% intervals, and over time."""

from __future__ import annotations

import streamlit as st

from dashboard.render import charts
from dashboard.measures import metrics
from dashboard.measures.metrics import MIN_CASES_TO_RANK
from dashboard.ui import components as ui
from dashboard.ui.cache import metric
from dashboard.ui.context import context


def render() -> None:
    ctx = context("arrests")
    ui.page_header(ctx, "Arrests", "Share of cases in which an arrest was made")
    if ui.no_cases(ctx):
        return
    s = metric(ctx, metrics.summary)
    per_province = metric(ctx, metrics.by_province)
    st.plotly_chart(charts.arrest_rate_by_province(per_province, s["arrest_rate"]), width="stretch",
                    key="arrests_by_province")
    st.caption(f"Provinces with fewer than {MIN_CASES_TO_RANK} cases are shown in grey and not ranked: their "
               "intervals are too wide for a fair comparison. Bars are Wilson 95% score intervals.")
    ui.data_table(per_province[per_province["cases"] > 0][
        ["province_code", "province", "province_km", "cases", "arrests", "arrest_rate", "ci_low", "ci_high", "ranked"]],
        "arrest_rate_by_province", "arrests_province_data")
    quarterly = metric(ctx, metrics.arrest_rate_over_time)
    st.plotly_chart(charts.arrest_rate_over_time(quarterly), width="stretch", key="arrests_over_time")
    ui.data_table(quarterly, "arrest_rate_by_quarter", "arrests_quarter_data")
