"""Locations of the project's own files."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GEODATA_DIR = PROJECT_ROOT / "geodata"
GAZETTEER_CSV = GEODATA_DIR / "provinces.csv"
#: Reviewed former names and abbreviations of provinces, each with its source (see geodata/README.md).
PROVINCE_ALIASES_CSV = GEODATA_DIR / "province_aliases.csv"
#: The default map: geoBoundaries KHM ADM1, 25 provinces (ODbL; see geodata/README.md).
DEFAULT_BOUNDARIES = GEODATA_DIR / "khm_adm1_geoboundaries.geojson"
#: The 24-unit vintage from before the 2013 split: Natural Earth admin-1 (public domain).
NATURAL_EARTH_BOUNDARIES = GEODATA_DIR / "khm_adm1_naturalearth.geojson"
#: The shipped layers by the names DASHBOARD_BOUNDARIES and the Data page know them by.
SHIPPED_BOUNDARIES = {"geoboundaries": DEFAULT_BOUNDARIES, "naturalearth": NATURAL_EARTH_BOUNDARIES}
STATIC_DIR = PROJECT_ROOT / "static"
