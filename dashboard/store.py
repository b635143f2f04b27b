"""Load the case data the app and CLI work on, from the database or a folder."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard import db, demo
from dashboard.errors import DataFileError
from dashboard.gazetteer import load_gazetteer
from dashboard.ingest import validate_file, write_records
from dashboard.paths import VAR_DIR
from dashboard.schema import OFFENCES
from dashboard.validation import validate_cases, validate_coverage

log = logging.getLogger(__name__)
SNAPSHOT_DIR = VAR_DIR / "cache"


@dataclass
class Dataset:
    """Cases and coverage in analysis-ready form (categoricals, datetime64)."""

    cases: pd.DataFrame
    coverage: pd.DataFrame
    synthetic: bool
    source: str

    @cached_property
    def counts(self) -> pd.DataFrame:
        """Daily counts by province and offence: what every metric except victim breakdowns reads."""
        from dashboard.metrics import as_counts

        return as_counts(self.cases)

    @property
    def as_of(self) -> date | None:
        """The date the data runs to: the latest case reported."""
        if self.cases.empty:
            return None
        return self.cases["date"].max().date()


def _frame_cases(frame: pd.DataFrame) -> pd.DataFrame:
    codes = list(load_gazetteer())
    out = pd.DataFrame({
        "case_id": frame["case_id"].astype(str),
        "date": pd.to_datetime(frame["date_reported"]).astype("datetime64[ns]"),
        "province_code": pd.Categorical(frame["province_code"], categories=codes),
        "offence": pd.Categorical(frame["offence"], categories=list(OFFENCES)),
        "arrest": frame["arrest_made"].astype(bool),
        "arrest_date": pd.to_datetime(frame["arrest_date"]).astype("datetime64[ns]"),
        "victim_age": pd.to_numeric(frame["victim_age"], errors="coerce").astype("Int16"),
        "victim_sex": frame["victim_sex"].astype("category") if "victim_sex" in frame else None,
        "district": frame["district"] if "district" in frame else None,
        "synthetic": frame["synthetic"].astype(bool) if "synthetic" in frame else False,
    })
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def _frame_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "province_code": frame["province_code"].astype(str),
        "start_date": pd.to_datetime(frame["start_date"]).astype("datetime64[ns]"),
        "end_date": pd.to_datetime(frame["end_date"]).astype("datetime64[ns]"),
    }).sort_values("start_date", kind="stable").reset_index(drop=True)


def _has_row(conn: sa.Connection, table: sa.Table, *where) -> bool:
    """Whether any row matches: stops at the first one, unlike count(*) over a million rows."""
    return conn.execute(sa.select(sa.literal(1)).select_from(table).where(*where).limit(1)).first() is not None


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not _has_row(conn, db.cases) and not _has_row(conn, db.coverage)


_SEED_LOCK = threading.Lock()


def ensure_seeded(engine: Engine) -> bool:
    """Load the demo data into an empty database, once even when sessions start together.

    Returns True if it seeded. (One server process runs every session as a
    thread, so a process lock is enough; the write itself is transactional.)
    """
    if not is_empty(engine):
        return False
    with _SEED_LOCK:
        if not is_empty(engine):
            return False
        seed_demo(engine)
        return True


def seed_demo(engine: Engine, seed: int = demo.DEFAULT_SEED) -> None:
    """Load the SYNTHETIC demo dataset (used when the database is empty)."""
    data = demo.generate(seed)
    for kind, frame, validate in (("cases", data.cases, validate_cases), ("coverage", data.coverage, validate_coverage)):
        report = validate(frame, f"{kind}_SYNTHETIC (built-in demo, seed {seed})", "generated")
        if not report.ok:  # the generator and the validator disagree: a bug, not user input
            raise RuntimeError(report.to_text())
        digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
        write_records(engine, report, digest, synthetic=True)
    log.info("seeded SYNTHETIC demo data")


def holds_only_synthetic(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not (_has_row(conn, db.cases, db.cases.c.synthetic.is_(False))
                    or _has_row(conn, db.coverage, db.coverage.c.synthetic.is_(False)))


def data_version(engine: Engine) -> int:
    """Changes whenever an ingest lands: the newest ingest log id."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(db.ingest_log.c.id)).where(db.ingest_log.c.status == "ok")).scalar() or 0)


def _snapshot_path(engine: Engine, version: int) -> Path:
    key = hashlib.sha256(str(engine.url).encode()).hexdigest()[:16]
    return SNAPSHOT_DIR / f"cases-{key}-v{version}.parquet"


def _read_cases(engine: Engine) -> pd.DataFrame:
    """All case rows, through a columnar snapshot when one matches the data version.

    Reading a million rows from SQLite takes seconds; the Parquet snapshot
    (written after the first read) loads in a fraction of that. Snapshots of
    older versions are deleted. ``DASHBOARD_SNAPSHOT=0`` turns this off.
    """
    use_snapshot = os.environ.get("DASHBOARD_SNAPSHOT", "1") != "0"
    version = data_version(engine)
    path = _snapshot_path(engine, version)
    if use_snapshot and path.exists():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    with engine.connect() as conn:
        frame = _frame_cases(pd.read_sql(sa.select(*[c for c in db.cases.c if c.name != "ingest_id"]), conn))
    if use_snapshot:
        SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
        for old in SNAPSHOT_DIR.glob(path.name.split("-v")[0] + "-v*.parquet"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    return frame


def load_from_db(engine: Engine, seed_if_empty: bool = True) -> Dataset:
    if seed_if_empty:
        ensure_seeded(engine)
    cases = _read_cases(engine)
    with engine.connect() as conn:
        coverage = pd.read_sql(sa.select(db.coverage), conn)
    synthetic = bool(len(cases) and cases["synthetic"].all()) or (cases.empty and bool(coverage["synthetic"].all()))
    return Dataset(cases, _frame_coverage(coverage), synthetic, db.redact(str(engine.url)))


def load_from_dir(path: Path | str) -> Dataset:
    """Cases and coverage from a folder (as written by ``demo-data``), validated in memory."""
    folder = Path(path)
    if not folder.is_dir():
        raise DataFileError(f"'{folder}' is not a folder.", "Give the folder written by 'python -m dashboard demo-data'.")
    case_files = sorted(folder.glob("cases*.csv")) + sorted(folder.glob("cases*.xlsx"))
    cov_files = sorted(folder.glob("coverage*.csv")) + sorted(folder.glob("coverage*.xlsx"))
    if not case_files:
        raise DataFileError(f"No cases*.csv or cases*.xlsx file in '{folder}'.", "Put the case file in that folder.")
    reports = [validate_file(case_files[0], kind="cases")]
    if cov_files:
        reports.append(validate_file(cov_files[0], kind="coverage"))
    for report in reports:
        if not report.ok:
            raise DataFileError(f"'{report.filename}' is not valid:\n{report.to_text(limit=20)}",
                                "Fix the rows listed, or run 'python -m dashboard validate FILE' for the full report.")
    cases = reports[0].records
    coverage = reports[1].records if cov_files else pd.DataFrame(columns=["province_code", "start_date", "end_date"])
    synthetic = "SYNTHETIC" in case_files[0].name or cases["case_id"].str.startswith("SYN-").all()
    return Dataset(_frame_cases(cases), _frame_coverage(coverage), bool(synthetic), str(folder))
