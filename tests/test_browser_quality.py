"""The Data quality page in a real browser, in English and Khmer: scorecard, checks, the case-id CSV.

Skipped like tests/test_browser.py when chromium is missing, unless DASHBOARD_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import re

import pytest

from tests.chromium import launched
from tests.shotdir import screenshot_dir
from tests.test_browser import READY, keep_offline, serving

sync_api = pytest.importorskip("playwright.sync_api")
KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("browser_quality"), {}) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    keep_offline(pg)
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=120_000)
    pg.wait_for_selector('[data-testid="stDataFrame"]', timeout=120_000)
    pg.wait_for_timeout(800)
    assert pg.locator('[data-testid="stException"]').count() == 0
    return context, pg


def test_the_page_in_english_lists_findings_and_downloads_their_case_ids(server, browser):
    context, pg = _open(browser, server + "/quality?lang=en")
    try:
        body = pg.locator("body").inner_text()
        assert "Data quality" in body and "Scorecard by province" in body and "Red findings" in body
        for tab in ("Completeness", "Silent provinces", "Late records", "Likely duplicates", "Implausible values"):
            assert pg.get_by_role("tab", name=re.compile(tab)).count() == 1
        pg.get_by_role("tab", name=re.compile("Silent provinces")).click()
        pg.wait_for_timeout(500)
        assert "Unlikely, worth a call" in pg.locator("body").inner_text()
        pg.get_by_role("tab", name=re.compile("Completeness")).click()
        with pg.expect_download() as download:
            pg.get_by_role("button", name="Download the case ids (CSV)").first.click()
        text = open(download.value.path(), encoding="utf-8-sig").read()  # safe_csv writes a BOM for Excel
        assert text.splitlines()[0] == "check,severity,province_code,period_start,period_end,finding,case_id"
        assert "SYN-2015-" in text
        shots = screenshot_dir()
        shots.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(shots / "quality.png"))
    finally:
        context.close()


def test_the_page_in_khmer(server, browser):
    context, pg = _open(browser, server + "/quality?lang=km")
    try:
        assert pg.locator("h1").first.inner_text().strip() == "គុណភាពទិន្នន័យ"
        tabs = [pg.get_by_role("tab").nth(i).inner_text() for i in range(pg.get_by_role("tab").count())]
        assert len(tabs) == 5 and all(KHMER.search(t) for t in tabs)
        body = pg.locator("body").inner_text()
        assert "តារាងវាយតម្លៃតាមខេត្ត" in body and "ពណ៌ក្រហម" in body
        assert not re.search(r"\b(Completeness|Scorecard|Severity|findings)\b", body)
        shots = screenshot_dir("km")
        shots.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(shots / "quality.png"))
    finally:
        context.close()
