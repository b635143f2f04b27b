"""The docs screenshots (docs/screenshots/, README): the app on the synthetic demo data, in English and Khmer.

``python -m dashboard screenshots`` runs :func:`take`; the browser tests take some of the same pictures into a
temporary folder while they check the pages.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dashboard.devtools import browser as web

LANGUAGES = ("en", "km")
VIEWPORT = {"width": 1400, "height": 1000}
#: ``--phone``: a phone's screen (touch), and the whole page in one picture (docs/screenshots/phone/).
PHONE_VIEWPORT = {"width": 390, "height": 844}
COMPARE_QUERY = ("view=compare+two+periods&period_a=2014-05-01&period_a=2014-12-31"
                 "&period_b=2015-01-01&period_b=2015-04-29")


@dataclass(frozen=True)
class View:
    """One screenshot: a page address, how many maps to wait for (None: no map), what to scroll to the top."""

    name: str
    path: str
    maps: int | None = None
    scroll_to: str = ""  # a CSS selector; the first match is scrolled to the top of the window
    heading: str = ""  # or an h3 heading's English text, found in the page's language
    languages: tuple[str, ...] = LANGUAGES
    public: bool = False  # served in public (donor) mode from a public export, not the internal demo
    releases: bool = False  # public mode on two signed releases of the demo (dashboard.devtools.demo_releases)
    static: bool = False  # those releases' static site, served from its folder ("path" is the English page)
    km_path: str = ""  # a static view's Khmer page
    user: str = ""  # signed in as this user of ACCOUNTS on the demo data (a deployment with sign-in)
    signed_out: bool = False  # that deployment's sign-in form


VIEWS = (
    View("overview", "/", maps=1), View("coverage", "/coverage", maps=1), View("cases", "/cases", maps=1),
    View("arrests", "/arrests"), View("analysis", "/analysis"), View("about", "/about"), View("quality", "/quality"),
    View("cases_compare", "/cases?" + COMPARE_QUERY, maps=2, scroll_to='[data-testid="stDateInput"]'),
    View("cases_per_year", "/cases?view=one+map+per+year", maps=3,
         scroll_to='[data-testid="stMain"] [data-testid="stButtonGroup"]'),
    View("cases_since_arrival", "/cases", maps=1, heading="Since the unit arrived"),
    View("arrests_time_to_arrest", "/arrests?km_province=Phnom+Penh", heading="Time to arrest"),
    View("arrests_funnel", "/arrests", maps=1, heading="After the arrest: charge, trial and verdict"),
    View("cases_scoped", "/cases", maps=1, user="siem-reap-analyst"),
    View("data", "/data", user="admin"),
    View("sign_in", "/", signed_out=True),
    View("public", "/", maps=1, public=True),
    View("releases", "/releases", public=True, releases=True),
    View("site_releases", "/releases/index.html", releases=True, static=True, km_path="/releases/km/index.html"),
    View("site_revised", "/index.html", releases=True, static=True, km_path="/km/index.html",
         scroll_to="figure"),
)


#: The users of the signed-in screenshots (name: role, provinces): a province-scoped analyst of Siem Reap and
#: Oddar Meanchey (issue 25) and an admin; their password is for screenshots only, not secret.
ACCOUNTS = {"siem-reap-analyst": ("analyst", ("17", "22")), "admin": ("admin", ())}
PASSWORD = "screenshots only, not secret"


def _accounts_app(folder: Path) -> None:
    """The demo data with the users of ACCOUNTS, in ``folder``'s var/ (as the app's own database)."""
    from dashboard.access import auth
    from dashboard.data import db
    from dashboard.data.seed import seed_demo_if_empty

    (folder / "var").mkdir(parents=True)
    url = f"sqlite:///{folder / 'var' / 'cases.sqlite3'}"
    engine = db.open_engine(url)
    seed_demo_if_empty(engine, url)
    for name, (role, provinces) in ACCOUNTS.items():
        auth.add_user(engine, name, role, PASSWORD, provinces=provinces or None)
    engine.dispose()


def _sign_in(pg, base: str, user: str) -> None:
    pg.goto(base + "/")
    pg.wait_for_selector(web.READY, timeout=90_000)
    pg.get_by_role("textbox", name="User name").fill(user)
    pg.get_by_role("textbox", name="Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text(f"Signed in as {user}").wait_for(timeout=60_000)


def _heading_selector(english: str, language: str) -> str:
    """An h3 whose text is ``english`` as the page writes it in ``language``."""
    from dashboard.i18n import _, use_language

    with use_language(language):
        return f'h3:has-text("{_(english)}")'


def _address(base: str, view: View, language: str) -> str:
    if view.static:
        return base + (view.path if language == "en" else view.km_path)
    if language == "en":
        return base + view.path
    return base + view.path + ("&" if "?" in view.path else "?") + f"lang={language}"


def _take_views(browser, base: str, views: Iterable[View], languages: Sequence[str], out: Path,
                phone: bool = False) -> list[Path]:
    written = []
    for view in views:
        for language in (lang for lang in languages if lang in view.languages):
            context = browser.new_context(viewport=PHONE_VIEWPORT if phone else VIEWPORT, has_touch=phone,
                                          is_mobile=phone)
            web.keep_offline(context)
            pg = context.new_page()
            if view.user:
                _sign_in(pg, base, view.user)
            pg.goto(_address(base, view, language))
            if view.static:
                pg.evaluate("document.fonts.ready")
                pg.wait_for_timeout(500)
            else:
                web.wait_drawn(pg, view.maps)
            target = view.scroll_to or (_heading_selector(view.heading, language) if view.heading else "")
            if target and not phone:
                pg.locator(target).first.evaluate("e => e.scrollIntoView({block: 'start'})")
                pg.wait_for_timeout(300)
            if pg.locator('[data-testid="stException"]').count():
                raise RuntimeError(f"{view.name} ({language}) shows an error; no screenshot taken")
            folder = out if language == "en" else out / language
            if phone:
                folder.mkdir(parents=True, exist_ok=True)
                # Streamlit scrolls inside its main block, not the page: a window as tall as that block shows it whole
                tall = pg.evaluate("(document.querySelector('[data-testid=\"stMain\"]') || document.documentElement)"
                                   ".scrollHeight")
                pg.set_viewport_size({"width": PHONE_VIEWPORT["width"], "height": min(max(tall, 844), 8000)})
                pg.wait_for_timeout(1500)
                pg.screenshot(path=str(folder / f"{view.name}.png"), full_page=False)
                written.append(folder / f"{view.name}.png")
            else:
                written.append(web.shot(pg, folder, view.name))
            context.close()
    return written


@contextmanager
def _folder_server(folder: Path) -> Iterator[str]:
    """A static folder served on a free loopback port for the ``with`` block (as any web server would)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def take(out: Path, languages: Sequence[str] = LANGUAGES, names: Sequence[str] = (), phone: bool = False) -> list[Path]:
    """Start the app on fresh demo data (and a public export of it), take each view's screenshot in each
    language into ``out`` (Khmer ones into ``out/km``), and return the files written. With ``phone``, at 390×844
    on a touch screen, each the whole page."""
    from playwright.sync_api import sync_playwright

    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.release import write_export

    unknown = set(names) - {v.name for v in VIEWS}
    if unknown:
        raise ValueError(f"unknown screenshot(s): {', '.join(sorted(unknown))}")
    chosen = [v for v in VIEWS if (not names or v.name in names) and not (phone and v.heading)]  # phone: pages whole
    if not web.CHROMIUM:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="dashboard-screenshots-") as tmp_name, sync_playwright() as p:
        tmp = Path(tmp_name)
        browser = p.chromium.launch(executable_path=web.CHROMIUM, args=web.CHROMIUM_ARGS)
        accounts = [v for v in chosen if v.user or v.signed_out]
        if accounts:
            _accounts_app(tmp / "accounts")
            with web.serving(tmp / "accounts", {"DASHBOARD_DB_URL": ""}) as base:
                written += _take_views(browser, base, accounts, languages, out, phone)
        internal = [v for v in chosen if not (v.public or v.releases or v.user or v.signed_out)]
        if internal:
            with web.serving(tmp / "app", {}) as base:
                written += _take_views(browser, base, internal, languages, out, phone)
        public = [v for v in chosen if v.public and not v.releases]
        with_releases = [v for v in chosen if v.releases]
        if with_releases:
            from dashboard.devtools import demo_releases

            site = demo_releases.build(tmp / "releases")
            env = {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(site / "data"),
                   "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
            app = [v for v in with_releases if not v.static]
            if app:
                with web.serving(tmp / "rel", env) as base:
                    written += _take_views(browser, base, app, languages, out, phone)
            static = [v for v in with_releases if v.static]
            if static:
                with _folder_server(site) as base:
                    written += _take_views(browser, base, static, languages, out, phone)
        if public:
            write_demo(tmp / "demo")
            write_export(load_from_dir(tmp / "demo"), tmp / "public")
            env = {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(tmp / "public"),
                   "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
            with web.serving(tmp / "pub", env) as base:
                written += _take_views(browser, base, public, languages, out, phone)
        browser.close()
    return written
