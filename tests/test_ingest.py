"""Storage and ingestion, against SQLite and (in CI) PostgreSQL."""

import sqlalchemy as sa

from dashboard.cli import main
from dashboard.data import db
from dashboard.data.ingest import ingest_file, ingest_log_frame
from dashboard.data.seed import seed_demo
from dashboard.data.store import holds_only_synthetic, load_from_db

HEADER = "case_id,date_reported,province,offence,arrest_made\n"


def _count(engine, table=db.cases):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def _write(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_migration_is_recorded_and_repeatable(engine):
    assert db.migrate(engine) == len(db.MIGRATIONS)
    with engine.connect() as conn:
        assert db.current_version(conn) == len(db.MIGRATIONS)


def test_ingest_then_reingest_is_idempotent(engine, tmp_path):
    f = _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,yes\nA2,2014-01-03,Kampot,homicide,no\n")
    first = ingest_file(engine, f)
    assert first.written and (first.added, first.updated) == (2, 0)
    again = ingest_file(engine, f)
    assert (again.added, again.updated) == (0, 2)
    assert _count(engine) == 2


def test_overlapping_file_updates_by_case_id(engine, tmp_path):
    ingest_file(engine, _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,no\nA2,2014-01-03,Kampot,homicide,no\n"))
    res = ingest_file(engine, _write(tmp_path, "b.csv",
                                     "A2,2014-01-03,Kampot,homicide,yes\nA3,2014-02-01,Takeo,other,no\n"))
    assert (res.added, res.updated) == (1, 1)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(db.cases.c.case_id, db.cases.c.arrest_made)).all())
    assert rows == {"A1": False, "A2": True, "A3": False}


