"""The audit trail cannot be rewritten unseen (issue 21 item 14) and prints a sign-out (issue 20 item 3).

Attacks with the app's own credentials: SQLite's INSERT OR REPLACE, TRUNCATE,
disabling the trigger, and edits made with the triggers bypassed, which
``audit verify`` must find. SQLite always; PostgreSQL with DASHBOARD_TEST_PG_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access import audit
from dashboard.cli import main
from dashboard.data import audit_chain, db
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent
ROLES_SQL = ROOT / "docs" / "deploy" / "postgres-roles.sql"


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _trail(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(sa.select(db.audit_log).order_by(db.audit_log.c.id)).all()


def _three_entries(engine) -> None:
    audit.record(engine, "ann", audit.SIGN_IN, detail={"role": "analyst"})
    audit.record(engine, "ann", audit.DOWNLOAD, page="analysis", rows=12, detail={"file": "x.csv"})
    audit.record(engine, "ann", audit.SIGN_OUT)


def _verify(engine, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["audit", "verify", "--db", _url(engine), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


# ---------------------------------------------------------------- issue 20 item 3: a sign-out has no detail


def test_the_audit_command_prints_a_sign_out_with_empty_cells(engine, capsys):
    _three_entries(engine)
    capsys.readouterr()
    assert main(["audit", "--db", _url(engine)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    sign_out = lines[-1].split("\t")
    assert sign_out[1:] == ["ann", "sign_out", "", "", ""]
    assert "nan" not in lines[-1].lower() and "none" not in lines[-1].lower()


def test_the_query_gives_empty_text_not_none(engine):
    _three_entries(engine)
    frame = audit.query(engine)
    assert list(frame["detail"])[0] == "" and list(frame["page"])[0] == ""


# ---------------------------------------------------------------- item 14: the triggers


def test_insert_or_replace_cannot_rewrite_an_entry_on_sqlite(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    _three_entries(engine)
    before = _trail(engine)
    for verb in ("INSERT OR REPLACE", "REPLACE"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.exec_driver_sql(f"{verb} INTO audit_log (id, at, username, action) "
                                     "VALUES (2, '2014-01-01 00:00:00.000000', 'nobody', 'sign_in')")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):  # an upsert is an UPDATE
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO audit_log (id, at, username, action) "
                                 "VALUES (2, '2014-01-01', 'nobody', 'sign_in') "
                                 "ON CONFLICT (id) DO UPDATE SET username = 'nobody'")
    assert _trail(engine) == before


def test_truncate_is_refused_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _three_entries(engine)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE audit_log")
    assert len(_trail(engine)) == 3


# ---------------------------------------------------------------- item 14: the hash chain and `audit verify`


def test_an_untouched_trail_verifies_and_prints_its_head(engine, capsys):
    _three_entries(engine)
    code, text = _verify(engine, capsys)
    assert code == 0 and "intact: 3 entries" in text
    head = text.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert _verify(engine, capsys, "--anchor", head)[0] == 0


def _bypassing_triggers(engine, statement: str) -> None:
    """What someone with the database file, or the table owner, can do: lift the guard, edit, put it back."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            triggers = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'audit_log'").scalars().all()
            for name in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name = 'audit_log'").scalars().all():
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
            conn.exec_driver_sql(statement)
            for sql in triggers:
                conn.exec_driver_sql(sql)
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


@pytest.mark.parametrize("statement, broken_id, words", [
    ("UPDATE audit_log SET rows = 1 WHERE id = 2", 2, "edited"),
    ("UPDATE audit_log SET username = 'bo' WHERE id = 1", 1, "edited"),
    ("DELETE FROM audit_log WHERE id = 2", 3, "removed"),
])
def test_tampering_around_the_triggers_is_found_by_verify(engine, capsys, statement, broken_id, words):
    _three_entries(engine)
    _bypassing_triggers(engine, statement)
    code, text = _verify(engine, capsys)
    assert code == 1
    assert f"broken at entry {broken_id}" in text and words in text


