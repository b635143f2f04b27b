"""Attacks on ingestion from the security review (issue 14, items 6, 7, 9 and 11), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.data import db
from dashboard.data.ingest import ingest_file, ingest_log_frame, write_records
from dashboard.data.seed import seed_demo
from dashboard.data.validation import validate_cases, validate_file
from dashboard.errors import DataFileError

HEADER = "case_id,date_reported,province,district,offence,victim_age,arrest_made\n"
SECRET_DISTRICT = "Secret-District-" + "x" * 200


def _app_engine(engine):
    """The engine the app and CLI use (db.open_engine: hide_parameters on) for this test database."""
    return db.open_engine(engine.url.render_as_string(hide_password=False))


def _count(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(db.cases)).scalar()


def _file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------- item 6: lengths, control characters


@pytest.mark.parametrize(("row", "column", "fragment"), [
    ("X" * 65 + ",2014-01-02,Kep,,rape,10,no\n", "case_id", "longer than 64"),
    ("X" * 1_000_000 + ",2014-01-02,Kep,,rape,10,no\n", "case_id", "longer than 64"),
    ("A1,2014-01-02,Kep," + "d" * 121 + ",rape,10,no\n", "district", "longer than 120"),
    ("A\x001,2014-01-02,Kep,,rape,10,no\n", "case_id", "control character"),
    ('A1,2014-01-02,Kep,"Kep\x00town",rape,10,no\n', "district", "control character"),
    ("A1,2014-01-02,Kep,,rape,\u00b2,no\n", "victim_age", "whole number"),  # item 9: '²'.isdigit() is True
])
def test_values_the_database_cannot_hold_are_rejected_with_row_and_column(tmp_path, row, column, fragment):
    report = validate_file(_file(tmp_path, "bad.csv", [row]))
    assert not report.ok
    problem = report.problems[0]
    assert (problem.row, problem.column) == (2, column) and fragment in problem.problem
    assert len(problem.value) <= 80 and "\x00" not in problem.value


def test_the_same_limits_hold_on_every_database(engine, tmp_path):
    """SQLite used to store a 1 MB case_id silently; PostgreSQL failed with a traceback. Both now refuse it."""
    app_engine = _app_engine(engine)
    result = ingest_file(app_engine, _file(tmp_path, "big.csv", ["X" * 1_000_000 + ",2014-01-02,Kep,,rape,10,no\n"]))
    assert not result.written and _count(app_engine) == 0
    assert ingest_log_frame(app_engine)["status"].tolist() == ["rejected"]


def test_a_database_error_is_a_message_and_a_rejected_log_entry_without_case_data(engine, caplog, capsys):
    """Bypass validation so the database itself refuses the write (PostgreSQL: varchar(120); SQLite: forced)."""
    app_engine = _app_engine(engine)
    frame = pd.DataFrame({"case_id": ["S1"], "date_reported": ["2014-01-02"], "province": ["Kep"],
                          "district": ["Kep"], "offence": ["rape"], "victim_age": ["9"], "arrest_made": ["no"]})
    report = validate_cases(frame, "upload.csv")
    report.records.loc[0, "district"] = SECRET_DISTRICT  # too long for the column
    if app_engine.dialect.name == "sqlite":  # SQLite does not enforce lengths: make the write fail another way
        with app_engine.begin() as conn:
            conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON cases BEGIN "
                                 "SELECT RAISE(ABORT, 'refused'); END")
    caplog.set_level(logging.DEBUG)
    result = write_records(app_engine, report, "0" * 64, synthetic=False)
    assert not result.written and result.error and "nothing was written" in result.to_text()
    assert _count(app_engine) == 0
    log = ingest_log_frame(app_engine)
    assert log["status"].tolist() == ["rejected"] and "database error" in log["note"].iloc[0]
    seen = result.to_text() + caplog.text + capsys.readouterr().err
    assert "Secret-District" not in seen and "S1" not in seen


def test_engines_hide_parameters_in_errors(engine):
    app_engine = _app_engine(engine)
    with pytest.raises(sa.exc.SQLAlchemyError) as info:
        with app_engine.begin() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table WHERE case_id = :cid"), {"cid": "VICTIM-NAME-42"})
    assert "VICTIM-NAME-42" not in str(info.value)


# ---------------------------------------------------------------- item 7: concurrent ingests


def test_concurrent_ingests_with_overlapping_ids_both_succeed(engine, tmp_path):
    app_engine = _app_engine(engine)
    for attempt in range(4):
        files = [_file(tmp_path, f"f{attempt}_{i}.csv",
                       [f"C{n},2014-01-{1 + n % 28:02d},Kep,,rape,10,{'yes' if i else 'no'}\n"
                        for n in range(i * 50, i * 50 + 100)]) for i in range(2)]
        barrier = threading.Barrier(2)
        results, errors = [None, None], []

        def run(i, barrier=barrier, results=results, files=files, errors=errors):
            barrier.wait()
            try:
                results[i] = ingest_file(app_engine, files[i])
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        assert all(r.written for r in results), [r.to_text() for r in results]
        assert _count(app_engine) == 150


# ---------------------------------------------------------------- item 11: empty and mixed-encoding files


def test_a_header_only_file_is_refused_and_the_demo_stays(engine, tmp_path):
    app_engine = _app_engine(engine)
    seed_demo(app_engine)
    path = tmp_path / "empty.csv"
    path.write_text(HEADER, encoding="utf-8")
    result = ingest_file(app_engine, path)
    assert not result.written and "no data rows" in result.to_text()
    assert _count(app_engine) == 369


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes((HEADER + "A1,2014-01-02,Kep,ស្រុក,rape,10,no\n").encode("utf-8")
                     + "A2,2014-01-03,Kampot,Caf\u00e9,rape,10,no\n".encode("cp1252"))
    with pytest.raises(DataFileError) as info:
        validate_file(path)
    assert "Line 3" in info.value.message and "What to do" in info.value.message


def test_plain_windows_1252_is_still_read(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes((HEADER + "A2,2014-01-03,Kampot,Caf\u00e9,rape,10,no\n").encode("cp1252"))
    report = validate_file(path)
    assert report.ok and report.records["district"].iloc[0] == "Caf\u00e9"
