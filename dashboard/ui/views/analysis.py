"""Analysis (analysts and admins): drill-down, victim-attribute breakdowns and case-level export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.i18n import _, fmt_int
from dashboard.measures import metrics
from dashboard.measures.filters import filter_mask
from dashboard.render import charts
from dashboard.render.safe_csv import to_safe_csv
from dashboard.ui import components as ui
from dashboard.ui.cache import metric
from dashboard.ui.context import context
from dashboard.ui.downloads import case_download
from dashboard.ui.view_audit import record_case_view

SHOWN_ROWS = 5000
EXPORT_COLUMNS = ["case_id", "date", "province_code", "province", "province_km", "district", "offence",
                  "victim_age", "victim_sex", "arrest", "arrest_date"]


def render() -> None:
    ctx = context("analysis")
    ui.page_header(ctx, _("Analysis"), _("Case-level drill-down for analysts. Handle exports as confidential records."))
    if ui.no_cases(metric(ctx, metrics.summary)):
        return
    victims = metric(ctx, metrics.by_victim)
    ui.chart(charts.victims(victims), key="analysis_victims")
    ui.data_table(victims, "victims_by_age_and_sex", "analysis_victims_data")
    cases = ctx.dataset.cases
    positions = np.flatnonzero(filter_mask(cases, ctx.filters))
    st.subheader(_("Case records ({n})").format(n=fmt_int(len(positions))))
    record_case_view(len(positions))
    # only the shown rows are built on each rerun; the full export is built when clicked
    st.dataframe(ui.localized_columns(_records(cases, positions[:SHOWN_ROWS])), hide_index=True, width="stretch")
    if len(positions) > SHOWN_ROWS:
        st.caption(_("Showing the first {n} rows; the export holds them all.").format(n=fmt_int(SHOWN_ROWS)))
    case_download(_("Export case records (CSV)"), lambda: to_safe_csv(_records(cases, positions)),
                  "case_records_CONFIDENTIAL.csv", len(positions), key="analysis_export")


def _records(cases: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    rows = cases.iloc[positions]
    table = ui.with_names(rows.assign(province_code=rows["province_code"].astype(str)))
    return table[[c for c in EXPORT_COLUMNS if c in table.columns]]
