"""Boundary layers with impossible geometry (issue 14, item 10): each was accepted as "all matched" before.

After reprojection every polygon must have finite coordinates inside a box around Cambodia, with the
likely cause named; and an upload is simplified like the shipped layers, so its map stays small.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box, mapping

from dashboard.cli import main
from dashboard.errors import BoundaryFileError
from dashboard.geo.boundaries import join_boundaries, load_boundaries, read_boundary_file

NAMES = ["Kampot", "Kep", "Takeo", "Kandal"]


def _refused(path: Path, *fragments: str) -> str:
    with pytest.raises(BoundaryFileError) as info:
        read_boundary_file(path)
    message = info.value.message
    assert "What to do:" in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _write_geojson(path: Path, shapes: list, names: list[str] | None = None, crs: str | None = None) -> Path:
    """A GeoJSON FeatureCollection written by hand, so nothing corrects the coordinates on the way."""
    features = [{"type": "Feature", "properties": {"name": n}, "geometry": _geometry(g)}
                for n, g in zip(names or NAMES, shapes)]
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data))
    return path


def _geometry(geom) -> dict:
    if geom.geom_type == "Polygon":  # fast path for the million-vertex ring
        return {"type": "Polygon", "coordinates": [shapely.get_coordinates(geom.exterior).tolist(),
                                                   *[shapely.get_coordinates(r).tolist() for r in geom.interiors]]}
    return mapping(geom)


def test_utm_metres_without_a_crs_are_refused(tmp_path, default_gdf):
    utm = default_gdf.iloc[:4].to_crs(32648)  # real province shapes, in metres, and no CRS in the file
    path = _write_geojson(tmp_path / "utm.geojson", list(utm.geometry))
    _refused(path, "look like metres", "unless it names another coordinate system", "EPSG:32648")


def test_prj_claiming_wgs84_over_utm_metres_is_refused(tmp_path, default_gdf):
    utm = default_gdf.iloc[:4][["name_en", "geometry"]].to_crs(32648)
    utm = utm.set_crs(4326, allow_override=True)  # the .prj lies: it says WGS84
    utm.to_file(tmp_path / "liar.shp")
    assert "WGS" in (tmp_path / "liar.prj").read_text()
    _refused(tmp_path / "liar.shp", "look like metres", "says degrees")


def test_swapped_latitude_and_longitude_are_refused(tmp_path, default_gdf, capsys):
    swapped = [shapely.transform(g, lambda xy: xy[:, ::-1]) for g in default_gdf.geometry.iloc[:4]]
    path = _write_geojson(tmp_path / "swapped.geojson", swapped)
    _refused(path, "swapped")
    assert main(["boundaries", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "swapped" in err and "Traceback" not in err


def test_swapped_axes_in_a_shapefile_are_refused(tmp_path, default_gdf):
    gdf = default_gdf.iloc[:4][["name_en", "geometry"]].copy()
    gdf["geometry"] = [shapely.transform(g, lambda xy: xy[:, ::-1]) for g in gdf.geometry]
    gdf.to_file(tmp_path / "swapped.shp")
    _refused(tmp_path / "swapped.shp", "swapped")


def test_squares_over_europe_are_refused(tmp_path):
    squares = [box(2 + i, 45, 3 + i, 46) for i in range(4)]  # named after provinces, so all would "match"
    path = _write_geojson(tmp_path / "europe.geojson", squares)
    _refused(path, "outside Cambodia", "rows outside Cambodia: 1, 2, 3, 4")


def test_one_stray_polygon_is_named_by_row(tmp_path, default_gdf):
    shapes = list(default_gdf.geometry.iloc[:3]) + [box(2, 45, 3, 46)]
    _refused(_write_geojson(tmp_path / "stray.geojson", shapes), "outside Cambodia", "rows outside Cambodia: 4.")


def test_a_1e308_coordinate_is_refused(tmp_path, default_gdf):
    shapes = list(default_gdf.geometry.iloc[:3]) + [Polygon([(104, 12), (1e308, 12), (105, 13), (104, 12)])]
    _refused(_write_geojson(tmp_path / "huge.geojson", shapes), "far beyond any map", "rows outside Cambodia: 4")


def test_a_1e308_coordinate_under_a_projection_is_refused(tmp_path, default_gdf):
    utm = default_gdf.iloc[:3].to_crs(32648)
    shapes = list(utm.geometry) + [Polygon([(500_000, 1_400_000), (1e308, 1_400_000), (510_000, 1_410_000)])]
    path = _write_geojson(tmp_path / "huge_utm.geojson", shapes, crs="urn:ogc:def:crs:EPSG::32648")
    _refused(path, "Row 4", "not a finite number")


def test_degrees_under_a_projected_crs_are_refused(tmp_path, default_gdf):
    path = _write_geojson(tmp_path / "degrees.geojson", list(default_gdf.geometry.iloc[:4]),
                          crs="urn:ogc:def:crs:EPSG::32648")
    _refused(path, "look like longitude and latitude", "UTM zone 48N")


def test_real_layers_in_any_crs_still_pass(tmp_path, default_gdf):
    default_gdf[["name_en", "geometry"]].to_crs(32648).to_file(tmp_path / "utm.shp")
    assert len(read_boundary_file(tmp_path / "utm.shp")) == 25
    default_gdf[["name_en", "geometry"]].to_crs(3857).to_file(tmp_path / "web.gpkg", driver="GPKG")
    assert len(read_boundary_file(tmp_path / "web.gpkg")) == 25


def test_a_million_vertex_polygon_gives_a_small_map(tmp_path, demo_dataset):
    """The review's 1M-vertex polygon made a 20.8 MB map payload; simplified, it is drawn within 150 KB."""
    from dashboard.measures.metrics import active_provinces, by_province
    from dashboard.render import maps

    angles = np.linspace(0, 2 * np.pi, 1_000_000, endpoint=False)
    radius = 0.6 + 0.002 * np.sin(angles * 997)  # a wiggly outline: every vertex is needed at full detail
    ring = np.c_[104.9 + radius * np.cos(angles), 12.7 + radius * np.sin(angles)]
    path = _write_geojson(tmp_path / "detailed.geojson", [Polygon(ring)], ["Kampong Thom"])
    b = load_boundaries(path)
    per = by_province(demo_dataset.cases)
    styles, legend = maps.choropleth_styles(b, per, active_provinces(demo_dataset.coverage, date(2015, 4, 30)),
                                            "count", "quantiles")
    assert maps.payload_bytes(maps.build_map(b, styles, "Cases", legend)) <= 150_000
    assert b.report.simplified is not None and b.report.simplified[1] == 1_000_001
    assert "Simplified for the map" in b.report.to_text()


