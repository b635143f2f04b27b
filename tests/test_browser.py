"""Real-browser tests: Playwright driving Debian's chromium against `streamlit run server.py`.

They check what AppTest cannot see (the Leaflet maps and clicks) and save
screenshots of what they checked to a temporary folder ($DASHBOARD_SCREENSHOT_DIR
if set; never docs/screenshots/ unless it is set there). Skipped, saying why, when chromium
is not installed; CI sets DASHBOARD_REQUIRE_BROWSER=1 so they cannot be
skipped there.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.access import auth, modes
from dashboard.devtools.browser import (
    CHARTS_DRAWN,
    CHROMIUM,
    MAP_FRAME,
    READY,
    keep_offline,
    serving,
    start,
)
from tests.chromium import launched
from tests.shotdir import screenshot_dir

ROOT = Path(__file__).resolve().parent.parent
#: A temporary folder unless DASHBOARD_SCREENSHOT_DIR is set: the tests never rewrite docs/screenshots/
#: (``python -m dashboard screenshots`` retakes those).
SHOTS = screenshot_dir()
#: The default map: 25 provinces (geoBoundaries), credited in Leaflet's attribution control.
UNITS = 25
BOUNDARY_CREDIT = "© OpenStreetMap contributors, ODbL 1.0; geoBoundaries"

if not CHROMIUM:
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError("DASHBOARD_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
    pytest.skip("browser tests skipped: Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
_keep_offline, _start = keep_offline, start  # the names the other browser test modules import


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("browser"), {}) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    _keep_offline(pg)
    yield pg
    context.close()


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=90_000)


def _map_paths(pg, count: int):
    frame = pg.frame_locator(MAP_FRAME).first
    paths = frame.locator("path.leaflet-interactive")
    pg.wait_for_function(
        """([sel, n]) => { const f = document.querySelector(sel); if (!f || !f.contentDocument) return false;
                          return f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n; }""",
        arg=[MAP_FRAME, count], timeout=60_000)
    return paths


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)  # every plotly chart drawn, no loading placeholders left
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


#: The pages that open on a map (the others have none at first sight).
MAP_PAGES = ("overview", "coverage", "cases")


@pytest.mark.parametrize(("path", "name", "has_map"), [  # every page of the demo viewer, from the page table
    ("/" if i == 0 else f"/{name}", name, name in MAP_PAGES) for i, name in enumerate(auth.pages_for(modes.DEMO_ROLE))])
def test_pages_render_offline_with_one_path_per_unit(server, page, path, name, has_map):
    _open(page, server + path)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("[data-testid=stMarkdownContainer] code", has_text="None").count() == 0  # no stray magic output
    if has_map:
        paths = _map_paths(page, UNITS)
        assert paths.count() == UNITS
        page.frame_locator(MAP_FRAME).first.locator(".leaflet-control").first.wait_for()
        credit = page.frame_locator(MAP_FRAME).first.locator(".leaflet-control-attribution")
        sync_api.expect(credit).to_contain_text(BOUNDARY_CREDIT)
    _shot(page, name)
    assert page.outside_requests == []


def test_clicking_a_province_toggles_the_filter(server, page):
    _open(page, server + "/cases")
    paths = _map_paths(page, UNITS)
    siem_reap = paths.nth(16)  # features are in code order; 17 = Siem Reap
    siem_reap.dispatch_event("click")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('province=Siem')", timeout=30_000)
    expect = sync_api.expect
    expect(_province_chip(page, "Siem Reap")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("Data as of").first).to_contain_text("Siem Reap", timeout=30_000)
    # the rerun has finished: the map will not be replaced under the click
    page.wait_for_selector(READY, timeout=90_000)
    _map_paths(page, UNITS).nth(16).dispatch_event("click")  # click again: removed
    page.wait_for_function("() => !decodeURIComponent(location.search).includes('province=Siem')", timeout=30_000)
    expect(_province_chip(page, "Siem Reap")).to_have_count(0, timeout=30_000)


def test_a_filter_change_keeps_the_map_and_swaps_only_its_layer(server, page):
    """The base map stays mounted across reruns (the same component key); the data layer, with its legend, is
    replaced, so a filter change does not reload Leaflet and the boundaries in a new iframe."""
    _open(page, server + "/cases")
    _map_paths(page, UNITS)
    frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
    frame.evaluate("() => { window.__still_here = true; }")

    def drawn(selected: int) -> None:
        page.wait_for_selector(READY, timeout=90_000)
        page.wait_for_function(
            """([sel, n, wide]) => { const d = document.querySelector(sel).contentDocument;
                 return d.querySelectorAll('path.leaflet-interactive').length === n
                   && d.querySelectorAll('path.leaflet-interactive[stroke-width="3"]').length === wide; }""",
            arg=[MAP_FRAME, UNITS, selected], timeout=30_000)
        assert frame.evaluate("() => window.__still_here === true")  # the same document: not reloaded
        assert frame.locator(".cpu-legend").count() == 1  # the old layer's legend went with it

    frame.locator("path.leaflet-interactive").nth(16).dispatch_event("click")  # Siem Reap: selected, outlined
    page.wait_for_function("() => decodeURIComponent(location.search).includes('province=Siem')", timeout=30_000)
    drawn(selected=1)
    frame.locator("path.leaflet-interactive").nth(16).dispatch_event("click")  # the same province again: removed
    page.wait_for_function("() => !decodeURIComponent(location.search).includes('province=Siem')", timeout=30_000)
    drawn(selected=0)


def test_play_steps_through_the_rollout(server, page):
    """Play restarts the rollout from July 2013, Pause holds the frame, and Play goes on from it.

    The Pause button is pressed as soon as Play's own rerun shows it, with some 20 one-second frames to go. Pressing
    it only after a frame had changed raced the rollout's end on a loaded CI machine: the run had ended and the
    button was 'Play rollout' again."""
    thumb_sel = '[data-testid="stSliderThumbValue"]'
    _open(page, server + "/coverage")
    thumb = page.locator(thumb_sel).first
    assert thumb.inner_text() == "Apr 29, 2015"  # the latest date first, written by Babel in the interface language
    page.get_by_role("button", name="Play rollout").click()
    pause = page.get_by_role("button", name="Pause")
    try:
        sync_api.expect(pause).to_have_count(1, timeout=30_000)
    except AssertionError:
        # Seen only in whole CI runs (3 of 3, never alone): the press started the rollout for one frame and the
        # button said "Play rollout" again, as if pressed twice. The callback now sets the state the button
        # names instead of toggling it; should a press still be lost, a viewer presses again, and so does this
        # test, once (the cause is not known for certain: see issue 20's note).
        page.get_by_role("button", name="Play rollout").click()
        sync_api.expect(pause).to_have_count(1, timeout=60_000)
    sync_api.expect(thumb).to_contain_text("2013", timeout=20_000)  # restarted from July 2013
    pause.click()
    # the pause's full rerun may not have started yet when the page says it is idle between ticks (a fast server
    # is idle most of the time): wait for the button to come back rather than reading it once
    sync_api.expect(page.get_by_role("button", name="Play rollout")).to_have_count(1, timeout=60_000)
    page.wait_for_selector(READY, timeout=60_000)
    held = _settled(page, thumb)  # a tick under way when Pause was pressed may still be drawn
    assert held != "Apr 29, 2015", "paused at the end: the pause did not stop the rollout"
    page.wait_for_timeout(3 * 1000)  # three ticks' time: a paused rollout does not move
    assert thumb.inner_text() == held
    page.get_by_role("button", name="Play rollout").click()  # not at the end: goes on from the held frame
    # the next frame; a CI machine loaded by other work once took more than 20 s
    page.wait_for_function("([sel, v]) => document.querySelector(sel).innerText !== v",
                           arg=[thumb_sel, held], timeout=60_000)
    assert _thumb_day(thumb.inner_text()) > _thumb_day(held), "Play restarted instead of going on"


def _settled(page, thumb, seconds: int = 20) -> str:
    """The thumb's text once it reads the same twice, a second apart; a rollout still playing never settles."""
    for _ in range(seconds):
        before = thumb.inner_text()
        page.wait_for_timeout(1000)
        if thumb.inner_text() == before:
            return before
    raise AssertionError(f"the slider still moves {seconds} s after Pause")


