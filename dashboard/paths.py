"""Locations of the project's own files."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GEODATA_DIR = PROJECT_ROOT / "geodata"
GAZETTEER_CSV = GEODATA_DIR / "provinces.csv"
DEFAULT_BOUNDARIES = GEODATA_DIR / "khm_adm1_naturalearth.geojson"
STATIC_DIR = PROJECT_ROOT / "static"
