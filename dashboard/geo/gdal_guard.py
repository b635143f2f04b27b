"""Keep GDAL from reading anything but the upload it was given.

GDAL picks a reader by a file's content, not its name: an "upload.geojson"
that holds an OGR VRT document is opened as a VRT, which can read any file
the server can read (``CSV:/etc/passwd``) or fetch URLs (``/vsicurl/``).
Two defences, both applied here:

* :func:`harden_environment` switches off every virtual, remote and
  program-running driver for the whole process, through ``GDAL_SKIP`` in the
  environment. GDAL reads it once, when its drivers are registered (when
  pyogrio is first imported), so ``dashboard/__init__.py`` calls this before
  anything can import pyogrio. It also refuses every ``/vsicurl/`` URL.
* :mod:`dashboard.geo.boundary_files` opens each upload with an explicit driver
  (``GeoJSON:``, ``GPKG:`` or a checked shapefile header), never by
  auto-detection, and refuses a GeoJSON ``crs`` member that is not a named
  EPSG/OGC code (:mod:`dashboard.geo.geojson_crs`), since GDAL fetches a
  ``crs`` link.

Every HTTP request GDAL might still send goes to a dead proxy (``GDAL_HTTP_PROXY``).

:func:`check_hardened` verifies the first defence took effect; uploads are
refused if it did not.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

#: Drivers that read other files, reach the network or run programs. check_hardened() insists they are gone.
DANGEROUS_DRIVERS = (
    "OGR_VRT", "VRT", "GTI", "GDALG", "HTTP", "WFS", "OAPIF", "OGCAPI", "CSW", "Carto", "AmigoCloud",
    "Elasticsearch", "NGW", "PLSCENES", "EEDA", "ADBC", "AIVector", "GPSBabel", "PMTiles", "MBTiles", "GTFS",
    "OGR_PDS", "PDS4", "PDF", "LIBKML", "KML", "GML", "OSM", "SQLite", "PGDUMP", "XLSX", "ODS", "CSV",
)
#: Every other driver of the GDAL that pyogrio ships, skipped too: uploads never need them.
UNUSED_DRIVERS = (
    "AVCBin", "AVCE00", "DGN", "DXF", "EDIGEO", "ESRIJSON", "FlatGeobuf", "GPX", "GeoJSONSeq", "GeoRSS", "Idrisi",
    "JML", "JSONFG", "LVBAG", "MVT", "MapInfo File", "MapML", "MiraMonVector", "OGR_GMT", "OpenFileGDB", "PCIDSK",
    "S57", "SXF", "Selafin", "TopoJSON", "VDV", "VFK", "VICAR", "WAsP",
)

#: Where GDAL's HTTP goes: port 1 on loopback (tcpmux, never served here), so every request fails to connect.
DEAD_PROXY = "127.0.0.1:1"

#: GDAL configuration that the process runs with (set in the environment).
HARDENED_CONFIG = {
    # a /vsicurl/ URL is only opened if it equals this one, which no real URL does
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsicurl/disabled-by-dashboard",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # a backstop for any request GDAL still tries (e.g. a GeoJSON "crs" link): every HTTP(S) request goes to a
    # proxy on a closed loopback port and fails; a NO_PROXY naming the target host would bypass it, so the child
    # process that reads uploads drops NO_PROXY (dashboard/sandbox.py)
    "GDAL_HTTP_PROXY": DEAD_PROXY,
    "GDAL_HTTPS_PROXY": DEAD_PROXY,
    "GDAL_HTTP_NETRC": "NO",
    "GDAL_HTTP_MAX_RETRY": "0",
    "PROJ_NETWORK": "OFF",
}


def harden_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """Add the dangerous drivers to ``GDAL_SKIP`` and set the hardened configuration."""
    skipped = [d.strip() for d in environ.get("GDAL_SKIP", "").split(",") if d.strip()]
    environ["GDAL_SKIP"] = ",".join(dict.fromkeys([*skipped, *DANGEROUS_DRIVERS, *UNUSED_DRIVERS]))
    environ.update(HARDENED_CONFIG)


def registered_dangerous_drivers() -> list[str]:
    """Dangerous drivers GDAL has registered in this process (empty when hardening worked)."""
    import pyogrio

    return sorted(set(pyogrio.list_drivers()) & set(DANGEROUS_DRIVERS))


def check_hardened() -> None:
    """Raise RuntimeError if GDAL registered a dangerous driver (pyogrio was imported too early)."""
    found = registered_dangerous_drivers()
    if found:
        raise RuntimeError(
            f"GDAL drivers {', '.join(found)} are enabled in this process: pyogrio was imported before "
            "dashboard.geo.gdal_guard.harden_environment() ran. Import dashboard before geopandas reads any file.")
