"""Sign-in, roles, demo mode and the gate."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashboard.access import auth, modes, sessions, throttle
from dashboard.cli import main
from dashboard.data import db
from dashboard.data.ingest import ingest_file
from dashboard.ui.signin import SESSION_KEY
from tests.apphelpers import INTERNAL_PAGES, app, no_errors

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def db_url(app_db):
    return app_db


@pytest.fixture()
def users(db_url):
    engine = db.open_engine(db_url)
    for role in auth.ROLES:
        auth.add_user(engine, f"{role}-user", role, PASSWORD)
    return engine


def test_passwords_are_argon2_hashed_and_never_stored_in_plain_text(users, tmp_path):
    with users.connect() as conn:
        hashes = conn.execute(sa.select(db.users.c.password_hash)).scalars().all()
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD.encode() not in db.default_sqlite_path().read_bytes()


def test_wrong_password_and_unknown_user_are_rejected_alike(users):
    assert auth.verify(users, "admin-user", PASSWORD) == "admin"
    assert auth.verify(users, "admin-user", PASSWORD + "x") is None
    wrong = auth.sign_in(users, "admin-user", "nope")
    unknown = auth.sign_in(users, "nobody", "nope")
    assert wrong == unknown == auth.SignIn(None, auth.GENERIC_FAILURE)


def test_failed_sign_ins_are_rate_limited(users):
    budgets = throttle.Budgets(pair_free=3)
    for _ in range(3):
        assert auth.sign_in(users, "analyst-user", "bad", budgets=budgets).role is None
    paused = auth.sign_in(users, "analyst-user", PASSWORD, budgets=budgets)  # paused, even with the right password
    assert paused.role is None and paused.message == auth.THROTTLED and paused.retry_minutes == 1
    _shift_failures(users, timedelta(seconds=121))  # the refused attempt doubled the wait to 2 min
    assert auth.sign_in(users, "analyst-user", PASSWORD, budgets=budgets).role == "analyst"


def _shift_failures(engine, by: timedelta) -> None:
    """Move every recorded failure into the past, as if ``by`` had gone by."""
    with engine.begin() as conn:
        for at, row_id in conn.execute(sa.select(db.sign_in_failures.c.at, db.sign_in_failures.c.id)).all():
            conn.execute(db.sign_in_failures.update().where(db.sign_in_failures.c.id == row_id).values(at=at - by))


def test_weak_or_bad_user_input_is_refused(users):
    from dashboard.errors import UserFacingError

    with pytest.raises(UserFacingError, match="too short"):
        auth.add_user(users, "x-user", "admin", "short")
    with pytest.raises(UserFacingError, match="not a role"):
        auth.add_user(users, "x-user", "root", PASSWORD)
    with pytest.raises(UserFacingError, match="not a valid user name"):
        auth.add_user(users, "bad name!", "admin", PASSWORD)


def test_cli_users_add_reads_password_from_stdin(db_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "dara", "--role", "analyst", "--db", db_url]) == 0
    assert auth.verify(db.open_engine(db_url), "dara", PASSWORD) == "analyst"
    assert PASSWORD not in capsys.readouterr().out


def test_cli_users_add_refuses_an_existing_name(db_url, monkeypatch, capsys):
    """Issue 20 item 11: `users add` of a taken name turned a leadership user into an admin without a word."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "sok", "--role", "leadership", "--db", db_url]) == 0
    assert "added" in capsys.readouterr().out
    engine = db.open_engine(db_url)
    kept = sessions.create(engine, "sok")
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    assert main(["users", "add", "sok", "--role", "admin", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "leadership" in err and "--force" in err
    assert auth.verify(engine, "sok", PASSWORD) == "leadership"  # nothing changed
    assert sessions.check(engine, kept) == sessions.Session("sok", "leadership")
    with pytest.raises(auth.UserExistsError):  # the library refuses too, not only the command
        auth.add_user(engine, "sok", "admin", "another long passphrase")


def test_cli_users_add_force_replaces_says_so_ends_sessions_and_audits(db_url, monkeypatch, capsys):
    engine = db.open_engine(db_url)
    auth.add_user(engine, "sok", "leadership", PASSWORD)
    live = sessions.create(engine, "sok")
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    assert main(["users", "add", "sok", "--role", "admin", "--force", "--db", db_url]) == 0
    assert "replaced" in capsys.readouterr().out
    assert auth.verify(engine, "sok", "another long passphrase") == "admin"
    assert sessions.check(engine, live) is None
    with engine.connect() as conn:
        details = conn.execute(sa.select(db.audit_log.c.detail)
                               .where(db.audit_log.c.action == "user_add")).scalars().all()
    assert '"replaced": true' in details[-1] and '"sessions_ended": 1' in details[-1]


def test_access_decision():
    assert modes.decide(True, True, True) == modes.OIDC
    assert modes.decide(False, True, True) == modes.PASSWORD
    assert modes.decide(False, False, True) == modes.DEMO
    assert modes.decide(False, False, False) == modes.LOCKED


# ---------------------------------------------------------------- through the app


def test_unauthenticated_internal_pages_cannot_be_reached(users):
    at = app()
    no_errors(at)
    assert at.text_input(key="login_user") is not None
    assert not at.metric
    for page in INTERNAL_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def _sign_in(at, name, password):
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_wrong_password_in_the_app_gets_generic_message(users):
    at = _sign_in(app(), "admin-user", "wrong password here")
    assert any(auth.GENERIC_FAILURE in e.value for e in at.error)
    with pytest.raises(ValueError):
        at.switch_page("pages/overview.py")


@pytest.mark.parametrize("role", auth.ROLES)
def test_each_role_sees_exactly_its_pages(users, role):
    at = _sign_in(app(), f"{role}-user", PASSWORD)
    no_errors(at)
    assert sessions.check(users, at.session_state[SESSION_KEY]) == sessions.Session(f"{role}-user", role)
    allowed = {f"pages/{p}.py" for p in auth.pages_for(role)}
    for page in [*INTERNAL_PAGES, "pages/about.py"]:
        if page in allowed:
            at.switch_page(page).run()
            no_errors(at)
            assert not any("not available" in e.value for e in at.error)
        else:
            with pytest.raises(ValueError):
                at.switch_page(page)
    assert ("pages/data.py" in allowed) == (role == "admin")
    assert ("pages/analysis.py" in allowed) == (role in ("analyst", "admin"))


def test_demo_mode_opens_only_with_synthetic_data_and_no_auth(db_url, tmp_path):
    at = app()
    no_errors(at)
    assert at.metric and any("Demo mode" in i.value for i in at.info)
    real = tmp_path / "real.csv"
    real.write_text("case_id,date_reported,province,offence,arrest_made\nR1,2014-01-02,Kep,rape,no\n")
    assert ingest_file(db.open_engine(db_url), real).written
    at = app()
    no_errors(at)
    assert not at.metric
    assert any("no sign-in is configured" in e.value for e in at.error)
    for page in INTERNAL_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_demo_mode_ends_when_users_exist(db_url):
    auth.add_user(db.open_engine(db_url), "admin-user", "admin", PASSWORD)
    at = app()
    assert not at.metric and at.text_input(key="login_user") is not None


def test_oidc_configured_shows_provider_sign_in(db_url):
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                        "client_id": "id", "client_secret": "secret",
                        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}}
    at = app(secrets=secrets)
    no_errors(at)
    assert any("organisation account" in b.label for b in at.button)
    with pytest.raises(ValueError):
        at.switch_page("pages/overview.py")
