"""The public donor dashboard: reads only the aggregated export, never the case database."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import access, charts, maps
from dashboard.errors import UserFacingError
from dashboard.public_export import FILES, PublicData, read_export
from dashboard.ui import components as ui
from dashboard.ui.state import ensure_shell


@st.cache_resource(show_spinner=False)
def _load(folder: str, stamp: float) -> PublicData:
    return read_export(folder)


def load() -> PublicData:
    folder = access.public_dir()
    meta = folder / "metadata.json"
    return _load(str(folder), meta.stat().st_mtime if meta.exists() else 0.0)


def shown(value, k: int) -> str:
    return f"<{k}" if pd.isna(value) else f"{int(value):,}"


def render() -> None:
    ensure_shell()
    try:
        if access.app_mode() != "public":
            st.error("The public dashboard runs only with DASHBOARD_MODE=public.")
            st.stop()
        data = load()
    except UserFacingError as err:
        st.error(err.message)
        return
    k = int(data.metadata["k"])
    st.title("Child Protection Unit: public dashboard")
    period = data.metadata.get("period", {})
    st.caption(f"Cases investigated with the Cambodian National Police, {period.get('from')} to {period.get('to')}. "
               f"Aggregated figures only; counts below {k} are shown as “<{k}”.")
    if data.metadata.get("synthetic"):
        st.warning("**SYNTHETIC demo data**: invented records that reproduce the programme's published figures.",
                   icon=":material/science:")
    nq = data.national_quarter
    total_shown = nq["cases"].sum() if not nq["cases"].isna().any() else None
    arrests_ok = not nq["arrests"].isna().any()
    ui.kpi_row([
        ("Cases", shown(total_shown, k) if total_shown is not None else "see table", "All quarters added up."),
        ("Provinces covered", f"{len(data.coverage)} of 25", "Provinces where the programme has operated."),
        ("Arrest rate", f"{nq['arrests'].sum() / total_shown:.0%}" if arrests_ok and total_shown else "suppressed",
         "Shown only where no small count would be revealed."),
    ])
    from dashboard.boundaries import load_boundaries

    b = load_boundaries()
    cov = data.coverage.assign(end_date=pd.NaT)
    day = date.fromisoformat(period["to"]) if period.get("to") else date.today()
    styles, legend = maps.coverage_styles(b, cov, day)
    fmap = maps.build_map(b, styles, f"Coverage on {day}", legend, b.vintage_note(), height=460)
    from dashboard import leaflet_assets
    from streamlit_folium import st_folium

    leaflet_assets.ensure_installed()
    st_folium(fmap, key="public_map", height=460, use_container_width=True, returned_objects=[])
    st.subheader("National cases by quarter")
    fig = go.Figure()
    fig.add_bar(x=nq["quarter"], y=nq["cases"], name="cases", marker_color=charts.TEAL_LIGHT)
    fig.add_bar(x=nq["quarter"], y=nq["arrests"], name="arrests (where shown)", marker_color=charts.TEAL)
    fig.update_layout(barmode="overlay", **charts.LAYOUT)
    st.plotly_chart(fig, width="stretch", key="public_quarters")
    table = nq.assign(cases=[shown(v, k) for v in nq["cases"]], arrests=[shown(v, k) for v in nq["arrests"]],
                      arrest_rate=[f"{a / c:.0%}" if pd.notna(a) and pd.notna(c) and c else "–"
                                   for a, c in zip(nq["arrests"], nq["cases"])])
    st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Province totals by year")
    py = data.province_year
    wide = py.assign(cases=[shown(v, k) for v in py["cases"]]).pivot_table(
        index=["province_code", "province"], columns="year", values="cases", aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    st.dataframe(wide, hide_index=True, width="stretch")
    rates = py[py["arrests"].notna() & py["cases"].notna() & (py["cases"] > 0)]
    if len(rates):
        st.subheader("Arrest rates where they can be shown")
        st.dataframe(rates.assign(arrest_rate=(rates["arrests"] / rates["cases"]).map("{:.0%}".format))[
            ["province", "year", "cases", "arrests", "arrest_rate"]], hide_index=True, width="stretch")
    st.subheader("How the figures are protected")
    st.markdown(data.metadata.get("method", ""))
    st.subheader("Download the data")
    folder = access.public_dir()
    cols = st.columns(len(FILES))
    for col, name in zip(cols, FILES):
        col.download_button(name, (folder / name).read_bytes(), file_name=name, key=f"public_dl_{name}")
