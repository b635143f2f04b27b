import zipfile

import pytest
from shapely.geometry import Polygon

from dashboard.geo.boundaries import join_boundaries, load_boundaries, read_boundary_file
from dashboard.cli import main
from dashboard.errors import BoundaryFileError


def test_default_file_is_small_and_joins_24_units():
    from dashboard.paths import DEFAULT_BOUNDARIES

    assert DEFAULT_BOUNDARIES.stat().st_size <= 150_000
    b = load_boundaries()
    assert b.report.unit_count == 24 and b.report.all_matched
    assert b.report.vintage == 24
    assert b.unit_for("25") == "03"
    assert [m["code"] for m in b.report.missing_provinces] == ["25"]
    assert "Kampong Cham" in b.report.missing_provinces[0]["handling"]


def test_default_file_has_shared_borders_without_overlaps():
    import shapely

    gdf = load_boundaries().gdf.to_crs(32648)
    assert gdf.is_valid.all()
    union = shapely.union_all(gdf.geometry.values)
    assert union.area == pytest.approx(gdf.area.sum(), rel=1e-4)


def test_cli_check_default(capsys):
    assert main(["boundaries", "check"]) == 0
    out = capsys.readouterr().out
    assert "Units: 24" in out and "Unmatched polygons: 0" in out and "Tboung Khmum" in out


def test_25_unit_layer_draws_every_province(gdf_25):
    b = join_boundaries(gdf_25, "split.geojson")
    assert b.report.unit_count == 25 and b.report.vintage == 25
    assert b.unit_for("25") == "25" and not b.report.missing_provinces


def test_projected_shapefile_is_reprojected_and_joined_by_name(tmp_path, default_gdf):
    utm = default_gdf[["name_ne", "geometry"]].to_crs(32648)
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
    assert b.report.unit_count == 24 and b.report.all_matched


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
