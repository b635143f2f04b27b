"""The boundary-file read that runs in the sandboxed child (:mod:`dashboard.sandbox`).

The child unpacks and reads the upload with every check of
:func:`dashboard.geo.boundary_files.read_boundary_file` (forced drivers, the
GeoJSON ``crs`` check, the zip caps the parent passes in) and returns the
polygons as GeoParquet bytes: plain data, which the parent reads with
``geopandas.read_parquet``.
"""

from __future__ import annotations

import io
from pathlib import Path


def read(args: dict, payload: bytes) -> bytes:
    from dashboard.geo import boundary_files

    boundary_files.MAX_EXTRACTED_BYTES = int(args["max_extracted_bytes"])
    boundary_files.MAX_ZIP_MEMBERS = int(args["max_zip_members"])
    gdf = boundary_files.read_boundary_file(Path(args["path"]))
    out = io.BytesIO()
    gdf.to_parquet(out)
    return out.getvalue()
