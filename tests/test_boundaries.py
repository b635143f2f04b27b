import zipfile

import pytest
from shapely.geometry import Polygon

from dashboard.cli import main
from dashboard.errors import BoundaryFileError
from dashboard.geo.boundaries import join_boundaries, load_boundaries, read_boundary_file

ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0; geoBoundaries"


def test_default_file_is_small_and_joins_25_units():
    from dashboard.paths import DEFAULT_BOUNDARIES

    assert DEFAULT_BOUNDARIES.stat().st_size <= 120_000
    b = load_boundaries()
    assert b.report.unit_count == 25 and b.report.all_matched and not b.report.missing_provinces
    assert b.report.vintage == 25 and b.unit_for("25") == "25" and b.unit_for("03") == "03"
    assert b.map_note() == ""
    assert b.attribution == ATTRIBUTION and b.report.simplified is None  # shipped simplified already


def test_shipped_default_has_25_valid_units_without_overlaps_or_gaps():
    """The committed file itself: gazetteer names and codes, valid shapes, shared borders, the islands."""
    import json

    import geopandas as gpd
    import shapely

    from dashboard.geo.gazetteer import load_gazetteer
    from dashboard.paths import DEFAULT_BOUNDARIES

    raw = json.loads(DEFAULT_BOUNDARIES.read_text(encoding="utf-8"))
    assert raw["metadata"]["attribution"] == ATTRIBUTION and "ODbL" in raw["metadata"]["licence"]
    gdf = gpd.GeoDataFrame.from_features(raw["features"], crs=4326)
    gaz = load_gazetteer()
    assert list(gdf["code"]) == sorted(gaz) and len(gdf) == 25
    assert all(gaz[r.code].name_en == r.name_en and gaz[r.code].name_km == r.name_km
               and gaz[r.code].iso_3166_2 == r.iso_3166_2 for r in gdf.itertuples())
    assert gdf.is_valid.all() and set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    metric = gdf.to_crs(32648)
    union = shapely.union_all(metric.geometry.values)
    overlap_km2 = (metric.area.sum() - union.area) / 1e6
    parts = union.geoms if union.geom_type == "MultiPolygon" else [union]
    gaps_km2 = sum(shapely.Polygon(h).area for part in parts for h in part.interiors) / 1e6
    assert overlap_km2 < 0.05 and gaps_km2 < 0.05, (overlap_km2, gaps_km2)
    islands = {r.name_en: len(getattr(r.geometry, "geoms", [r.geometry])) for r in gdf.itertuples()}
    assert islands["Koh Kong"] == 5 and islands["Preah Sihanouk"] == 12 and islands["Kep"] == 2
    assert metric.set_index(gdf["name_en"]).area["Kampot"] > 4_000e6  # its coast is not cut away


def test_default_provenance_records_the_source_checksum():
    import json

    from dashboard.paths import GEODATA_DIR

    info = json.loads((GEODATA_DIR / "khm_adm1_geoboundaries.source.json").read_text(encoding="utf-8"))
    assert info["source_sha256"] == "2bf6228f8f60a2daa542dfade2ac04f0ee6758e5b718cdf31dff2157b39309d0"
    assert info["units"] == 25 and info["attribution"] == ATTRIBUTION
    assert info["output_bytes"] == (GEODATA_DIR / "khm_adm1_geoboundaries.geojson").stat().st_size


@pytest.mark.parametrize("layer", ["geoboundaries", "naturalearth"])
def test_shipped_layers_have_shared_borders_without_overlaps(layer):
    import shapely

    from dashboard.geo.boundaries import shipped_layer

    gdf = shipped_layer(layer).gdf.to_crs(32648)
    assert gdf.is_valid.all()
    union = shapely.union_all(gdf.geometry.values)
    assert union.area == pytest.approx(gdf.area.sum(), rel=1e-4)


def test_natural_earth_vintage_draws_tboung_khmum_in_kampong_cham():
    from dashboard.geo.boundaries import shipped_layer

    b = shipped_layer("naturalearth")
    assert b.report.unit_count == 24 and b.report.all_matched
    assert b.report.vintage == 24
    assert b.unit_for("25") == "03"
    assert [m["code"] for m in b.report.missing_provinces] == ["25"]
    assert "Kampong Cham" in b.report.missing_provinces[0]["handling"]
    assert "predate the 2013 split" in b.map_note()
    assert b.attribution == "Natural Earth (public domain)"


def test_cli_check_default(capsys):
    assert main(["boundaries", "check"]) == 0
    out = capsys.readouterr().out
    assert "Units: 25" in out and "Unmatched polygons: 0" in out and "Provinces without a polygon: 0" in out
    assert "predate the 2013 split" not in out and "drawn inside Kampong Cham" not in out
    assert f"Attribution: {ATTRIBUTION}" in out


def test_cli_check_natural_earth_by_name(capsys):
    assert main(["boundaries", "check", "naturalearth"]) == 0
    out = capsys.readouterr().out
    assert "Units: 24" in out and "predate the 2013 split" in out


def test_projected_shapefile_is_reprojected_and_joined_by_name(tmp_path, ne_gdf):
    utm = ne_gdf[["name_ne", "geometry"]].to_crs(32648)
    utm.to_file(tmp_path / "prov.shp")
    gdf = read_boundary_file(tmp_path / "prov.shp")
    assert gdf.crs.to_epsg() == 4326
    assert 102 < gdf.total_bounds[0] < 103
    b = join_boundaries(gdf, "prov.shp")
    assert b.report.join_column == "name_ne" and b.report.all_matched


