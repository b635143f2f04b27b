"""Load the dataset the app and CLI work on, from the database or a folder. Reading never writes case data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.data import db
from dashboard.data.dataset import Dataset, frame_cases, frame_coverage
from dashboard.data.snapshot import read_through_snapshot
from dashboard.errors import DataFileError


def _has_row(conn: sa.Connection, table: sa.Table, *where) -> bool:
    """Whether any row matches: stops at the first one, unlike count(*) over a million rows."""
    return conn.execute(sa.select(sa.literal(1)).select_from(table).where(*where).limit(1)).first() is not None


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not _has_row(conn, db.cases) and not _has_row(conn, db.coverage)


def holds_only_synthetic(engine: Engine) -> bool:
    """Whether the database holds the SYNTHETIC demo and nothing else. An empty database holds no demo: it is a
    deployment that has not loaded its data yet, never demo data."""
    with engine.connect() as conn:
        if _has_row(conn, db.cases, db.cases.c.synthetic.is_(False)) or \
                _has_row(conn, db.coverage, db.coverage.c.synthetic.is_(False)):
            return False
        return _has_row(conn, db.cases) or _has_row(conn, db.coverage)


def data_version(engine: Engine) -> int:
    """Changes whenever an ingest lands: the newest successful ingest log id."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(db.ingest_log.c.id))
                                .where(db.ingest_log.c.status == "ok")).scalar() or 0)


def _read_case_rows(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return frame_cases(pd.read_sql(sa.select(*[c for c in db.cases.c if c.name != "ingest_id"]), conn))


def read_coverage(engine: Engine) -> pd.DataFrame:
    """The stored coverage table, with its ``synthetic`` flag."""
    with engine.connect() as conn:
        return pd.read_sql(sa.select(db.coverage), conn)


def load_from_db(engine: Engine) -> Dataset:
    """Cases (through the Parquet snapshot of the current data version) and coverage."""
    cases = read_through_snapshot(engine, data_version(engine), lambda: _read_case_rows(engine))
    coverage = read_coverage(engine)
    flags = pd.concat([cases["synthetic"], coverage["synthetic"]]).astype(bool)
    synthetic = bool(len(flags)) and bool(flags.all())  # SYNTHETIC only with demo rows and nothing else
    return Dataset(cases, frame_coverage(coverage), synthetic, db.redact(str(engine.url)))


def load_from_dir(path: Path | str) -> Dataset:
    """Cases and coverage from a folder (as written by ``demo-data``), validated in memory."""
    from dashboard.data.validation import validate_file
    from dashboard.i18n import _

    folder = Path(path)
    if not folder.is_dir():
        raise DataFileError(_("'{path}' is not a folder.").format(path=folder),
                            _("Give the folder written by 'python -m dashboard demo-data'."))
    case_files = sorted(folder.glob("cases*.csv")) + sorted(folder.glob("cases*.xlsx"))
    cov_files = sorted(folder.glob("coverage*.csv")) + sorted(folder.glob("coverage*.xlsx"))
    if not case_files:
        raise DataFileError(_("No cases*.csv or cases*.xlsx file in '{path}'.").format(path=folder),
                            _("Put the case file in that folder."))
    reports = [validate_file(case_files[0], kind="cases")]
    if cov_files:
        reports.append(validate_file(cov_files[0], kind="coverage"))
    for report in reports:
        if not report.ok:
            raise DataFileError(_("'{name}' is not valid:").format(name=report.filename) + "\n"
                                + report.to_text(limit=20),
                                _("Fix the rows listed, or run 'python -m dashboard validate FILE' "
                                  "for the full report."))
    cases = reports[0].records
    coverage = reports[1].records if cov_files else pd.DataFrame(columns=["province_code", "start_date", "end_date"])
    synthetic = "SYNTHETIC" in case_files[0].name or cases["case_id"].str.startswith("SYN-").all()
    return Dataset(frame_cases(cases), frame_coverage(coverage), bool(synthetic), str(folder))
