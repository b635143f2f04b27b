"""Server-side sessions, signed cookies and one-time tokens (issue 9 sections 1, 5; issue 14 item 5).

Every test runs on SQLite and, with DASHBOARD_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dashboard.access import auth, cookies, routes, sessions, tokens
from dashboard.data import db

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def users(engine):
    auth.add_user(engine, "ann", "analyst", PASSWORD)
    auth.add_user(engine, "bo", "admin", PASSWORD)
    return engine


def _later(**delta) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


def test_a_session_is_stored_only_as_a_hash(users):
    raw = sessions.create(users, "ann")
    assert sessions.check(users, raw) == sessions.Session("ann", "analyst")
    with users.connect() as conn:
        stored = conn.execute(sa.select(db.sessions.c.id_hash)).scalars().all()
    assert stored == [sessions.digest(raw)] and raw not in stored


@pytest.mark.parametrize("raw", [None, "", "unknown-session-id", "x" * 5000, "'; drop table sessions; --"])
def test_unknown_or_junk_ids_are_no_session(users, raw):
    assert sessions.check(users, raw) is None


def test_idle_and_absolute_limits_end_a_session(users, monkeypatch):
    idle = sessions.create(users, "ann")
    assert sessions.check(users, idle, now=_later(hours=7)) is not None  # used within 8 h: still good
    assert sessions.check(users, idle, now=_later(hours=7 + 9)) is None  # then 9 h without use
    assert sessions.check(users, idle) is None  # ended for good, even "now"
    busy = sessions.create(users, "ann")
    for hours in range(6, 7 * 24, 6):
        assert sessions.check(users, busy, now=_later(hours=hours)) is not None  # used every 6 h: never idle
    assert sessions.check(users, busy, now=_later(days=7, minutes=1)) is None  # the 7-day limit
    monkeypatch.setenv("DASHBOARD_SESSION_IDLE_HOURS", "0.5")
    short = sessions.create(users, "ann")
    assert sessions.check(users, short, now=_later(minutes=40)) is None


def test_last_seen_is_written_at_most_once_a_minute(users):
    raw = sessions.create(users, "ann")

    def last_seen():
        with users.connect() as conn:
            return conn.execute(sa.select(db.sessions.c.last_seen_at)).scalar()

    first = last_seen()
    sessions.check(users, raw, now=_later(seconds=10))
    assert last_seen() == first
    sessions.check(users, raw, now=_later(seconds=90))
    assert last_seen() != first


def test_sign_out_revokes_the_session(users):
    raw = sessions.create(users, "ann")
    assert sessions.revoke(users, raw) == "ann"
    assert sessions.check(users, raw) is None
    assert sessions.revoke(users, raw) is None  # already ended


@pytest.mark.parametrize("change", ["passwd", "disable", "remove", "readd_other_role"])
def test_user_changes_end_that_users_sessions_only(users, change):
    ann, bo = sessions.create(users, "ann"), sessions.create(users, "bo")
    if change == "passwd":
        auth.set_password(users, "ann", "a brand new passphrase")
    elif change == "disable":
        auth.set_disabled(users, "ann", True)
    elif change == "remove":
        auth.remove_user(users, "ann")
    else:
        auth.add_user(users, "ann", "leadership", "a brand new passphrase", replace=True)
    assert sessions.check(users, ann) is None
    assert sessions.check(users, bo) == sessions.Session("bo", "admin")


@pytest.mark.parametrize("column", ["role", "password_hash", "disabled", "deleted"])
def test_role_and_password_fingerprint_are_rechecked_on_every_run(users, column):
    """Issue 14 item 5: even a change made behind the app's back (no revocation) ends the live session."""
    raw = sessions.create(users, "ann")
    with users.begin() as conn:
        where = db.users.c.username == "ann"
        if column == "deleted":
            conn.execute(db.users.delete().where(where))
        else:
            value = {"role": "admin", "password_hash": auth._hasher.hash("another passphrase"),
                     "disabled": True}[column]
            conn.execute(db.users.update().where(where).values({column: value}))
    assert sessions.check(users, raw) is None


def test_a_disabled_user_cannot_sign_in_or_start_a_session(users):
    auth.set_disabled(users, "ann", True)
    assert auth.sign_in(users, "ann", PASSWORD) == auth.SignIn(None, auth.GENERIC_FAILURE)
    assert sessions.create(users, "ann") is None
    auth.set_disabled(users, "ann", False)
    assert auth.sign_in(users, "ann", PASSWORD).role == "analyst"


def test_session_start_refuses_a_password_changed_since_sign_in(users):
    result = auth.sign_in(users, "ann", PASSWORD)
    auth.set_password(users, "ann", "changed in between")
    assert sessions.create(users, "ann", result.fingerprint) is None


# ---------------------------------------------------------------- cookies


def test_cookies_are_signed_with_a_key_every_process_shares(users):
    value = cookies.sign(users, "some-session-id")
    assert cookies.unsign(users, value) == "some-session-id"
    other_process = sa.create_engine(users.url)  # another engine on the same database: same key
    try:
        assert cookies.signing_key(other_process) == cookies.signing_key(users)
        assert cookies.unsign(other_process, value) == "some-session-id"
    finally:
        other_process.dispose()


@pytest.mark.parametrize("forge", [
    lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # tampered signature
    lambda v: "other-session-id" + v[v.rindex("."):],  # signature moved onto another id
    lambda v: "no-signature-at-all",
    lambda v: v + "x" * 600,  # oversized
    lambda v: "\u00e9\u00e8." + v,
    lambda v: "",
])
def test_a_tampered_cookie_is_refused(users, forge):
    assert cookies.unsign(users, forge(cookies.sign(users, "some-session-id"))) is None


def test_a_cookie_signed_for_another_purpose_or_database_is_refused(users, tmp_path):
    assert cookies.unsign(users, cookies.sign(users, "id", "link")) is None
    elsewhere = sa.create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    db.migrate(elsewhere)
    assert cookies.unsign(users, cookies.sign(elsewhere, "id")) is None


# ---------------------------------------------------------------- one-time tokens


def test_a_sign_in_token_works_once_for_its_client_before_it_expires(users):
    me, them = cookies.client_key(users, "10.0.0.1"), cookies.client_key(users, "10.0.0.2")
    assert me != them and "10.0.0.1" not in me

    def issue():
        return tokens.issue(users, tokens.SIGN_IN, tokens.SIGN_IN_TTL, username="ann", client=me)

    raw = issue()
    assert tokens.redeem(users, raw, tokens.LINK, me) is None  # wrong purpose
    assert tokens.redeem(users, raw, tokens.SIGN_IN, me).username == "ann"
    assert tokens.redeem(users, raw, tokens.SIGN_IN, me) is None  # used up
    assert tokens.redeem(users, issue(), tokens.SIGN_IN, them) is None  # another client
    late = issue()
    assert tokens.redeem(users, late, tokens.SIGN_IN, me, now=_later(seconds=61)) is None
    assert tokens.redeem(users, "made-up", tokens.SIGN_IN, me) is None


def test_redirects_stay_on_this_site(monkeypatch):
    for target in ["/cases?province=Kep", "/", "/data"]:
        assert routes.safe_next(target) == target
    for target in [None, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                   "cases", "/x\r\nSet-Cookie: a=b", "/" + "a" * 3000]:
        assert routes.safe_next(target) == "/"
    monkeypatch.setitem(routes._state, "root", "/dash")
    assert routes.safe_next("/dash/cases?x=1") == "/dash/cases?x=1"
    assert routes.safe_next("/cases") == "/dash/"
