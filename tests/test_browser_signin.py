"""Signed-in use in a real browser (issue 9): the session cookie, deep links, bad cookies, audited downloads.

Playwright drives Debian's chromium against ``streamlit run server.py`` with
built-in users (so sign-in is required). Skipped, saying why, without
chromium, like tests/test_browser.py, whose helpers these tests share.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlparse

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, cookies, sessions  # noqa: E402
from dashboard.data import db  # noqa: E402
from tests.loopback import open_loopback
from tests.test_browser import READY, _keep_offline, _province_chip, _shot, browser, serving, sync_api  # noqa: F401

PASSWORD = "correct horse battery staple"
USERS = {"ana": "analyst", "lee": "leadership", "root-admin": "admin"}
DIALOG = '[role="dialog"]'
expect = sync_api.expect


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server whose own database holds the demo data and three users; yields (base URL, engine)."""
    tmp = tmp_path_factory.mktemp("signin")
    (tmp / "var").mkdir()
    engine = db.open_engine(f"sqlite:///{tmp / 'var' / 'cases.sqlite3'}")
    for name, role in USERS.items():
        auth.add_user(engine, name, role, PASSWORD)
    with serving(tmp, {"DASHBOARD_DB_URL": ""}) as base:
        yield base, engine
    engine.dispose()


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    _keep_offline(context)
    return context


def _signed_in_page(browser, base: str, path: str, name: str):
    """A new browser context that opened ``path`` signed out, then signed in as ``name`` there."""
    context = _context(browser)
    pg = context.new_page()
    _open(pg, base + path)
    _sign_in(pg, name)
    _signed_in_as(pg, name)
    return context, pg


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=90_000)


def _title(pg) -> str:
    pg.wait_for_selector(READY, timeout=90_000)
    return pg.locator("h1").first.inner_text(timeout=60_000)


def _sign_in(pg, name: str, password: str = PASSWORD) -> None:
    pg.get_by_role("textbox", name="User name").fill(name)
    pg.get_by_role("textbox", name="Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()


def _signed_in_as(pg, name: str) -> None:
    expect(pg.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=60_000)


def _session_cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == cookies.SESSION_COOKIE]
    return cookie