def test_zipped_shapefile(tmp_path, default_gdf):
    default_gdf[["name_en", "geometry"]].to_crs(32648).to_file(tmp_path / "adm1.shp")
    zpath = tmp_path / "adm1.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in tmp_path.glob("adm1.*"):
            if f.suffix != ".zip":
                z.write(f, f"folder/{f.name}")
    b = load_boundaries(zpath)
    assert b.report.unit_count == 25 and b.report.all_matched


def test_geopackage_with_override_column(tmp_path, default_gdf):
    default_gdf.to_file(tmp_path / "b.gpkg", driver="GPKG")
    b = load_boundaries(tmp_path / "b.gpkg", join_column="iso_3166_2")
    assert b.report.join_column == "iso_3166_2" and b.report.all_matched


def test_unmatched_polygon_is_reported_and_cli_exits_1(tmp_path, default_gdf, capsys):
    gdf = default_gdf[["name_en", "geometry"]].copy()
    gdf.loc[0, "name_en"] = "Bangkok"
    gdf.to_file(tmp_path / "odd.geojson", driver="GeoJSON")
    assert main(["boundaries", "check", str(tmp_path / "odd.geojson")]) == 1
    out = capsys.readouterr().out
    assert "Unmatched polygons: 1" in out and "Bangkok" in out
    assert "01 Banteay Meanchey: no polygon" in out


def _expect_error(path, fragment):
    with pytest.raises(BoundaryFileError) as info:
        read_boundary_file(path)
    assert fragment in info.value.message
    assert "What to do:" in info.value.message
    return info.value


def test_not_geodata(tmp_path, capsys):
    p = tmp_path / "cases.geojson"
    p.write_text("case_id,province\n1,Kep\n")
    _expect_error(p, "could not be read as geodata")
    assert main(["boundaries", "check", str(p)]) == 2
    err = capsys.readouterr().err
    assert "could not be read as geodata" in err and "Traceback" not in err


def test_empty_layer(tmp_path):
    p = tmp_path / "empty.geojson"
    p.write_text('{"type": "FeatureCollection", "features": []}')
    _expect_error(p, "is empty")


def test_shapefile_without_prj(tmp_path, default_gdf):
    default_gdf.to_file(tmp_path / "noprj.shp")
    (tmp_path / "noprj.prj").unlink()
    _expect_error(tmp_path / "noprj.shp", "has no .prj")
    zpath = tmp_path / "noprj.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in tmp_path.glob("noprj.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    _expect_error(zpath, "has no .prj")


def test_zip_without_shp(tmp_path):
    zpath = tmp_path / "docs.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("readme.txt", "no shapes here")
    _expect_error(zpath, "contains no .shp")


def test_points_are_refused(tmp_path, default_gdf):
    pts = default_gdf.copy()
    pts["geometry"] = pts.representative_point()
    pts.to_file(tmp_path / "pts.geojson", driver="GeoJSON")
    _expect_error(tmp_path / "pts.geojson", "must be polygons")


def test_invalid_geometry_is_repaired_and_reported(default_gdf):
    gdf = default_gdf.copy()
    poly = gdf.geometry[23]  # Pailin
    ring = list(poly.exterior.coords)
    # a repeated spike: self-touching ring that make_valid fixes without losing area
    bad = Polygon(ring[:3] + [ring[1]] + ring[3:])
    assert not bad.is_valid
    gdf.loc[23, "geometry"] = bad
    b = join_boundaries(gdf, "bad.geojson")
    assert b.report.repaired_rows == [24]
    assert b.gdf.is_valid.all()
    assert "Repaired invalid geometries" in b.report.to_text()


def test_unrepairable_bowtie_is_refused(default_gdf):
    gdf = default_gdf.iloc[:2].copy()
    gdf.loc[0, "geometry"] = Polygon([(103, 13), (104, 14), (104, 13), (103, 14)])
    with pytest.raises(BoundaryFileError, match="cannot be repaired safely"):
        join_boundaries(gdf, "bowtie.geojson")


def test_area_shares_use_the_gazetteer_and_agree_with_the_polygons(demo_dataset):
    """About documents gazetteer areas; on 2015-01-01 the 25 polygons' geodesic areas give the same share."""
    from datetime import date

    from pyproj import Geod

    from dashboard.measures.metrics import coverage_at

    cov = coverage_at(demo_dataset.coverage, date(2015, 1, 1))
    assert cov["provinces_covered"] == 20 and 0.88 <= cov["population_covered_share"] <= 0.92
    geod = Geod(ellps="WGS84")
    gdf = load_boundaries().gdf
    areas = {r.code: abs(geod.geometry_area_perimeter(r.geometry)[0]) for r in gdf.itertuples()}
    polygon_share = sum(areas[c] for c in cov["provinces"]) / sum(areas.values())
    assert cov["area_covered_share"] == pytest.approx(polygon_share, abs=0.01)


def test_the_attribution_is_everywhere_the_map_is_credited():
    from dashboard.paths import PROJECT_ROOT

    credit = load_boundaries().attribution
    for doc in ("docs/about.md", "geodata/NOTICE", "geodata/README.md", "README.md"):
        assert credit in (PROJECT_ROOT / doc).read_text(encoding="utf-8").replace("\n", " ").replace("**", ""), doc
    readme = (PROJECT_ROOT / "geodata" / "README.md").read_text(encoding="utf-8")
    assert "derived database" in readme and "ODbL 1.0" in readme and "code keeps its own" in readme


def test_about_page_credits_the_boundaries_in_use():
    from tests.apphelpers import app, no_errors

    at = app("pages/about.py")
    no_errors(at)
    assert any("Credit: © OpenStreetMap contributors, ODbL 1.0; geoBoundaries" in t.value for t in at.text)
