"""Attacks through the boundary upload: GDAL VRT file reads, remote requests, zip bombs, odd members.

Each test reproduces an attack from the security review (issue 14, items 1, 2 and 9).
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from dashboard.errors import BoundaryFileError
from dashboard.geo import boundary_files as boundaries
from dashboard.geo.boundaries import read_boundary_file
from dashboard.geo.gdal_guard import DANGEROUS_DRIVERS, registered_dangerous_drivers

SECRET = "TOP-SECRET-TOKEN-1234"


def _secret_vrt(tmp_path: Path) -> str:
    """An OGR VRT that turns a private CSV into a polygon layer (so it would pass every later check)."""
    secret = tmp_path / "secrets.csv"
    secret.write_text(f'name,wkt\n{SECRET},"POLYGON((104 12,105 12,105 13,104 13,104 12))"\n')
    return (f'<OGRVRTDataSource><OGRVRTLayer name="secrets"><SrcDataSource>CSV:{secret}</SrcDataSource>'
            '<GeometryType>wkbPolygon</GeometryType><LayerSRS>EPSG:4326</LayerSRS>'
            '<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>')


def _refused(path: Path) -> str:
    with pytest.raises(BoundaryFileError) as info:
        read_boundary_file(path)
    assert SECRET not in info.value.message
    assert "What to do:" in info.value.message
    return info.value.message


@pytest.mark.parametrize("name", ["evil.geojson", "evil.json", "evil.gpkg"])
def test_vrt_disguised_as_an_upload_cannot_read_server_files(tmp_path, name):
    path = tmp_path / name
    path.write_text(_secret_vrt(tmp_path))
    _refused(path)


@pytest.mark.parametrize("member", ["layer.geojson", "layer.shp"])
def test_vrt_inside_a_zip_cannot_read_server_files(tmp_path, member):
    zpath = tmp_path / "evil.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr(member, _secret_vrt(tmp_path))
        if member.endswith(".shp"):
            for ext in (".shx", ".dbf", ".prj"):
                z.writestr(f"layer{ext}", "x")
    _refused(zpath)


def test_dangerous_gdal_drivers_are_not_registered():
    # conftest imports dashboard first, as app.py and the CLI do
    assert registered_dangerous_drivers() == []


def test_gdal_hardening_takes_effect_in_a_fresh_process():
    code = ("import dashboard, pyogrio; from dashboard.geo.gdal_guard import DANGEROUS_DRIVERS; "
            "print(sorted(set(pyogrio.list_drivers()) & set(DANGEROUS_DRIVERS)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"
    assert "OGR_VRT" in DANGEROUS_DRIVERS and "CSV" in DANGEROUS_DRIVERS


def test_vsicurl_sends_no_request(tmp_path):
    """Even a path GDAL is handed directly cannot make the server fetch a URL."""
    import pyogrio

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(f"/vsicurl/http://127.0.0.1:{server.server_port}/layer.geojson")
    finally:
        server.shutdown()
    assert hits == []


def test_content_that_does_not_match_the_suffix_is_refused(tmp_path):
    csv = tmp_path / "cases.gpkg"
    csv.write_text("case_id,province\n1,Kep\n")
    assert "not GPKG" in _refused(csv)


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """A small zip declaring a member far beyond the limit: refused from its declared size."""
    zpath = tmp_path / "bomb.zip"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("layer.geojson", "w", force_zip64=True) as member:
            for _ in range(boundaries.MAX_EXTRACTED_BYTES // len(chunk) + 16):
                member.write(chunk)
    assert zpath.stat().st_size < 5 * 1024 * 1024
    assert "unpacks to more than" in _refused(zpath)


def test_zip_stream_copy_stops_at_the_cap_even_if_sizes_lie(tmp_path, monkeypatch):
    zpath = tmp_path / "liar.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("layer.geojson", "{" + " " * 5_000_000 + "}")
    archive = zipfile.ZipFile(zpath)
    info = archive.infolist()[0]
    monkeypatch.setattr(boundaries, "MAX_EXTRACTED_BYTES", 1_000_000)
    info.file_size = 10  # what a forged header would declare
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BoundaryFileError, match="could not be unpacked|unpacks to more than"):
        boundaries._extract_capped(archive, [info], out, "layer", "liar.zip")
    assert (out / "layer.geojson").stat().st_size <= 1_000_000


def test_zip_with_too_many_members_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "MAX_ZIP_MEMBERS", 5)
    zpath = tmp_path / "many.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for i in range(6):
            z.writestr(f"f{i}.txt", "x")
    assert "entries" in _refused(zpath)


def test_only_the_boundary_members_are_unpacked(tmp_path, default_gdf):
    default_gdf[["name_en", "geometry"]].to_file(tmp_path / "adm1.shp")
    zpath = tmp_path / "adm1.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in tmp_path.glob("adm1.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
        # an unrelated member that would blow the cap if it were unpacked
        with z.open("huge_readme.txt", "w", force_zip64=True) as member:
            member.write(b"\0" * (2 * 1024 * 1024))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(boundaries, "MAX_EXTRACTED_BYTES", 1024 * 1024)
    try:
        assert len(read_boundary_file(zpath)) == 25
    finally:
        monkeypatch.undo()


def test_zip_member_named_dot_dot_is_skipped_not_a_crash(tmp_path):
    zpath = tmp_path / "odd.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("x/..", "x")
        z.writestr("..", "x")
    assert "contains no .shp" in _refused(zpath)
