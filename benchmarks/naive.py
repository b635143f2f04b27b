"""The naive baseline the harness compares against.

What a first version would naturally do: no caching, a database read on
every rerun, pandas row loops for the aggregates, and full-resolution
geometry with every property in the map.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import sqlalchemy as sa

from dashboard.data import db
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.measures.filters import Filters
from dashboard.measures.stats import wilson_interval
from dashboard.paths import GEODATA_DIR

FULL_GEOMETRY = GEODATA_DIR / "khm_adm1_naturalearth_full.geojson"


def read_all(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(sa.select(db.cases), conn)
    frame["date_reported"] = pd.to_datetime(frame["date_reported"])
    return frame


def _keep(row, f: Filters) -> bool:
    d = row.date_reported.date()
    return ((not f.start or d >= f.start) and (not f.end or d <= f.end)
            and (not f.provinces or row.province_code in f.provinces)
            and (not f.offences or row.offence in f.offences))


def summary(frame: pd.DataFrame, f: Filters) -> dict:
    n = arrests = 0
    provinces = set()
    for row in frame.itertuples():
        if _keep(row, f):
            n += 1
            arrests += bool(row.arrest_made)
            provinces.add(row.province_code)
    return {"cases": n, "arrests": arrests, "ci": wilson_interval(arrests, n), "provinces_with_cases": len(provinces)}


def by_province(frame: pd.DataFrame, f: Filters) -> dict:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in frame.itertuples():
        if _keep(row, f):
            counts[row.province_code][0] += 1
            counts[row.province_code][1] += bool(row.arrest_made)
    return {c: (n, a, wilson_interval(a, n)) for c, (n, a) in counts.items()}


def monthly(frame: pd.DataFrame, f: Filters) -> dict:
    counts: dict[date, int] = defaultdict(int)
    for row in frame.itertuples():
        if _keep(row, f):
            counts[row.date_reported.date().replace(day=1)] += 1
    return dict(sorted(counts.items()))


def province_map(per_province: dict) -> folium.Map:
    gdf = gpd.read_file(FULL_GEOMETRY)
    gaz = load_gazetteer()
    gdf["cases"] = [per_province.get(c, (0, 0, None))[0] for c in gdf["code"]]
    gdf["name_km"] = [gaz[c].name_km for c in gdf["code"]]
    fmap = folium.Map(location=[12.6, 104.9], zoom_start=7)
    folium.GeoJson(gdf.__geo_interface__,
                   tooltip=folium.GeoJsonTooltip(fields=["name_en", "name_km", "cases"])).add_to(fmap)
    return fmap


def page_data_path(engine, page: str, f: Filters) -> int:
    """One naive rerun of a page's data path; returns the map payload size (0 if no map)."""
    frame = read_all(engine)
    summary(frame, f)
    if page in ("overview", "cases", "coverage"):
        per = by_province(frame, f)
        payload = len(province_map(per).get_root().render().encode())
    else:
        payload = 0
    if page in ("overview", "cases"):
        monthly(frame, f)
    if page == "arrests":
        by_province(frame, f)
    return payload