def test_a_recomputed_chain_is_caught_by_the_noted_anchor(engine, capsys):
    _three_entries(engine)
    head = _verify(engine, capsys)[1].strip().splitlines()[-1].rsplit(" ", 1)[-1]
    # rewrite entry 2 and recompute every hash after it, as an informed attacker would
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.audit_log).order_by(db.audit_log.c.id)).all()
    prev, updates = audit_chain.GENESIS, []
    for row in rows:
        rows_value = 1 if row.id == 2 else row.rows
        digest = audit_chain.row_hash(prev, row.at, row.username, row.action, row.page, rows_value, row.detail)
        updates.append(f"UPDATE audit_log SET rows = {'NULL' if rows_value is None else rows_value}, "
                       f"prev_hash = '{prev}', row_hash = '{digest}' WHERE id = {row.id}")
        prev = digest
    for statement in updates:
        _bypassing_triggers(engine, statement)
    assert _verify(engine, capsys)[0] == 0  # a chain alone cannot see this ...
    code, text = _verify(engine, capsys, "--anchor", head)  # ... a head noted elsewhere can
    assert code == 1 and "rewritten" in text


def test_existing_entries_are_chained_by_the_migration(tmp_path, capsys):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:  # a database from before the chain: three migrations, rows without hashes
        for step in db.MIGRATIONS[:3]:
            step(conn)
        conn.execute(db.schema_version.insert().values(version=3))
        conn.exec_driver_sql("ALTER TABLE audit_log DROP COLUMN row_hash")
        conn.exec_driver_sql("ALTER TABLE audit_log DROP COLUMN prev_hash")
        for n in range(3):
            conn.exec_driver_sql(f"INSERT INTO audit_log (at, username, action, rows) "
                                 f"VALUES ('2015-01-0{n + 1} 10:00:00.000000', 'ann', 'download', {n})")
    db.migrate(engine)
    assert [(r.id, r.rows) for r in _trail(engine)] == [(1, 0), (2, 1), (3, 2)]
    code, text = _verify(engine, capsys)
    assert code == 0 and "intact: 3 entries" in text
    audit.record(engine, "ann", audit.SIGN_OUT)
    assert _verify(engine, capsys)[0] == 0


_APPENDER = """
import sys, time
from pathlib import Path
from dashboard.access import audit
from dashboard.data import db
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1])
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
for n in range(40):
    audit.record(engine, sys.argv[3], audit.DOWNLOAD, rows=n)
"""


def test_two_processes_appending_at_once_do_not_fork_the_chain(engine, tmp_path, capsys):
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, _url(engine), str(go), name], env=env, cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for name in ("ann", "bo")]
    go.touch()
    for proc in procs:
        assert proc.wait(120) == 0, proc.stderr.read()[-2000:]
    code, text = _verify(engine, capsys)
    assert code == 0 and "intact: 80 entries" in text, text


# ---------------------------------------------------------------- item 14: the PostgreSQL roles (docs/deploy)


@pytest.fixture()
def separated_roles(engine):
    """The test database after docs/deploy/postgres-roles.sql, and an engine that signs in as dashboard_app."""
    if engine.dialect.name != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    import psycopg

    conninfo = sa.engine.make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(ROLES_SQL.read_text(encoding="utf-8"))
    app_url = sa.engine.make_url(PG_URL).set(username="dashboard_app", password=None)
    app_engine = sa.create_engine(app_url)
    yield app_engine
    app_engine.dispose()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP OWNED BY dashboard_app, dashboard_owner")
        conn.execute("DROP ROLE dashboard_app")
        conn.execute("DROP ROLE dashboard_owner")


def test_the_app_role_may_only_append_to_the_trail(separated_roles, capsys):
    app = separated_roles
    db.migrate(app)  # up to date: the app role never needs to migrate
    _three_entries(app)  # the app's own work: insert, read, lock, sequence
    from dashboard.access import auth

    auth.add_user(app, "ann", "analyst", "a long enough passphrase")
    for statement in ("TRUNCATE audit_log", "DELETE FROM audit_log", "UPDATE audit_log SET rows = 0",
                      "ALTER TABLE audit_log DISABLE TRIGGER USER", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                      "DROP TABLE audit_log", "ALTER TABLE audit_log RENAME TO old_log",
                      "DROP FUNCTION audit_log_append_only() CASCADE", "TRUNCATE cases",
                      "CREATE TABLE audit_log_copy (id int)", "UPDATE schema_version SET version = 1"):
        with pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner|append-only"):
            with app.begin() as conn:
                conn.exec_driver_sql(statement)
    assert len(_trail(app)) == 4
    assert _verify(app, capsys)[0] == 0
