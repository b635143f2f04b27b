"""Topology-aware simplification of province polygons, for the shipped layers and every upload.

The ``topojson`` package turns the polygons into a topology of shared arcs and
simplifies each arc once (Douglas-Peucker), so two neighbours keep one common
border: no gaps or slivers open between them, as they would if each polygon
were simplified on its own.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
import topojson

#: Douglas-Peucker tolerance in degrees (about 400 m): the shipped layers' setting.
TOLERANCE_DEG = 0.004
#: The most an upload is simplified (about 6 km) before it is refused as too detailed.
MAX_TOLERANCE_DEG = 0.064
#: Vertices a map may hold: at 4 decimals about 100 KB of GeoJSON, so the map payload stays under 150 KB
#: (the 25-unit default has 4,059).
MAP_VERTEX_BUDGET = 5_000


def vertex_count(gdf: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(gdf.geometry.values).sum())


def simplify_shared(gdf: gpd.GeoDataFrame, tolerance: float = TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """``gdf`` (WGS84 polygons) simplified on a shared topology; attributes, order and CRS kept.

    A unit whose polygons collapse entirely (smaller than the tolerance) keeps its
    original shape, so no unit ever disappears from the map.
    """
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    source = gdf.reset_index(drop=True)
    topo = topojson.Topology(source, prequantize=False, toposimplify=tolerance, simplify_algorithm="dp")
    simple = topo.to_gdf()
    geoms = [_polygonal(g) for g in simple.geometry.values]
    geoms = [g if g is not None else orig for g, orig in zip(geoms, source.geometry.values)]
    out = gpd.GeoDataFrame(source[columns].copy(), geometry=geoms, crs=gdf.crs)
    return out.rename_geometry(gdf.geometry.name) if gdf.geometry.name != "geometry" else out


def _polygonal(geom) -> shapely.Geometry | None:
    """A valid (Multi)Polygon from a simplified shape, or None if nothing polygonal is left."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts) if parts else None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return geom


def simplify_for_map(gdf: gpd.GeoDataFrame, budget: int = MAP_VERTEX_BUDGET) -> tuple[gpd.GeoDataFrame, float | None]:
    """``gdf`` within ``budget`` vertices, and the tolerance used (None when it already fitted).

    Starts at the shipped layers' tolerance and doubles it up to MAX_TOLERANCE_DEG;
    raises ValueError when even that leaves more than ``budget`` vertices.
    """
    if vertex_count(gdf) <= budget:
        return gdf, None
    tolerance = TOLERANCE_DEG
    simple = simplify_shared(gdf, tolerance)
    while vertex_count(simple) > budget:
        if tolerance >= MAX_TOLERANCE_DEG:
            raise ValueError(f"{vertex_count(simple):,} vertices after simplifying at {tolerance} degrees")
        tolerance *= 2
        simple = simplify_shared(simple, tolerance)  # the arcs are shared already, so this stays gap-free
    return simple, tolerance
