"""Write validated case and coverage tables to the database, all or nothing.

A file is validated in full first; only a file with no problems is written,
in one transaction that upserts by ``case_id`` (cases) or province
(coverage) with ``INSERT ... ON CONFLICT DO UPDATE``, in chunks of
:data:`CHUNK` rows per statement. Ingests are serialised (an advisory lock on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite): two at once both succeed, the
later one waits and wins, and each reports the rows it added and updated as
counted in the database. Real data never
mixes with the synthetic demo: the first real ingest removes the demo rows in
the same transaction. A database error rolls everything back and becomes a
message and a "rejected" line in the ingest log; it never prints case data.

Every ingest given an ``actor`` writes its own audit entry in the transaction that writes the file (or, for a
refused file, the one that logs the refusal), so the trail holds an entry for a write if and only if the write
committed. A caller that has validated a file already passes the report on (:func:`ingest_report`); the file is
not read twice. :func:`validation_options` is the one rule for which coverage a case file is checked against.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.data import audit_log, db
from dashboard.data.validation import ValidationOptions, ValidationReport, validate_file
from dashboard.i18n import _, fmt_int

log = logging.getLogger(__name__)
CHUNK = 20_000


@dataclass
class IngestResult:
    report: ValidationReport
    written: bool
    added: int = 0
    updated: int = 0
    removed_demo_cases: int = 0
    removed_demo_coverage: int = 0
    log_id: int | None = None
    error: str | None = None  # why a valid file could not be written (a database problem)
    #: Whether the database holds case records / coverage rows after this write (what is still missing).
    has_cases: bool = True
    has_coverage: bool = True

    @property
    def removed_synthetic(self) -> int:
        """Demo rows the first real ingest removed, cases and coverage together."""
        return self.removed_demo_cases + self.removed_demo_coverage

    def to_text(self) -> str:
        if self.error:
            return _("{name}: nothing was written. {error}").format(name=self.report.filename, error=self.error)
        if not self.written:
            return self.report.to_text()
        text = _("{name}: written ({added} added, {updated} updated).").format(
            name=self.report.filename, added=self.added, updated=self.updated)
        if self.removed_synthetic:
            text += " " + _("Removed the SYNTHETIC demo data, which never mixes with real data: {cases} demo cases "
                            "and {coverage} demo coverage rows.").format(
                cases=fmt_int(self.removed_demo_cases), coverage=fmt_int(self.removed_demo_coverage))
        for step in self.next_steps():
            text += "\n" + step
        if self.report.flags:
            text += "\n" + "\n".join(self.report.flags_text(limit=20))
        return text

    def next_steps(self) -> list[str]:
        """What is still missing after this write, and how to load it."""
        steps = []
        if not self.has_coverage:
            steps.append(_("The coverage table is empty: until one is loaded, every province shows as not covered "
                           "and rates per person-year under coverage cannot be worked out. Next: load the "
                           "programme's coverage table (province, start_date, end_date) on the Data page (Upload "
                           "records, '{coverage}', or the Coverage table tab), or run "
                           "'python -m dashboard ingest FILE --kind coverage'.").format(coverage=_("coverage")))
        if not self.has_cases:
            steps.append(_("No case records are loaded yet. Next: upload the case file on the Data page (Upload "
                           "records), or run 'python -m dashboard ingest FILE'."))
        return steps


def validation_options(engine: Engine, kind: str, options: ValidationOptions | None = None) -> ValidationOptions:
    """The options a file is validated with before an ingest: the one rule for which coverage counts.

    Case files are checked against the stored *real* coverage (the demo's never counts; it is removed by the
    first real ingest), unless the caller names a coverage table itself (the CLI's ``--coverage``).
    """
    options = options or ValidationOptions()
    if kind == "cases" and options.coverage is None:
        from dashboard.data.store import read_coverage

        stored = read_coverage(engine)
        real = stored[~stored["synthetic"].astype(bool)]
        if len(real):
            options = replace(options, coverage=real)
    return options


def check_file(engine: Engine, data: bytes, filename: str, kind: str = "cases",
               options: ValidationOptions | None = None) -> ValidationReport:
    """Validate a file for an ingest into ``engine`` (with :func:`validation_options`); nothing is written."""
    return validate_file(data, filename, kind, validation_options(engine, kind, options))


def ingest_file(engine: Engine, source: Path | str | bytes, filename: str | None = None, kind: str = "cases",
                options: ValidationOptions | None = None, *, actor: str | None = None,
                page: str | None = None) -> IngestResult:
    """Validate, then write the whole file in one transaction (or nothing at all), audited as ``actor``."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    return ingest_report(engine, check_file(engine, data, name, kind, options), data, actor=actor, page=page)


def ingest_report(engine: Engine, report: ValidationReport, data: bytes, *, actor: str | None = None,
                  page: str | None = None) -> IngestResult:
    """Write a file already validated by :func:`check_file` (``report``), or log its refusal; never validates again.

    With an ``actor`` the audit entry is written in the same transaction (see the module's docstring).
    """
    if not report.ok:
        return refuse(engine, report, data, actor=actor, page=page)
    return write_records(engine, report, hashlib.sha256(data).hexdigest(), synthetic=False, actor=actor, page=page)


def refuse(engine: Engine, report: ValidationReport, data: bytes, *, actor: str | None = None,
           page: str | None = None) -> IngestResult:
    """Record a file that failed validation in the ingest log (nothing else is written), and audit the refusal in
    the same transaction; the CLI and the Data page both come here."""
    result = IngestResult(report, written=False)
    _log_rejection(engine, report.kind, report.filename, hashlib.sha256(data).hexdigest(), report.rejected_rows,
                   f"{len(report.problems)} problem(s); nothing written", _audit_entry(actor, page, result))
    log.info("ingest rejected: kind=%s problems=%d", report.kind, len(report.problems))
    return result


def _audit_entry(actor: str | None, page: str | None, result: IngestResult,
                 action: str = audit_log.INGEST) -> dict | None:
    """The audit trail's entry for an ingest, written or refused (None without an actor): the file, what was
    written, and how many SYNTHETIC demo rows the first real ingest removed. Never a record's content."""
    if actor is None:
        return None
    detail = {"file": result.report.filename, "kind": result.report.kind, "written": result.written,
              "added": result.added, "updated": result.updated, "rejected": result.report.rejected_rows}
    if result.removed_synthetic:
        detail |= {"removed_demo_cases": result.removed_demo_cases,
                   "removed_demo_coverage": result.removed_demo_coverage}
    return audit_log.entry(actor, action, page, result.added + result.updated, detail)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean_name(name: str) -> str:
    """A file name as the ingest log stores it: no control characters, at most 255 characters."""
    return _CONTROL.sub("?", name)[:255]


def _log_rejection(engine: Engine, kind: str, name: str, digest: str, rows: int, note: str,
                   audit_entry: dict | None = None) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(db.ingest_log.insert().values(
                at=datetime.now(UTC), kind=kind, file_name=_clean_name(name), sha256=digest,
                rows_rejected=rows, status="rejected", synthetic=False, note=note))
            if audit_entry is not None:
                audit_log.append(conn, audit_entry)
    except SQLAlchemyError as exc:  # the log itself could not be written: say so in the server log, without data
        log.warning("ingest log not written: %s", type(exc).__name__)


def database_error_message(exc: SQLAlchemyError) -> str:
    """What a database failure means for the person ingesting, without quoting any record."""
    if isinstance(exc, sa.exc.OperationalError) and "locked" in str(exc.orig).lower():
        return _("The database was busy with another write. Try again in a moment.")
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return _("The database could not be reached or stopped during the write. Check that it is running, then try "
                 "again.")
    if isinstance(exc, sa.exc.IntegrityError):
        return _("The database refused the rows (a constraint was violated). Check the file against docs/data.md.")
    if isinstance(exc, sa.exc.DataError):
        return _("The database refused a value (too long or not allowed). Check the file against docs/data.md.")
    return _("The database refused the write ({reason}). Ask an admin to check the server log.").format(
        reason=type(exc).__name__)


def write_records(engine: Engine, report: ValidationReport, digest: str, synthetic: bool,
                  replace: bool = False, *, actor: str | None = None, page: str | None = None,
                  action: str = audit_log.INGEST) -> IngestResult:
    """Upsert validated records in a single transaction and log the ingest, with its audit entry (as ``actor``,
    under ``action``) in the same transaction. Without an actor nothing is audited: the demo seed, benchmarks.

    With ``replace`` (coverage only), provinces missing from the records are removed.
    """
    assert report.ok and report.records is not None
    records = report.records
    result = IngestResult(report, written=True)
    try:
        _write(engine, report, records, digest, synthetic, replace, result, actor, page, action)
    except SQLAlchemyError as exc:  # rolled back: nothing was written, the audit entry included
        failed = IngestResult(report, written=False, error=database_error_message(exc))
        _log_rejection(engine, report.kind, report.filename, digest, 0, f"database error: {type(exc).__name__}",
                       _audit_entry(actor, page, failed, action))
        log.warning("ingest failed: kind=%s error=%s", report.kind, type(exc).__name__)
        return failed
    log.info("ingest written: kind=%s added=%d updated=%d", report.kind, result.added, result.updated)
    return result


def _write(engine: Engine, report: ValidationReport, records: pd.DataFrame, digest: str, synthetic: bool,
           replace: bool, result: IngestResult, actor: str | None, page: str | None, action: str) -> None:
    # the driver-ready values are built before the transaction, so the write lock is held only for the writing
    if report.kind == "cases":
        records = records.assign(ingest_id=0)
    columns = _columns(records, synthetic, engine.dialect.name)
    with engine.begin() as conn:
        # one ingest at a time (advisory lock / SQLite's write lock), so the counts below are this file's own
        db.lock_for_writing(conn, db.INGEST_LOCK)
        # the log row comes first so every written case carries its ingest id
        result.log_id = conn.execute(db.ingest_log.insert().values(
            at=datetime.now(UTC), kind=report.kind, file_name=_clean_name(report.filename), sha256=digest,
            status="ok", synthetic=synthetic, note=("SYNTHETIC demo data" if synthetic else None),
        )).inserted_primary_key[0]
        if not synthetic:
            result.removed_demo_cases, result.removed_demo_coverage = _remove_synthetic(conn)
        if report.kind == "cases":
            columns["ingest_id"] = [result.log_id] * len(records)
            columns.setdefault("first_ingested", [_today(engine.dialect.name)] * len(records))  # kept on update
            result.added, result.updated = _upsert(conn, db.cases, "case_id", columns)
        else:
            if replace:
                conn.execute(db.coverage.delete().where(db.coverage.c.province_code.not_in(list(records["province_code"]))))
            result.added, result.updated = _upsert(conn, db.coverage, "province_code", columns)
        conn.execute(db.ingest_log.update().where(db.ingest_log.c.id == result.log_id)
                     .values(rows_added=result.added, rows_updated=result.updated))
        result.has_cases, result.has_coverage = _has_any(conn, db.cases), _has_any(conn, db.coverage)
        audit_entry = _audit_entry(actor, page, result, action)
        if audit_entry is not None:
            audit_log.append(conn, audit_entry)


def _remove_synthetic(conn: sa.Connection) -> tuple[int, int]:
    """Delete the demo rows: (cases removed, coverage rows removed)."""
    cases = conn.execute(db.cases.delete().where(db.cases.c.synthetic.is_(True))).rowcount or 0
    coverage = conn.execute(db.coverage.delete().where(db.coverage.c.synthetic.is_(True))).rowcount or 0
    return cases, coverage


def _has_any(conn: sa.Connection, table: sa.Table) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None


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


_DATE_COLUMNS = ("date_reported", "arrest_date", "start_date", "end_date", "first_ingested", "charge_date",
                 "outcome_date")
#: Columns an update leaves as they were: the day a case first reached the database.
KEPT_ON_UPDATE = ("first_ingested",)


def _today(dialect: str):
    day = datetime.now(UTC).date()
    return day.isoformat() if dialect == "sqlite" else day


def _placeholders(dialect_paramstyle: str, count: int) -> str:
    if dialect_paramstyle == "qmark":
        return ", ".join("?" * count)
    if dialect_paramstyle == "numeric":
        return ", ".join(f":{i + 1}" for i in range(count))
    return ", ".join(["%s"] * count)  # format / pyformat (psycopg)


def _bulk_upsert(conn: sa.Connection, table: sa.Table, key: str, columns: dict[str, list]) -> None:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` every row with the driver's executemany, inside this transaction.

    SQLAlchemy Core's per-row parameter processing costs ~20 s per million
    rows; the values are already typed, so they go straight to the driver.
    SQLite (3.24+) and PostgreSQL share this syntax; a concurrent ingest of
    the same ids waits for this one and then updates instead of failing.
    """
    names = list(columns)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in (key, *KEPT_ON_UPDATE))
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({_placeholders(conn.dialect.paramstyle, len(names))}) "
           f"ON CONFLICT ({key}) DO UPDATE SET {updates}")
    cursor = conn.connection.driver_connection.cursor()
    rows = len(columns[key])
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        for start in range(0, rows, CHUNK):
            chunk = range(start, min(start + CHUNK, rows))
            cursor.executemany(sql, [tuple(columns[n][i] for n in names) for i in chunk])
    except dbapi_error as exc:  # the raw driver's error, wrapped like SQLAlchemy's own (and with no values quoted)
        raise sa.exc.DBAPIError.instance(sql, None, exc, dbapi_error, hide_parameters=True,
                                         dialect=conn.dialect) from None
    finally:
        cursor.close()


def _upsert(conn: sa.Connection, table: sa.Table, key: str, columns: dict[str, list]) -> tuple[int, int]:
    """Write every row; returns (added, updated), counted in the database under the ingest lock."""
    count = sa.select(sa.func.count()).select_from(table)
    before = conn.execute(count).scalar_one()
    _bulk_upsert(conn, table, key, columns)
    added = conn.execute(count).scalar_one() - before
    return added, len(columns[key]) - added


#: The ingest log as the Data page shows it: outcome, when and how many rows first; the file's hash last.
INGEST_LOG_COLUMNS = ("status", "at", "kind", "file_name", "rows_added", "rows_updated", "rows_rejected", "note",
                      "synthetic", "sha256", "id")


def ingest_log_frame(engine: Engine) -> pd.DataFrame:
    """The ingest log, newest first, in :data:`INGEST_LOG_COLUMNS` order."""
    with engine.connect() as conn:
        frame = pd.read_sql(sa.select(db.ingest_log).order_by(db.ingest_log.c.id.desc()), conn)
    first = [c for c in INGEST_LOG_COLUMNS if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]