def _no_errors(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert pg.locator(DIALOG).count() == 0


def test_a_deep_link_survives_sign_in(site, browser):
    """First in this module: the fresh server's very first request is the deep link (Streamlit's pages/ fallback)."""
    base, _ = site
    context = _context(browser)
    pg = context.new_page()
    link = "/cases?province=Siem+Reap&from=2015-01-01&measure=rate+per+100%2C000"
    _open(pg, base + link)
    assert _title(pg) == "Sign in"
    pg.wait_for_timeout(1500)  # Streamlit's "Page not found" dialog, if any, would be up by now
    _no_errors(pg)
    expect(pg.get_by_text("The link you opened is for the Cases page")).to_be_visible()
    _sign_in(pg, "lee")
    _signed_in_as(pg, "lee")
    assert _title(pg) == "Cases"
    assert urlparse(pg.url).path == "/cases"
    expect(_province_chip(pg, "Siem Reap")).to_have_count(1, timeout=30_000)
    assert pg.locator('[data-testid="stSidebar"] input').first.input_value() == "2015-01-01"
    expect(pg.get_by_text("Data as of").first).to_contain_text("Siem Reap")
    assert "measure=rate" in pg.url
    expect(pg.get_by_text("Rates per 100,000 use the")).to_be_visible(timeout=30_000)  # the link's map setting
    _no_errors(pg)
    context.close()


def test_a_khmer_deep_link_with_settings_survives_sign_in(site, browser):
    """A link in Khmer whose settings are rewritten into Khmer labels: the sign-in page must keep the page asked for
    (the rewrite reruns the script, which once dropped the signed-out page and landed on the Overview). Twice: a
    server's first session and a later one take different paths through Streamlit's page lookup."""
    base, _ = site
    for _attempt in range(2):
        context = _context(browser)
        pg = context.new_page()
        _open(pg, base + "/cases?province=Siem+Reap&from=2015-01-01&lang=km")
        expect(pg.locator('[data-testid="stAlert"]').first).to_contain_text("ករណី")  # "the link is for Cases"
        pg.wait_for_timeout(3000)  # the settings' rewrite into Khmer and its rerun have happened
        pg.wait_for_selector(READY, timeout=90_000)
        _no_errors(pg)
        assert urlparse(pg.url).path == "/cases", pg.url
        expect(pg.locator('[data-testid="stAlert"]').first).to_contain_text("ករណី")
        pg.get_by_role("textbox").nth(0).fill("lee")
        pg.locator("input[type=password]").fill(PASSWORD)
        pg.locator("input[type=password]").press("Enter")  # submits the form
        expect(pg.locator("h1").first).to_have_text("ករណី", timeout=60_000)  # Cases, in Khmer, signed in
        assert urlparse(pg.url).path == "/cases", pg.url
        expect(_province_chip(pg, "សៀមរាប")).to_have_count(1, timeout=30_000)  # Siem Reap, in Khmer
        assert pg.locator('[data-testid="stSidebar"] input').first.input_value() == "2015-01-01"
        _no_errors(pg)
        context.close()


def test_signed_out_a_misspelt_address_opens_the_sign_in_form_with_a_notice(site, browser):
    """Streamlit's English "Page not found" dialog was the answer before, over the sign-in form."""
    base, _ = site
    context = _context(browser)
    pg = context.new_page()
    _open(pg, base + "/arests?province=Kampot")
    assert _title(pg) == "Sign in"
    expect(pg.get_by_text("There is no page at “/arests”, so you are on Sign in.")).to_be_visible(timeout=30_000)
    assert urlparse(pg.url).path == "/" and "province=Kampot" in pg.url  # the link's filters wait for the sign-in
    pg.wait_for_timeout(1500)  # Streamlit's dialog, if any, would be up by now
    _no_errors(pg)
    context.close()


def test_a_sign_in_lasts_across_reloads_tabs_and_restarts_until_sign_out(site, browser):
    base, engine = site
    context, pg = _signed_in_page(browser, base, "/", "ana")
    cookie = _session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0  # persistent
    assert "ana" not in cookie["value"] and sessions.check(engine, cookies.unsign(engine, cookie["value"]))
    _open(pg, base + "/arrests")
    pg.reload()
    assert _title(pg) == "Arrests"  # reload: still signed in, same page
    _signed_in_as(pg, "ana")
    tab = context.new_page()
    _open(tab, base + "/analysis")
    assert _title(tab) == "Analysis"  # a new tab: signed in
    restarted = browser.new_context(storage_state=context.storage_state())  # a browser restart keeps its cookies
    after_restart = restarted.new_page()
    _open(after_restart, base + "/coverage")
    assert _title(after_restart) == "Coverage"
    restarted.close()
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.locator("h1").first).to_have_text("Sign in", timeout=60_000)
    assert not [c for c in context.cookies() if c["name"] == cookies.SESSION_COOKIE]
    pg.reload()
    assert _title(pg) == "Sign in"  # the other tab too: the session ended everywhere
    assert sessions.check(engine, cookies.unsign(engine, cookie["value"])) is None
    _no_errors(pg)
    assert context.outside_requests == []
    context.close()


def test_a_link_to_a_page_the_role_may_not_see_lands_on_the_first_page(site, browser):
    base, _ = site
    context, pg = _signed_in_page(browser, base, "/analysis?province=Kandal", "lee")  # leadership: no Analysis
    expect(pg.get_by_text("your role does not include")).to_be_visible(timeout=60_000)
    assert _title(pg) == "Overview"
    expect(_province_chip(pg, "Kandal")).to_have_count(1, timeout=30_000)  # the link's filter came along
    expect(pg).to_have_url(base + "/?province=Kandal", timeout=30_000)  # ... and stays in the address
    pg.frame_locator('[data-testid="stCustomComponentV1"]').first.locator("path.leaflet-interactive").first.wait_for(
        timeout=60_000)  # the map drew and reported its first value (a rerun): the notice is still there
    pg.wait_for_selector(READY, timeout=90_000)
    expect(pg.get_by_text("That link is to Analysis, a page your role does not include, so you are on Overview "
                          "instead.")).to_be_visible(timeout=30_000)
    main = pg.locator('[data-testid="stMain"]').inner_text()
    assert "Case records" not in main and "victim" not in main.lower()
    _no_errors(pg)
    context.close()


