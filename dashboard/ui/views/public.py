"""The public donor dashboard: reads only the aggregated export, never the case database."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.access import modes
from dashboard.render import charts
from dashboard.render import maps
from dashboard.publish import public_view
from dashboard.errors import UserFacingError
from dashboard.render.markup import escape_markdown
from dashboard.publish.public_export import FILES, PublicData, quarter_end, read_export
from dashboard.ui import components as ui
from dashboard.ui.cache import boundaries
from dashboard.ui.context import ensure_shell


@st.cache_resource(show_spinner=False)
def _load(folder: str, stamp: float) -> PublicData:
    return read_export(folder)


def load() -> PublicData:
    folder = modes.public_dir()
    meta = folder / "metadata.json"
    return _load(str(folder), meta.stat().st_mtime if meta.exists() else 0.0)


def render() -> None:
    ensure_shell()
    try:
        if modes.app_mode() != "public":
            st.error("The public dashboard runs only with DASHBOARD_MODE=public.")
            st.stop()
        data = load()
    except UserFacingError as err:
        st.error(escape_markdown(err.message))
        return
    k = data.k
    st.title("Child Protection Unit: public dashboard")
    period = data.metadata.get("period", {})
    st.caption(f"Cases investigated with the Cambodian National Police, {period.get('from')} to {period.get('to')}. "
               f"Aggregated figures only; counts below {k} are shown as “<{k}”.")
    if data.metadata.get("synthetic"):
        st.warning("**SYNTHETIC demo data**: invented records that reproduce the programme's published figures.",
                   icon=":material/science:")
    head = public_view.headline(data)
    ui.kpi_row([
        ("Cases", head["cases"], "All quarters added up."),
        ("Provinces covered", head["provinces"], "Provinces where the programme has operated."),
        ("Arrest rate", head["arrest_rate"], "Shown only where no small count would be revealed."),
    ])
    b = boundaries()
    day = quarter_end(period["to"]) if period.get("to") else date.today()
    styles, legend = maps.coverage_styles(b, data.coverage.assign(end_date=pd.NaT), day)
    ui.static_map(maps.build_map(b, styles, f"Coverage on {day}", legend, b.map_note(), height=460),
                  key="public_map", height=460)
    if b.map_note():
        st.caption(b.map_note())
    st.subheader("National cases by quarter")
    st.plotly_chart(charts.public_quarters(data.national_quarter), width="stretch", key="public_quarters")
    st.dataframe(public_view.quarter_table(data), hide_index=True, width="stretch")
    st.subheader("Province totals by year")
    st.dataframe(public_view.province_year_wide(data), hide_index=True, width="stretch")
    rates = public_view.allowed_arrest_rates(data)
    if len(rates):
        st.subheader("Arrest rates where they can be shown")
        st.dataframe(rates, hide_index=True, width="stretch")
    st.subheader("How the figures are protected")
    st.markdown(data.metadata.get("method", ""))
    st.subheader("Download the data")
    folder = modes.public_dir()
    cols = st.columns(len(FILES))
    for col, name in zip(cols, FILES):
        col.download_button(name, (folder / name).read_bytes(), file_name=name, key=f"public_dl_{name}")