def test_a_detailed_layer_keeps_shared_borders_when_simplified(default_gdf):
    """Uploads are simplified on a shared topology, as the shipped layers are: no gaps or overlaps open."""
    from dashboard.geo.simplify import MAP_VERTEX_BUDGET, vertex_count

    dense = default_gdf[["name_en", "geometry"]].copy()
    dense["geometry"] = shapely.segmentize(dense.geometry.values, 0.002)  # on the borders, so neighbours share them
    assert vertex_count(dense) > MAP_VERTEX_BUDGET
    b = join_boundaries(dense, "dense.geojson")
    assert b.report.simplified is not None and vertex_count(b.gdf) <= MAP_VERTEX_BUDGET
    metric = b.gdf.to_crs(32648)
    union = shapely.union_all(metric.geometry.values)
    assert (metric.area.sum() - union.area) / 1e6 < 0.05  # km² of overlap
    parts = union.geoms if union.geom_type == "MultiPolygon" else [union]
    assert sum(shapely.Polygon(h).area for p in parts for h in p.interiors) / 1e6 < 0.05  # km² of gaps
    assert b.gdf.is_valid.all() and len(b.gdf) == 25


def test_a_layer_too_detailed_even_when_simplified_is_refused(monkeypatch, default_gdf):
    from dashboard.geo import boundary_join

    monkeypatch.setattr(boundary_join, "MAP_VERTEX_BUDGET", 100)  # 25 provinces cannot be drawn with 100 vertices
    with pytest.raises(BoundaryFileError, match="too detailed to draw"):
        join_boundaries(default_gdf, "x.geojson")
