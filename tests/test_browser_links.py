"""Shared links in a real browser (issue 20, item 4 and the view leak): the reruns a browser makes after the first
(the map reporting its first value) keep every warning; applied values stay in the address; a page's own settings
stay on that page, in English and in Khmer."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import MAP_FRAME, READY, _keep_offline, browser, serving, sync_api  # noqa: F401

expect = sync_api.expect
BAD = "province=Nowhere&offence=foo&from=2014-13-01&lang=xx&view=bogus&measure=goats"
WARNINGS = ("province=Nowhere", "No province in the link was recognised", "offence=foo", "from=2014-13-01",
            "lang=xx", "view=bogus", "measure=goats")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("links"), {"DASHBOARD_DB_URL": ""}) as base:
        yield base


@pytest.fixture()
def pg(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    _keep_offline(context)
    yield context.new_page()
    assert context.outside_requests == []
    context.close()


def _settled(pg) -> None:
    """The page drew its map (whose first value reruns the script) and finished that run too."""
    pg.wait_for_selector(READY, timeout=90_000)
    pg.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    pg.wait_for_selector(READY, timeout=90_000)


def _query(pg) -> dict[str, list[str]]:
    return parse_qs(urlparse(pg.url).query)


def test_a_link_with_every_kind_of_bad_value_warns_about_each(demo, pg):
    pg.goto(demo + "/cases?" + BAD)
    _settled(pg)
    alerts = " ".join(pg.locator('[data-testid="stAlert"]').all_inner_texts())
    for expected in WARNINGS:
        assert expected in alerts, (expected, alerts)


def test_a_resolved_misspelling_stays_in_the_address_in_canonical_form(demo, pg):
    pg.goto(demo + "/cases?province=Siem+Riep")
    _settled(pg)
    assert _query(pg).get("province") == ["Siem Reap"]
    chip = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.get_by_text("Siem Reap")
    expect(chip).to_have_count(1)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_cases_view_does_not_follow_the_viewer_to_arrests(demo, pg, lang):
    pg.goto(demo + "/cases?view=compare+two+periods&province=Kampot" + ("&lang=km" if lang == "km" else ""))
    pg.wait_for_function(  # both periods' maps drawn (each reports its first value, a rerun, once drawn)
        """(sel) => { const frames = [...document.querySelectorAll(sel)];
                      return frames.length === 2 && frames.every(f => f.contentDocument &&
                          f.contentDocument.querySelectorAll('path.leaflet-interactive').length > 0); }""",
        arg=MAP_FRAME, timeout=90_000)
    pg.wait_for_selector(READY, timeout=90_000)
    assert "view" in _query(pg)
    pg.locator('[data-testid="stSidebarNav"] a').nth(3).click()  # Arrests
    pg.wait_for_url("**/arrests*", timeout=60_000)
    pg.wait_for_selector(READY, timeout=90_000)
    pg.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)  # by province: the view it opens on
    # the filter is written back into the new page's address in the same run that wrote the old view there
    pg.wait_for_function("() => new URLSearchParams(location.search).has('province')", timeout=60_000)
    pg.wait_for_selector(READY, timeout=90_000)
    query = _query(pg)
    assert "view" not in query and len(query["province"]) == 1, pg.url
