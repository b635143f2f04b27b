"""In chromium: a deployment's first start, on an empty database, signed in as its first admin (issue 20, item 2).

Every page opens without an error, says what is missing, and every map draws all 25 provinces grey
("not covered"), with no error in the map's frame.
"""

from __future__ import annotations

import pytest

from dashboard.access import auth
from dashboard.data import db
from tests.test_browser import MAP_FRAME, READY, UNITS, browser, serving  # noqa: F401
from tests.test_browser_map_cache import RECORD_ERRORS
from tests.test_browser_signin import PASSWORD, _context, _sign_in, _signed_in_as

#: What an empty map may be filled with: render.colours.STATE_COLOURS' "not covered" and "no data".
GREY = {"#bdbdbd", "#ffffff"}


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("empty")
    url = f"sqlite:///{tmp / 'deployment.sqlite3'}"
    engine = db.open_engine(url)
    auth.add_user(engine, "first-admin", "admin", PASSWORD)
    engine.dispose()
    with serving(tmp, {"DASHBOARD_DB_URL": url}) as base:
        yield base


@pytest.fixture(scope="module")
def admin_page(empty_site, browser):  # noqa: F811
    context = _context(browser)
    context.add_init_script(RECORD_ERRORS)
    pg = context.new_page()
    pg.goto(empty_site + "/")
    pg.wait_for_selector(READY, timeout=90_000)
    _sign_in(pg, "first-admin")
    _signed_in_as(pg, "first-admin")
    yield pg
    assert context.outside_requests == []
    context.close()


@pytest.mark.parametrize(("path", "maps"), [
    ("/", 1), ("/coverage", 1), ("/cases", 1), ("/cases?view=one+map+per+year", 0),
    ("/cases?view=compare+two+periods", 2), ("/arrests", 0), ("/arrests?view=compare+two+periods", 2),
    ("/analysis", 0), ("/data", 0), ("/about", 0)])
def test_every_page_works_on_an_empty_database_and_its_maps_draw_grey(empty_site, admin_page, path, maps):
    pg = admin_page
    pg.goto(empty_site + path)
    pg.wait_for_selector(READY, timeout=90_000)
    assert pg.locator('[data-testid="stException"]').count() == 0, path
    text = pg.locator('[data-testid="stMain"]').inner_text()
    assert "SYNTHETIC demo data" not in text and "Demo mode" not in text
    if path != "/about":
        assert "No case data is loaded yet" in text, path
    for index in range(maps):
        frame_element = pg.locator(MAP_FRAME).nth(index)
        frame_element.scroll_into_view_if_needed()
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_function(
            "n => (window.__cpuErrors || []).length > 0"
            " || document.querySelectorAll('path.leaflet-interactive').length === n",
            arg=UNITS, timeout=60_000)
        assert frame.evaluate("() => window.__cpuErrors") == [], path
        fills = set(frame.eval_on_selector_all("path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))"))
        assert fills <= GREY, (path, fills)
