"""Cases: choropleth of counts or rates, monthly trend, offences and a province table."""

from __future__ import annotations

import streamlit as st

from dashboard.render import charts
from dashboard.render import maps
from dashboard.measures import metrics
from dashboard.measures.classify import SCHEMES
from dashboard.ui import components as ui
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import context
from dashboard.ui.urlparams import check_choices

MEASURES = ["case count", "rate per 100,000"]
CENSUSES = ["2008", "2019"]
PROVINCE_COLUMNS = ["province_code", "province", "province_km", "cases", "arrests", "arrest_rate", "population", "per_100k"]


def render() -> None:
    ctx = context("cases")
    ui.page_header(ctx, "Cases", "Serious cases of child abuse, child rape and homicide investigated")
    check_choices({"measure": MEASURES, "classes": list(SCHEMES), "census": CENSUSES})
    c1, c2, c3 = st.columns(3)
    # bound to the URL too, so a shared link reopens the same map
    measure = c1.segmented_control("Show", MEASURES, default=MEASURES[0], key="measure",
                                   bind="query-params") or MEASURES[0]
    scheme = c2.selectbox("Classes", list(SCHEMES), key="classes", bind="query-params",
                          help="How values are grouped into the legend's colours (mapclassify).")
    census = c3.selectbox("Census for rates", CENSUSES, key="census", bind="query-params",
                          help="2008 is complete and nearest the programme's start; 2019 lacks Preah Sihanouk.")
    per_province = metric(ctx, metrics.by_province, census=census)
    covered = coverage_metric(ctx, metrics.active_provinces, metrics.period_end(ctx.filters, ctx.dataset.as_of))
    b = boundaries()
    rate = measure == "rate per 100,000"
    styles, legend = maps.choropleth_styles(b, per_province, covered, "rate" if rate else "count", scheme,
                                            ctx.filters.provinces)
    title = "Cases per 100,000 people" if rate else "Cases"
    fmap = maps.build_map(b, styles, title, legend, b.map_note(),
                          selected=ctx.filters.provinces)
    ui.province_map(fmap, key="map_cases", name="cases_map")
    if b.map_note():
        st.caption(b.map_note())
    unmapped = maps.cases_without_polygon(b, per_province)
    if unmapped:
        st.warning("Cases in provinces these boundaries have no polygon for (counted in every total and table, "
                   "not drawn): " + ", ".join(f"{name} ({n:,})" for name, n in unmapped), icon=":material/warning:")
    ui.data_table(per_province[PROVINCE_COLUMNS], "cases_by_province", "cases_map_data")
    if ui.no_cases(ctx):
        return
    monthly = metric(ctx, metrics.monthly)
    st.plotly_chart(charts.monthly_trend(monthly), width="stretch", key="cases_trend")
    ui.data_table(monthly, "monthly_cases", "cases_monthly")
    left, right = st.columns(2)
    with left:
        offences = metric(ctx, metrics.by_offence)
        st.plotly_chart(charts.offence_breakdown(offences), width="stretch", key="cases_offences")
        ui.data_table(offences, "cases_by_offence", "cases_offence_data")
    with right:
        st.subheader("By province")
        table = per_province[per_province["cases"] > 0][PROVINCE_COLUMNS].sort_values("cases", ascending=False)
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "arrest_rate": st.column_config.NumberColumn("arrest rate", format="percent"),
            "per_100k": st.column_config.NumberColumn("per 100,000", format="%.2f"),
            "population": st.column_config.NumberColumn(f"population ({census})", format="localized"),
        })
        st.caption(f"Rates per 100,000 use the {metrics.CENSUS_NOTE[census]}.")
