"""Backups and restores (dashboard.ops.backup, ``python -m dashboard backup|restore``) on SQLite and PostgreSQL.

The round trip runs while another thread keeps ingesting: the backup must be one consistent moment (each
ingest wholly in or wholly out), the restore must bring back every table row for row, and a database that
already holds data is refused unless --force is given.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access import auth
from dashboard.cli import main
from dashboard.data import db
from dashboard.data.ingest import ingest_file
from dashboard.errors import UserFacingError
from dashboard.ops import backup

HEADER = "case_id,date_reported,province,offence,arrest_made\n"
PROVINCES = ("Kep", "Kampot", "Takeo", "Kandal")


def _batch(number: int, rows: int = 400) -> bytes:
    lines = [f"B{number:03d}-{i:05d},2014-{1 + i % 12:02d}-{1 + i % 27:02d},{PROVINCES[i % 4]},rape,"
             f"{'yes' if i % 3 else 'no'}" for i in range(rows)]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        return {name: sorted((tuple(row) for row in conn.execute(sa.select(sa.table(name, *[
            sa.column(c["name"]) for c in sa.inspect(conn).get_columns(name)])))), key=repr) for name in names}


@pytest.fixture()
def target(engine, tmp_path):
    """A fresh, empty database of the same kind as ``engine``: a new SQLite file, or a new PostgreSQL database."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{engine.url.database}_restore"
    admin = sa.create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = engine.url.set(database=name).render_as_string(hide_password=False)
    yield url
    sa.create_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_backup_under_concurrent_ingest_restores_every_table(engine, target, tmp_path):
    auth.add_user(engine, "ana", "admin", "correct horse battery staple")
    assert ingest_file(engine, _batch(0), "batch0.csv").written
    writer = sa.create_engine(_url(engine))
    stop, done, errors = threading.Event(), [], []

    def keep_ingesting() -> None:
        number = 1
        try:
            while not stop.is_set() or number < 3:
                assert ingest_file(writer, _batch(number), f"batch{number}.csv").written
                done.append(number)
                number += 1
        except Exception as exc:  # reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=keep_ingesting)
    thread.start()
    while not done and not errors:  # the backup starts while ingests run
        threading.Event().wait(0.05)
    during = backup.backup(_url(engine), tmp_path / "during.bak")
    stop.set()
    thread.join(timeout=300)
    writer.dispose()
    assert not errors, errors
    assert during.path.is_file() and not (tmp_path / "during.bak.partial").exists()

    # the copy taken mid-ingest: every row is one the database really had, and each ingest is wholly in or out
    restored = backup.restore(target, during.path)
    assert restored.rows > 0
    copy, final = sa.create_engine(target), _rows(engine)
    got = _rows(copy)
    assert set(got) == set(final)
    for name, rows in got.items():
        assert set(rows) <= set(final[name]), name
    with copy.connect() as conn:
        logged = dict(conn.execute(sa.select(db.ingest_log.c.file_name, db.ingest_log.c.rows_added)).all())
        per_file = {f"batch{n}.csv": conn.execute(sa.select(sa.func.count()).select_from(db.cases).where(
            db.cases.c.case_id.like(f"B{n:03d}-%"))).scalar() for n in range(len(done) + 1)}
    assert {name: count for name, count in per_file.items() if count} == logged
    assert any(row[0] == "ana" for row in got["users"])
    copy.dispose()

    # taken at rest: the restore brings back every table exactly (forced: the target now holds the first copy)
    with pytest.raises(UserFacingError, match="not empty"):
        backup.restore(target, backup.backup(_url(engine), tmp_path / "after.bak").path)
    backup.restore(target, tmp_path / "after.bak", force=True)
    copy = sa.create_engine(target)
    assert _rows(copy) == _rows(engine)
    copy.dispose()


def test_cli_round_trip_and_refusals(engine, target, tmp_path, capsys):
    auth.add_user(engine, "kim", "analyst", "correct horse battery staple")
    assert ingest_file(engine, _batch(7, rows=20), "seven.csv").written
    out = tmp_path / "nightly.bak"
    assert main(["backup", str(out), "--db", _url(engine)]) == 0
    assert "Backup written to" in capsys.readouterr().out
    assert main(["restore", str(out), "--db", target]) == 0
    assert "Restored" in capsys.readouterr().out
    copy = sa.create_engine(target)
    assert _rows(copy) == _rows(engine)
    copy.dispose()
    # a second restore into the now non-empty database is refused with a message, and --force replaces it
    assert main(["restore", str(out), "--db", target]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["restore", str(out), "--db", target, "--force"]) == 0
    # a file that is not a backup, and one of the other kind of database
    junk = tmp_path / "junk.bak"
    junk.write_text("case_id\n")
    assert main(["restore", str(junk), "--db", target]) == 2
    assert "not a backup" in capsys.readouterr().err
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}" if engine.dialect.name != "sqlite" else None
    if other:
        assert main(["restore", str(out), "--db", other]) == 2
        assert "same kind" in capsys.readouterr().err


def test_missing_pg_tools_is_a_clear_message(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it
    assert shutil.which("pg_dump") is None
    code = main(["backup", str(tmp_path / "x.bak"), "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 2 and "'pg_dump' was not found on the PATH" in err and "Traceback" not in err
    assert not list(tmp_path.glob("x.bak*"))


def test_sqlite_backup_of_a_missing_file_or_folder(tmp_path, capsys):
    assert main(["backup", str(tmp_path / "x.bak"), "--db", f"sqlite:///{tmp_path / 'none.sqlite3'}"]) == 2
    assert "There is no database" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "no" / "x.bak"), "--db", f"sqlite:///{tmp_path / 'none.sqlite3'}"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not Path(tmp_path / "none.sqlite3").exists()
    assert os.listdir(tmp_path) == []
