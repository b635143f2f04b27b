"""Backups and restores of the case database while the app runs.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the
  whole file in one step under a read lock, so the copy is one consistent
  moment even while an ingest writes (WAL: the writer is not held up). The
  copy goes to a temporary file beside ``OUT`` and is renamed into place, so
  ``OUT`` is never half written.
- PostgreSQL: ``pg_dump`` (found on the PATH) in its custom format, which is one
  consistent snapshot by design; ``pg_restore`` reads it back. The password
  travels in the environment (PGPASSWORD), never on a command line.

A restore goes into an empty database (no rows in any table but the schema
version), or into a non-empty one only when forced; afterwards the schema is
migrated, so a backup made by an older release opens with this one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from dashboard.data import db
from dashboard.errors import UserFacingError
from dashboard.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: Tables a freshly migrated database already has rows in: they do not make it "non-empty".
SCHEMA_ONLY = {"schema_version"}


@dataclass(frozen=True)
class Outcome:
    """What a backup or a restore did, for the command's one-line report."""

    path: Path
    backend: str
    tables: int
    rows: int


def _backend(url: URL) -> str:
    name = url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise UserFacingError(_("Backups support SQLite and PostgreSQL databases, not {backend}.").format(
            backend=name), _("Use the database's own backup tools."))
    return name


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise UserFacingError(_("The SQLite database has no file to back up."),
                              _("Give --db sqlite:///PATH with the file's path."))
    return Path(url.database)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise UserFacingError(_("'{tool}' was not found on the PATH; it is needed for PostgreSQL backups and "
                                "restores.").format(tool=name),
                              _("Install the PostgreSQL client tools of the server's version or newer "
                                "(Debian: apt-get install postgresql-client), then run the command again."))
    return found


def _pg_env(url: URL) -> dict[str, str]:
    """libpq's environment for ``url``: no password or host on the command line (``ps`` shows those)."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _run(args: list[str], url: URL, what: str) -> None:
    done = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [""])[-1][:300]
        raise UserFacingError(_("{what} failed: {detail}").format(what=what, detail=detail),
                              _("Check the database URL, that the server runs, and that the client tools are of "
                                "the server's version or newer."))


def table_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table of the database (its own tables, whatever the schema version)."""
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {name: int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar())
                for name in sorted(names)}


def _summary(path: Path, backend: str, engine: Engine) -> Outcome:
    counts = table_rows(engine)
    return Outcome(path, backend, len(counts), sum(counts.values()))


def backup(url: str, out: Path) -> Outcome:
    """Copy the database at ``url`` to the file ``out`` (replaced if it exists) while the app may be running."""
    parsed = make_url(url)
    backend = _backend(parsed)
    out = Path(out)
    if not out.parent.is_dir():
        raise UserFacingError(_("The folder {folder} does not exist.").format(folder=out.parent),
                              _("Create it, or give another path for the backup."))
    partial = out.with_name(out.name + ".partial")
    try:
        if backend == "sqlite":
            source = _sqlite_file(parsed)
            if not source.is_file():
                raise UserFacingError(_("There is no database at {path}.").format(path=source),
                                      _("Check --db or DASHBOARD_DB_URL."))
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(partial) as dst:
                src.execute(f"PRAGMA busy_timeout = {int(db.SQLITE_BUSY_TIMEOUT_S * 1000)}")
                src.backup(dst)  # all pages in one step: one consistent moment
            dst.close()
            src.close()
            with sqlite3.connect(partial) as copy:
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            copy.close()
        else:
            _run([_tool("pg_dump"), "--format=custom", "--file", str(partial)], parsed, "pg_dump")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    if backend == "sqlite":
        engine = sa.create_engine(f"sqlite:///{out}")
        try:
            return _summary(out, backend, engine)
        finally:
            engine.dispose()
    return Outcome(out, backend, 0, 0)


def _kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        raise UserFacingError(_("The backup {path} cannot be read.").format(path=path),
                              _("Check the path and its permissions.")) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise UserFacingError(_("{path} is not a backup made by 'python -m dashboard backup'.").format(path=path),
                          _("Give an SQLite backup file or a pg_dump custom-format file."))


def holding_data(engine: Engine) -> dict[str, int]:
    """The tables of the database that hold rows (the schema version alone does not count)."""
    return {name: count for name, count in table_rows(engine).items() if count and name not in SCHEMA_ONLY}


def _check_version(path: Path) -> None:
    """Refuse an SQLite backup made by a newer release (this code would not know its schema)."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            version = db.current_version(conn)
    except sa.exc.DatabaseError:
        raise UserFacingError(_("{path} is not a readable SQLite database.").format(path=path),
                              _("Give another backup file.")) from None
    finally:
        engine.dispose()
    if version > len(db.MIGRATIONS):
        raise UserFacingError(_("The backup was made by a newer release (schema {found}; this one knows up to "
                                "{known}).").format(found=version, known=len(db.MIGRATIONS)),
                              _("Restore it with that release or a later one."))


def restore(url: str, source: Path, force: bool = False) -> Outcome:
    """Restore the backup ``source`` into the database at ``url``, then migrate it to this release's schema."""
    parsed = make_url(url)
    backend = _backend(parsed)
    source = Path(source)
    kind = _kind(source)
    if kind != backend:
        raise UserFacingError(_("The backup is of a {kind} database, but the target is {backend}.").format(
            kind=kind, backend=backend), _("Restore into a database of the same kind (--db URL)."))
    if backend == "sqlite":
        _check_version(source)
        target_file = _sqlite_file(parsed)
        target_file.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5} if backend == "postgresql" else {})
    try:
        try:
            present = holding_data(engine)
        except sa.exc.OperationalError as exc:
            raise UserFacingError(_("The database at {url} cannot be reached ({error}).").format(
                url=db.redact(url), error=type(exc).__name__), _("Check --db and that the server runs.")) from None
        if present and not force:
            listed = ", ".join(f"{name} ({count})" for name, count in present.items())
            raise UserFacingError(_("The database at {url} is not empty: {tables}.").format(url=db.redact(url),
                                                                                            tables=listed),
                                  _("Restore into an empty database, or add --force to replace what is there."))
        if backend == "sqlite":
            engine.dispose()
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target_file) as dst:
                dst.execute(f"PRAGMA busy_timeout = {int(db.SQLITE_BUSY_TIMEOUT_S * 1000)}")
                src.backup(dst)  # replaces the target's pages in one transaction
            src.close()
            dst.close()
        else:
            with engine.connect() as conn:
                existing = bool(sa.inspect(conn).get_table_names())
            args = [_tool("pg_restore"), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
                    "--dbname", parsed.database or ""]
            if existing:
                args[1:1] = ["--clean", "--if-exists"]
            _run(args + [str(source)], parsed, "pg_restore")
        engine.dispose()
        db.migrate(engine)
        return _summary(source, backend, engine)
    finally:
        engine.dispose()