def _forged(engine, kind: str) -> str:
    if kind == "garbage":
        return "not-a-cookie"
    if kind == "tampered":
        real = cookies.sign(engine, sessions.create(engine, "ana"))
        return real[:-3] + ("abc" if not real.endswith("abc") else "xyz")
    if kind == "unknown":
        return cookies.sign(engine, "a-session-id-that-was-never-issued")
    raw = sessions.create(engine, "ana")
    if kind == "expired":
        with engine.begin() as conn:
            conn.execute(db.sessions.update().where(db.sessions.c.id_hash == sessions.digest(raw))
                         .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    return cookies.sign(engine, raw)


@pytest.mark.parametrize("kind", ["garbage", "tampered", "unknown", "expired"])
def test_a_bad_cookie_means_signed_out_without_an_error(site, browser, kind):
    base, engine = site
    context = _context(browser)
    context.add_cookies([{"name": cookies.SESSION_COOKIE, "value": _forged(engine, kind), "url": base}])
    pg = context.new_page()
    _open(pg, base + "/overview")
    assert _title(pg) == "Sign in"
    _no_errors(pg)
    assert pg.locator('[data-testid="stAlertContentError"]').count() == 0
    context.close()


@pytest.mark.parametrize("change", ["disabled", "removed"])
def test_a_disabled_or_removed_users_cookie_means_signed_out(site, browser, change):
    base, engine = site
    name = f"temp-{change}"
    auth.add_user(engine, name, "analyst", PASSWORD)
    context = _context(browser)
    context.add_cookies([{"name": cookies.SESSION_COOKIE, "value": cookies.sign(engine, sessions.create(engine, name)),
                          "url": base}])
    pg = context.new_page()
    _open(pg, base + "/overview")
    _signed_in_as(pg, name)
    auth.set_disabled(engine, name, True) if change == "disabled" else auth.remove_user(engine, name)
    pg.reload()
    assert _title(pg) == "Sign in"
    _no_errors(pg)
    context.close()


def test_a_download_is_audited(site, browser):
    """Case records come from the session-checked route (issue 21 item 8): once, to this session only."""
    base, engine = site
    context, pg = _signed_in_page(browser, base, "/analysis?province=Siem+Reap", "ana")
    assert _title(pg) == "Analysis"
    pg.get_by_role("button", name="Export case records (CSV)").click()
    link = pg.get_by_role("link", name="Download case_records_CONFIDENTIAL.csv")
    expect(link).to_be_visible(timeout=60_000)
    href = link.get_attribute("href")
    assert "/_cpu/download/" in href and "/media/" not in href
    downloads = []
    context.on("page", lambda tab: tab.on("download", lambda d: downloads.append(d)))  # the link opens a tab
    pg.on("download", lambda d: downloads.append(d))
    link.click()
    for _second in range(60):
        if downloads:
            break
        pg.wait_for_timeout(1_000)
    assert downloads, "the click downloaded nothing"
    download = downloads[0]
    assert download.suggested_filename == "case_records_CONFIDENTIAL.csv"
    with engine.connect() as conn:
        entry = conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == audit.DOWNLOAD)
                             .order_by(db.audit_log.c.id.desc())).first()
    assert (entry.username, entry.page) == ("ana", "analysis")
    rows = len(download.path().read_text(encoding="utf-8-sig").splitlines()) - 1
    assert entry.rows == rows > 0 and "Siem Reap" in entry.detail and "case_records_CONFIDENTIAL.csv" in entry.detail
    url = urllib.parse.urljoin(base + "/", href)
    cookie = f"{cookies.SESSION_COOKIE}={_session_cookie(context)['value']}"
    for headers in ({}, {"Cookie": cookie}):  # no cookie; the owner's cookie a second time
        with pytest.raises(urllib.error.HTTPError) as refused:
            open_loopback(urllib.request.Request(url, headers=headers), timeout=30)
        assert refused.value.code == 403
    context.close()


