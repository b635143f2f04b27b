"""axe-core in a real browser on every page and view: English and Khmer, a laptop and a phone (issue 28).

axe-core comes from npm, pinned in tests/browser/package.json and package-lock.json (``npm ci --prefix
tests/browser``, which .ci/run does); it is injected from that folder into the page and into every frame in it
(the map iframes included), never from a network. A test fails on any violation of serious or critical impact;
moderate ones are listed, each fixed or explained, in docs/accessibility.md. The pages also declare their
language: ``lang="km"`` in Khmer, the map frames and the static site included.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import ROLES, VIEWS, new_page, open_view, shots, sign_in

sync_api = pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError(f"{AXE} is missing: run `npm ci --prefix tests/browser` (CI's .ci/run does)")
    pytest.skip("accessibility tests skipped: axe-core is not installed (npm ci --prefix tests/browser)",
                allow_module_level=True)

BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {iframes: false, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 240))}));
}"""


def axe_violations(pg) -> list[dict]:
    """axe-core's violations in the page and in each frame it holds (each frame checked as its own document)."""
    source = AXE.read_text(encoding="utf-8")
    found = []
    for frame in pg.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):
            continue
        frame.evaluate(source)
        for violation in frame.evaluate(RUN_AXE):
            found.append({**violation, "frame": "page" if frame == pg.main_frame else frame.url.split("?")[0]})
    return found


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def declared_languages(pg) -> dict[str, str]:
    """The ``lang`` of the page's document and of each map frame's document."""
    return {("page" if f == pg.main_frame else f"frame {i}"): f.evaluate("document.documentElement.lang")
            for i, f in enumerate(pg.frames) if not f.is_detached() and (f == pg.main_frame or "folium" in f.url)}


def check(pg, lang: str, name: str) -> None:
    pg.screenshot(path=str(_shot_path(name)), full_page=False)
    langs = declared_languages(pg)
    assert set(langs.values()) == {lang}, langs
    problems = blocking(axe_violations(pg))
    assert problems == [], "\n".join(f"{v['impact']} {v['id']} ({v['frame']}): {v['help']}\n    "
                                     + "\n    ".join(v["nodes"]) for v in problems)


def _shot_path(name: str) -> Path:
    folder = shots()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize(("name", "path", "maps"), VIEWS, ids=[v[0] for v in VIEWS])
def test_internal_views_have_no_serious_violations(demo_server, a11y_browser, name, path, maps, lang, size):
    context, pg = new_page(a11y_browser, size)
    try:
        open_view(pg, demo_server, path, lang, maps)
        check(pg, lang, f"{name}_{lang}_{size}")
        assert context.outside_requests == []
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_public_page_has_no_serious_violations(public_server, a11y_browser, lang, size):
    context, pg = new_page(a11y_browser, size)
    try:
        open_view(pg, public_server, "/", lang, 1)
        check(pg, lang, f"public_{lang}_{size}")
        open_view(pg, public_server, "/about", lang, None)
        check(pg, lang, f"public_about_{lang}_{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_static_site_has_no_serious_violations(static_site, a11y_browser, lang, size):
    context, pg = new_page(a11y_browser, size)
    try:
        pg.goto(static_site + ("/index.html" if lang == "en" else "/km/index.html"))
        pg.wait_for_selector("#map[data-ready=true]", timeout=30_000)
        pg.evaluate("document.fonts.ready")
        check(pg, lang, f"site_{lang}_{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_sign_in_and_each_roles_pages_have_no_serious_violations(roles_server, a11y_browser, lang, size):
    """The sign-in page, then each role's own pages (an admin's Data page included), signed in."""
    pages = {"leadership": [("/", 1)], "analyst": [("/analysis", None)], "admin": [("/data", None)]}
    for user, role in ROLES.items():
        context, pg = new_page(a11y_browser, size)
        try:
            open_view(pg, roles_server, "/", lang, None)
            check(pg, lang, f"signin_{lang}_{size}")
            sign_in(pg, user, lang)
            for path, maps in pages[role]:
                open_view(pg, roles_server, path, lang, maps)
                check(pg, lang, f"{role}{path.replace('/', '_')}_{lang}_{size}")
        finally:
            context.close()
