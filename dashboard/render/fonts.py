"""The Khmer web font, served by the app itself (no request leaves the machine).

Noto Sans Khmer (SIL Open Font License 1.1) comes from the PyPI package
``fontpkg-noto-sans-khmer``, installed by requirements.txt. It covers Khmer
and Latin, so one family renders both languages. Like Leaflet, the file is
copied at run time into ``static/vendor/fonts`` (not kept in git) and served
at ``/app/static/`` by Streamlit's static serving; exports that must stand
alone (the static site, the donor brief) take the file itself.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from dashboard.paths import STATIC_DIR

FAMILY = "Noto Sans Khmer"
#: CSS font stack: the served font first, then whatever the system has.
FONT_STACK = f"'{FAMILY}', 'Khmer OS', 'Khmer OS System', sans-serif"
FILE_NAME = "NotoSansKhmer.ttf"
VENDOR_DIR = STATIC_DIR / "vendor" / "fonts"
URL = f"/app/static/vendor/fonts/{FILE_NAME}"
LICENCE = "SIL Open Font License 1.1"


def package_dir() -> Path:
    spec = importlib.util.find_spec("fontpkg_noto_sans_khmer")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The package fontpkg-noto-sans-khmer is not installed; run pip install -r requirements.txt.")
    return Path(next(iter(spec.submodule_search_locations)))


def font_file() -> Path:
    """The variable-weight TTF shipped in the package."""
    files = sorted((package_dir() / "files").glob("*.ttf"))
    if not files:
        raise RuntimeError("fontpkg-noto-sans-khmer holds no .ttf file; reinstall it.")
    return files[0]


def licence_file() -> Path:
    return package_dir() / "LICENSE"


def ensure_installed(target: Path = VENDOR_DIR) -> Path:
    """Copy the font into the app's static folder (idempotent); returns the copied file."""
    source = font_file()
    target.mkdir(parents=True, exist_ok=True)
    dest = target / FILE_NAME
    if not dest.exists() or dest.stat().st_size != source.stat().st_size:
        tmp = dest.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(dest)
    return dest


def font_face_css(url: str = URL) -> str:
    """An @font-face rule for the served font (variable weight 100-900)."""
    return (f"@font-face{{font-family:'{FAMILY}';src:url('{url}') format('truetype');"
            "font-weight:100 900;font-style:normal;font-display:swap;}")