def test_one_bad_row_leaves_database_unchanged(engine, tmp_path):
    ingest_file(engine, _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,no\n"))
    with engine.connect() as conn:
        before = conn.execute(sa.select(db.cases).order_by(db.cases.c.case_id)).all()
    bad = _write(tmp_path, "bad.csv",
                 "A1,2014-01-02,Kep,rape,yes\nA2,2014-01-03,Kampot,homicide,no\nA3,2014-01-04,Atlantis,rape,no\n")
    res = ingest_file(engine, bad)
    assert not res.written and res.report.rejected_rows == 1
    with engine.connect() as conn:
        after = conn.execute(sa.select(db.cases).order_by(db.cases.c.case_id)).all()
    assert after == before


def test_ingest_log_records_hash_and_counts(engine, tmp_path):
    import hashlib

    f = _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,no\n")
    ingest_file(engine, f)
    ingest_file(engine, _write(tmp_path, "bad.csv", "A9,2014-01-02,Nowhere,rape,no\n"))
    log = ingest_log_frame(engine)
    ok = log[log.status == "ok"].iloc[0]
    assert ok.file_name == "a.csv" and ok.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert (ok.rows_added, ok.rows_updated, ok.rows_rejected) == (1, 0, 0)
    rejected = log[log.status == "rejected"].iloc[0]
    assert rejected.rows_rejected == 1


def test_coverage_ingest_upserts_by_province(engine, tmp_path):
    p = tmp_path / "cov.csv"
    p.write_text("province,start_date\nKep,2014-01-01\nPursat,2014-02-01\n")
    assert ingest_file(engine, p, kind="coverage").added == 2
    p.write_text("province,start_date,end_date\nKep,2014-01-05,2015-01-01\n")
    res = ingest_file(engine, p, kind="coverage")
    assert (res.added, res.updated) == (0, 1)
    assert _count(engine, db.coverage) == 2


def test_demo_seed_then_real_ingest_replaces_demo(engine, tmp_path):
    seed_demo(engine)
    assert _count(engine) == 369 and holds_only_synthetic(engine)
    ds = load_from_db(engine)
    assert ds.synthetic and len(ds.cases) == 369
    res = ingest_file(engine, _write(tmp_path, "real.csv", "R1,2014-01-02,Kep,rape,no\n"))
    assert res.removed_synthetic == 369 + 21
    assert _count(engine) == 1 and not holds_only_synthetic(engine)
    assert not load_from_db(engine).synthetic


def test_cli_ingest_and_summary_with_db(engine, tmp_path, capsys):
    url = engine.url.render_as_string(hide_password=False)
    f = _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,yes\nA2,2014-01-03,Kampot,homicide,no\n")
    assert main(["ingest", str(f), "--db", url]) == 0
    bad = _write(tmp_path, "b.csv", "A3,2099-01-02,Kep,rape,yes\n")
    assert main(["ingest", str(bad), "--db", url]) == 1
    capsys.readouterr()
    assert main(["summary", "--db", url, "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["cases"] == 2 and out["arrests"] == 1 and not out["synthetic"]


def test_unreachable_database_gives_clear_message(capsys):
    code = main(["summary", "--db", "postgresql+psycopg://nobody:hunter2pw@127.0.0.1:1/none", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be reached" in err and "hunter2pw" not in err and "Traceback" not in err


def test_url_from_env_and_secrets(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.cases]\nurl = "sqlite:///from-secrets.db"\n')
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    assert db.configured_url(None, secrets) == "sqlite:///from-secrets.db"
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:///from-env.db")
    assert db.configured_url(None, secrets) == "sqlite:///from-env.db"
    assert db.configured_url("sqlite:///explicit.db", secrets) == "sqlite:///explicit.db"


def test_failure_during_the_write_rolls_everything_back(engine, tmp_path, monkeypatch):
    """The bulk insert goes through the driver's cursor; it must share the transaction."""
    import pytest

    from dashboard.data import ingest

    ingest_file(engine, _write(tmp_path, "a.csv", "A1,2014-01-02,Kep,rape,no\n"))
    real_bulk = ingest._bulk_upsert

    def bulk_then_fail(*args, **kwargs):
        real_bulk(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "_bulk_upsert", bulk_then_fail)
    with pytest.raises(RuntimeError):
        ingest_file(engine, _write(tmp_path, "b.csv", "B1,2014-01-02,Kep,rape,no\nB2,2014-01-03,Kampot,homicide,no\n"))
    assert _count(engine) == 1
    assert len(ingest_log_frame(engine)) == 1


def test_dates_round_trip_through_the_bulk_insert(engine, tmp_path):
    from datetime import date

    ingest_file(engine, _write(tmp_path, "a.csv", "A1,31/12/2014,Kep,rape,yes\n"))
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.cases.c.date_reported, db.cases.c.arrest_made, db.cases.c.ingest_id)).one()
    assert row.date_reported == date(2014, 12, 31) and row.arrest_made is True and row.ingest_id is not None


def test_sessions_starting_together_seed_the_demo_once(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from dashboard.data.seed import seed_demo_if_empty

    monkeypatch.setenv("DASHBOARD_VAR_DIR", str(tmp_path / "var"))
    url = db.default_url()
    engine = db.open_engine(url)
    with ThreadPoolExecutor(4) as pool:
        seeded = list(pool.map(lambda _: seed_demo_if_empty(engine, url), range(4)))
    assert seeded.count(True) == 1
    assert _count(engine) == 369


def test_a_configured_database_is_never_seeded(engine):
    from dashboard.data.seed import seed_demo_if_empty

    assert not seed_demo_if_empty(engine, str(engine.url))
    assert _count(engine) == 0


def test_ingest_flags_cases_outside_the_stored_coverage(engine, tmp_path):
    seed_demo(engine)  # synthetic coverage only: not used to judge real cases (it is removed on this ingest)
    first = ingest_file(engine, _write(tmp_path, "a.csv", "A1,2013-08-01,Tboung Khmum,rape,no\n"))
    assert first.written and first.report.outside_coverage == 0
    cov = tmp_path / "coverage.csv"
    cov.write_text("province,start_date,end_date\nKep,2014-01-01,\nKampot,2013-07-01,2014-06-30\n", encoding="utf-8")
    assert ingest_file(engine, cov, kind="coverage").written
    body = ("B1,2013-12-31,Kep,rape,no\n"      # before Kep's start
            "B2,2014-01-01,Kep,rape,no\n"      # fine
            "B3,2014-07-01,Kampot,rape,no\n"   # after Kampot's end
            "B4,2014-07-01,Takeo,rape,no\n")   # never covered
    result = ingest_file(engine, _write(tmp_path, "b.csv", body))
    assert result.written and result.added == 4  # flagged, not rejected
    assert result.report.outside_coverage == 3 and [f.row for f in result.report.flags] == [2, 4, 5]
    assert "3 case(s) reported outside their province's coverage" in result.to_text()
