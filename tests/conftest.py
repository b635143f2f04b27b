"""Shared fixtures. Everything is made here; no test touches the network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Keep every test away from the developer's own database and secrets.
os.environ.pop("DASHBOARD_DB_URL", None)
os.environ.pop("DASHBOARD_MODE", None)


@pytest.fixture()
def default_gdf():
    import geopandas as gpd

    from dashboard.paths import DEFAULT_BOUNDARIES

    return gpd.read_file(DEFAULT_BOUNDARIES)


@pytest.fixture()
def gdf_25(default_gdf):
    """A 25-unit layer: Kampong Cham split along a line near the Mekong."""
    import geopandas as gpd
    from shapely.geometry import LineString
    from shapely.ops import split

    gdf = default_gdf.copy()
    kc = gdf.index[gdf["code"] == "03"][0]
    parts = sorted(split(gdf.geometry[kc], LineString([(105.47, 10.5), (105.47, 13.0)])).geoms,
                   key=lambda g: g.centroid.x)
    west, east = parts[0], parts[-1]
    gdf.loc[kc, "geometry"] = west
    extra = gpd.GeoDataFrame([{"code": "25", "iso_3166_2": "KH-25", "name_en": "Tboung Khmum",
                               "name_ne": "", "geometry": east}], crs=4326)
    import pandas as pd

    return gpd.GeoDataFrame(pd.concat([gdf, extra], ignore_index=True), crs=4326)
