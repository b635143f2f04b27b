"""Many processes on one database (issue 21 items 12 and 13, and "two overlapping ingests").

A writer holding SQLite's write lock while pages are read and people sign
in; processes migrating one new empty database at once; two ingests of
overlapping ids at once, whose counts must still be true. SQLite always;
PostgreSQL with DASHBOARD_TEST_PG_URL.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access import auth, sessions
from dashboard.cli import main
from dashboard.data import db, store
from dashboard.data.ingest import ingest_file, ingest_log_frame
from dashboard.errors import DatabaseBusy
from tests.apphelpers import app, no_errors
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent
HEADER = "case_id,date_reported,province,district,offence,victim_age,arrest_made\n"
PASSWORD = "a long enough passphrase"


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _file(tmp_path: Path, name: str, ids: range, prefix: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{prefix}{n},2014-01-{1 + n % 28:02d},Kep,,rape,10,no\n" for n in ids),
                    encoding="utf-8")
    return path


class _WriteLock:
    """Another process's write transaction on an SQLite file, held until released (what a long ingest does)."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> _WriteLock:
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.execute("CREATE TABLE lock_probe (x INTEGER)")  # rolled back at the end
        self.conn.execute("INSERT INTO lock_probe VALUES (1)")
        return self

    def __exit__(self, *exc) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _sqlite_file(engine) -> str:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    return engine.url.database


# ---------------------------------------------------------------- item 12: a writer holds the lock


def test_pages_read_while_another_process_holds_the_write_lock(engine, tmp_path, monkeypatch):
    path = _sqlite_file(engine)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.5)
    app_engine = db.open_engine(_url(engine))
    assert ingest_file(app_engine, _file(tmp_path, "a.csv", range(30), "A")).written
    auth.add_user(app_engine, "ann", "analyst", PASSWORD)
    raw = sessions.create(app_engine, "ann")
    with engine.begin() as conn:  # the session's idle timer is due for a touch, which needs the write lock
        conn.execute(db.sessions.update().values(last_seen_at=sa.func.datetime("now", "-2 hours")))
    app_engine.dispose()
    with _WriteLock(path):
        fresh = db.open_engine(_url(engine))  # a process starting during the ingest
        assert len(store.load_from_db(fresh).cases) == 30  # readers never wait for the writer (WAL)
        assert sessions.check(fresh, raw).username == "ann"  # the touch waits, then gives way
        fresh.dispose()


def test_a_lock_held_too_long_is_a_message_in_the_cli(engine, monkeypatch, capsys):
    path = _sqlite_file(engine)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with _WriteLock(path):
        assert main(["users", "add", "bo", "--role", "analyst", "--db", _url(engine)]) == 2
    err = capsys.readouterr().err
    assert "busy" in err and "Try again in a moment" in err and "Traceback" not in err


def test_a_lock_held_too_long_is_a_message_at_sign_in(app_db, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.2)  # before the app opens its connections
    engine = db.open_engine(app_db)
    auth.add_user(engine, "ann", "analyst", PASSWORD)
    at = app()
    engine.dispose()
    with _WriteLock(engine.url.database):
        at.text_input(key="login_user").input("ann")
        at.text_input(key="login_password").input(PASSWORD)
        at.button[0].click().run()
        no_errors(at)
        assert any("busy" in w.value and "Try again in a moment" in w.value for w in at.warning), \
            [e.value for e in at.error]
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()  # once the write is over, the same sign-in works
    no_errors(at)
    assert at.metric


# ---------------------------------------------------------------- item 13: processes migrating at once


_MIGRATOR = """
import sys, time
from pathlib import Path
from dashboard.data import db
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
engine = db.open_engine(sys.argv[1])
print(db.migrate(engine))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request, tmp_path):
    """A factory of brand-new empty databases (files, or PostgreSQL databases made and dropped here)."""
    made: list[str] = []
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL tests skipped: set DASHBOARD_TEST_PG_URL")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT") if request.param == "postgresql" else None

    def make(n: int) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'new{n}.sqlite3'}"
        name = f"{sa.engine.make_url(PG_URL).database}_mig{n}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        made.append(name)
        return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_processes_starting_together_on_a_new_database_all_succeed(new_database, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(3):
        url, go = new_database(attempt), tmp_path / f"go{attempt}"
        procs = [subprocess.Popen([sys.executable, "-c", _MIGRATOR, url, str(go)], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
        go.touch()
        results = [(p.wait(120), *p.communicate()) for p in procs]
        assert [code for code, _out, _err in results] == [0] * 6, [err[-800:] for _c, _o, err in results]
        assert {out.strip() for _c, out, _e in results} == {str(len(db.MIGRATIONS))}
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert db.current_version(conn) == len(db.MIGRATIONS)
            assert conn.execute(sa.select(sa.func.count()).select_from(db.schema_version)).scalar() == 1
        engine.dispose()


def test_a_migration_in_progress_is_said_and_waited_for(new_database, monkeypatch, caplog):
    url = new_database(9)
    holder = sa.create_engine(url)
    monkeypatch.setattr(db, "MIGRATION_WAIT_S", 0.3)
    caplog.set_level(logging.WARNING, logger="dashboard.data.db")
    with holder.begin() as conn:  # another process is migrating
        db._lock_for_migration(conn)
        with pytest.raises(DatabaseBusy, match="busy"):
            db.open_engine(url)
    assert "migration in progress" in caplog.text
    db.open_engine(url).dispose()  # the lock is free again: the migration runs
    holder.dispose()


# ---------------------------------------------------------------- also found: two overlapping ingests


def test_two_overlapping_ingests_report_true_counts(engine, tmp_path):
    app_engine = db.open_engine(_url(engine))
    for attempt in range(4):
        files = [_file(tmp_path, f"r{attempt}_a.csv", range(0, 100), f"R{attempt}-"),
                 _file(tmp_path, f"r{attempt}_b.csv", range(50, 150), f"R{attempt}-")]
        barrier, results = threading.Barrier(2), [None, None]

        def run(i: int, barrier=barrier, results=results, files=files) -> None:
            barrier.wait()
            results[i] = ingest_file(app_engine, files[i])

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert all(r is not None and r.written for r in results)
        counts = sorted((r.added, r.updated) for r in results)
        assert counts in ([(50, 50), (100, 0)],), counts  # the later one finds the first one's 50 shared ids
        log = ingest_log_frame(app_engine).head(2)
        assert sorted(zip(log["rows_added"], log["rows_updated"])) == counts
    app_engine.dispose()
