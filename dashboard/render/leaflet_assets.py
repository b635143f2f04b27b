"""Serve Leaflet from the app itself, so maps work with no internet.

Leaflet's files come from the installed ``django-js-lib-leaflet`` package
(Leaflet 1.9.4); they are copied into ``static/vendor/leaflet`` (not kept in
git), which Streamlit serves at ``/app/static/`` (below ``server.baseUrlPath``)
when ``server.enableStaticServing`` is on.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from dashboard.paths import STATIC_DIR
from dashboard.render import served

VENDOR_DIR = STATIC_DIR / "vendor" / "leaflet"


def js_url() -> str:
    """Where the browser loads leaflet.js (below ``server.baseUrlPath``, see :mod:`dashboard.render.served`)."""
    return served.static_url("vendor/leaflet/leaflet.js")


def css_url() -> str:
    return served.static_url("vendor/leaflet/leaflet.css")


def package_dir() -> Path:
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The package django-js-lib-leaflet is not installed; run pip install -r requirements.txt.")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


#: Folders this process has already filled: every map asks, but the copy (and its checks) runs once.
_installed: set[Path] = set()


def ensure_installed(target: Path = VENDOR_DIR) -> Path:
    """Copy leaflet.js, leaflet.css and images/ into the app's static folder (idempotent; checked once per process)."""
    if target in _installed and (target / "leaflet.js").exists():
        return target
    source = package_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        src, dst = source / name, target / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)
    if (source / "images").is_dir():
        shutil.copytree(source / "images", target / "images", dirs_exist_ok=True)
    _installed.add(target)
    return target


def inline_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS text, for maps saved as standalone HTML files."""
    source = package_dir()
    return (source / "leaflet.js").read_text(encoding="utf-8"), (source / "leaflet.css").read_text(encoding="utf-8")
