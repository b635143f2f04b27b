"""A tutorial-style Streamlit + folium dashboard: the browser benchmark's baseline.

Written the way the Streamlit and streamlit-folium tutorials write it: the
CSV read once with ``st.cache_data``, a geopandas join of counts to the
boundaries, ``folium.Choropleth``, ``st_folium`` with its default arguments,
one plotly chart and sidebar filters. Run by ``python -m benchmarks browser``
(``BASELINE_CASES_CSV``, ``BASELINE_BOUNDARIES``); it is not part of the
dashboard.

Offline: folium's default Leaflet, jQuery, Bootstrap and font links point at
CDNs, and streamlit-folium adds d3 from a CDN for a Choropleth's colour-scale
legend. streamlit-folium loads these links one after another and gives up on
the first that fails, so with no network the map would never draw. The
baseline therefore loads Leaflet from the same local files as the dashboard
(``/app/static/vendor/leaflet``), drops the other links (markers and Bootstrap
are not used) and leaves out the colour-scale legend (no local d3). No tile
layer, as in the dashboard.
"""

from __future__ import annotations

import os
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import plotly.express as px
import streamlit as st
from streamlit_folium import st_folium

LEAFLET = "/app/static/vendor/leaflet"
folium.Map.default_js = [("leaflet", f"{LEAFLET}/leaflet.js")]
folium.Map.default_css = [("leaflet_css", f"{LEAFLET}/leaflet.css")]

st.set_page_config(page_title="Cases dashboard", layout="wide")


@st.cache_data
def load_cases(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, parse_dates=["date_reported"])
    return df


@st.cache_data
def load_boundaries(path: str) -> gpd.GeoDataFrame:
    return gpd.read_file(path)


cases = load_cases(os.environ["BASELINE_CASES_CSV"])
provinces = load_boundaries(os.environ["BASELINE_BOUNDARIES"])

st.sidebar.markdown("### Filters")
first, last = cases["date_reported"].min().date(), cases["date_reported"].max().date()
start = st.sidebar.date_input("From", value=first, min_value=first, max_value=last, format="YYYY-MM-DD")
end = st.sidebar.date_input("To", value=last, min_value=first, max_value=last, format="YYYY-MM-DD")
chosen = st.sidebar.multiselect("Provinces", sorted(provinces["name_en"]), placeholder="All provinces")

df = cases[(cases["date_reported"].dt.date >= start) & (cases["date_reported"].dt.date <= end)]
if chosen:
    df = df[df["province"].isin(chosen)]

st.title("Cases")
c1, c2, c3 = st.columns(3)
c1.metric("Cases", f"{len(df):,}")
c2.metric("Arrests", f"{(df['arrest_made'] == 'yes').sum():,}")
c3.metric("Arrest rate", f"{(df['arrest_made'] == 'yes').mean():.0%}" if len(df) else "–")

counts = df.groupby("province").size().reset_index(name="cases")
gdf = provinces.merge(counts, left_on="name_en", right_on="province", how="left")
gdf["cases"] = gdf["cases"].fillna(0)

m = folium.Map(location=[12.6, 104.9], zoom_start=7, tiles=None)
choropleth = folium.Choropleth(
    geo_data=gdf,
    data=gdf,
    columns=["name_en", "cases"],
    key_on="feature.properties.name_en",
    fill_color="YlGnBu",
    fill_opacity=0.8,
    line_opacity=0.5,
    legend_name="Cases",
)
choropleth.add_to(m)
# the legend needs d3 from a CDN (see the module docstring): left out so the map draws offline
if choropleth.color_scale is not None:
    del choropleth._children[choropleth.color_scale.get_name()]
    choropleth.color_scale = None
folium.GeoJsonTooltip(fields=["name_en", "cases"]).add_to(choropleth.geojson)

left, right = st.columns([3, 2])
with left:
    st_folium(m, width=700)
with right:
    monthly = df.set_index("date_reported").resample("MS").size().reset_index(name="cases")
    st.plotly_chart(px.line(monthly, x="date_reported", y="cases", title="Cases per month"))

st.caption(f"{len(df):,} cases from {start} to {end} · updated {date.today()}")
