"""Maps show the whole country, at a laptop's size and a phone's (issue 28).

In every map of every page, measured in the browser: the legend's box meets no province's bounding box, every
province lies inside the map, the credit stays on one line and clear of the scale bar and of every province.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import VIEWS, new_page, open_view

sync_api = pytest.importorskip("playwright.sync_api")

MAP_VIEWS = [v for v in VIEWS if v[2]]

#: In each map frame: the boxes of the map, its legend, credit and scale bar, and of every province.
MEASURE = """() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height}; };
  const q = s => document.querySelector(s);
  return {map: box(q('.leaflet-container')), legend: box(q('.cpu-legend')),
          credit: box(q('.leaflet-control-attribution')), scale: box(q('.leaflet-control-scale')),
          lineHeight: parseFloat(getComputedStyle(q('.leaflet-control-attribution')).lineHeight) || 16,
          units: [...document.querySelectorAll('path.leaflet-interactive')].map(box)};
}"""


def _meets(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def map_layout_problems(pg) -> list[str]:
    """What covers a province, or leaves it out, in each map frame of the page."""
    problems = []
    frames = [f for f in pg.frames if "streamlit_folium" in f.url or f.url.endswith(("index.html",))]
    frames = [f for f in frames if f.evaluate("!!document.querySelector('.leaflet-container')")]
    assert frames, "no map frame found"
    for n, frame in enumerate(frames):
        m = frame.evaluate(MEASURE)
        where = f"map {n + 1}"
        assert m["units"], f"{where}: no province drawn"
        for i, unit in enumerate(m["units"]):
            for name in ("legend", "credit", "scale"):
                if m[name] and m[name]["w"] and _meets(m[name], unit):
                    problems.append(f"{where}: the {name} covers province #{i + 1}'s box")
            inside = (unit["left"] >= m["map"]["left"] - 1 and unit["right"] <= m["map"]["right"] + 1
                      and unit["top"] >= m["map"]["top"] - 1 and unit["bottom"] <= m["map"]["bottom"] + 1)
            if not inside:
                problems.append(f"{where}: province #{i + 1} is cut off by the map's edge")
        credit, scale = m["credit"], m["scale"]
        if credit and credit["h"] > 1.6 * m["lineHeight"] + 6:
            problems.append(f"{where}: the credit wraps ({credit['h']:.0f} px high)")
        if credit and scale and _meets(credit, scale):
            problems.append(f"{where}: the credit covers the scale bar")
    return problems


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize(("name", "path", "maps"), MAP_VIEWS, ids=[v[0] for v in MAP_VIEWS])
def test_no_legend_or_credit_covers_a_province(demo_server, a11y_browser, name, path, maps, size):
    context, pg = new_page(a11y_browser, size)
    try:
        open_view(pg, demo_server, path, "en", maps)
        assert map_layout_problems(pg) == []
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_public_maps_legend_covers_no_province(public_server, static_site, a11y_browser, lang, size):
    """The public page's map (with its long 'hidden' line) and the static site's."""
    context, pg = new_page(a11y_browser, size)
    try:
        open_view(pg, public_server, "/", lang, 1)
        assert map_layout_problems(pg) == []
        pg.goto(static_site + ("/index.html" if lang == "en" else "/km/index.html"))
        pg.wait_for_selector("#map[data-ready=true]", timeout=30_000)
        assert map_layout_problems(pg) == []
    finally:
        context.close()
