"""Read a boundary file safely: shapefiles (loose or zipped), GeoJSON and GeoPackage, in any CRS.

Returns polygons in WGS84. The reader is chosen by the file's suffix and forced (GDAL never picks a
driver from the content), zips are capped, an uploaded file is read in a sandboxed child, and every
polygon must lie in Cambodia. Every problem comes back as a :class:`BoundaryFileError` with a fix,
never a traceback.
"""

from __future__ import annotations

import json
import math
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from dashboard import sandbox
from dashboard.errors import BoundaryFileError
from dashboard.geo.gdal_guard import check_hardened
from dashboard.geo.geojson_crs import check_geojson_crs
from dashboard.i18n import N_, _, fmt_int
from dashboard.sandbox import Limits

SUPPORTED = N_(".zip, .shp (with .shx, .dbf and .prj beside it), .geojson/.json or .gpkg")
#: A repair may change a polygon's area by at most this share to count as safe.
SAFE_REPAIR_AREA_CHANGE = 0.01
#: Every polygon must lie in this box (lon min, lat min, lon max, lat max): Cambodia
#: (lon 102.3-107.7, lat 9.9-14.7) with about 100 km to spare on each side.
CAMBODIA_BOX = (101.3, 8.9, 108.7, 15.7)
#: The ``metadata`` member of a GeoJSON file is read only from files up to this size.
MAX_METADATA_FILE_BYTES = 20 * 1024 * 1024

#: Zip limits, checked on the declared sizes first and enforced again while copying.
MAX_ZIP_MEMBERS = 1_000
MAX_EXTRACTED_BYTES = 64 * 1024 * 1024  # province layers need far less; see docs/security.md
_COPY_CHUNK = 1024 * 1024
#: The parts of a shapefile that are read; every other zip member is left alone.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SINGLE_FILE_FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}
_SHP_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _read_vector(path: Path, driver: str, shown_name: str) -> gpd.GeoDataFrame:
    """Read ``path`` with ``driver`` forced: GDAL never picks a driver from the content."""
    check_hardened()
    _check_magic(path, driver, shown_name)
    if driver == "GeoJSON":  # a "crs" link would make GDAL fetch a URL
        check_geojson_crs(path, shown_name)
    # "GeoJSON:" and "GPKG:" prefixes force the driver; a shapefile's header was checked above
    source = f"{driver}:{path}" if driver in ("GeoJSON", "GPKG") else str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.read_file(source, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise BoundaryFileError(
            _("'{name}' could not be read as geodata ({error}).").format(name=shown_name, error=type(exc).__name__),
            _("Upload a boundary file in one of these formats: {formats}.").format(formats=_(SUPPORTED)),
        ) from None


def _check_magic(path: Path, driver: str, shown_name: str) -> None:
    """Refuse a file whose first bytes do not belong to the format its name claims."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    ok = {"ESRI Shapefile": head.startswith(_SHP_MAGIC),
          "GPKG": head.startswith(_SQLITE_MAGIC),
          "GeoJSON": head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")}[driver]
    if not ok:
        raise BoundaryFileError(
            _("'{name}' could not be read as geodata: its content is not {driver}.").format(name=shown_name,
                                                                                          driver=driver),
            _("Upload a boundary file in one of these formats: {formats}.").format(formats=_(SUPPORTED)))


def _check_shapefile_parts(shp: Path, shown_name: str) -> None:
    stem_files = {p.suffix.lower(): p for p in shp.parent.glob(shp.stem + ".*")}
    missing = [ext for ext in (".shx", ".dbf") if ext not in stem_files]
    if missing:
        raise BoundaryFileError(
            _("The shapefile '{name}' is missing its {parts} file(s).").format(
                name=shown_name, parts=_(" and ").join(missing)),
            _("A shapefile is several files with one name; zip them all together and upload the zip."),
        )
    if ".prj" not in stem_files:
        raise BoundaryFileError(
            _("The shapefile '{name}' has no .prj file, so its coordinate system is unknown.").format(name=shown_name),
            _("Add the .prj file that came with the data (for Cambodian government data it is "
              "often UTM zone 48N, EPSG:32648) and upload the files again as one zip."),
        )


def _zip_members(archive: zipfile.ZipFile, shown_name: str) -> list[zipfile.ZipInfo]:
    """The archive's file members, after checking their number and declared sizes."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise BoundaryFileError(
            _("The zip '{name}' holds {n} entries (the limit is {limit}).").format(
                name=shown_name, n=fmt_int(len(infos)), limit=fmt_int(MAX_ZIP_MEMBERS)),
            _("Zip only the province layer's files and upload that."))
    files = [i for i in infos if not i.is_dir() and "__MACOSX" not in i.filename
             and Path(i.filename).name not in ("", ".", "..")]
    return files


