"""Sessions, sign-out and the audit trail through the app (AppTest; the cookie itself is in test_browser_signin)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, sessions
from dashboard.data import db
from dashboard.ui.signin import SESSION_KEY
from tests.apphelpers import app, engine_with_users, keyed, no_errors, shown, signed_in

PASSWORD = "correct horse battery staple"
CASES = (b"case_id,date_reported,province,offence,arrest_made\n"
         b"G1,2014-01-02,Kep,rape,yes\nG2,2014-03-05,Kampot,murder,no\n")


@pytest.fixture()
def engine(app_db):
    return engine_with_users(app_db, {"ann": "analyst", "root-admin": "admin"}, PASSWORD)


def _signed_out(at) -> bool:
    no_errors(at)
    return [t.value for t in at.title] == ["Sign in"] and not at.metric


def _entries(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == action)
                            .order_by(db.audit_log.c.id)).all()


@pytest.mark.parametrize("change", ["role", "password", "disabled", "removed", "revoked"])
def test_a_live_session_ends_when_the_user_changes(engine, change):
    at = app(session=signed_in(engine, "ann"))
    no_errors(at)
    assert at.metric  # signed in: the overview
    if change == "role":  # behind the app's back: no revocation, only the per-run re-check can notice
        with engine.begin() as conn:
            conn.execute(db.users.update().where(db.users.c.username == "ann").values(role="admin"))
    elif change == "password":
        with engine.begin() as conn:
            conn.execute(db.users.update().where(db.users.c.username == "ann")
                         .values(password_hash=auth._hasher.hash("another passphrase")))
    elif change == "disabled":
        auth.set_disabled(engine, "ann", True)
    elif change == "removed":
        auth.remove_user(engine, "ann")
    else:
        sessions.revoke(engine, at.session_state[SESSION_KEY])
    at.run()
    assert _signed_out(at)
    assert not at.error  # nothing says why, or whether the user exists
    with pytest.raises(ValueError):
        at.switch_page("pages/analysis.py")


def test_sign_out_revokes_the_session_and_is_audited(engine):
    at = app(session=signed_in(engine, "ann"))
    raw = at.session_state[SESSION_KEY]
    at.button(key="sign_out").click().run()
    assert _signed_out(at)
    assert sessions.check(engine, raw) is None
    assert [e.username for e in _entries(engine, audit.SIGN_OUT)] == ["ann"]


def test_a_failed_sign_in_in_the_app_is_audited(engine):
    at = app()
    at.text_input(key="login_user").input("ann")
    at.text_input(key="login_password").input("not the password")
    at.button[0].click().run()
    assert any(auth.GENERIC_FAILURE in e.value for e in at.error)
    failed = _entries(engine, audit.SIGN_IN_FAILED)
    assert [(e.username, e.page) for e in failed] == [("ann", None)]
    assert "not the password" not in str(tuple(failed[0]))


@pytest.fixture()
def admin_data_page(engine):
    at = app("pages/data.py", session=signed_in(engine, "root-admin"))
    no_errors(at)
    return at


def test_an_ingest_on_the_data_page_is_audited(engine, admin_data_page):
    at = admin_data_page
    at.file_uploader(key="upload_file").set_value(("march.csv", CASES, "text/csv")).run()
    at.button(key="ingest_button").click().run()
    no_errors(at)
    (entry,) = _entries(engine, audit.INGEST)
    assert (entry.username, entry.page, entry.rows) == ("root-admin", "data", 2)
    assert "march.csv" in entry.detail and "Kampot" not in entry.detail and "G1" not in entry.detail


def test_a_coverage_edit_is_audited(engine, admin_data_page):
    admin_data_page.button(key="save_coverage").click().run()
    (entry,) = _entries(engine, audit.COVERAGE_EDIT)
    assert entry.username == "root-admin" and entry.rows == 21


def test_admins_read_the_audit_trail_on_the_data_page(engine, admin_data_page):
    auth.sign_in(engine, "ann", "a wrong guess")
    audit.record(engine, "ann", audit.DOWNLOAD, page="cases", rows=7, detail={"file": "cases_by_province.csv"})
    at = admin_data_page
    at.run()
    trail = keyed(at.dataframe[-1].value)
    assert {"sign_in_failed", "download", "user_add"} <= set(trail["action"])
    at.selectbox(key="audit_user").select("ann").run()
    at.multiselect(key="audit_actions").select("download").run()
    no_errors(at)
    trail = keyed(at.dataframe[-1].value)
    # shown as text: an entry without a count is a blank cell
    assert list(trail["action"]) == ["download"] and list(trail["rows"]) == ["7"]
    assert any(b.label == "Download CSV" for b in at.get("download_button"))


OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"},
        "roles": {"director@example.org": "leadership"}}


def _oidc_app(email: str | None):
    from streamlit.testing.v1 import AppTest

    from tests.apphelpers import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets.update(OIDC)
    at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    return at.run()


def test_oidc_users_get_the_role_mapped_to_their_address(app_db):
    at = _oidc_app("director@example.org")
    no_errors(at)
    assert at.metric and any("director@example.org" in shown(c.value) for c in at.caption)
    with pytest.raises(ValueError):
        at.switch_page("pages/analysis.py")  # leadership


def test_oidc_users_without_a_role_are_refused(app_db):
    at = _oidc_app("stranger@example.org")
    no_errors(at)
    assert not at.metric and any("has no role in this dashboard" in shown(e.value) for e in at.error)


def test_oidc_sign_out_uses_st_logout_and_is_audited(app_db):
    at = _oidc_app("director@example.org")
    at.button(key="sign_out").click().run()
    no_errors(at)
    assert not at.metric  # signed out (AppTest's st.logout clears the user)
    engine = db.open_engine(app_db)
    assert [e.username for e in _entries(engine, audit.SIGN_OUT)] == ["director@example.org"]
