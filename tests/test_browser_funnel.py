"""The justice funnel on the Arrests page in a real browser (issue 24): it draws in English and in Khmer, and a
click on a province of the charge-share map filters it.

The expected figures are computed here from the demo data with :func:`dashboard.measures.funnel.funnel`, so the
test checks that the page draws what the measure computes for the selection the click made. Skipped like
tests/test_browser.py when chromium is missing, unless DASHBOARD_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import _, fmt_int, use_language
from dashboard.measures import funnel
from dashboard.measures.filters import Filters
from tests.shotdir import screenshot_dir
from tests.test_browser import MAP_FRAME, READY, UNITS, _map_paths, browser, page, server  # noqa: F401 - fixtures

sync_api = pytest.importorskip("playwright.sync_api")
FUNNEL = ".st-key-arrests_funnel"
#: Features are in code order: index 16 is Siem Reap (code 17), inland and clear of the legend.
SIEM_REAP, SIEM_REAP_CODE = 16, "17"
KHMER = re.compile("[\u1780-\u17ff]")


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=120_000)
    pg.locator(FUNNEL).scroll_into_view_if_needed()
    pg.wait_for_selector(f"{FUNNEL} .bartext", timeout=60_000)
    assert pg.locator('[data-testid="stException"]').count() == 0


def _bars(pg) -> list[str]:
    return [t.strip() for t in pg.locator(f"{FUNNEL} .bartext").all_text_contents()]


def _stages(pg) -> list[str]:
    """The stage names on the funnel's axis, first stage first (the axis is drawn last stage on top)."""
    return [t.strip() for t in pg.locator(f"{FUNNEL} .ytick").all_text_contents()][::-1]


def _expected(rows: list[dict], lang: str) -> tuple[list[str], list[str]]:
    """The bar labels' leading counts and the stage names the page must show for ``rows`` in ``lang``."""
    with use_language(lang):
        counts = [fmt_int(r["count"]) for r in rows if r["count"] is not None]
        names = [_(funnel.STAGE_LABELS[r["stage"]]) for r in rows if r["count"] is not None]
    return counts, names


def _shot(pg, name: str, sub: str = "") -> None:
    shots = screenshot_dir(sub)
    shots.mkdir(parents=True, exist_ok=True)
    pg.locator(FUNNEL).scroll_into_view_if_needed()
    pg.screenshot(path=str(shots / f"{name}.png"))


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_funnel_draws_every_stage_with_its_count(server, page, demo_dataset, lang):
    _open(page, server + f"/arrests?lang={lang}")
    counts, names = _expected(funnel.funnel(demo_dataset.cases), lang)
    assert len(counts) == 5  # the demo data records every stage
    assert [bar.split(" · ")[0] for bar in _bars(page)] == counts
    assert _stages(page) == names
    if lang == "km":
        assert all(KHMER.search(name) for name in _stages(page))
        assert not re.search(r"\b(reported|arrested|charged|convicted)\b", " ".join(_stages(page) + _bars(page)))
    assert page.outside_requests == []
    _shot(page, "arrests_funnel_test", lang if lang == "km" else "")


def test_a_click_on_the_charge_map_filters_the_funnel(server, page, demo_dataset):
    _open(page, server + "/arrests")
    everywhere, _names = _expected(funnel.funnel(demo_dataset.cases), "en")
    siem_reap, _names = _expected(funnel.funnel(demo_dataset.cases, Filters(provinces=frozenset({SIEM_REAP_CODE}))),
                                  "en")
    assert siem_reap != everywhere
    assert page.locator(MAP_FRAME).count() == 1  # the charge-share map is the page's one map
    _map_paths(page, UNITS).nth(SIEM_REAP).dispatch_event("click")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('province=Siem')", timeout=30_000)
    page.wait_for_selector(READY, timeout=90_000)
    sync_api.expect(page.locator(f"{FUNNEL} .bartext").first).to_have_text(siem_reap[0], timeout=30_000)
    assert [bar.split(" · ")[0] for bar in _bars(page)] == siem_reap