def _extract_capped(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: Path, stem: str,
                    shown_name: str) -> None:
    """Copy members to ``folder/stem.<ext>`` in chunks, stopping at MAX_EXTRACTED_BYTES in all."""
    declared = sum(m.file_size for m in members)
    limit_text = _("{n} MB").format(n=fmt_int(MAX_EXTRACTED_BYTES // (1024 * 1024)))
    too_big = BoundaryFileError(
        _("The zip '{name}' unpacks to more than {limit}.").format(name=shown_name, limit=limit_text),
        _("Province boundaries need far less; upload a simplified layer under {limit}.").format(limit=limit_text))
    if declared > MAX_EXTRACTED_BYTES:
        raise too_big
    written = 0
    for member in members:
        target = folder / f"{stem}{Path(member.filename).suffix.lower()}"
        try:
            with archive.open(member) as src, open(target, "wb") as dst:
                while chunk := src.read(_COPY_CHUNK):
                    written += len(chunk)
                    if written > MAX_EXTRACTED_BYTES:  # the declared sizes lied
                        raise too_big
                    dst.write(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
            raise BoundaryFileError(
                _("The member '{member}' of '{name}' could not be unpacked ({error}).").format(
                    member=member.filename, name=shown_name, error=type(exc).__name__),
                _("Re-create the zip and upload it again.")) from None


def _read_zip(path: Path) -> gpd.GeoDataFrame:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BoundaryFileError(_("'{name}' is not a valid zip file.").format(name=path.name),
                                _("Re-create the zip and upload it again.")) from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        members = _zip_members(archive, path.name)
        shps = [m for m in members if m.filename.lower().endswith(".shp")]
        singles = [m for m in members if Path(m.filename).suffix.lower() in SINGLE_FILE_FORMATS]
        if not shps and not singles:
            raise BoundaryFileError(
                _("The zip '{name}' contains no .shp file.").format(name=path.name),
                _("Zip the shapefile's .shp, .shx, .dbf and .prj files together, or upload a GeoJSON or GeoPackage."),
            )
        if len(shps) > 1:
            raise BoundaryFileError(
                _("The zip '{name}' holds {n} shapefiles ({files}).").format(
                    name=path.name, n=len(shps), files=", ".join(m.filename for m in shps)),
                _("Upload a zip with only the province layer in it."),
            )
        if shps:
            stem = shps[0].filename[: -len(".shp")]
            parts = [m for m in members if m.filename[: -len(Path(m.filename).suffix) or None] == stem
                     and Path(m.filename).suffix.lower() in SHAPEFILE_PARTS]
            _extract_capped(archive, parts, Path(tmp), "layer", path.name)
            inner = Path(tmp) / "layer.shp"
            shown = f"{path.name}:{Path(shps[0].filename).name}"
            _check_shapefile_parts(inner, shown)
            return _read_vector(inner, "ESRI Shapefile", shown)
        member = singles[0]
        suffix = Path(member.filename).suffix.lower()
        _extract_capped(archive, [member], Path(tmp), "layer", path.name)
        return _read_vector(Path(tmp) / f"layer{suffix}", SINGLE_FILE_FORMATS[suffix],
                            f"{path.name}:{Path(member.filename).name}")


#: What reading one uploaded boundary file may use in its child process (dashboard/sandbox.py).
BOUNDARY_LIMITS = Limits(cpu_seconds=60, memory_bytes=2 * 1024**3, wall_seconds=120)


def read_uploaded_boundary_file(path: Path | str) -> gpd.GeoDataFrame:
    """:func:`read_boundary_file` for a file someone uploaded: run in a child process with CPU, memory and time
    limits (and GDAL's network cut off), so a hostile file costs the server nothing but that child."""
    import io

    path = Path(path)
    args = {"path": str(path.resolve()), "max_extracted_bytes": MAX_EXTRACTED_BYTES,
            "max_zip_members": MAX_ZIP_MEMBERS}
    body = sandbox.run("boundary", args, b"", BOUNDARY_LIMITS, BoundaryFileError, path.name)
    return gpd.read_parquet(io.BytesIO(body))


def read_boundary_file(path: Path | str) -> gpd.GeoDataFrame:
    """Read a boundary file into WGS84 polygons, or raise BoundaryFileError.

    The reader is chosen by the file's suffix and forced; anything else is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise BoundaryFileError(_("The file '{path}' does not exist.").format(path=path),
                                _("Check the path and try again."))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        gdf = _read_zip(path)
    elif suffix == ".shp":
        _check_shapefile_parts(path, path.name)
        gdf = _read_vector(path, "ESRI Shapefile", path.name)
    elif suffix in SINGLE_FILE_FORMATS:
        gdf = _read_vector(path, SINGLE_FILE_FORMATS[suffix], path.name)
    else:
        raise BoundaryFileError(_("'{name}' is not a supported boundary format.").format(name=path.name),
                                _("Use {formats}.").format(formats=_(SUPPORTED)))
    return _check_layer(gdf, path.name, geojson=suffix in (".geojson", ".json"))


def _check_layer(gdf: gpd.GeoDataFrame, name: str, geojson: bool) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf or gdf.geometry.isna().all() or len(gdf) == 0:
        raise BoundaryFileError(
            _("The layer in '{name}' is empty: it has no features with geometry.").format(name=name),
            _("Export the province layer again and check that it holds polygons."))
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].copy()
    if len(gdf) == 0:
        raise BoundaryFileError(_("The layer in '{name}' is empty: every geometry is blank.").format(name=name),
                                _("Export the province layer again and check that it holds polygons."))
    kinds = set(gdf.geometry.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise BoundaryFileError(
            _("The layer in '{name}' holds {kinds} geometries; province boundaries must be polygons.").format(
                name=name, kinds=", ".join(sorted(kinds))),
            _("Upload the province polygon layer, not points or lines."))
    stated_crs, stated_bounds = gdf.crs, gdf.total_bounds
    if gdf.crs is None:
        if not geojson:
            raise BoundaryFileError(_("'{name}' does not say which coordinate system it uses.").format(name=name),
                                    _("Re-export it with its coordinate system (CRS) set."))
        gdf = gdf.set_crs(4326)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gdf.to_crs(4326)
    except Exception as exc:  # pyproj raises several types for impossible coordinates
        raise BoundaryFileError(_("The coordinates in '{name}' could not be converted to longitude and latitude "
                                  "({error}).").format(name=name, error=type(exc).__name__),
                                _("Check the file's coordinate system (CRS) and re-export it.")) from None
    _check_extent(gdf, name, stated_crs, stated_bounds, geojson)
    return gdf.reset_index(drop=True)


def _check_extent(gdf: gpd.GeoDataFrame, name: str, stated_crs, stated_bounds: np.ndarray, geojson: bool) -> None:
    """Refuse coordinates that are not finite or not in Cambodia, naming the likely cause.

    Checked after reprojection to WGS84: metres read as degrees (no CRS, or a .prj
    that claims WGS84), degrees under a projected CRS, latitude and longitude
    swapped, a layer of another country, or a 1e308 that would otherwise pass as
    "all matched" and break the map. ``stated_bounds`` are the file's own numbers.
    """
    rows = gdf.index.to_numpy() + 1  # 1-based rows of the file (empty features were dropped, not renumbered)
    coords = [shapely.get_coordinates(g) for g in gdf.geometry.values]
    bad = [int(r) for r, c in zip(rows, coords) if not np.isfinite(c).all()]
    if bad:
        raise BoundaryFileError(
            _("Row {row} of '{name}' has a coordinate that is not a finite number "
              "(or that no map projection can convert).").format(row=bad[0], name=name),
            _("Fix or remove that feature in a GIS tool and upload again."))
    bounds = np.array([(c[:, 0].min(), c[:, 1].min(), c[:, 0].max(), c[:, 1].max()) for c in coords])
    inside = _in_box(bounds)
    if inside.all():
        return
    lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
    lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
    largest = float(np.abs(bounds).max())
    if _in_box(bounds[:, [1, 0, 3, 2]]).all():
        problem = _("latitude and longitude look swapped (axis order)")
        fix = _("Export the layer again with longitude first (x = longitude, y = latitude), as GeoJSON requires.")
    elif largest > 1e8:
        problem = _("it has coordinates far beyond any map (up to {value})").format(value=f"{largest:.3g}")
        fix = _("Fix or remove the features with broken coordinates in a GIS tool and upload again.")
    elif (stated_crs is None or stated_crs.is_geographic) and largest > 180:
        if stated_crs is None:
            said = _("it gives no coordinate system, so WGS 84 degrees were assumed")
        elif geojson:
            said = _("a GeoJSON file is read as WGS 84 degrees unless it names another coordinate system")
        else:
            said = _("its coordinate system says degrees ({crs})").format(crs=stated_crs.name)
        problem = _("the numbers look like metres of a projected system, but {said}").format(said=said)
        fix = _("Re-export the layer with its real coordinate system set (Cambodian government data is often "
                "UTM zone 48N, EPSG:32648), or reproject it to WGS84 (EPSG:4326).")
    elif stated_crs is not None and not stated_crs.is_geographic and _in_box(stated_bounds[None, :]).all():
        problem = _("the numbers look like longitude and latitude, but its coordinate system says {crs}").format(
            crs=stated_crs.name)
        fix = _("Re-export the layer with the coordinate system WGS84 (EPSG:4326).")
    else:
        problem = _("it lies outside Cambodia")
        fix = _("Upload Cambodia's province layer, and check its coordinate system (CRS).")
    outside = [int(r) for r, ok in zip(rows, inside) if not ok]
    raise BoundaryFileError(
        _("'{name}' is not a Cambodian province layer: {problem}. Its coordinates span longitude {w} to {e} and "
          "latitude {s} to {n}; rows outside Cambodia: {rows}.").format(
            name=name, problem=problem, w=_short(lon_min), e=_short(lon_max), s=_short(lat_min), n=_short(lat_max),
            rows=", ".join(map(str, outside[:5])) + (" …" if len(outside) > 5 else "")), fix)


def _in_box(bounds: np.ndarray) -> np.ndarray:
    """Which (minx, miny, maxx, maxy) rows lie inside CAMBODIA_BOX."""
    west, south, east, north = CAMBODIA_BOX
    return (bounds[:, 0] >= west) & (bounds[:, 2] <= east) & (bounds[:, 1] >= south) & (bounds[:, 3] <= north)


def _short(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def repair_geometries(gdf: gpd.GeoDataFrame, name: str = "boundaries") -> tuple[gpd.GeoDataFrame, list[int]]:
    """make_valid every invalid polygon where that is safe; raise where it is not.

    Safe means the repaired shape is still a polygon and its area changed by at
    most ``SAFE_REPAIR_AREA_CHANGE``. Row numbers are 1-based.
    """
    invalid = ~gdf.geometry.is_valid
    repaired: list[int] = []
    if not invalid.any():
        return gdf, repaired
    gdf = gdf.copy()
    for idx in gdf.index[invalid]:
        geom = gdf.geometry[idx]
        fixed = shapely.make_valid(geom)
        if fixed.geom_type == "GeometryCollection":
            fixed = shapely.union_all([g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
        before = abs(shapely.Polygon(geom.exterior).area) if geom.geom_type == "Polygon" else geom.buffer(0).area
        change = abs(fixed.area - before) / before if before else 1.0
        if fixed.is_empty or fixed.geom_type not in ("Polygon", "MultiPolygon") or change > SAFE_REPAIR_AREA_CHANGE:
            raise BoundaryFileError(
                _("Row {row} of '{name}' has an invalid polygon that cannot be repaired safely ({reason}).").format(
                    row=idx + 1, name=name, reason=shapely.is_valid_reason(geom)),
                _("Fix the geometry in a GIS tool (for example QGIS 'Fix geometries') and upload again."))
        gdf.loc[idx, "geometry"] = fixed
        repaired.append(int(idx) + 1)
    return gdf, repaired



def read_metadata(path: Path) -> dict:
    """The ``metadata`` object at the top of a GeoJSON file (title, attribution, licence), or {}."""
    if path.suffix.lower() not in (".geojson", ".json") or not path.is_file():
        return {}
    if path.stat().st_size > MAX_METADATA_FILE_BYTES:
        return {}
    try:
        meta = json.loads(path.read_bytes()).get("metadata")
    except Exception:  # not JSON, not an object, too deeply nested: the layer simply has no metadata
        return {}
    if not isinstance(meta, dict):
        return {}
    return {str(k): v for k, v in meta.items() if isinstance(v, (str, int, float))}