def test_admin_data_page_screenshot(site, browser):
    base, _ = site
    context, pg = _signed_in_page(browser, base, "/data", "root-admin")
    assert _title(pg) == "Data"
    _no_errors(pg)
    _shot(pg, "data")
    assert context.outside_requests == []
    context.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        return urllib.request.build_opener(_NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as err:  # the 303 itself
        return err


def _set_cookies(response) -> dict[str, str]:
    """name -> the whole Set-Cookie line, for every cookie the response sets."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_all("Set-Cookie") or []}


def _nonce(base: str, headers: dict | None = None) -> tuple[str, str]:
    """A page load, as a new browser makes it: the (name, value) of the nonce cookie it is given."""
    (line,) = [v for k, v in _set_cookies(_get(base + "/", headers)).items() if k.endswith(cookies.NONCE_COOKIE)]
    name, value = line.split(";")[0].split("=", 1)
    return name, value


@pytest.mark.parametrize(("path", "location"), [
    ("/_cpu/session?token=made-up&next=/cases", "/cases"),
    ("/_cpu/session?token=made-up&next=" + quote("https://evil.example/"), "/"),
    ("/_cpu/session?next=" + quote("//evil.example/x"), "/"),
    ("/_cpu/oidc?link=x&login=" + quote("https://evil.example/auth/login?provider=x"), "/"),
])
def test_the_cookie_routes_refuse_bad_input(site, path, location):
    base, _ = site
    response = _get(base + path)
    assert response.status == 303 and response.headers["Location"] == location
    assert cookies.SESSION_COOKIE not in (response.headers.get("Set-Cookie") or "")


def test_a_sign_in_token_is_swapped_once_for_a_cookie(site):
    from dashboard.access import tokens

    base, engine = site
    name, nonce = _nonce(base)
    assert name == cookies.NONCE_COOKIE
    token = tokens.issue(engine, tokens.SIGN_IN, tokens.SIGN_IN_TTL, username="ana",
                         client=cookies.browser_key(engine, "127.0.0.1", nonce))
    first = _get(f"{base}/_cpu/session?token={token}&next=/arrests", {"Cookie": f"{name}={nonce}"})
    assert first.status == 303 and first.headers["Location"] == "/arrests"
    set_cookie = _set_cookies(first)[cookies.SESSION_COOKIE]
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower() and "Max-Age=604800" in set_cookie
    device = _set_cookies(first)[cookies.DEVICE_COOKIE].split(";")[0].split("=", 1)[1]
    assert cookies.device_id(engine, device, "ana") and cookies.device_id(engine, device, "lee") is None
    again = _get(f"{base}/_cpu/session?token={token}&next=/arrests", {"Cookie": f"{name}={nonce}"})
    assert "Set-Cookie" not in again.headers


def test_over_https_the_cookies_are_host_locked(site):
    """Behind the TLS proxy (X-Forwarded-Proto from loopback): __Host- names, Secure, Path=/ (issue 21 item 16)."""
    from dashboard.access import tokens

    base, engine = site
    https = {"X-Forwarded-Proto": "https"}
    name, nonce = _nonce(base, https)
    assert name == cookies.HOST_PREFIX + cookies.NONCE_COOKIE
    token = tokens.issue(engine, tokens.SIGN_IN, tokens.SIGN_IN_TTL, username="ana",
                         client=cookies.browser_key(engine, "127.0.0.1", nonce))
    response = _get(f"{base}/_cpu/session?token={token}&next=/", {**https, "Cookie": f"{name}={nonce}"})
    set_cookie = _set_cookies(response)[cookies.HOST_PREFIX + cookies.SESSION_COOKIE]
    assert "Secure" in set_cookie and "Path=/;" in set_cookie + ";" and "Domain" not in set_cookie


def test_metrics_are_not_served_to_anyone(site):
    base, _ = site
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics", "/_stcore/metrics?families=x"):
        response = _get(base + path)
        assert response.status == 404, path
        assert b"cache" not in response.read()
    assert _get(base + "/_stcore/health").status == 200


def _attacker_page(pg, html: str) -> None:
    """A page on another site (served by the test through Playwright's router, no network)."""
    pg.route("http://attacker.test/**", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    pg.goto("http://attacker.test/page")


@pytest.mark.parametrize("how", ["link", "form post"])
def test_another_site_cannot_sign_staff_out(site, browser, how):
    base, engine = site
    context, pg = _signed_in_page(browser, base, "/", "ana")
    html = (f'<script>location = "{base}/_cpu/signout"</script>' if how == "link" else
            f'<form method="post" action="{base}/_cpu/signout"></form><script>document.forms[0].submit()</script>')
    attacker = context.new_page()
    _attacker_page(attacker, html)
    attacker.wait_for_url(f"{base}/**", timeout=30_000)
    attacker.wait_for_load_state()
    _open(pg, base + "/arrests")
    _signed_in_as(pg, "ana")
    assert sessions.check(engine, cookies.unsign(engine, _session_cookie(context)["value"]))
    context.close()


def test_a_sign_in_token_sent_to_another_browser_signs_nobody_in(site, browser):
    """The office NAT: the attacker signs in, keeps the redirect to himself, and sends the victim there."""
    base, _ = site
    attacker = _context(browser)
    pg = attacker.new_page()
    captured = []
    pg.route("**/_cpu/session?**", lambda route: captured.append(route.request.url) or route.abort())
    _open(pg, base + "/")
    _sign_in(pg, "lee")
    for _ in range(60):
        if captured:
            break
        pg.wait_for_timeout(500)
    assert captured
    # the redirect was kept from the attacker's own browser, so it holds no session (the page itself may show
    # chromium's error page for the aborted navigation, or still the form: which one depends on timing)
    assert not [c for c in attacker.cookies() if c["name"].endswith(cookies.SESSION_COOKIE)]
    attacker.close()
    victim = _context(browser)
    vp = victim.new_page()
    _open(vp, base + "/")  # the victim has used the site before: a page load gave it its own nonce
    vp.goto(captured[0])
    assert _title(vp) == "Sign in"
    assert not [c for c in victim.cookies() if c["name"].endswith(cookies.SESSION_COOKIE)]
    _no_errors(vp)
    victim.close()


def test_a_sign_in_token_is_refused_when_another_site_sent_the_browser(site):
    from dashboard.access import tokens

    base, engine = site
    name, nonce = _nonce(base)
    token = tokens.issue(engine, tokens.SIGN_IN, tokens.SIGN_IN_TTL, username="ana",
                         client=cookies.browser_key(engine, "127.0.0.1", nonce))
    response = _get(f"{base}/_cpu/session?token={token}&next=/",
                    {"Cookie": f"{name}={nonce}", "Sec-Fetch-Site": "cross-site"})
    assert cookies.SESSION_COOKIE not in _set_cookies(response)


def test_the_oidc_route_keeps_the_link_token_in_a_short_lived_cookie(site):
    base, engine = site
    response = _get(f"{base}/_cpu/oidc?link=some-link-token&login=" + quote("/auth/login?provider=abc"))
    assert response.status == 303 and response.headers["Location"] == "/auth/login?provider=abc"
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(cookies.LINK_COOKIE + "=") and "HttpOnly" in set_cookie and "Max-Age=900" in set_cookie
    value = set_cookie.split(";")[0].split("=", 1)[1]
    assert cookies.unsign(engine, value, "link") == "some-link-token"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("demo-signin"), {"DASHBOARD_DB_URL": ""}) as base:
        yield base


def test_demo_mode_never_reaches_the_data_page_even_by_link(demo_site, browser):
    context = _context(browser)
    pg = context.new_page()
    _open(pg, demo_site + "/data?province=Kampot")
    expect(pg.get_by_text("your role does not include")).to_be_visible(timeout=60_000)
    assert _title(pg) == "Overview"
    expect(pg).to_have_url(demo_site + "/?province=Kampot", timeout=30_000)
    assert pg.get_by_text("Upload records").count() == 0 and pg.locator('[data-testid="stFileUploader"]').count() == 0
    _no_errors(pg)
    context.close()
