"""The Khmer web font, served by the app itself (no request leaves the machine).

Noto Sans Khmer (SIL Open Font License 1.1) comes from the PyPI package
``fontpkg-noto-sans-khmer``, installed by requirements.txt. It covers Khmer
and Latin, so one family renders both languages. Like Leaflet, the file is
copied at run time into ``static/vendor/fonts`` (not kept in git) and served
at ``/app/static/`` by Streamlit's static serving; exports that must stand
alone (the static site, the donor brief, a map saved as HTML) take the file itself.

Streamlit's theme (``[[theme.fontFaces]]`` in .streamlit/config.toml) only
reaches the app's own document. The folium maps live in component iframes,
so each map carries its own @font-face (:func:`map_css`), pointing at the
same served URL; a map saved as standalone HTML embeds a subset instead
(:func:`embedded_font_face_css`).
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import io
import os
import re
import shutil
from pathlib import Path

from dashboard.paths import STATIC_DIR
from dashboard.render import served

FAMILY = "Noto Sans Khmer"
#: CSS font stack: the served font first, then whatever the system has.
FONT_STACK = f"'{FAMILY}', 'Khmer OS', 'Khmer OS System', sans-serif"
FILE_NAME = "NotoSansKhmer.ttf"
VENDOR_DIR = STATIC_DIR / "vendor" / "fonts"
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


def ensure_installed(target: Path | None = None) -> Path:
    """Copy the font into the app's static folder (idempotent); returns the copied file.

    server.py calls it at start-up: the theme's @font-face is requested when a page opens, before the
    script (app.py, which calls it too for ``streamlit run app.py``) has run.
    """
    target = VENDOR_DIR if target is None else target
    source = font_file()
    target.mkdir(parents=True, exist_ok=True)
    dest = target / FILE_NAME
    if not dest.exists() or dest.stat().st_size != source.stat().st_size:
        tmp = dest.with_suffix(f".{os.getpid()}.tmp")  # servers starting together do not share a temp file
        shutil.copyfile(source, tmp)
        tmp.replace(dest)
    return dest


def served_url() -> str:
    """Where the browser loads the served font (below ``server.baseUrlPath``, see :mod:`dashboard.render.served`)."""
    return served.static_url(f"vendor/fonts/{FILE_NAME}")


def font_face_css(url: str | None = None) -> str:
    """An @font-face rule for the served font (variable weight 100-900), or for the font at ``url``."""
    url = served_url() if url is None else url
    return (f"@font-face{{font-family:'{FAMILY}';src:url('{url}') format('truetype');"
            "font-weight:100 900;font-style:normal;font-display:swap;}")


#: Characters always kept in an embedded subset besides the page's own text (digits, signs, Khmer digits).
BASE_CHARS = "0123456789០១២៣៤៥៦៧៨៩%–—·.,:;!?()[]/+-<>≤≥“”‘’'\" ©"
#: CSS selector of everything a folium map draws (tooltips, legend, attribution are all inside it).
#: ``html body`` outranks leaflet.css's own ``.leaflet-container`` rule whatever the load order.
MAP_SELECTOR = "html body .leaflet-container"


def map_css(url: str | None = None) -> str:
    """CSS for a folium map's header: the @font-face of the served font, and the map's text set in it."""
    return f"{font_face_css(url)}{MAP_SELECTOR}{{font-family:{FONT_STACK};}}"


def _characters(text: str) -> str:
    """The characters ``text`` can show, JSON/JS ``\\uXXXX`` escapes decoded (folium writes GeoJSON that way)."""
    escaped = "".join(chr(int(code, 16)) for code in re.findall(r"\\u([0-9a-fA-F]{4})", text))
    return "".join(sorted(set(text + escaped + BASE_CHARS)))


@functools.lru_cache(maxsize=16)
def _subset_woff2(characters: str) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Khmer needs its shaping (GSUB/GPOS) to stack subscripts and vowels
    options.name_IDs = ["*"]  # keeps the copyright and licence names in the embedded file
    options.notdef_outline = True
    font = subset.load_font(str(font_file()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def subset_woff2(text: str) -> bytes:
    """Noto Sans Khmer cut down to the characters ``text`` can show (shaping features kept), as WOFF2."""
    return _subset_woff2(_characters(text))


def embedded_font_face_css(text: str) -> str:
    """An @font-face rule carrying the font itself (a data: URL), subset to ``text``: works offline, anywhere."""
    data = base64.b64encode(subset_woff2(text)).decode("ascii")
    credit = f"/* {FAMILY} (subset), Copyright 2022 The Noto Project Authors; {LICENCE}, also in the font's metadata */"
    return credit + font_face_css(f"data:font/woff2;base64,{data}").replace("format('truetype')", "format('woff2')")
