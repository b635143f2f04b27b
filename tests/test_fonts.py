"""The Khmer web font ships from a registry package and is served by the app itself, in the maps' iframes
and charts too, and is embedded (subset) in a map saved as HTML."""

import base64
import io
import re
from datetime import date

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from dashboard.i18n import use_language
from dashboard.render import charts, fonts, maps
from tests.apphelpers import in_own_process


def test_font_comes_from_the_package_and_is_copied_for_static_serving(tmp_path):
    source = fonts.font_file()
    assert source.suffix == ".ttf" and source.stat().st_size > 100_000
    assert "Open Font License" in fonts.licence_file().read_text(encoding="utf-8")
    copied = fonts.ensure_installed(tmp_path)
    assert copied.read_bytes() == source.read_bytes()
    assert fonts.served_url() == "/app/static/vendor/fonts/NotoSansKhmer.ttf"
    assert fonts.served_url() in fonts.font_face_css()


# ---------------------------------------------------------------- maps, charts and the map saved as HTML

@pytest.fixture(scope="module")
def boundaries():
    from dashboard.geo.boundaries import load_boundaries

    return load_boundaries()


def _coverage_map(boundaries, demo_dataset, title="ការគ្របដណ្តប់"):
    styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2014, 6, 1))
    return maps.build_map(boundaries, styles, title, legend)


def _embedded_font(page: str) -> TTFont:
    found = re.findall(r"url\('data:font/woff2;base64,([A-Za-z0-9+/=]+)'\) format\('woff2'\)", page)
    assert len(found) == 1, "the map saved as HTML embeds the font exactly once"
    return TTFont(io.BytesIO(base64.b64decode(found[0])))


def test_a_map_declares_the_served_font_for_its_iframe(boundaries, demo_dataset):
    page = _coverage_map(boundaries, demo_dataset).get_root().render()
    head = page[:page.index("</head>")]
    assert fonts.font_face_css() in head  # @font-face with the served URL, in the header streamlit-folium keeps
    assert f"{fonts.MAP_SELECTOR}{{font-family:{fonts.FONT_STACK};}}" in head  # tooltips, legend, attribution
    # the legend's own inline font names it too (in the map, and shared legends outside the maps)
    assert f"font:12px/1.3 {fonts.FONT_STACK}" in maps.legend_html("ករណី", [("#ffffff", "គ្មានទិន្នន័យ")])
    assert fonts.FONT_STACK.startswith(f"'{fonts.FAMILY}'")


def test_the_map_saved_as_html_embeds_a_subset_covering_its_text(boundaries, demo_dataset):
    with use_language("km"):
        fmap = _coverage_map(boundaries, demo_dataset)
        page = maps.standalone_html(fmap)
    assert fonts.served_url() not in page and "/app/static/" not in page  # nothing to fetch: opens offline
    font = _embedded_font(page)
    cmap = font.getBestCmap()
    shown = {ch for ch in fonts._characters(fmap.get_root().render()) if "\u1780" <= ch <= "\u17ff"}
    assert {"ស", "ៀ", "ម", "រ", "ា", "ប"} <= shown  # Siem Reap's Khmer name is among the tooltips
    assert all(ord(ch) in cmap for ch in shown), sorted(ch for ch in shown if ord(ch) not in cmap)
    assert "GSUB" in font and "GPOS" in font  # Khmer shaping (subscript consonants, vowels) kept
    assert "Open Font License" in font["name"].getDebugName(13) and "Noto Project" in font["name"].getDebugName(0)
    assert f"{fonts.FAMILY} (subset), Copyright" in page and fonts.LICENCE in page  # credited where a reader sees it
    full = TTFont(fonts.font_file())
    assert len(cmap) < len(full.getBestCmap())  # a subset, not the whole font
    assert len(page.encode("utf-8")) < 600_000


def test_the_subset_follows_the_text():
    small = TTFont(io.BytesIO(fonts.subset_woff2("ក")))
    larger = TTFont(io.BytesIO(fonts.subset_woff2("ក\\u1781 ខ្មែរ")))  # a JSON escape counts as its character
    assert ord("ក") in small.getBestCmap() and ord("ខ") not in small.getBestCmap()
    assert ord("ខ") in larger.getBestCmap() and ord("ែ") in larger.getBestCmap()
    assert all(ord(ch) in small.getBestCmap() for ch in "0123456789%")  # digits and signs always kept


def test_charts_name_the_served_font_first():
    """A layout's own font outranks the one Streamlit's theme writes into layout.template."""
    assert charts.LAYOUT["font"]["family"] == fonts.FONT_STACK
    monthly = pd.DataFrame({"month": pd.date_range("2014-01-01", periods=3, freq="MS"), "cases": [1, 2, 3],
                            "arrests": [1, 1, 2], "cumulative": [1, 3, 6]})
    assert charts.monthly_trend(monthly).layout.font.family == fonts.FONT_STACK


def test_the_font_is_credited_with_its_licence():
    from dashboard.paths import GEODATA_DIR

    notice = (GEODATA_DIR / "NOTICE").read_text(encoding="utf-8")
    block = notice[notice.index(fonts.FAMILY):]
    assert fonts.LICENCE in block[:600] and "fontpkg-noto-sans-khmer" in block[:600]


def test_the_server_copies_the_font_before_any_page_opens(tmp_path):
    """The theme's @font-face is requested when a page opens, before app.py runs: server.py must copy it first.

    In its own interpreter: loading server.py builds an st.App and mounts the sign-in routes, process-wide
    state that would change how later AppTest runs in this process sign out."""
    target = tmp_path / "fonts"
    in_own_process(f"""
        import runpy
        from dashboard.paths import PROJECT_ROOT
        from dashboard.render import fonts
        fonts.VENDOR_DIR = __import__("pathlib").Path({str(target)!r})
        runpy.run_path(str(PROJECT_ROOT / "server.py"))
    """)
    assert (target / fonts.FILE_NAME).read_bytes() == fonts.font_file().read_bytes()
