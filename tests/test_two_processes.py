"""Two app processes on one database (issue 9 section 3): sessions, lockouts and data are shared.

Two ``streamlit run server.py`` processes on different ports, each with its
own state folder, share one database: a SQLite file, and PostgreSQL when
DASHBOARD_TEST_PG_URL is set. Chromium drives both (a cookie set on
127.0.0.1 is sent to every port of that host, as it would be to every
process behind one reverse proxy).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from dashboard.access import auth  # noqa: E402
from dashboard.data import db  # noqa: E402
from dashboard.data.ingest import ingest_file  # noqa: E402
from tests.conftest import PG_URL
from tests.test_browser import READY, ROOT, _start, browser, sync_api  # noqa: F401

PASSWORD = "correct horse battery staple"
HEADER = "case_id,date_reported,province,offence,arrest_made\n"
expect = sync_api.expect


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        if not PG_URL:
            if os.environ.get("DASHBOARD_REQUIRE_PG"):
                pytest.fail("DASHBOARD_REQUIRE_PG is set but DASHBOARD_TEST_PG_URL is not")
            pytest.skip("PostgreSQL tests skipped: set DASHBOARD_TEST_PG_URL")
        url = PG_URL
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            db.metadata.drop_all(conn)
        engine.dispose()
    engine = db.open_engine(url)
    real = tmp_path / "real.csv"
    real.write_text(HEADER + "R1,2014-01-02,Kep,rape,yes\nR2,2014-02-03,Kampot,homicide,no\n")
    assert ingest_file(engine, real).written
    auth.add_user(engine, "ana", "analyst", PASSWORD)
    auth.add_user(engine, "kim", "analyst", PASSWORD)
    yield url, engine
    engine.dispose()


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=90_000)


def _try_sign_in(pg, base: str, name: str, password: str) -> None:
    _open(pg, base + "/")
    pg.get_by_role("textbox", name="User name").fill(name)
    pg.get_by_role("textbox", name="Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()


def _cases_shown(pg, base: str) -> str:
    _open(pg, base + "/overview")
    return pg.locator('[data-testid="stMetricValue"]').first.inner_text(timeout=60_000)


def test_two_processes_share_sessions_lockouts_and_data(shared_url, browser, tmp_path):
    url, engine = shared_url
    servers = [_start(tmp_path / name, {"DASHBOARD_DB_URL": url}) for name in ("a", "b")]
    (_, a), (_, b) = servers
    assert a != b
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = context.new_page()
        # five failed sign-ins spread across both processes lock the user name on both
        for attempt in range(5):
            _try_sign_in(pg, (a, b)[attempt % 2], "kim", "a wrong guess")
            expect(pg.get_by_text("Sign-in failed")).to_be_visible(timeout=60_000)
        for base in (a, b):  # from this browser, the name is paused on both processes (and it says so)
            _try_sign_in(pg, base, "kim", PASSWORD)
            expect(pg.get_by_text("Sign-in is paused")).to_be_visible(timeout=60_000)
        with engine.connect() as conn:
            outcomes = list(conn.execute(sa.select(db.sign_in_failures.c.outcome)).scalars())
        assert sorted(outcomes) == ["failed"] * 5 + ["refused"] * 2

        # a session made on one process is valid on the other
        _try_sign_in(pg, a, "ana", PASSWORD)
        expect(pg.get_by_text("Signed in as ana")).to_be_visible(timeout=60_000)
        other = context.new_page()
        _open(other, b + "/arrests")
        expect(other.get_by_text("Signed in as ana")).to_be_visible(timeout=60_000)
        assert other.locator("h1").first.inner_text() == "Arrests"

        # data ingested through the CLI appears on both without a restart
        assert _cases_shown(pg, a) == _cases_shown(other, b) == "2"
        extra = tmp_path / "extra.csv"
        extra.write_text(HEADER + "R3,2015-01-05,Kep,rape,yes\nR4,2015-02-06,Takeo,rape,yes\n"
                         "R5,2015-03-07,Kep,rape,no\n")
        done = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(extra), "--db", url], cwd=ROOT,
                              env={**os.environ, "DASHBOARD_VAR_DIR": str(tmp_path / "cli")},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert _cases_shown(pg, a) == "5"
        assert _cases_shown(other, b) == "5"
    finally:
        context.close()
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=20)
