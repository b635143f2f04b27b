"""The second attack run on sign-in (issue 21 items 1, 3, 4, 5, 11): each test performs the attack.

Every engine-level test runs on SQLite and, with DASHBOARD_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, throttle
from dashboard.cli import main
from dashboard.data import db

PASSWORD = "correct horse battery staple"
ATTACKERS = [f"203.0.113.{i}" for i in range(1, 6)]


@pytest.fixture()
def users(engine):
    for name, role in (("ann", "analyst"), ("bo", "leadership"), ("admin1", "admin")):
        auth.add_user(engine, name, role, PASSWORD)
    return engine


def _audit_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(db.audit_log)
                            .where(db.audit_log.c.action == audit.SIGN_IN_FAILED)).scalar()


def _outcomes(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(db.sign_in_failures.c.outcome)).scalars())


# ---------------------------------------------------------------- item 1: nobody can lock everyone out


def test_guesses_for_invented_names_from_five_addresses_lock_no_user_out(users):
    for address in ATTACKERS:
        for guess in range(10):
            auth.sign_in(users, f"invented{guess}", "Spring2026!", client=address)
    for name, address in (("ann", "198.51.100.4"), ("bo", "198.51.100.5"), ("admin1", "198.51.100.6")):
        assert auth.sign_in(users, name, PASSWORD, client=address).role is not None, name
    more = auth.sign_in(users, "invented99", "Spring2026!", client=ATTACKERS[0])  # the attackers stay stopped
    assert more.role is None and more.message == auth.THROTTLED and more.retry_minutes >= 1
    assert _outcomes(users).count(throttle.REFUSED) == 1  # ... and their blocked attempt counts against them


def test_the_throttled_message_says_so_without_telling_whether_the_user_exists(users):
    address = ATTACKERS[0]
    replies = {}
    for name in ("ann", "nobody-here"):
        for _ in range(6):
            replies[name] = auth.sign_in(users, name, "wrong guess", client=address)
    assert replies["ann"].message == replies["nobody-here"].message == auth.THROTTLED
    assert replies["ann"].retry_minutes == replies["nobody-here"].retry_minutes


def test_a_device_cookie_keeps_a_returning_user_in_behind_the_attackers_address(users):
    """The office NAT: the attacker shares the user's address; the user's browser signed in before."""
    office = "192.0.2.10"
    for guess in range(30):
        auth.sign_in(users, "admin1" if guess % 2 else f"invented{guess}", "wrong guess", client=office)
    assert auth.sign_in(users, "admin1", PASSWORD, client=office).role is None  # no device cookie: paused
    assert auth.sign_in(users, "admin1", PASSWORD, client=office, device="known-device").role == "admin"
    for _ in range(5):  # the device has its own small budget
        auth.sign_in(users, "admin1", "wrong guess", client=office, device="known-device")
    assert auth.sign_in(users, "admin1", PASSWORD, client=office, device="known-device").role is None


def test_an_admin_unlock_lets_a_paused_name_in_and_is_audited(users, capsys):
    for _ in range(8):
        auth.sign_in(users, "bo", "wrong guess", client=ATTACKERS[0])
    assert auth.sign_in(users, "bo", PASSWORD, client=ATTACKERS[0]).role is None
    assert main(["users", "unlock", "bo", "--db", users.url.render_as_string(hide_password=False)]) == 0
    assert "unlocked" in capsys.readouterr().out
    assert auth.sign_in(users, "bo", PASSWORD, client=ATTACKERS[0]).role == "leadership"
    with users.connect() as conn:
        entry = conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == audit.USER_UNLOCK)).one()
    assert entry.username.endswith("@cli") and '"user": "bo"' in entry.detail


# ---------------------------------------------------------------- item 3: one address, one name


def test_one_address_guessing_the_admin_keeps_only_itself_out(users):
    attacker = ATTACKERS[0]
    for _ in range(40):
        auth.sign_in(users, "admin1", "wrong guess", client=attacker)
    assert auth.sign_in(users, "admin1", PASSWORD, client="198.51.100.6").role == "admin"  # the real admin
    outcomes = _outcomes(users)
    assert outcomes.count(throttle.FAILED) == throttle.BUDGETS.pair_free  # 5 guesses checked, 35 refused
    assert auth.sign_in(users, "admin1", PASSWORD, client=attacker).role is None  # even the right one, from there


# ---------------------------------------------------------------- item 4: concurrent sign-ins


def _at_once(count: int, attempt) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = attempt(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture()
def checks(monkeypatch):
    """How many passwords argon2 actually checked."""
    counted = []
    real = auth._check

    def counting(row, password):
        counted.append(password)
        return real(row, password)

    monkeypatch.setattr(auth, "_check", counting)
    return counted


def test_twelve_simultaneous_guesses_from_one_address_are_held_to_the_budget(users, checks):
    passwords = ["wrong guess"] * 11 + [PASSWORD]
    results = _at_once(12, lambda i: auth.sign_in(users, "admin1", passwords[i], client=ATTACKERS[0]))
    assert len(checks) <= throttle.BUDGETS.pair_free
    assert sum(r.message == auth.THROTTLED for r in results) >= 12 - throttle.BUDGETS.pair_free
    assert _outcomes(users).count(throttle.REFUSED) == sum(r.message == auth.THROTTLED for r in results)


def test_eighty_simultaneous_sprays_are_held_to_the_address_budget(users, checks):
    _at_once(40, lambda i: auth.sign_in(users, f"name{i}", "Spring2026!", client=ATTACKERS[1]))
    assert len(checks) <= throttle.BUDGETS.client.failures
    assert _outcomes(users).count(throttle.FAILED) == len(checks)


def test_password_checks_beyond_the_cap_are_told_the_server_is_busy(users, monkeypatch, checks):
    monkeypatch.setattr(auth, "CHECK_WAIT_SECONDS", 0.01)
    held = [auth._checks.acquire(timeout=1) for _ in range(auth.MAX_CONCURRENT_CHECKS)]
    try:
        assert all(held)
        busy = auth.sign_in(users, "ann", PASSWORD, client="198.51.100.4")
    finally:
        for _ in held:
            auth._checks.release()
    assert busy.role is None and busy.message == auth.BUSY and checks == []
    assert _outcomes(users) == []  # not counted as a failure
    assert auth.sign_in(users, "ann", PASSWORD, client="198.51.100.4").role == "analyst"


# ---------------------------------------------------------------- item 5: the audit trail stays bounded


def test_a_loop_of_failures_adds_a_bounded_number_of_audit_rows(users):
    before = _audit_rows(users)
    for i in range(60):
        auth.sign_in(users, "ann" if i % 3 == 0 else f"invented{i}", "wrong guess", client=ATTACKERS[0])
    assert _audit_rows(users) - before == 2  # the first failure for ann, the first for "(unknown user)"
    w = db.sign_in_audit_windows
    with users.begin() as conn:  # the window closes
        for actor, opened in conn.execute(sa.select(w.c.actor, w.c.opened_at)).all():
            conn.execute(w.update().where(w.c.actor == actor).values(opened_at=opened - timedelta(minutes=16)))
    auth.sign_in(users, "bo", PASSWORD, client="198.51.100.5")  # any later attempt writes the summaries
    rows = audit.query(users, actions=[audit.SIGN_IN_FAILED])
    assert len(rows) - before == 4
    summaries = [json.loads(r) for r in rows["detail"] if r and '"repeated"' in r]
    counts = sorted(s["failures"] + s["refused"] for s in summaries)
    assert counts == [19, 39]  # every other attempt is in a summary: 20 for ann, 40 unknown, less the first each


def test_repeated_submits_in_one_tab_are_slowed_before_they_reach_the_database(app_db, monkeypatch):
    from tests.apphelpers import app, no_errors

    engine = db.open_engine(app_db)
    auth.add_user(engine, "ann", "analyst", PASSWORD)
    calls = []
    real = auth.sign_in
    monkeypatch.setattr(auth, "sign_in", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = app()
    for _ in range(12):
        at.text_input(key="login_user").input("nobody")
        at.text_input(key="login_password").input("wrong guess")
        at.button[0].click().run()
    no_errors(at)
    assert len(calls) == 10
    assert any("Too many sign-in attempts from this page" in w.value for w in at.warning)


# ---------------------------------------------------------------- item 11: control characters in the name


@pytest.mark.parametrize("name", ["ad\x00min1", "admin1\n", "ann\x7f", "a" * 5000])
def test_a_name_with_control_characters_is_refused_before_any_query(users, name):
    result = auth.sign_in(users, name, PASSWORD, client=ATTACKERS[0])
    assert result.role is None and result.message == auth.GENERIC_FAILURE
    assert auth.sign_in(users, "admin1", PASSWORD, client="198.51.100.6").role == "admin"


def test_a_nul_byte_in_the_form_shows_a_message_not_a_traceback(app_db):
    from tests.apphelpers import app, no_errors

    auth.add_user(db.open_engine(app_db), "ann", "analyst", PASSWORD)
    at = app()
    at.text_input(key="login_user").input("ann\x00' OR 1=1")
    at.text_input(key="login_password").input("x")
    at.button[0].click().run()
    no_errors(at)
    assert any(auth.GENERIC_FAILURE in e.value for e in at.error)


def test_a_database_error_on_a_page_is_a_plain_message(app_db, monkeypatch, caplog):
    from tests.apphelpers import app

    auth.add_user(db.open_engine(app_db), "ann", "analyst", PASSWORD)

    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT password_hash FROM users WHERE username = 'ann'", {}, Exception("x"))

    monkeypatch.setattr(auth, "sign_in", broken)
    at = app()
    at.text_input(key="login_user").input("ann")
    at.text_input(key="login_password").input("x")
    at.button[0].click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "database" in shown.lower() and "SELECT" not in shown and "password_hash" not in shown
    assert "OperationalError" in caplog.text and "ann" not in caplog.text


def test_streamlit_shows_no_error_details_to_visitors():
    import tomllib

    from streamlit.config import ShowErrorDetailsConfigOptions

    from dashboard.paths import PROJECT_ROOT

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value


# ---------------------------------------------------------------- item 16: the shipped proxy sends HSTS


def test_the_shipped_nginx_config_sends_hsts_on_its_tls_server():
    import re

    from dashboard.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    blocks = re.split(r"\nserver \{", text)[1:]
    (tls,) = [b for b in blocks if "listen 443 ssl" in b]
    (header,) = re.findall(r'add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', tls)
    assert int(header) >= 365 * 86400
