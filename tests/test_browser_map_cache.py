"""In chromium: maps keep drawing after more distinct maps than the server's caches hold (issue 20, item 1).

Before the fix, the Overview map became an empty grey box for every new browser once about 64 distinct maps
had been shown (the frame threw ``geo_json_<id> is not defined``). The server here keeps 3 maps
(``DASHBOARD_MAP_CACHE_SIZE``), so a dozen Cases dates are enough to push every map through every cache.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.test_browser import MAP_FRAME, READY, UNITS, _keep_offline, browser, serving, sync_api  # noqa: F401

CACHE_SIZE = 3
#: Runs in every frame, the map's iframe included, before its own scripts: keeps every uncaught error.
RECORD_ERRORS = """
    window.__cpuErrors = [];
    window.addEventListener('error', e => window.__cpuErrors.push(String(e.message || e)));
    window.addEventListener('unhandledrejection', e => window.__cpuErrors.push(String(e.reason)));
"""


def _context(browser):  # noqa: F811 (the fixture from test_browser)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_ERRORS)
    _keep_offline(context)
    return context


def _drawn(pg, url: str) -> None:
    """Open ``url`` and check its first map draws every province, with no error in the map's frame."""
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=90_000)
    assert pg.locator('[data-testid="stException"]').count() == 0, url
    pg.wait_for_function(  # drawn, or failed: either ends the wait
        """([sel, n]) => { const f = document.querySelector(sel);
             if (!f || !f.contentDocument || !f.contentWindow.__cpuErrors) return false;
             return f.contentWindow.__cpuErrors.length > 0
                 || f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n; }""",
        arg=[MAP_FRAME, UNITS], timeout=60_000)
    frame = pg.locator(MAP_FRAME).first.element_handle().content_frame()
    assert frame.evaluate("() => window.__cpuErrors") == [], url
    assert frame.locator("path.leaflet-interactive").count() == UNITS, url
    assert frame.locator(".cpu-legend").count() == 1, url


def test_the_overview_map_still_draws_after_more_distinct_maps_than_the_caches_hold(tmp_path, browser):  # noqa: F811
    with serving(tmp_path, {"DASHBOARD_MAP_CACHE_SIZE": str(CACHE_SIZE)}) as base:
        context = _context(browser)
        pg = context.new_page()
        _drawn(pg, base + "/")
        days = [date(2014, 6, 1) + timedelta(days=3 * i) for i in range(4 * CACHE_SIZE)]
        for i, day in enumerate(days):
            _drawn(pg, f"{base}/cases?to={day.isoformat()}")
            if i % 2 == 1:  # back to the Overview, often enough that its built map stays the most recent
                _drawn(pg, base + "/")
        assert context.outside_requests == []
        context.close()
        newcomer = _context(browser)  # a new browser after all that: the map every user sees first
        _drawn(newcomer.new_page(), base + "/")
        newcomer.close()
