"""The victim filters in a real browser: a link's sex= and age= reach the widgets and stay in the address as their
labels; a bad value warns (the AppTest suite cannot see what Streamlit writes into the address)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import MAP_FRAME, READY, _keep_offline, browser, serving, sync_api  # noqa: F401

expect = sync_api.expect


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("victims"), {"DASHBOARD_DB_URL": ""}) as base:
        yield base


@pytest.fixture()
def pg(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    _keep_offline(context)
    yield context.new_page()
    assert context.outside_requests == []
    context.close()


def _settled(pg) -> None:
    pg.wait_for_selector(READY, timeout=90_000)
    pg.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    pg.wait_for_selector(READY, timeout=90_000)


def test_a_victim_link_is_applied_and_kept_in_canonical_form(demo, pg):
    pg.goto(demo + "/cases?sex=female&age=12+-+14&age=alien")
    _settled(pg)
    query = parse_qs(urlparse(pg.url).query)
    assert query.get("sex") == ["girl"] and query.get("age", [])[:1] == ["12-14"], query
    sidebar = pg.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("girl", exact=True)).to_have_count(1)
    expect(sidebar.get_by_text("12-14", exact=True)).to_have_count(1)
    alerts = " ".join(pg.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "age=alien" in alerts and "sex=" not in alerts, alerts  # the good values raise nothing
    assert "victim sex: girl; victim age: 12-14" in pg.locator("body").inner_text()
