"""A deep link as the very first request of a fresh server process is drawn by app.py, through the gate.

A folder named ``pages/`` beside app.py switches on Streamlit's pages-directory mode, in which a fresh server
runs ``pages/<x>.py`` by itself for ``/x``. server.py turns the mode off before its first session, so the link
goes through app.py's navigation and gate; ``streamlit run app.py`` cannot turn it off that early, and there
the page module hands the run back to app.py (``dashboard.ui.shell.show``). Each case starts its own server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard.devtools.browser import free_port
from tests.apphelpers import in_own_process
from tests.loopback import open_loopback
from tests.test_browser import READY, _keep_offline, browser, serving, sync_api  # noqa: F401

expect = sync_api.expect
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _serving_app_py(tmp: Path):
    """``streamlit run app.py`` (no server.py) on a free loopback port, on the demo data."""
    port = free_port()
    env = {**os.environ, "DASHBOARD_VAR_DIR": str(tmp / "var"), "DASHBOARD_DB_URL": ""}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with open_loopback(f"{base}/_stcore/health", timeout=2):  # the test's own server
                    break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _first_request(browser, base: str, path: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    _keep_offline(context)
    pg = context.new_page()
    pg.goto(base + path)
    pg.wait_for_selector(READY, timeout=90_000)
    return context, pg


def _no_errors(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert pg.locator('[role="dialog"]').count() == 0  # Streamlit's "Page not found"


def test_importing_server_turns_the_pages_directory_mode_off_before_any_session():
    out = in_own_process("""
        from streamlit.runtime.pages_manager import PagesManager
        assert PagesManager.uses_pages_directory is None  # what a fresh process starts with
        import server
        print("mode", PagesManager.uses_pages_directory)
    """)
    assert "mode False" in out


@pytest.mark.parametrize(("path", "title", "notice"), [
    ("/cases?province=Siem+Reap", "Cases", None),
    ("/analysis", "Analysis", None),
    ("/data", "Overview", "That link is to Data, a page your role does not include"),  # demo: analyst pages only
])
def test_a_deep_link_to_a_fresh_server_is_drawn_through_the_gate(tmp_path, browser, path, title, notice):
    with serving(tmp_path, {"DASHBOARD_DB_URL": ""}) as base:
        context, pg = _first_request(browser, base, path)
        expect(pg.locator("h1").first).to_have_text(title, timeout=60_000)
        expect(pg.get_by_text("Demo mode")).to_be_visible()  # the gate decided who is viewing
        if notice:
            expect(pg.get_by_text(notice)).to_be_visible()
        else:
            assert urlparse(pg.url).path == path.split("?")[0]
        if "province" in path:
            expect(pg.get_by_text("Data as of").first).to_contain_text("Siem Reap")
        pg.wait_for_timeout(1000)
        _no_errors(pg)
        assert context.outside_requests == []
        context.close()


def test_streamlit_run_app_py_hands_a_first_deep_link_to_app_py(tmp_path, browser):
    with _serving_app_py(tmp_path) as base:
        context, pg = _first_request(browser, base, "/cases?province=Kampot")
        expect(pg.locator("h1").first).to_have_text("Cases", timeout=60_000)
        expect(pg.get_by_text("Demo mode")).to_be_visible()
        expect(pg.get_by_text("Data as of").first).to_contain_text("Kampot")
        pg.wait_for_timeout(1000)
        _no_errors(pg)
        context.close()


def _khmer(message: str) -> str:
    from dashboard.i18n import _, use_language

    with use_language("km"):
        return _(message)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("unknown_pages"), {"DASHBOARD_DB_URL": ""}) as base:
        yield base


NO_PAGE = "There is no page at “/{asked}”, so you are on {home}."
NO_PAGE_NEAR = "There is no page at “/{asked}”, so you are on {home}. Did you mean {page} (/{address})?"


@pytest.mark.parametrize(("path", "heading", "address", "notice"), [
    # a misspelt page: the home page, with the nearest page named, in the link's language, its filters kept
    ("/arests?lang=km&province=Kandal", "Overview", "/",
     (NO_PAGE_NEAR, {"asked": "arests", "home": "Overview", "page": "Arrests", "address": "arrests"})),
    ("/nothing-like-a-page", "Overview", "/", (NO_PAGE, {"asked": "nothing-like-a-page", "home": "Overview"})),
    # nearest to the home page itself: no "Did you mean Coverage?" (the walk found that)
    ("/overvew", "Overview", "/", (NO_PAGE, {"asked": "overvew", "home": "Overview"})),
    ("/cases/2014?province=Kandal", "Cases", "/cases", None),  # nested: was a blank white page (server.py)
    ("/overview", "Overview", "/", None),  # the home page's own name: its address is the root
    ("/Cases?view=one+map+per+year", "Cases", "/cases", None),  # other capitals: the page, with its settings
])
def test_an_address_no_page_has_lands_on_a_page_with_a_notice_in_the_viewers_language(
        demo_server, browser, path, heading, address, notice):
    """Streamlit's own answer was an English "Page not found" dialog, in Khmer too (it failed before)."""
    says = _khmer if "lang=km" in path else str
    context, pg = _first_request(browser, demo_server, path)
    expect(pg.locator("h1").first).to_have_text(says(heading), timeout=60_000)
    pg.wait_for_function(f"() => location.pathname === {address!r}", timeout=30_000)
    if notice:
        message, values = notice
        values = {k: says(v) if k in ("home", "page") else v for k, v in values.items()}
        expect(pg.get_by_text(says(message).format(**values))).to_be_visible(timeout=30_000)
        if message == NO_PAGE:  # the shorter notice is a part of the longer one: no page may be offered
            expect(pg.get_by_text("Did you mean")).to_have_count(0)
    else:
        expect(pg.get_by_text("There is no page")).to_have_count(0)
    if "province" in path:
        expect(pg.get_by_text(says("Data as of")).first).to_contain_text("កណ្ដាល" if "km" in path else "Kandal")
    if "view=" in path:
        assert "view=one" in pg.url  # the page's own setting went along
    pg.wait_for_timeout(1000)
    _no_errors(pg)
    assert context.outside_requests == []
    context.close()
