"""dashboard.data.ingest: an ingest writes its own audit entry in its own transaction, and a file validated once
is written from that report (SQLite and, in CI, PostgreSQL)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from dashboard.data import audit_chain, audit_log, db, ingest, validation
from dashboard.data.ingest import check_file, ingest_file, ingest_report
from dashboard.data.seed import seed_demo
from tests.apphelpers import app, engine_with_users, no_errors, signed_in

CASES = (b"case_id,date_reported,province,offence,arrest_made\n"
         b"G1,2014-01-02,Kep,rape,no\nG2,2014-03-05,Kampot,murder,yes\n")
BAD = b"case_id,date_reported,province,offence,arrest_made\nB1,2014-01-02,Atlantis,rape,no\n"


def _ingest_entries(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == audit_log.INGEST)
                            .order_by(db.audit_log.c.id)).all()
    return [{"user": r.username, "page": r.page, "rows": r.rows, **json.loads(r.detail)} for r in rows]


def _count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()


def _real_cases(engine) -> int:
    return _count(engine, db.cases, db.cases.c.synthetic.is_(False))


def test_a_written_ingest_carries_its_audit_entry(engine):
    result = ingest_file(engine, CASES, "march.csv", actor="ann", page="data")
    assert result.written and _real_cases(engine) == 2
    (entry,) = _ingest_entries(engine)
    assert (entry["user"], entry["page"], entry["rows"], entry["file"], entry["written"]) == \
        ("ann", "data", 2, "march.csv", True)
    assert audit_chain.verify_rows(_chain(engine)).intact


def _chain(engine):
    t = db.audit_log
    with engine.connect() as conn:
        return conn.execute(sa.select(t.c.id, t.c.at, t.c.username, t.c.action, t.c.page, t.c.rows, t.c.detail,
                                      t.c.prev_hash, t.c.row_hash).order_by(t.c.id)).all()


def test_a_write_that_fails_midway_leaves_no_data_and_no_written_entry(engine, monkeypatch):
    real_upsert = ingest._upsert

    def upsert_then_fail(conn, *args):
        real_upsert(conn, *args)  # the rows are in the transaction ...
        raise OperationalError("INSERT", {}, Exception("the disk went away"))  # ... when it fails

    monkeypatch.setattr(ingest, "_upsert", upsert_then_fail)
    result = ingest_file(engine, CASES, "march.csv", actor="ann", page="data")
    assert not result.written and result.error
    assert _real_cases(engine) == 0
    assert _count(engine, db.ingest_log, db.ingest_log.c.status == "ok") == 0
    (entry,) = _ingest_entries(engine)  # the failure is audited, as not written
    assert (entry["written"], entry["added"], entry["rows"]) == (False, 0, 0)


def test_an_audit_entry_that_cannot_be_written_takes_the_ingest_with_it(engine, monkeypatch):
    def no_trail(conn, values):
        raise OperationalError("INSERT INTO audit_log", {}, Exception("audit_log is not writable"))

    monkeypatch.setattr(audit_log, "append", no_trail)
    result = ingest_file(engine, CASES, "march.csv", actor="ann")
    assert not result.written
    assert _real_cases(engine) == 0
    assert _count(engine, db.ingest_log, db.ingest_log.c.status == "ok") == 0
    monkeypatch.undo()
    assert _ingest_entries(engine) == []


def test_a_refused_file_is_audited_with_its_refusal(engine):
    result = ingest_file(engine, BAD, "bad.csv", actor="ann@cli")
    assert not result.written
    (entry,) = _ingest_entries(engine)
    assert (entry["user"], entry["written"], entry["rejected"]) == ("ann@cli", False, 1)
    assert _count(engine, db.ingest_log, db.ingest_log.c.status == "rejected") == 1


def test_without_an_actor_nothing_is_audited(engine):
    assert ingest_file(engine, CASES, "march.csv").written
    assert _ingest_entries(engine) == []


def test_the_first_real_ingest_says_how_many_demo_rows_it_removed(engine):
    seed_demo(engine)
    demo_cases = _count(engine, db.cases, db.cases.c.synthetic.is_(True))
    demo_coverage = _count(engine, db.coverage, db.coverage.c.synthetic.is_(True))
    assert demo_cases and demo_coverage
    first = ingest_file(engine, CASES, "march.csv", actor="ann")
    assert first.removed_demo_cases == demo_cases
    second = ingest_file(engine, CASES, "march.csv", actor="ann")
    assert second.removed_synthetic == 0
    entry, again = _ingest_entries(engine)
    assert (entry["removed_demo_cases"], entry["removed_demo_coverage"]) == (demo_cases, demo_coverage)
    assert "removed_demo_cases" not in again  # nothing left to remove: the entry says nothing about it


@pytest.fixture()
def parses(monkeypatch) -> list[str]:
    """The names of the files read and validated (every path to validation reads the table first)."""
    seen: list[str] = []
    real = validation.read_table

    def counting(source, filename=None):
        seen.append(filename)
        return real(source, filename)

    monkeypatch.setattr(validation, "read_table", counting)
    return seen


def test_a_checked_report_is_written_without_a_second_validation(engine, parses):
    report = check_file(engine, CASES, "march.csv")
    assert parses == ["march.csv"]
    assert ingest_report(engine, report, CASES, actor="ann").written
    assert parses == ["march.csv"]


def test_one_rule_decides_which_coverage_a_case_file_is_checked_against(engine):
    seed_demo(engine)  # the demo's coverage never counts
    assert ingest.validation_options(engine, "cases").coverage is None
    cov = b"province,start_date\nKep,2015-01-01\n"
    assert ingest_file(engine, cov, "coverage.csv", kind="coverage").written
    options = ingest.validation_options(engine, "cases")
    assert list(options.coverage["province_code"]) == ["23"]
    report = check_file(engine, CASES, "march.csv")  # Kep in 2014, before its start; Kampot never covered
    assert report.ok and report.outside_coverage == 2


def test_the_data_page_validates_an_upload_once_and_writes_that_report(app_db, parses):
    engine = engine_with_users(app_db, {"admin-user": "admin"}, "a long enough passphrase")
    at = app("pages/data.py", session=signed_in(engine, "admin-user"))
    at.file_uploader(key="upload_file").set_value(("march.csv", CASES, "text/csv")).run()
    parses.clear()
    at.button(key="ingest_button").click().run()
    no_errors(at)
    assert parses == ["march.csv"]  # the click's run: validated once, and that report was written
    assert _real_cases(engine) == 2
    (entry,) = _ingest_entries(engine)
    assert (entry["user"], entry["page"], entry["written"]) == ("admin-user", "data", True)
