"""Servers and browsers the tests in tests/browser share: the demo app, a public-mode app, the static site,
a signed-in app with one user per role, and helpers to open a page at a size and language.

Skipped like tests/test_browser.py when chromium is missing, unless DASHBOARD_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chromium import launched
from tests.test_browser import serving, static_site  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")

from dashboard.devtools import browser as web  # noqa: E402
from dashboard.devtools.screenshots import COMPARE_QUERY  # noqa: E402

#: The two sizes every page is checked at: a laptop and a phone (390×844, touch).
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}
PASSWORD = "correct horse battery staple"
ROLES = {"lee": "leadership", "ana": "analyst", "root-admin": "admin"}

#: Every internal page and view: (name, address, maps drawn). Each is opened in English and Khmer at both sizes.
VIEWS = [
    ("overview", "/", 1), ("coverage", "/coverage", 1), ("cases", "/cases", 1),
    ("cases_per_year", "/cases?view=one+map+per+year", 3), ("cases_play", "/cases?view=play+by+quarter", 1),
    ("cases_compare", "/cases?" + COMPARE_QUERY, 2), ("arrests", "/arrests", None),
    ("arrests_compare", "/arrests?" + COMPARE_QUERY, 2), ("analysis", "/analysis", None), ("about", "/about", None),
]


@pytest.fixture(scope="module")
def a11y_browser():
    """Module-scoped, like every browser fixture (see tests/chromium.py)."""
    with launched() as b:
        yield b


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The app on the synthetic demo (demo mode: every read page, no sign-in)."""
    with serving(tmp_path_factory.mktemp("a11y-demo"), {}) as base:
        yield base


@pytest.fixture(scope="session")
def public_server(tmp_path_factory):
    """The app in public (donor) mode, serving a public export of the demo."""
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.release import write_export

    tmp = tmp_path_factory.mktemp("a11y-public")
    write_demo(tmp / "demo")
    write_export(load_from_dir(tmp / "demo"), tmp / "public")
    with serving(tmp, {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(tmp / "public"),
                       "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}) as base:
        yield base


@pytest.fixture(scope="session")
def roles_server(tmp_path_factory):
    """The app with its own database: the demo data and one user per role, so sign-in is required."""
    from dashboard.access import auth
    from dashboard.data import db

    tmp = tmp_path_factory.mktemp("a11y-roles")
    (tmp / "var").mkdir()
    engine = db.open_engine(f"sqlite:///{tmp / 'var' / 'cases.sqlite3'}")
    for name, role in ROLES.items():
        auth.add_user(engine, name, role, PASSWORD)
    engine.dispose()
    with serving(tmp, {"DASHBOARD_DB_URL": ""}) as base:
        yield base


def new_page(browser, size: str):
    """A fresh offline context at ``size``; the phone one is a touch device, as a phone is."""
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone,
                                  device_scale_factor=1)
    web.keep_offline(context)
    return context, context.new_page()


def address(base: str, path: str, lang: str) -> str:
    if lang == "en":
        return base + path
    return base + path + ("&" if "?" in path else "?") + f"lang={lang}"


def open_view(pg, base: str, path: str, lang: str, maps: int | None) -> None:
    pg.goto(address(base, path, lang))
    web.wait_drawn(pg, maps)
    assert pg.locator('[data-testid="stException"]').count() == 0


def sign_in(pg, name: str, lang: str = "en") -> None:
    """Sign in with the form, whose labels are in ``lang``."""
    from dashboard.i18n import _, use_language

    with use_language(lang):
        user, password, button, _signed_in = _("User name"), _("Password"), _("Sign in"), _("Signed in as")
    pg.get_by_role("textbox", name=user).fill(name)
    pg.get_by_role("textbox", name=password).fill(PASSWORD)
    pg.get_by_role("button", name=button).click()
    pg.wait_for_selector(f'[data-testid="stSidebar"] :text("{name}")', timeout=60_000)
    pg.wait_for_selector(web.READY, timeout=90_000)


def shots() -> Path:
    from tests.shotdir import screenshot_dir

    return screenshot_dir("a11y")
