"""Case-level downloads need the session that asked for them (issue 21 item 8).

The analyst's case-records export used to live at a ``/media/<hash>.csv`` address that returned the whole
case file with no cookie, after sign-out and minutes later. Now it is offered once, for 60 s, to one live
session, from ``/_cpu/download/<token>``. These tests attack the route over HTTP (Starlette's test client
on the handler server.py mounts); tests/test_browser_signin.py clicks the export in chromium.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.access import audit, auth, cookies, download_offers, download_routes, routes, sessions
from dashboard.data import db

PASSWORD = "correct horse battery staple"
CSV = "\ufeffcase_id,province\r\nC-1,Kep\r\n'=HYPERLINK(1),Kep\r\n".encode("utf-8")


@pytest.fixture()
def site():
    """The cookie and download routes as server.py mounts them; yields (client, engine, {user: raw session id})."""
    engine = routes._engine_for(db.resolve_url())
    for name in ("ana", "bob"):
        auth.add_user(engine, name, "analyst", PASSWORD)
    raws = {name: sessions.create(engine, name) for name in ("ana", "bob")}
    # the same handler server.py mounts; build() is not called, as it would mark this test process as serving
    app = Starlette(routes=[Route(download_routes.download_url("{token}"), download_routes.serve)])
    with TestClient(app, base_url="http://testserver") as client:
        yield client, engine, raws
    download_offers._offers.clear()


def _cookie(engine, raw: str) -> dict:
    return {cookies.SESSION_COOKIE: cookies.sign(engine, raw)}


def _offer(raws, user: str = "ana", now: float | None = None) -> str:
    return download_offers.offer(user, raws[user], "case_records_CONFIDENTIAL.csv", CSV,
                                 audit={"page": "analysis", "rows": 2, "detail": {"filters": "province: Kep"}},
                                 now=now)


def _get(client, token: str, jar: dict | None = None):
    client.cookies.clear()
    for name, value in (jar or {}).items():
        client.cookies.set(name, value)
    return client.get(download_routes.download_url(token))


def test_the_owner_downloads_once_as_an_uncached_attachment(site):
    client, engine, raws = site
    token = _offer(raws)
    response = _get(client, token, _cookie(engine, raws["ana"]))
    assert response.status_code == 200 and response.content == CSV
    assert response.headers["cache-control"].startswith("no-store")
    assert response.headers["content-disposition"] == 'attachment; filename="case_records_CONFIDENTIAL.csv"'
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-content-type-options"] == "nosniff"
    again = _get(client, token, _cookie(engine, raws["ana"]))
    assert again.status_code == 403 and CSV not in again.content
    with engine.connect() as conn:
        (entry,) = conn.execute(db.audit_log.select().where(db.audit_log.c.action == audit.DOWNLOAD)).all()
    assert (entry.username, entry.page, entry.rows) == ("ana", "analysis", 2)
    assert "case_records_CONFIDENTIAL.csv" in entry.detail and "province: Kep" in entry.detail


def test_no_cookie_a_bad_cookie_or_another_users_cookie_gets_nothing(site):
    client, engine, raws = site
    token = _offer(raws)
    for jar in (None, {cookies.SESSION_COOKIE: "forged"}, {cookies.SESSION_COOKIE: raws["ana"]},  # unsigned
                _cookie(engine, raws["bob"])):
        response = _get(client, token, jar)
        assert response.status_code == 403 and CSV not in response.content
        assert response.headers["cache-control"].startswith("no-store")
    assert _get(client, token, _cookie(engine, raws["ana"])).status_code == 200  # the owner's offer survived


def test_after_sign_out_the_link_is_dead(site):
    client, engine, raws = site
    token = _offer(raws)
    sessions.revoke(engine, raws["ana"])
    assert _get(client, token, _cookie(engine, raws["ana"])).status_code == 403


def test_another_session_of_the_same_user_gets_nothing(site):
    client, engine, raws = site
    token = _offer(raws)
    other = sessions.create(engine, "ana")
    assert _get(client, token, _cookie(engine, other)).status_code == 403


def test_an_expired_offer_is_refused(site, monkeypatch):
    client, engine, raws = site
    token = _offer(raws, now=1_000.0)
    monkeypatch.setattr(download_offers.time, "monotonic", lambda: 1_000.0 + download_offers.OFFER_TTL_SECONDS + 1)
    assert _get(client, token, _cookie(engine, raws["ana"])).status_code == 403
    assert download_offers.pending() == 0


def test_a_new_export_replaces_the_sessions_earlier_offer_and_offers_are_capped(site):
    client, engine, raws = site
    first, second = _offer(raws), _offer(raws)
    assert _get(client, first, _cookie(engine, raws["ana"])).status_code == 403
    assert _get(client, second, _cookie(engine, raws["ana"])).status_code == 200
    for i in range(download_offers.MAX_OFFERS + 5):
        download_offers.offer("ana", f"raw-{i}", "x.csv", b"x")
    assert download_offers.pending() == download_offers.MAX_OFFERS


def test_an_unknown_or_absurd_token_is_refused(site):
    client, engine, raws = site
    for token in ("nope", "x" * 500):
        assert _get(client, token, _cookie(engine, raws["ana"])).status_code == 403


def test_without_server_py_the_analysis_page_says_so_and_offers_no_media_download(app_db):
    """`streamlit run app.py` has no routes: the export says it needs server.py instead of using /media."""
    from tests.apphelpers import app, no_errors, signed_in

    engine = db.open_engine(app_db)
    auth.add_user(engine, "ann", "analyst", PASSWORD)
    at = app("pages/analysis.py", session=signed_in(engine, "ann"))
    no_errors(at)
    assert not [b for b in at.get("download_button") if "case records" in b.label.lower()]
    assert any("server.py" in info.value for info in at.info)


def test_over_https_the_host_prefixed_cookie_is_the_session(site):
    """Behind TLS the session cookie is ``__Host-cpu_session`` (issue 29: every HTTPS download was refused)."""
    client, engine, raws = site
    token = _offer(raws)
    response = _get(client, token, {cookies.HOST_PREFIX + cookies.SESSION_COOKIE: cookies.sign(engine, raws["ana"])})
    assert response.status_code == 200 and response.content == CSV