def _thumb_day(text: str) -> datetime:
    """The slider's label as a date: a month ('Aug 2013') or the last day ('Apr 29, 2015')."""
    return datetime.strptime(text, "%b %d, %Y" if "," in text else "%b %Y")


def _province_chip(pg, name: str):
    return pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.get_by_text(name, exact=True)


def test_shared_link_reopens_the_view(server, page):
    _open(page, server + "/overview?province=Kandal&from=2015-01-01")
    sync_api.expect(_province_chip(page, "Kandal")).to_have_count(1, timeout=30_000)
    assert "2015-01-01" in page.locator('[data-testid="stSidebar"] input').first.input_value()


def test_public_mode_screenshot(tmp_path, browser):
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.release import write_export

    write_demo(tmp_path / "demo")
    write_export(load_from_dir(tmp_path / "demo"), tmp_path / "public")
    with serving(tmp_path, {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(tmp_path / "public"),
                            "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        _open(pg, base + "/")
        assert pg.locator('[data-testid="stException"]').count() == 0
        _map_paths(pg, UNITS)
        frame = pg.frame_locator(MAP_FRAME).first
        sync_api.expect(frame.locator(".leaflet-control-attribution")).to_contain_text(BOUNDARY_CREDIT)
        assert frame.locator('path[fill="url(#cpu-hatch)"]').count() > 0  # hidden counts are hatched
        assert frame.locator("svg pattern#cpu-hatch").count() == 1  # ... with a pattern that exists in the map
        sync_api.expect(frame.locator(".cpu-legend")).to_contain_text("fewer than 11")
        sync_api.expect(pg.get_by_text("86%").first).to_be_visible()
        _shot(pg, "public")
        context.close()


def test_a_saved_map_with_hidden_counts_draws_its_hatch_offline(tmp_path, page):
    """The map's HTML download: hatched units, their pattern and the legend, from a file with nothing outside."""
    from dashboard.geo.boundaries import load_boundaries
    from dashboard.render import maps
    from dashboard.render.colours import HATCH

    styles = {code: maps.UnitStyle(HATCH, "fewer than 11", "") for code in ("01", "17")}
    fmap = maps.build_map(load_boundaries(), styles, "Cases", [(HATCH, "fewer than 11")])
    saved = tmp_path / "map.html"
    saved.write_text(maps.standalone_html(fmap), encoding="utf-8")
    page.goto(saved.as_uri())
    page.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive').length === {UNITS}",
                           timeout=30_000)
    assert page.locator('path[fill="url(#cpu-hatch)"]').count() == 2
    assert page.locator("svg pattern#cpu-hatch").count() == 1
    sync_api.expect(page.locator(".cpu-legend")).to_contain_text("fewer than 11")
    assert page.outside_requests == []


def test_behind_a_base_path_the_maps_load_leaflet_and_the_font(tmp_path, browser):
    """Served below https://host/dash/ (server.baseUrlPath), the maps' iframes ask for /dash/app/static/..."""
    with serving(tmp_path, {"STREAMLIT_SERVER_BASE_URL_PATH": "dash"}) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        _keep_offline(context)
        pg = context.new_page()
        failed: list[str] = []
        pg.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "/app/static/" in r.url else None)
        loaded: list[str] = []
        pg.on("requestfinished", lambda r: loaded.append(r.url) if "/app/static/" in r.url else None)
        _open(pg, base + "/dash/cases")
        _map_paths(pg, UNITS)
        assert pg.locator('[data-testid="stException"]').count() == 0
        assert failed == []
        assert any(u.endswith("/dash/app/static/vendor/leaflet/leaflet.js") for u in loaded), loaded
        assert any(u.endswith("/dash/app/static/vendor/fonts/NotoSansKhmer.ttf") for u in loaded), loaded
        assert context.outside_requests == []
        context.close()


