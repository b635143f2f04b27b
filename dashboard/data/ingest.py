"""Write validated case and coverage tables to the database, all or nothing.

A file is validated in full first; only a file with no problems is written,
in one transaction that upserts by ``case_id`` (cases) or province
(coverage). Real data never mixes with the synthetic demo: the first real
ingest removes the demo rows in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.data import db
from dashboard.data.validation import ValidationOptions, ValidationReport, validate_file

log = logging.getLogger(__name__)
CHUNK = 20_000


@dataclass
class IngestResult:
    report: ValidationReport
    written: bool
    added: int = 0
    updated: int = 0
    removed_synthetic: int = 0
    log_id: int | None = None

    def to_text(self) -> str:
        if not self.written:
            return self.report.to_text()
        text = f"{self.report.filename}: written ({self.added} added, {self.updated} updated)."
        if self.removed_synthetic:
            text += f" Removed {self.removed_synthetic} synthetic demo rows, which never mix with real data."
        if self.report.flags:
            text += "\n" + "\n".join(self.report.flags_text(limit=20))
        return text


def ingest_file(engine: Engine, source: Path | str | bytes, filename: str | None = None, kind: str = "cases",
                options: ValidationOptions | None = None) -> IngestResult:
    """Validate, then write the whole file in one transaction (or nothing at all)."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    options = options or ValidationOptions()
    if kind == "cases" and options.coverage is None:  # flag cases outside the stored (real) coverage
        from dashboard.data.store import read_coverage

        stored = read_coverage(engine)
        real = stored[~stored["synthetic"].astype(bool)]
        if len(real):
            options = replace(options, coverage=real)
    report = validate_file(data, name, kind, options)
    digest = hashlib.sha256(data).hexdigest()
    if not report.ok:
        with engine.begin() as conn:
            conn.execute(db.ingest_log.insert().values(
                at=datetime.now(timezone.utc), kind=kind, file_name=name[:255], sha256=digest,
                rows_rejected=report.rejected_rows, status="rejected", synthetic=False,
                note=f"{len(report.problems)} problem(s); nothing written"))
        log.info("ingest rejected: kind=%s problems=%d", kind, len(report.problems))
        return IngestResult(report, written=False)
    return write_records(engine, report, digest, synthetic=False)


def write_records(engine: Engine, report: ValidationReport, digest: str, synthetic: bool,
                  replace: bool = False) -> IngestResult:
    """Upsert validated records in a single transaction and log the ingest.

    With ``replace`` (coverage only), provinces missing from the records are removed.
    """
    assert report.ok and report.records is not None
    records = report.records
    result = IngestResult(report, written=True)
    with engine.begin() as conn:
        # the log row comes first so every written case carries its ingest id
        result.log_id = conn.execute(db.ingest_log.insert().values(
            at=datetime.now(timezone.utc), kind=report.kind, file_name=report.filename[:255], sha256=digest,
            status="ok", synthetic=synthetic, note=("SYNTHETIC demo data" if synthetic else None),
        )).inserted_primary_key[0]
        if not synthetic:
            result.removed_synthetic = _remove_synthetic(conn)
        if report.kind == "cases":
            records = records.assign(ingest_id=result.log_id)
            result.added, result.updated = _upsert(conn, db.cases, "case_id", records, synthetic)
        else:
            if replace:
                conn.execute(db.coverage.delete().where(db.coverage.c.province_code.not_in(list(records["province_code"]))))
            result.added, result.updated = _upsert(conn, db.coverage, "province_code", records, synthetic)
        conn.execute(db.ingest_log.update().where(db.ingest_log.c.id == result.log_id)
                     .values(rows_added=result.added, rows_updated=result.updated))
    log.info("ingest written: kind=%s added=%d updated=%d", report.kind, result.added, result.updated)
    return result


def _remove_synthetic(conn: sa.Connection) -> int:
    removed = conn.execute(db.cases.delete().where(db.cases.c.synthetic.is_(True))).rowcount or 0
    removed += conn.execute(db.coverage.delete().where(db.coverage.c.synthetic.is_(True))).rowcount or 0
    return removed


def _columns(records: pd.DataFrame, synthetic: bool, dialect: str) -> dict[str, list]:
    """Column-wise Python values ready for the database driver (None for missing)."""
    out: dict[str, list] = {}
    for name in records.columns:
        values = records[name].astype(object).where(records[name].notna(), None).tolist()
        if name == "victim_age":
            values = [None if v is None else int(v) for v in values]
        elif name == "arrest_made":
            values = [bool(v) for v in values]
        elif dialect == "sqlite" and name in _DATE_COLUMNS:
            values = [None if v is None else v.isoformat() for v in values]  # SQLAlchemy's SQLite date format
        out[name] = values
    out["synthetic"] = [synthetic] * len(records)
    return out


_DATE_COLUMNS = ("date_reported", "arrest_date", "start_date", "end_date")


def _placeholders(dialect_paramstyle: str, count: int) -> str:
    if dialect_paramstyle == "qmark":
        return ", ".join("?" * count)
    if dialect_paramstyle == "numeric":
        return ", ".join(f":{i + 1}" for i in range(count))
    return ", ".join(["%s"] * count)  # format / pyformat (psycopg)


def _bulk_insert(conn: sa.Connection, table: sa.Table, columns: dict[str, list], rows: list[int]) -> None:
    """Insert the given row positions with the driver's executemany, inside this transaction.

    SQLAlchemy Core's per-row parameter processing costs ~20 s per million
    rows; the values are already typed, so they go straight to the driver.
    """
    names = list(columns)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({_placeholders(conn.dialect.paramstyle, len(names))})")
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            cursor.executemany(sql, [tuple(columns[n][i] for n in names) for i in chunk])
    finally:
        cursor.close()


def _upsert(conn: sa.Connection, table: sa.Table, key: str, records: pd.DataFrame, synthetic: bool) -> tuple[int, int]:
    existing = set(conn.execute(sa.select(table.c[key])).scalars())
    columns = _columns(records, synthetic, conn.dialect.name)
    keys = columns[key]
    new = [i for i, k in enumerate(keys) if k not in existing]
    old = [i for i, k in enumerate(keys) if k in existing]
    if new:
        _bulk_insert(conn, table, columns, new)
    if old:
        others = [c for c in columns if c != key]
        stmt = (table.update().where(table.c[key] == sa.bindparam("_key"))
                .values({c: sa.bindparam(f"v_{c}") for c in others}))
        typed = _columns(records, synthetic, "generic")  # Core handles the types here
        for start in range(0, len(old), CHUNK):
            conn.execute(stmt, [{"_key": keys[i], **{f"v_{c}": typed[c][i] for c in others}} for i in old[start:start + CHUNK]])
    return len(new), len(old)


def ingest_log_frame(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.select(db.ingest_log).order_by(db.ingest_log.c.id.desc()), conn)
