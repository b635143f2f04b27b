"""Failure budgets (issue 9 section 3, issue 14 item 13), the audit trail and user management (issue 9 section 4).

Every test runs on SQLite and, with DASHBOARD_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, sessions, throttle
from dashboard.cli import main
from dashboard.data import db

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def users(engine):
    for name in ("ann", "bo", "chan"):
        auth.add_user(engine, name, "analyst", PASSWORD)
    return engine


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _entries(engine, action=None) -> list:
    with engine.connect() as conn:
        stmt = sa.select(db.audit_log).order_by(db.audit_log.c.id)
        if action:
            stmt = stmt.where(db.audit_log.c.action == action)
        return conn.execute(stmt).all()


# ---------------------------------------------------------------- budgets


def test_five_failures_pause_the_name_for_that_client_and_for_clients_that_failed(users):
    for _attempt in range(5):
        assert auth.sign_in(users, "ann", "wrong guess", client="10.0.0.1").role is None
    assert auth.sign_in(users, "ann", PASSWORD, client="10.0.0.1").role is None  # that client: paused (backoff)
    assert auth.sign_in(users, "ann", "wrong guess", client="10.0.0.2").role is None
    assert auth.sign_in(users, "ann", PASSWORD, client="10.0.0.2").role is None  # failed itself: the name lock holds
    assert auth.sign_in(users, "ann", PASSWORD, client="10.0.0.9").role == "analyst"  # a clean client: never refused
    assert auth.sign_in(users, "bo", PASSWORD, client="10.0.0.1").role == "analyst"  # others unaffected


def test_password_spraying_from_one_address_is_stopped(users):
    """Issue 14 item 13: twenty names with one guess each used to lock nothing."""
    sprayer, colleague = "203.0.113.7", "198.51.100.4"
    results = [auth.sign_in(users, f"name{i}", "Spring2026!", client=sprayer).role for i in range(20)]
    assert results == [None] * 20
    assert auth.sign_in(users, "ann", PASSWORD, client=sprayer).role is None  # the address's budget is spent
    assert auth.sign_in(users, "ann", PASSWORD, client=colleague).role == "analyst"
    with users.connect() as conn:  # only the budget's worth were checked; the rest were refused and counted
        outcomes = [o for (o,) in conn.execute(sa.select(db.sign_in_failures.c.outcome))]
    assert outcomes.count(throttle.FAILED) == throttle.BUDGETS.client.failures
    assert outcomes.count(throttle.REFUSED) == 11
    with users.connect() as conn:  # addresses are stored only as keyed hashes
        clients = set(conn.execute(sa.select(db.sign_in_failures.c.client)).scalars())
    assert sprayer not in clients and len(clients) == 1


def test_spraying_from_many_addresses_spends_the_overall_budget_for_those_who_failed(users):
    budgets = throttle.Budgets(overall=throttle.Budget(8, timedelta(minutes=15)))
    for i in range(8):
        assert auth.sign_in(users, f"name{i}", "Spring2026!", client=f"10.1.{i}.1", budgets=budgets).role is None
    assert auth.sign_in(users, "ann", PASSWORD, client="10.1.0.1", budgets=budgets).role is None  # failed before
    assert auth.sign_in(users, "ann", PASSWORD, client="10.9.9.9", budgets=budgets).role == "analyst"  # clean
    _age_failures(users, timedelta(minutes=16))
    assert auth.sign_in(users, "bo", PASSWORD, client="10.1.0.1", budgets=budgets).role == "analyst"


def test_success_clears_the_pair_but_not_the_address(users):
    budgets = throttle.Budgets(client=throttle.Budget(4, timedelta(minutes=15)))
    for _ in range(3):
        auth.sign_in(users, "ann", "wrong guess", client="10.0.0.1", budgets=budgets)
    assert auth.sign_in(users, "ann", PASSWORD, client="10.0.0.1", budgets=budgets).role == "analyst"  # clears ann's
    for _ in range(3):
        auth.sign_in(users, "chan", "wrong guess", client="10.0.0.1", budgets=budgets)
    assert auth.sign_in(users, "bo", PASSWORD, client="10.0.0.1", budgets=budgets).role == "analyst"
    auth.sign_in(users, "chan", "wrong guess", client="10.0.0.1", budgets=budgets)  # the 4th from this address
    assert auth.sign_in(users, "bo", PASSWORD, client="10.0.0.1", budgets=budgets).role is None
    assert auth.sign_in(users, "ann", PASSWORD, client="10.0.0.1", budgets=budgets).role is None  # no reset


def _age_failures(engine, by: timedelta) -> None:
    with engine.begin() as conn:
        for row_id, at in conn.execute(sa.select(db.sign_in_failures.c.id, db.sign_in_failures.c.at)).all():
            conn.execute(db.sign_in_failures.update().where(db.sign_in_failures.c.id == row_id).values(at=at - by))


# ---------------------------------------------------------------- audit trail


def test_the_audit_trail_is_append_only(users):
    audit.record(users, "ann", audit.DOWNLOAD, page="cases", rows=3, detail={"file": "x.csv"})
    for statement in (db.audit_log.update().values(username="someone else"), db.audit_log.delete()):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with users.begin() as conn:
                conn.execute(statement)
    assert [e.username for e in _entries(users, audit.DOWNLOAD)] == ["ann"]


def test_sign_ins_are_audited_without_passwords(users):
    auth.sign_in(users, "ann", PASSWORD)
    auth.sign_in(users, "ann", "my wrong password")
    auth.sign_in(users, "my-password-in-the-name-box", "x")
    assert [(e.username, e.action) for e in _entries(users)][-3:] == [
        ("ann", audit.SIGN_IN), ("ann", audit.SIGN_IN_FAILED), (audit.UNKNOWN_USER, audit.SIGN_IN_FAILED)]
    text = " ".join(str(tuple(e)) for e in _entries(users))
    assert PASSWORD not in text and "my wrong password" not in text and "my-password-in-the-name-box" not in text


def test_audit_details_never_hold_secrets(users):
    with pytest.raises(ValueError):
        audit.record(users, "ann", audit.USER_PASSWD, detail={"new_password": "x"})
    with pytest.raises(ValueError):
        audit.record(users, "ann", "made_up_action")


def test_audit_query_filters_by_user_action_and_date(users):
    audit.record(users, "ann", audit.DOWNLOAD, page="cases", rows=5)
    audit.record(users, "bo", audit.INGEST, rows=2)
    assert list(audit.query(users, user="ann", actions=[audit.DOWNLOAD])["page"]) == ["cases"]
    assert len(audit.query(users, actions=[audit.INGEST])) == 1
    today = date.today()
    assert len(audit.query(users, since=today + timedelta(days=1))) == 0
    assert len(audit.query(users, until=today - timedelta(days=1))) == 0
    assert len(audit.query(users, since=today - timedelta(days=1), until=today + timedelta(days=1))) >= 2


# ---------------------------------------------------------------- users and audit on the command line


def test_user_management_commands_are_audited_and_end_sessions(users, monkeypatch, capsys):
    url = _url(users)
    live = sessions.create(users, "ann")
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new passphrase\n"))
    assert main(["users", "passwd", "ann", "--db", url]) == 0
    assert sessions.check(users, live) is None
    assert auth.verify(users, "ann", "a brand new passphrase") == "analyst"
    live = sessions.create(users, "ann")
    assert main(["users", "disable", "ann", "--db", url]) == 0
    assert sessions.check(users, live) is None and auth.verify(users, "ann", "a brand new passphrase") is None
    assert main(["users", "enable", "ann", "--db", url]) == 0
    assert auth.verify(users, "ann", "a brand new passphrase") == "analyst"
    assert main(["users", "remove", "ann", "--db", url]) == 0
    assert "ann" not in {name for name, _, _ in auth.list_users(users)}
    out = capsys.readouterr()
    assert "a brand new passphrase" not in out.out + out.err
    actions = [(e.action, e.username.endswith("@cli")) for e in _entries(users)][-4:]
    assert actions == [(audit.USER_PASSWD, True), (audit.USER_DISABLE, True), (audit.USER_ENABLE, True),
                       (audit.USER_REMOVE, True)]


def test_user_commands_explain_a_missing_user(users, capsys):
    for action in ("passwd", "disable", "enable", "remove"):
        assert main(["users", action, "nobody", "--db", _url(users)]) == 2
        assert "There is no user 'nobody'" in capsys.readouterr().err


def test_cli_ingest_is_audited_and_the_audit_command_prints_it(users, tmp_path, capsys):
    good = tmp_path / "cases.csv"
    good.write_text("case_id,date_reported,province,offence,arrest_made\nA1,2014-01-02,Kep,rape,yes\n")
    assert main(["ingest", str(good), "--db", _url(users)]) == 0
    capsys.readouterr()
    assert main(["audit", "--action", "ingest", "--since", date.today().isoformat(), "--db", _url(users)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == audit.COLUMNS
    assert len(lines) == 2 and "\tingest\t" in lines[1] and "cases.csv" in lines[1] and "@cli" in lines[1]
    assert main(["audit", "--user", "nobody", "--db", _url(users)]) == 0
    assert capsys.readouterr().out.splitlines() == ["\t".join(audit.COLUMNS)]
