"""Province-scoped users in a real browser (issue 25): every byte the server sends a scoped viewer.

Signed in as a scoped analyst and as a scoped leadership user, chromium opens every page their role has, each
view of Cases, and links to a province outside the scope; every WebSocket frame the server sends and every file
its pages offer (Streamlit's media files, the session-checked case export) is kept. None may hold a case id or
a district of a province outside the scope. The viewer's own case ids must be there (for the analyst), so the
collection itself is shown to work.
"""

from __future__ import annotations

import re

import pytest

from dashboard.access import auth
from dashboard.devtools.browser import CHARTS_DRAWN, READY
from tests.scopedata import INSIDE_PREFIXES, OUTSIDE_DISTRICTS, OUTSIDE_PREFIXES, PASSWORD, scoped_database
from tests.test_browser import browser, serving, sync_api  # noqa: F401
from tests.test_browser_signin import _context, _open, _sign_in, _signed_in_as

MEDIA = re.compile(rb"/media/[0-9a-f]{16,}\.[a-z]{2,5}")
VIEW = '[data-testid="stMain"] [data-testid="stButtonGroup"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scope")
    (tmp / "var").mkdir()
    engine = scoped_database(f"sqlite:///{tmp / 'var' / 'cases.sqlite3'}")
    with serving(tmp, {"DASHBOARD_DB_URL": ""}) as base:
        yield base
    engine.dispose()


class Collected:
    """Every frame the server sent on any WebSocket of a browser context, and the files fetched."""

    def __init__(self, context) -> None:
        self.frames: list[bytes] = []
        self.files: dict[str, bytes] = {}
        context.on("page", self._watch)

    def _watch(self, pg) -> None:
        pg.on("websocket", lambda ws: ws.on("framereceived", self._keep))

    def _keep(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else str(payload).encode("utf-8"))

    def everything(self) -> bytes:
        return b"\n".join([*self.frames, *self.files.values()])


def _settle(pg) -> None:
    pg.wait_for_selector(READY, timeout=90_000)
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    pg.wait_for_timeout(600)
    pg.wait_for_selector(READY, timeout=90_000)


def _fetch_media(context, base: str, seen: Collected) -> None:
    """Fetch every media file a frame names (the tables' CSV downloads), as a viewer's click would."""
    for url in sorted({m.decode() for frame in seen.frames for m in MEDIA.findall(frame)}):
        if url not in seen.files:
            response = context.request.get(base + url)
            if response.ok:
                seen.files[url] = response.body()


def _walk(browser, base: str, user: str) -> Collected:  # noqa: F811 - the module's browser fixture
    context = _context(browser)
    seen = Collected(context)
    pg = context.new_page()
    seen._watch(pg)
    _open(pg, base + "/")
    _sign_in(pg, user, PASSWORD)
    _signed_in_as(pg, user)
    role = "analyst" if user == "sra" else "leadership"
    paths = ["/" if i == 0 else f"/{name}" for i, name in enumerate(auth.pages_for(role))]
    for path in [*paths, "/cases?province=Kampot", "/analysis?province=Kampot" if role == "analyst" else "/",
                 "/arrests?province=Kampot,Siem+Reap"]:
        pg.goto(base + path)
        _settle(pg)
        if path == "/cases":  # every view of the Cases page: per year, compare, play
            view = pg.locator(VIEW).first
            for option in range(view.locator("button").count()):
                view.locator("button").nth(option).click()
                _settle(pg)
        if path == "/analysis":  # the session-checked case export
            pg.get_by_role("button", name="Export case records (CSV)").click()
            _settle(pg)
            href = pg.get_by_role("link", name=re.compile("Download")).first.get_attribute("href", timeout=30_000)
            seen.files["export"] = context.request.get(href if href.startswith("http") else base + href).body()
    _fetch_media(context, base, seen)
    context.close()
    return seen


@pytest.mark.parametrize("user", ["sra", "srl"])
def test_nothing_from_outside_the_scope_reaches_a_scoped_viewers_browser(site, browser, user):  # noqa: F811
    seen = _walk(browser, site, user)
    everything = seen.everything()
    assert len(seen.frames) > 20
    leaked = [p for p in OUTSIDE_PREFIXES if f"{p}-0".encode() in everything]
    leaked += [d for d in OUTSIDE_DISTRICTS if d.encode() in everything]
    assert leaked == [], f"{user}: sent to the browser: {leaked}"
    if user == "sra":  # the analyst's own case rows did reach the browser: the collection works
        assert all(f"{p}-0001".encode() in everything for p in INSIDE_PREFIXES)
        assert seen.files, "no file was offered"
