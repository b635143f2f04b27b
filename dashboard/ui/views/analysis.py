"""Analysis (analysts and admins): drill-down, victim-attribute breakdowns and case-level export."""

from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.metrics import apply_filters
from dashboard.safe_csv import to_safe_csv
from dashboard.ui import components as ui
from dashboard.ui.state import context, metric

EXPORT_COLUMNS = ["case_id", "date", "province_code", "province", "province_km", "district", "offence",
                  "victim_age", "victim_sex", "arrest", "arrest_date"]


def render() -> None:
    ctx = context("analysis")
    ui.page_header(ctx, "Analysis", "Case-level drill-down for analysts. Handle exports as confidential records.")
    if ui.no_cases(ctx):
        return
    victims = metric(ctx, "by_victim")
    st.plotly_chart(charts.victims(victims), width="stretch", key="analysis_victims")
    ui.data_table(victims, "victims_by_age_and_sex", "analysis_victims_data")
    rows = apply_filters(ctx.dataset.cases, ctx.filters)
    table = ui.with_names(rows.assign(province_code=rows["province_code"].astype(str)))
    table = table[[c for c in EXPORT_COLUMNS if c in table.columns]]
    st.subheader(f"Case records ({len(table):,})")
    st.dataframe(table.head(5000), hide_index=True, width="stretch")
    if len(table) > 5000:
        st.caption("Showing the first 5,000 rows; the export holds them all.")
    # the CSV is built only when clicked: a million rows would slow every rerun
    st.download_button("Export case records (CSV)", lambda: to_safe_csv(table), file_name="case_records_CONFIDENTIAL.csv",
                       mime="text/csv", key="analysis_export", on_click="ignore")
