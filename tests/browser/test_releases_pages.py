"""The Releases page in a real browser, in English and Khmer: on the static site (served from its own folder on
loopback) and in public mode (`streamlit run server.py`), with nothing requested from outside."""

from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest

from dashboard.devtools.browser import CHROMIUM, keep_offline, serving, wait_drawn
from tests.chromium import launched
from tests.shotdir import screenshot_dir

SHOTS = screenshot_dir()

if not CHROMIUM:
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError("DASHBOARD_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
    pytest.skip("browser tests skipped: Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from dashboard.devtools import demo_releases

    return demo_releases.build(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="module")
def static_base(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    keep_offline(pg)
    yield pg
    context.close()


TITLES = {"en": ("Releases", "Release 2, published", "Siem Reap 2014:"),
          "km": ("ការចេញផ្សាយ", "ការចេញផ្សាយលើកទី 2", "សៀមរាប 2014៖")}


@pytest.mark.parametrize(("path", "lang"), [("/releases/index.html", "en"), ("/releases/km/index.html", "km")])
def test_the_static_releases_page_lists_both_releases_with_nothing_from_outside(static_base, page, path, lang):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(static_base + path)
    title, newest, change = TITLES[lang]
    sync_api.expect(page.locator("h1")).to_have_text(title)
    entries = page.locator("section.release-entry")
    assert entries.count() == 2
    sync_api.expect(entries.first.locator("h2")).to_contain_text(newest)
    sync_api.expect(entries.first.locator("ul.changes")).to_contain_text(change)
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check(\"16px 'Noto Sans Khmer'\", 'ខ្មែរ')")
    # each release is at its own address, and its page says which release it is
    entries.last.locator("h2 a").click()
    sync_api.expect(page.locator("p.release")).to_contain_text("1")
    assert page.url.endswith("/releases/1/index.html" if lang == "en" else "/releases/1/km/index.html")
    page.go_back()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"site_releases_{lang}.png"), full_page=False)
    assert page.outside_requests == []
    assert requested and all(url.startswith(static_base) for url in requested), requested


def test_the_latest_release_at_the_root_marks_its_revised_figures(static_base, page):
    page.goto(static_base + "/index.html")
    sync_api.expect(page.locator("p.release")).to_contain_text("Release 2")
    revisions = page.locator("details.revisions")
    assert revisions.count() >= 1
    revisions.last.locator("summary").click()
    sync_api.expect(revisions.last).to_contain_text("Siem Reap 2014: revised in release 2")
    page.locator("p.release a").click()
    sync_api.expect(page.locator("h1")).to_have_text("Releases")
    assert page.outside_requests == []


MARK = {"en": "revised in release 2", "km": "បានកែប្រែក្នុងការចេញផ្សាយលើកទី 2"}
SIEM_REAP_2014 = {"en": "Siem Reap 2014: revised in release 2", "km": "សៀមរាប 2014៖ បានកែប្រែក្នុងការចេញផ្សាយលើកទី 2"}


@pytest.mark.parametrize(("path", "lang"), [("/index.html", "en"), ("/km/index.html", "km")])
def test_the_latest_releases_charts_mark_the_revised_figures_on_the_bars(static_base, page, path, lang):
    page.goto(static_base + path)
    charts = page.locator("figure svg")
    assert charts.count() == 2  # the quarters, the provinces
    for chart in (charts.first, charts.last):
        assert chart.locator("path.revised-mark").count() >= 1
        sync_api.expect(chart.locator("g.revised-legend > text")).to_have_text(MARK[lang])
        sync_api.expect(chart.locator("g.revised-legend > text")).to_be_visible()
    provinces = charts.last.locator("path.revised-mark title")
    assert provinces.all_text_contents() == [SIEM_REAP_2014[lang]]
    assert page.outside_requests == []


@pytest.fixture(scope="module")
def public_base(site, tmp_path_factory):
    env = {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(site / "data"),
           "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    with serving(tmp_path_factory.mktemp("public"), env) as base:
        yield base


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_public_dashboard_releases_page_in_both_languages(public_base, page, lang):
    page.goto(public_base + "/releases" + ("" if lang == "en" else "?lang=km"))
    wait_drawn(page)
    title, newest, change = TITLES[lang]
    main = page.locator('[data-testid="stMain"]')
    sync_api.expect(main.locator("h1")).to_contain_text(title)
    sync_api.expect(main).to_contain_text(newest)
    sync_api.expect(main).to_contain_text(change)
    assert page.locator('[data-testid="stException"]').count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"public_releases_{lang}.png"), full_page=False)
    assert page.outside_requests == []


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_public_dashboards_chart_marks_the_revised_quarters(public_base, page, lang):
    page.goto(public_base + "/" + ("" if lang == "en" else "?lang=km"))
    wait_drawn(page, 1)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    sync_api.expect(chart.locator(".legendtext", has_text=MARK[lang])).to_be_visible()
    assert chart.locator(".scatterlayer .point").count() >= 1  # the diamonds over the revised quarters
    assert page.locator('[data-testid="stException"]').count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / f"public_revised_{lang}.png"))
    assert page.outside_requests == []
