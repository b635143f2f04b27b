"""Upgrades (dashboard.data.db.migrate): a database of an earlier schema, opened by this release, keeps every row
and every user.

Two sources of old databases: ``fixtures/schema_v3.sqlite3``, written by the previous release itself (schema 3;
see fixtures/make_schema_v3.py), and databases built here from the old migration steps, at every earlier version,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth
from dashboard.data import audit_chain, db, store
from tests.conftest import PG_URL

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v3.sqlite3"
PASSWORD = "correct horse battery staple"  # the fixture's users' password


def _snapshot(engine: sa.Engine, ignore: frozenset[str] = frozenset()) -> dict[str, tuple[list[str], set[tuple]]]:
    """Every table's rows, by the columns it has now (but ``ignore``)."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        out = {}
        for name in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(name) if c["name"] not in ignore]
            rows = conn.execute(sa.select(*[sa.column(c) for c in columns]).select_from(sa.table(name))).all()
            out[name] = (columns, {tuple(r) for r in rows})
        return out


def _kept(before: dict, after: dict) -> None:
    """Every table and every row of ``before`` is still there (by its old columns) in ``after``."""
    for name, (columns, rows) in before.items():
        if name == "schema_version":
            continue
        assert name in after, f"table {name} is gone"
        new_columns, new_rows = after[name]
        index = [new_columns.index(c) for c in columns]
        projected = {tuple(row[i] for i in index) for row in new_rows}
        assert rows <= projected, f"{name}: {len(rows - projected)} rows lost or changed"
        assert len(new_rows) >= len(rows)


def test_the_previous_release_database_opens_with_every_row_and_user(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)
    old = sa.create_engine(f"sqlite:///{path}")
    with old.connect() as conn:
        assert db.current_version(conn) == 3
    before = _snapshot(old)
    old.dispose()
    assert len(before["cases"][1]) == 369 and len(before["users"][1]) == 3

    engine = db.open_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert db.current_version(conn) == len(db.MIGRATIONS)
    after = _snapshot(engine)
    _kept(before, after)
    assert auth.verify(engine, "ana", PASSWORD) == "admin"
    assert auth.verify(engine, "kim", PASSWORD) == "analyst"
    assert auth.verify(engine, "vic", PASSWORD) is None  # disabled, and still disabled
    assert auth.list_users(engine) == [("ana", "admin", False), ("kim", "analyst", False), ("vic", "leadership", True)]
    assert audit.verify(engine).intact  # the old entries were hashed into the chain by the migration
    assert len(store.load_from_db(engine).cases) == 369
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def blank(request, tmp_path):
    """An empty database (no tables at all)."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'blank.sqlite3'}")
    else:
        if not PG_URL:
            if os.environ.get("DASHBOARD_REQUIRE_PG"):
                pytest.fail("DASHBOARD_REQUIRE_PG is set but DASHBOARD_TEST_PG_URL is not")
            pytest.skip("PostgreSQL tests skipped: set DASHBOARD_TEST_PG_URL")
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            db.metadata.drop_all(conn)
    yield engine
    engine.dispose()


def _fill(conn: sa.Connection, version: int) -> None:
    """Rows in the tables that exist at ``version``, with the columns every version has."""
    now = datetime(2024, 5, 1, tzinfo=UTC)
    conn.execute(db.cases.insert(), [
        {"case_id": f"C{i}", "date_reported": date(2014, 1 + i % 12, 1), "province_code": f"{1 + i % 25:02d}",
         "offence": "rape", "arrest_made": bool(i % 2)} for i in range(50)])
    conn.execute(db.coverage.insert(), [{"province_code": "01", "start_date": date(2014, 1, 1)}])
    conn.execute(db.ingest_log.insert(), [{"at": now, "kind": "cases", "file_name": "c.csv", "sha256": "0" * 64,
                                           "status": "written", "rows_added": 50}])
    if version >= 2:
        conn.execute(db.users.insert(), [{"username": name, "password_hash": auth._hasher.hash(PASSWORD),
                                          "role": role, "created_at": now}
                                         for name, role in (("ana", "admin"), ("kim", "analyst"))])
    if version == 3:  # before the hash chain: the migration hashes it
        conn.execute(sa.table("audit_log", sa.column("at"), sa.column("username"), sa.column("action")).insert(),
                     [{"at": now, "username": "ana", "action": "sign_in"}])
    elif version > 3:  # as that release's app wrote it: chained
        digest = audit_chain.row_hash(audit_chain.GENESIS, now, "ana", "sign_in", None, None, None)
        conn.execute(db.audit_log.insert(), [{"at": now, "username": "ana", "action": "sign_in",
                                              "prev_hash": audit_chain.GENESIS, "row_hash": digest}])


@pytest.mark.parametrize("version", range(1, len(db.MIGRATIONS)))
def test_each_earlier_schema_migrates_keeping_rows_and_users(blank, version):
    with blank.begin() as conn:
        for step in range(version):
            db.MIGRATIONS[step](conn)
        conn.execute(db.schema_version.insert().values(version=version))
        _fill(conn, version)
    # the old steps create today's tables, so the hash-chain columns exist early, empty, for a later step to fill
    before = _snapshot(blank, ignore=frozenset({"prev_hash", "row_hash"}))
    assert db.migrate(blank) == len(db.MIGRATIONS)
    _kept(before, _snapshot(blank))
    if version >= 2:
        assert auth.verify(blank, "ana", PASSWORD) == "admin"
        assert auth.verify(blank, "kim", PASSWORD) == "analyst"
    assert audit.verify(blank).intact
