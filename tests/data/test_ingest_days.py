"""Each case's first ingest day: written on insert, kept when a later ingest updates the case, backfilled on
migration from the ingest log."""

from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard.data import db
from dashboard.data.ingest import ingest_file
from dashboard.data.ingest_days import read_first_ingested

HEADER = "case_id,date_reported,province,offence,arrest_made\n"


def test_a_later_ingest_keeps_the_first_day_and_new_cases_get_today(tmp_path):
    engine = db.open_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert ingest_file(engine, (HEADER + "A,2015-01-02,Phnom Penh,rape,no\nB,2015-01-03,Kampot,rape,no\n").encode(),
                       "one.csv").written
    with engine.begin() as conn:
        conn.execute(db.cases.update().where(db.cases.c.case_id == "A").values(first_ingested=date(2015, 1, 9)))
    assert ingest_file(engine, (HEADER + "A,2015-01-02,Phnom Penh,rape,yes\nC,2015-01-05,Kampot,rape,no\n").encode(),
                       "two.csv").written
    days = read_first_ingested(engine, pd.Series(["A", "B", "C", "Z"]))
    today = pd.Timestamp(date.today())
    assert days.iloc[0] == pd.Timestamp("2015-01-09")  # updated (arrest), first day kept
    assert abs(days.iloc[1] - today).days <= 1 and abs(days.iloc[2] - today).days <= 1
    assert pd.isna(days.iloc[3])


def test_the_migration_gives_stored_cases_the_day_of_their_ingest(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        before = db.MIGRATIONS.index(db._migration_first_ingested)  # later migrations follow it
        for step in db.MIGRATIONS[:before]:
            step(conn)
        conn.execute(db.schema_version.insert().values(version=before))
        conn.exec_driver_sql("ALTER TABLE cases DROP COLUMN first_ingested")  # as the table was before
        conn.execute(db.ingest_log.insert().values(id=7, at=pd.Timestamp("2014-03-04 10:00", tz="UTC"), kind="cases",
                                                   file_name="f.csv", sha256="0" * 64, status="ok"))
        conn.exec_driver_sql("INSERT INTO cases (case_id, date_reported, province_code, offence, arrest_made, "
                             "synthetic, ingest_id) VALUES ('X', '2014-03-01', '12', 'other', 0, 0, 7)")
    assert db.migrate(engine) == len(db.MIGRATIONS)
    assert read_first_ingested(engine, pd.Series(["X"])).iloc[0] == pd.Timestamp("2014-03-04")


def test_the_days_are_read_from_the_database_once_per_data_version(tmp_path):
    """The quality checks read a million days at 1M cases (3.5 s); a snapshot of the data version answers again."""
    from dashboard.data.snapshot import snapshot_dir

    engine = db.open_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert ingest_file(engine, (HEADER + "A,2015-01-02,Phnom Penh,rape,no\n").encode(), "one.csv").written
    first = read_first_ingested(engine, pd.Series(["A", "Z"]))
    assert len(list(snapshot_dir().glob("ingest_days-*-v*.parquet"))) == 1
    with engine.begin() as conn:  # behind the app's back: nothing but an ingest changes a first ingest day
        conn.execute(db.cases.update().values(first_ingested=date(2015, 1, 9)))
    again = read_first_ingested(engine, pd.Series(["A", "Z"]))
    assert again.iloc[0] == first.iloc[0] and pd.isna(again.iloc[1])  # from the snapshot, NaT kept
    assert ingest_file(engine, (HEADER + "B,2015-01-03,Kampot,rape,no\n").encode(), "two.csv").written
    after = read_first_ingested(engine, pd.Series(["A", "B"]))
    assert after.iloc[0] == pd.Timestamp("2015-01-09")  # a new version: read again
    assert len(list(snapshot_dir().glob("ingest_days-*-v*.parquet"))) == 1  # the old version's copy is gone
