"""Join a boundary layer's polygons to the provinces, simplify it for the map, and report how it matched."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.errors import BoundaryFileError
from dashboard.geo import simplify
from dashboard.geo.boundary_files import read_boundary_file, read_metadata, repair_geometries
from dashboard.geo.boundary_layer import Boundaries, JoinReport
from dashboard.geo.gazetteer import KAMPONG_CHAM, TBOUNG_KHMUM, load_gazetteer
from dashboard.geo.resolve import Resolution, resolve
from dashboard.geo.simplify import MAP_VERTEX_BUDGET, simplify_for_map, vertex_count
from dashboard.i18n import N_, _
from dashboard.paths import DEFAULT_BOUNDARIES

#: A column is a join candidate when at least this share of its values resolve.
MIN_JOIN_SHARE = 0.5


def _column_resolutions(values: pd.Series) -> list[Resolution]:
    return [resolve(v) for v in values]


def detect_join_column(gdf: gpd.GeoDataFrame) -> str:
    """The attribute column whose values best resolve to distinct provinces."""
    scores: dict[str, float] = {}
    for column in gdf.columns:
        if column == gdf.geometry.name:
            continue
        series = gdf[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
                or pd.api.types.is_integer_dtype(series)):
            continue
        codes = [r.code for r in _column_resolutions(series)]
        resolved = [c for c in codes if c]
        if not resolved:
            continue
        # share of rows resolved, weighted by how many distinct provinces they hit
        scores[str(column)] = round(len(resolved) / len(codes) * len(set(resolved)) / len(codes), 4)
    if not scores or max(scores.values()) < MIN_JOIN_SHARE ** 2:
        raise BoundaryFileError(
            _("No column in the boundary file holds recognisable province names or codes."),
            _("Add a column with province names (English or Khmer) or NCDD/ISO codes, "
              "or choose the join column yourself."))
    return max(scores, key=lambda c: scores[c])


def join_boundaries(gdf: gpd.GeoDataFrame, source: str, join_column: str | None = None) -> Boundaries:
    """Match each polygon to a province and build the join report."""
    gdf, repaired = repair_geometries(gdf, source)
    if join_column is None:
        join_column = detect_join_column(gdf)
    elif join_column not in gdf.columns:
        raise BoundaryFileError(_("The boundary file has no column '{column}'.").format(column=join_column),
                                _("Choose one of: {columns}.").format(
                                    columns=", ".join(str(c) for c in gdf.columns if c != "geometry")))
    gazetteer = load_gazetteer()
    report = JoinReport(source=source, join_column=join_column, repaired_rows=repaired)
    geoms: dict[str, list] = {}
    for idx, (value, geom) in enumerate(zip(gdf[join_column], gdf.geometry), start=1):
        res = resolve(value)
        if res.code is None:
            report.unmatched_units.append({"row": idx, "value": value,
                                           "suggestions": [s.name for s in res.suggestions]})
            continue
        entry = {"row": idx, "value": value, "code": res.code, "name": gazetteer[res.code].name_en,
                 "method": res.method}
        if res.code in geoms:
            report.duplicate_units.append(entry)
        else:
            report.units.append(entry)
        geoms.setdefault(res.code, []).append(geom)
    for code, prov in gazetteer.items():
        if code in geoms:
            continue
        if code == TBOUNG_KHMUM and KAMPONG_CHAM in geoms:
            handling = N_("drawn inside Kampong Cham (boundaries predate the 31 Dec 2013 split); its cases are added "
                          "to that polygon")
        else:
            handling = N_("no polygon: its cases appear in tables and totals but not on the map")
        report.missing_provinces.append({"code": code, "name": prov.name_en, "handling": handling})
    rows = [{"code": c, "name_en": gazetteer[c].name_en, "name_km": gazetteer[c].name_km,
             "geometry": shapely.union_all(g) if len(g) > 1 else g[0]} for c, g in sorted(geoms.items())]
    joined = gpd.GeoDataFrame(rows, columns=["code", "name_en", "name_km", "geometry"], geometry="geometry", crs=4326)
    joined, report.simplified = _simplify(joined, source)
    return Boundaries(joined, report)


def _simplify(joined: gpd.GeoDataFrame, source: str) -> tuple[gpd.GeoDataFrame, tuple[float, int, int] | None]:
    """The joined units within the map's vertex budget, simplified as the shipped layers are."""
    before = vertex_count(joined)
    try:
        simple, tolerance = simplify_for_map(joined, MAP_VERTEX_BUDGET)
    except ValueError:
        raise BoundaryFileError(
            _("'{name}' is too detailed to draw: even simplified at {tol} degrees it keeps more than "
              "{budget} vertices.").format(name=source, tol=simplify.MAX_TOLERANCE_DEG,
                                           budget=f"{MAP_VERTEX_BUDGET:,}"),
            _("Upload a generalised province layer (for example simplified in QGIS), without thousands of tiny "
              "islands.")) from None
    return (simple, None) if tolerance is None else (simple, (tolerance, before, vertex_count(simple)))



def load_boundaries(path: Path | str | None = None, join_column: str | None = None) -> Boundaries:
    """Read and join a boundary file; the shipped 25-unit geoBoundaries file by default."""
    path = Path(path) if path else DEFAULT_BOUNDARIES
    boundaries = join_boundaries(read_boundary_file(path), path.name, join_column)
    boundaries.metadata = read_metadata(path)
    return boundaries
