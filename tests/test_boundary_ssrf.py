"""No boundary input makes the server send a request (issue 21 item 6: a GeoJSON "crs" link made GDAL GET a URL).

A loopback HTTP server counts every request; each hostile input is read the way the Data page reads
uploads, and the server must have received nothing at all.
"""

from __future__ import annotations

import http.server
import json
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from dashboard.errors import BoundaryFileError
from dashboard.geo import boundary_files as boundaries
from dashboard.geo.gdal_guard import DEAD_PROXY, HARDENED_CONFIG

ROOT = Path(__file__).resolve().parent.parent
KEP = {"type": "Feature", "properties": {"name": "Kep"},
       "geometry": {"type": "Polygon", "coordinates": [[[104.0, 10.5], [104.3, 10.5], [104.3, 10.7], [104.0, 10.5]]]}}


@pytest.fixture()
def listener():
    """A loopback HTTP server; yields (base URL, list of request paths it received)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                             b'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')

        do_HEAD = do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()


def _geojson(crs) -> str:
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [KEP]})


def _link(url: str) -> dict:
    return {"type": "link", "properties": {"href": f"{url}/x.wkt", "type": "ogcwkt"}}


def _read(path: Path) -> None:
    try:
        boundaries.read_boundary_file(path)
    except BoundaryFileError:
        pass


@pytest.mark.parametrize("crs", [
    lambda url: _link(url),
    lambda url: {"type": "name", "properties": {"name": f"{url}/name"}},
    lambda url: {"type": "name", "properties": {"name": f"+init={url}/epsg"}},
])
def test_a_geojson_crs_link_is_refused_before_gdal_fetches_it(tmp_path, listener, crs):
    url, hits = listener
    path = tmp_path / "layer.geojson"
    path.write_text(_geojson(crs(url)))
    with pytest.raises(BoundaryFileError) as info:
        boundaries.read_boundary_file(path)
    assert "EPSG" in info.value.message and "What to do:" in info.value.message
    assert hits == []


def test_a_crs_link_in_a_feature_or_behind_an_escaped_key_is_refused(tmp_path, listener):
    url, hits = listener
    feature = dict(KEP, geometry=dict(KEP["geometry"], crs=_link(url)))
    path = tmp_path / "layer.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(BoundaryFileError):
        boundaries.read_boundary_file(path)
    path.write_text(_geojson(_link(url)).replace('"crs"', '"\\u0063rs"'))
    with pytest.raises(BoundaryFileError):
        boundaries.read_boundary_file(path)
    assert hits == []


def test_a_crs_link_inside_a_zip_is_refused(tmp_path, listener):
    url, hits = listener
    zpath = tmp_path / "layer.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("provinces/adm1.geojson", _geojson(_link(url)))
    with pytest.raises(BoundaryFileError):
        boundaries.read_uploaded_boundary_file(zpath)
    assert hits == []


def test_named_crs_members_are_still_read(tmp_path):
    for name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"):
        path = tmp_path / "layer.geojson"
        path.write_text(_geojson({"type": "name", "properties": {"name": name}}))
        assert len(boundaries.read_boundary_file(path)) == 1


def test_json_that_python_does_not_accept_is_not_handed_to_gdal(tmp_path):
    path = tmp_path / "layer.geojson"
    path.write_text('{"type": "FeatureCollection", /* a comment json-c may skip */ "features": []}')
    with pytest.raises(BoundaryFileError, match="not valid JSON"):
        boundaries.read_boundary_file(path)


def test_other_inputs_send_no_request(tmp_path, listener, default_gdf):
    """A .vrt naming a URL, /vsicurl/ names, a .prj and a GeoPackage whose CRS is a URL: nothing is fetched."""
    url, hits = listener
    vrt = tmp_path / "layer.vrt"
    vrt.write_text(f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/{url}/a.geojson'
                   '</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>')
    _read(vrt)
    disguised = tmp_path / "vrt.geojson"
    disguised.write_text(vrt.read_text())
    _read(disguised)
    _read(Path(f"/vsicurl/{url}/layer.geojson"))
    zpath = tmp_path / "names.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr(f"/vsicurl/{url}/x.geojson", _geojson(None))
    _read(zpath)
    one = default_gdf.iloc[:1]
    one.to_file(tmp_path / "adm1.shp")
    (tmp_path / "adm1.prj").write_text(f"{url}/prj.wkt")
    _read(tmp_path / "adm1.shp")
    gpkg = tmp_path / "adm1.gpkg"
    one.to_file(gpkg, driver="GPKG")
    with sqlite3.connect(gpkg) as conn:
        conn.execute("UPDATE gpkg_spatial_ref_sys SET definition = ? WHERE srs_id = 4326", (f"{url}/srs.wkt",))
    _read(gpkg)
    assert hits == []


def test_gdal_http_goes_to_a_dead_proxy_even_without_the_crs_check(tmp_path, listener):
    """The backstop: a crs link handed to GDAL directly (pyogrio, no check) in a hardened process fetches nothing."""
    url, hits = listener
    path = tmp_path / "layer.geojson"
    path.write_text(_geojson(_link(url)))
    assert HARDENED_CONFIG["GDAL_HTTP_PROXY"] == DEAD_PROXY == HARDENED_CONFIG["GDAL_HTTPS_PROXY"]
    code = f"import dashboard, pyogrio; pyogrio.read_info('GeoJSON:{path}')"
    env = {k: v for k, v in __import__("os").environ.items() if k.lower() != "no_proxy"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=60, check=False)
    assert hits == []
