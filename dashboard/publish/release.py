"""Writing one public release: audited against every earlier release in the data's ledger, then the
files and the ledger entry together, or nothing.

The order keeps a failure safe: the files are written under temporary names; the ledger entry
(and, for a database, its audit-trail row) is committed; only then are the files moved into
place. A release can be recorded without being published (harmless: later releases are merely
checked against it), never published without being recorded.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.data.dataset import Dataset
from dashboard.errors import UserFacingError
from dashboard.i18n import _, fmt_int
from dashboard.publish import ledger
from dashboard.publish.incomplete import probably_incomplete_months
from dashboard.publish.ledger import DbLedger, FileLedger, Release
from dashboard.publish.public_export import DEFAULT_K, build_export, suppressed_cells

#: The advisory lock that makes two exports on one PostgreSQL database take turns.
_PG_LOCK = zlib.crc32(b"dashboard.public_releases")


@dataclass
class ReleaseReport:
    paths: list[Path]
    earlier: int  # releases audited against
    migrated: int  # folder-ledger releases taken into the database
    recorded: bool  # False when it published exactly what the last release did
    ledger: str  # where the ledger is kept
    notes: list[str] = field(default_factory=list)


def write_release(dataset: Dataset, out: Path, k: int, store: FileLedger | DbLedger) -> ReleaseReport:
    """Audit and write the release of ``dataset`` into ``out``, keeping its record in ``store``."""
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(store, DbLedger):
        with store.engine.begin() as conn:
            _serialise(conn)
            known = store.releases(conn)
            found = _folder_releases(out, None)
            new_ones = ledger.missing_from(known, found)
            for release in new_ones:
                store.insert(conn, release, origin=f"migrated from {ledger.path_in(out)}"[:255])
            earlier = known + new_ones
            _check_complete(conn, len(earlier))
            with _staged(out) as stage:
                report = _prepare(dataset, out, k, earlier, stage, store.describe(), len(new_ones),
                                  probably_incomplete_months(store.engine, dataset))
                if report.recorded:
                    store.insert(conn, stage.release)
                    _record(conn, stage.release, len(earlier) + 1, out)
                stage.ledger_text = ledger.file_text(earlier + ([stage.release] if report.recorded else []))
                stage.write_all()
            # the transaction commits here; a failure above rolls the ledger back and removes the files
        stage.publish()
        return report
    known = store.releases()
    found = _folder_releases(out, store.path)
    new_ones = ledger.missing_from(known, found)
    earlier = known + new_ones
    with _staged(out) as stage:
        report = _prepare(dataset, out, k, earlier, stage, store.describe(), len(new_ones))
        everything = earlier + ([stage.release] if report.recorded else [])
        if ledger.path_in(out).resolve() != store.path.resolve():
            stage.ledger_text = ledger.file_text(everything)  # the copy beside the files
        stage.write_all()
        if report.recorded or new_ones:
            ledger.write_file(store.path, everything)
    stage.publish()
    return report


def _folder_releases(out: Path, own: Path | None) -> list[Release]:
    """The ledger an earlier export left in ``out`` (earlier versions kept it there), if it is not ``own``."""
    path = ledger.path_in(out)
    if own is not None and path.resolve() == Path(own).resolve():
        return []
    return ledger.read_file(path)


def _prepare(dataset: Dataset, out: Path, k: int, earlier: list[Release], stage: _Stage, where: str,
             migrated: int, incomplete: list[date] | None = None) -> ReleaseReport:
    """``incomplete``: months probably still incomplete (known only from a database's ingest days)."""
    frames = [r.frame() for r in earlier]
    frame = suppressed_cells(dataset, k, frames)
    parts = build_export(dataset, k, frames, frame, incomplete or ())
    meta = parts["metadata.json"]
    stage.release = Release(ledger.now_stamp(), k, dict(meta["period"]), ledger.published_cells(frame))
    recorded = not (earlier and earlier[-1].cells == stage.release.cells)
    stage.parts = parts
    return ReleaseReport([out / name for name in parts] + [ledger.path_in(out)], len(earlier), migrated, recorded,
                         where)


# ---------------------------------------------------------------- files, staged then moved into place


class _Stage:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts: dict = {}
        self.release: Release | None = None
        self.ledger_text: str | None = None
        self.temps: list[tuple[Path, Path]] = []

    def _tmp(self, name: str) -> Path:
        return self.out / f".{name}.tmp"

    def write_all(self) -> None:
        for name, content in self.parts.items():
            tmp = self._tmp(name)
            if isinstance(content, dict):
                tmp.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            else:
                content.to_csv(tmp, index=False, encoding="utf-8")
            self.temps.append((tmp, self.out / name))
        if self.ledger_text is not None:
            tmp = self._tmp(ledger.FILE_NAME)
            tmp.write_text(self.ledger_text, encoding="utf-8")
            self.temps.append((tmp, ledger.path_in(self.out)))

    def publish(self) -> None:
        for tmp, target in self.temps:
            tmp.replace(target)
        self.temps = []

    def discard(self) -> None:
        for tmp, _target in self.temps:
            tmp.unlink(missing_ok=True)
        self.temps = []


@contextmanager
def _staged(out: Path) -> Iterator[_Stage]:
    stage = _Stage(out)
    try:
        yield stage
    except BaseException:
        stage.discard()
        raise


# ---------------------------------------------------------------- the database's own checks


def _serialise(conn: Connection) -> None:
    """Two exports on one database take turns: each audits against the other's release."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    elif conn.dialect.name == "sqlite":
        from dashboard.data import db

        # a write that changes nothing takes SQLite's write lock for the rest of the transaction
        conn.execute(db.schema_version.update().where(sa.false()).values(version=db.schema_version.c.version))


def _check_complete(conn: Connection, releases: int) -> None:
    """Refuse when the audit trail records more releases than the ledger holds (a ledger lost or emptied,
    say by restoring the cases without it): an export audited against too few releases could unlock
    a count an earlier one hid."""
    from dashboard.access import audit
    from dashboard.data import db

    t = db.audit_log
    recorded = conn.execute(sa.select(sa.func.count()).select_from(t)
                            .where(t.c.action == audit.PUBLIC_RELEASE)).scalar() or 0
    if recorded > releases:
        raise UserFacingError(
            _("The audit trail records {recorded} public releases from this database, but its release ledger holds "
              "{held}: earlier releases are missing, so this one cannot be checked against them.").format(
                  recorded=fmt_int(recorded), held=fmt_int(releases)),
            _("Restore the public_releases table from the backup the database came from, or put the "
              "release_ledger.json of the latest export in the --out folder to migrate it back in. "
              "Nothing was written."))


def _record(conn: Connection, release: Release, number: int, out: Path) -> None:
    from dashboard.access import audit

    hidden = sum((c["cases"] is None) + (c["arrests"] is None) for c in release.cells)
    audit.record(None, audit.cli_actor(), audit.PUBLIC_RELEASE, rows=len(release.cells),
                 detail={"release": number, "k": release.k, "period": release.period, "hidden_counts": hidden,
                         "folder": str(out)}, conn=conn)


def summary(report: ReleaseReport) -> str:
    """One line for the terminal: how many earlier releases were audited, and where the ledger is."""
    text = _("audited against {n} earlier releases; ledger: {where}").format(n=fmt_int(report.earlier),
                                                                           where=report.ledger)
    if report.migrated:
        text += "; " + _("{n} releases migrated from the folder ledger").format(n=fmt_int(report.migrated))
    if not report.recorded:
        text += "; " + _("the same figures as the last release: no new release recorded")
    return text


def write_export(dataset: Dataset, out_dir: Path | str, k: int = DEFAULT_K,
                 releases: ledger.FileLedger | ledger.DbLedger | None = None) -> list[Path]:
    """Audit the release against every earlier one in ``releases`` and write it (see :func:`write_release`).

    ``releases`` is the data's ledger; without one, a file ledger in ``out_dir`` (a one-off export
    into its own folder, as tests and scripts make: the command line always names the data's ledger).
    """
    return write_release(dataset, Path(out_dir), k, releases or ledger.FileLedger(ledger.path_in(out_dir))).paths