def test_natural_earth_vintage_draws_24_units_with_the_note(tmp_path, browser):
    with serving(tmp_path, {"DASHBOARD_BOUNDARIES": "naturalearth"}) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        _open(pg, base + "/coverage")
        assert pg.locator('[data-testid="stException"]').count() == 0
        assert _map_paths(pg, 24).count() == 24
        sync_api.expect(pg.get_by_text("predate the 2013 split").first).to_be_visible()
        sync_api.expect(pg.frame_locator(MAP_FRAME).first.locator(".leaflet-control-attribution")).to_contain_text(
            "Natural Earth (public domain)")
        context.close()


@pytest.fixture(scope="module")
def static_site(tmp_path_factory):
    """The static site built from the demo, served from its own folder on loopback only."""
    import functools
    import http.server
    import threading

    from dashboard.cli import main
    from dashboard.data.demo import write_demo

    base = tmp_path_factory.mktemp("static")
    write_demo(base / "demo")
    assert main(["export-public", "--data", str(base / "demo"), "--site", str(base / "site"),
                 "--ledger", str(base / "ledger.json")]) == 0

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(base / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "name"), [("/index.html", "site_en"), ("/km/index.html", "site_km")])
def test_static_site_draws_its_map_with_nothing_from_outside(static_site, page, path, name):
    from dashboard.geo.boundaries import active_boundaries

    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(static_site + path)
    page.wait_for_selector("#map[data-ready=true]", timeout=30_000)
    units = len(active_boundaries().unit_codes)
    assert page.locator("#map path.leaflet-interactive").count() == units
    # suppressed units are hatched, and the legend names every state
    assert page.locator('#map path[fill="url(#cpu-hatch)"]').count() > 0
    legend = page.locator("[data-legend-year]:not([hidden])")
    for words in ("not covered", "no data", "fewer than 11") if name == "site_en" else ():
        sync_api.expect(legend).to_contain_text(words)
    before = page.locator('#map path[fill="url(#cpu-hatch)"]').count()
    page.locator('[data-year-button="2015"]').click()
    page.wait_for_function("() => document.querySelector('[data-year-button=\"2015\"]')"
                           ".getAttribute('aria-pressed') === 'true'")
    assert page.locator('#map path[fill="url(#cpu-hatch)"]').count() != before  # 2015 hides more provinces
    page.locator('[data-year-button="2014"]').click()
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)
    assert page.evaluate("document.fonts.check(\"16px 'Noto Sans Khmer'\", 'ខ្មែរ')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    assert page.outside_requests == []
    assert requested and all(url.startswith(static_site) for url in requested), requested


def test_static_site_shows_a_credit_with_markup_as_text(tmp_path, page):
    """Leaflet's addAttribution inserts HTML: a credit typed on the Data page with an <img onerror> in it
    must show as words in the map's attribution control, and run nothing."""
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.geo.boundaries import load_boundaries, save_active
    from dashboard.publish.release import write_export
    from dashboard.publish.site import write_site

    evil = "Survey Dept. <img src=x onerror=alert(1)>"
    layer = load_boundaries()
    layer.metadata = {"title": "survey.geojson", "layer": "upload", "attribution": evil}
    save_active(layer)  # what the Data page does with the admin's credit (DASHBOARD_VAR_DIR is this test's)
    write_demo(tmp_path / "demo")
    write_export(load_from_dir(tmp_path / "demo"), tmp_path / "site" / "data")
    write_site(tmp_path / "site" / "data", tmp_path / "site")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((tmp_path / "site" / "index.html").as_uri())
    page.wait_for_selector("#map[data-ready=true]", timeout=30_000)
    control = page.locator(".leaflet-control-attribution")
    sync_api.expect(control).to_contain_text(evil)
    assert control.locator("img").count() == 0 and page.locator("footer img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def _all_maps_drawn(pg, maps: int, paths: int = UNITS) -> None:
    pg.wait_for_function(
        """([sel, m, n]) => { const fs = [...document.querySelectorAll(sel)];
               return fs.length === m && fs.every(f => f.contentDocument &&
                   f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n); }""",
        arg=[MAP_FRAME, maps, paths], timeout=90_000)


def _scroll_to_top(pg, locator) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    pg.wait_for_timeout(300)


def _legends(pg) -> tuple[int, int]:
    """Shared legends on the page, and legends inside the map frames."""
    inside = pg.evaluate(f"""() => [...document.querySelectorAll('{MAP_FRAME}')]
        .reduce((n, f) => n + f.contentDocument.querySelectorAll('.cpu-legend').length, 0)""")
    return pg.locator(".cpu-shared-legend").count(), inside


COMPARE_QUERY = ("view=compare+two+periods&period_a=2014-05-01&period_a=2014-12-31"
                 "&period_b=2015-01-01&period_b=2015-04-29")


def test_compare_mode_two_maps_one_legend_and_the_url_round_trip(server, page):
    _open(page, server + "/cases")
    page.locator('[data-testid="stButtonGroup"]').get_by_text("compare two periods").click()
    page.wait_for_function("() => decodeURIComponent(location.search).includes('view=compare')", timeout=30_000)
    page.wait_for_selector(READY, timeout=90_000)
    _open(page, server + "/cases?" + COMPARE_QUERY)
    _all_maps_drawn(page, 2)
    assert _legends(page) == (1, 0)  # one legend, shared, outside the two maps
    inputs = page.locator('[data-testid="stDateInput"] input')
    values = [inputs.nth(i).input_value() for i in range(inputs.count())]
    assert any("2014/05/01" in v or "2014-05-01" in v for v in values), values
    assert any("2015/01/01" in v or "2015-01-01" in v for v in values), values
    page.get_by_text("Change per province").wait_for()
    _scroll_to_top(page, page.get_by_text("Earlier period", exact=True))
    _shot(page, "cases_compare")
    page.reload()
    page.wait_for_selector(READY, timeout=90_000)
    _all_maps_drawn(page, 2)
    assert "period_a=2014-05-01" in page.evaluate("location.search")  # still in the address after a reload
    assert page.outside_requests == []


def test_one_map_per_year_share_one_legend(server, page):
    _open(page, server + "/cases?view=one+map+per+year")
    _all_maps_drawn(page, 3)
    assert _legends(page) == (1, 0)
    _scroll_to_top(page, page.locator('[data-testid="stButtonGroup"]').first)
    _shot(page, "cases_per_year")


def test_since_the_unit_arrived(server, page):
    _open(page, server + "/cases")
    _map_paths(page, UNITS)
    _scroll_to_top(page, page.get_by_text("Since the unit arrived", exact=True))
    _shot(page, "cases_since_arrival")


def test_time_to_arrest_section(server, page):
    _open(page, server + "/arrests?km_province=Phnom+Penh")
    page.get_by_text("Log-rank test, Phnom Penh against the other provinces", exact=False).wait_for()
    _scroll_to_top(page, page.get_by_text("Time to arrest", exact=True))
    _shot(page, "arrests_time_to_arrest")


def _legend_classes(pg) -> list[str]:
    """The class lines of the (one) map's legend, states left out."""
    text = pg.frame_locator(MAP_FRAME).first.locator(".cpu-legend").inner_text()
    return [line for line in text.splitlines()[1:] if line[:1].isdigit() or line.startswith(">")]


def test_play_by_quarter_keeps_the_same_classes(server, page):
    _open(page, server + "/cases?view=play+by+quarter")
    _map_paths(page, UNITS)
    last = _legend_classes(page)
    assert len(last) == 5
    page.get_by_role("button", name="Play quarters").click()
    thumb = page.locator('[data-testid="stSliderThumbValue"]').first
    sync_api.expect(thumb).to_contain_text("2013", timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector(READY, timeout=60_000)
    _map_paths(page, UNITS)
    page.frame_locator(MAP_FRAME).first.locator(".cpu-legend").wait_for()
    assert _legend_classes(page) == last  # a colour means the same in 2013 as in 2015
    assert page.outside_requests == []
