"""Refuse a GeoJSON file whose ``crs`` members could make GDAL fetch something.

GDAL reads the legacy (2008) GeoJSON member ``"crs"`` and resolves it: a
``{"type": "link", "properties": {"href": URL}}`` makes it send an HTTP GET
to that URL (a blind server-side request, issue 21 item 6), and a named CRS
is handed to ``SetFromUserInput``, which also fetches ``http://`` names.
This module parses the file with the standard library first, strictly and
with a size limit, and accepts a ``crs`` member only when it is null or a
named EPSG/OGC code. Anything else is refused before GDAL sees the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dashboard.errors import BoundaryFileError
from dashboard.i18n import _, fmt_int

#: A GeoJSON file larger than this is not parsed (or read) at all; province layers need far less.
MAX_GEOJSON_BYTES = 64 * 1024 * 1024
#: The named coordinate systems GDAL resolves from its own tables, without any file or network access.
_NAMED_CRS = re.compile(
    r"(?:EPSG:\d{1,6}|urn:ogc:def:crs:EPSG:(?:\d+(?:\.\d+)*)?:\d{1,6}|urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84|"
    r"OGC:CRS84|CRS84)", re.IGNORECASE)


def is_named_crs(member: object) -> bool:
    """Whether a ``crs`` member is null, ``{"type": "name", ...}`` naming an EPSG/OGC code, or ``{"type": "EPSG"}``."""
    if member is None:
        return True
    if not isinstance(member, dict) or not isinstance(member.get("properties"), dict):
        return False
    kind, props = member.get("type"), member["properties"]
    if kind == "name":
        name = props.get("name")
        return isinstance(name, str) and _NAMED_CRS.fullmatch(name.strip()) is not None
    if kind == "EPSG":
        code = props.get("code")
        return isinstance(code, int) and not isinstance(code, bool) and 0 < code < 1_000_000
    return False


def check_geojson_crs(path: Path, shown_name: str) -> None:
    """Raise BoundaryFileError unless ``path`` is strict JSON whose every ``crs`` member is a named EPSG/OGC CRS."""
    size = path.stat().st_size
    if size > MAX_GEOJSON_BYTES:
        limit = _("{n} MB").format(n=fmt_int(MAX_GEOJSON_BYTES // (1024 * 1024)))
        raise BoundaryFileError(
            _("'{name}' is {size} MB; boundary files are read up to {limit}.").format(
                name=shown_name, size=fmt_int(size // (1024 * 1024)), limit=limit),
            _("Province boundaries need far less; upload a simplified layer under {limit}.").format(limit=limit))
    bad: list[object] = []

    def inspect(pairs: list[tuple[str, object]]) -> dict:
        for key, value in pairs:
            if key == "crs" and not is_named_crs(value):
                bad.append(value)
        return dict(pairs)

    try:
            json.loads(path.read_bytes(), object_pairs_hook=inspect, parse_float=lambda _s: 0.0,
                   parse_constant=lambda _s: 0.0)
    except (ValueError, RecursionError):  # not strict JSON (GDAL might read it differently), or absurdly nested
        raise BoundaryFileError(
            _("'{name}' is not valid JSON, so it cannot be read as GeoJSON.").format(name=shown_name),
            _("Export the layer again as GeoJSON from a GIS tool (for example QGIS) and upload again.")) from None
    if bad:
        raise BoundaryFileError(
            _("'{name}' gives its coordinate system as a link or a description the dashboard does not follow; "
              "only a named EPSG code (for example \"EPSG:32648\") is accepted.").format(name=shown_name),
            _("Export the layer again as GeoJSON in WGS84 (EPSG:4326), which needs no \"crs\" member, "
              "and upload again."))
