"""Sessions, sign-out and the audit trail through the app (AppTest; the cookie itself is in test_browser_signin)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, sessions
from dashboard.data import db
from dashboard.ui.signin import SESSION_KEY
from tests.apphelpers import app, no_errors, signed_in

PASSWORD = "correct horse battery staple"
CASES = b"case_id,date_reported,province,offence,arrest_made\nG1,2014-01-02,Kep,rape,yes\nG2,2014-03-05,Kampot,murder,no\n"


@pytest.fixture()
def engine(app_db):
    eng = db.open_engine(app_db)
    auth.add_user(eng, "ann", "analyst", PASSWORD)
    auth.add_user(eng, "root-admin", "admin", PASSWORD)
    return eng


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
    trail = at.dataframe[-1].value
    assert {"sign_in_failed", "download", "user_add"} <= set(trail["action"])
    at.selectbox(key="audit_user").select("ann").run()
    at.multiselect(key="audit_actions").select("download").run()
    no_errors(at)
    trail = at.dataframe[-1].value
    assert list(trail["action"]) == ["download"] and list(trail["rows"]) == [7]
    assert any(b.label == "Download CSV" for b in at.get("download_button"))
