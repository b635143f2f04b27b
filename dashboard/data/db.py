"""The case database: URL resolution, schema and migrations (SQLAlchemy Core).

The default is an embedded SQLite file under ``var/``; PostgreSQL (or any
SQLAlchemy URL) is used when ``DASHBOARD_DB_URL`` is set or
``.streamlit/secrets.toml`` has ``[connections.cases] url = ...``.
"""

from __future__ import annotations

import logging
import sqlite3
import tomllib
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard import settings
from dashboard.data.schema import CASE_ID_MAX, DISTRICT_MAX
from dashboard.errors import DatabaseBusy, DatabaseUnavailable
from dashboard.paths import PROJECT_ROOT

log = logging.getLogger(__name__)
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
#: How long an SQLite connection waits for another process's write before "database is locked".
SQLITE_BUSY_TIMEOUT_S = 15.0
#: How long a process waits for another process's migration before giving up with a message.
MIGRATION_WAIT_S = 120.0
#: Advisory-lock keys (PostgreSQL); on SQLite every one of them is the database's single write lock.
MIGRATION_LOCK = 0x4A646_01
INGEST_LOCK = 0x4A646_02
AUDIT_LOCK = 0x4A646_03

metadata = sa.MetaData()

cases = sa.Table(
    "cases", metadata,
    sa.Column("case_id", sa.String(CASE_ID_MAX), primary_key=True),
    sa.Column("date_reported", sa.Date, nullable=False, index=True),
    sa.Column("province_code", sa.String(2), nullable=False, index=True),
    sa.Column("district", sa.String(DISTRICT_MAX)),
    sa.Column("offence", sa.String(40), nullable=False),
    sa.Column("victim_age", sa.SmallInteger),
    sa.Column("victim_sex", sa.String(1)),
    sa.Column("arrest_made", sa.Boolean, nullable=False),
    sa.Column("arrest_date", sa.Date),
    sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("ingest_id", sa.Integer),
    # the day the record first reached the database (kept when a later ingest updates it): data quality's lateness
    sa.Column("first_ingested", sa.Date),
    # the later stages (dashboard/data/stages.py); NULL is "not recorded"
    sa.Column("charged", sa.String(7)),
    sa.Column("charge_date", sa.Date),
    sa.Column("court_outcome", sa.String(9)),
    sa.Column("outcome_date", sa.Date),
    sa.Column("sentence_years", sa.Float),
)

coverage = sa.Table(
    "coverage", metadata,
    sa.Column("province_code", sa.String(2), primary_key=True),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date),
    sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
)

ingest_log = sa.Table(
    "ingest_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows_added", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("note", sa.Text),
)

users = sa.Table(
    "users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    # the province scope (issue 25): comma-separated NCDD codes, NULL = every province (dashboard.access.scope)
    sa.Column("provinces", sa.String(200), nullable=True),
)

#: Signed-in sessions: only a SHA-256 of the session id is stored; the id itself lives in the browser's cookie.
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # of the password hash at sign-in
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

#: Short-lived, single-use tokens: a sign-in handed from the page to the cookie route, or a link kept across OIDC.
one_time_tokens = sa.Table(
    "one_time_tokens", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("purpose", sa.String(16), nullable=False),
    sa.Column("username", sa.String(64)),
    sa.Column("fingerprint", sa.String(64)),
    sa.Column("client", sa.String(64)),
    sa.Column("target", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("used_at", sa.DateTime(timezone=True)),
)

#: Sign-in attempts that count against a budget (client and device are keyed hashes, never an address or a cookie):
#: outcome "pending" (reserved, password being checked), "failed" (wrong password) or "refused" (throttled).
sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("device", sa.String(64)),
    sa.Column("outcome", sa.String(8), nullable=False, server_default="failed"),
)

#: Open audit windows of failed sign-ins: one audit row when a window opens, one summary when it closes.
sign_in_audit_windows = sa.Table(
    "sign_in_audit_windows", metadata,
    sa.Column("actor", sa.String(96), primary_key=True),
    sa.Column("client", sa.String(64), primary_key=True),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refused", sa.Integer, nullable=False, server_default="0"),
)

#: Append-only (triggers refuse UPDATE and DELETE): who did what, never case details or passwords.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(96), nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False, index=True),
    sa.Column("page", sa.String(32)),
    sa.Column("rows", sa.Integer),
    sa.Column("detail", sa.Text),
    # the hash chain (see _migration_audit_chain): the previous row's row_hash,
    # and SHA-256 over prev_hash + this row's content
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("row_hash", sa.String(64)),
)

#: Secrets the app generates once and every process shares (the session-cookie signing key).
app_secrets = sa.Table(
    "app_secrets", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))


def _migration_1(conn: sa.Connection) -> None:
    for table in (cases, coverage, ingest_log, schema_version):
        table.create(conn, checkfirst=True)


def _migration_2(conn: sa.Connection) -> None:
    users.create(conn, checkfirst=True)


_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def _migration_3(conn: sa.Connection) -> None:
    """Sessions, one-time tokens, sign-in failure counters, the audit trail, shared secrets; users can be disabled."""
    if "disabled" not in {c["name"] for c in sa.inspect(conn).get_columns("users")}:
        column = sa.schema.CreateColumn(users.c.disabled).compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE users ADD COLUMN {column}"))
    for table in (sessions, one_time_tokens, sign_in_failures, audit_log, app_secrets):
        table.create(conn, checkfirst=True)
    for statement in _APPEND_ONLY.get(conn.dialect.name, []):
        conn.execute(sa.text(statement))


_AUDIT_GUARDS = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        # INSERT OR REPLACE with an existing id deletes the old row without firing the DELETE trigger
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log "
        "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ],
}


#: The release ledger: every cell each public release published (hidden counts as null), kept with the data
#: so that every export is audited against every earlier one, whatever folder each was written to.
#: Append-only, like the audit trail: a lost or rewritten release would let a new one unlock what it hid.
public_releases = sa.Table(
    "public_releases", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("k", sa.Integer, nullable=False),
    sa.Column("period_from", sa.String(7)),
    sa.Column("period_to", sa.String(7)),
    sa.Column("cells", sa.Text, nullable=False),  # JSON: what the release published, nothing more
    sa.Column("origin", sa.String(255), nullable=False),  # "export", or the folder ledger it was migrated from
)

_RELEASES_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS public_releases_no_update BEFORE UPDATE ON public_releases "
        "BEGIN SELECT RAISE(ABORT, 'public_releases is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS public_releases_no_delete BEFORE DELETE ON public_releases "
        "BEGIN SELECT RAISE(ABORT, 'public_releases is append-only'); END",
        # INSERT OR REPLACE deletes the old row without firing the DELETE trigger: refuse a reused id
        "CREATE TRIGGER IF NOT EXISTS public_releases_no_replace BEFORE INSERT ON public_releases "
        "WHEN EXISTS (SELECT 1 FROM public_releases WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'public_releases is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION public_releases_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'public_releases is append-only'; END $$",
        "DROP TRIGGER IF EXISTS public_releases_append_only ON public_releases",
        "CREATE TRIGGER public_releases_append_only BEFORE UPDATE OR DELETE ON public_releases "
        "FOR EACH ROW EXECUTE FUNCTION public_releases_append_only()",
        "DROP TRIGGER IF EXISTS public_releases_no_truncate ON public_releases",
        "CREATE TRIGGER public_releases_no_truncate BEFORE TRUNCATE ON public_releases "
        "FOR EACH STATEMENT EXECUTE FUNCTION public_releases_append_only()",
    ],
}


def _migration_release_ledger(conn: sa.Connection) -> None:
    """The public release ledger (append-only), kept with the case data."""
    public_releases.create(conn, checkfirst=True)
    for statement in _RELEASES_APPEND_ONLY.get(conn.dialect.name, []):
        conn.execute(sa.text(statement))



def _migration_audit_chain(conn: sa.Connection) -> None:
    """The audit trail's hash chain (columns, and hashes for the rows already there) and the missing triggers."""
    from dashboard.data.audit_chain import GENESIS, row_hash

    present = {c["name"] for c in sa.inspect(conn).get_columns("audit_log")}
    for column in (audit_log.c.prev_hash, audit_log.c.row_hash):
        if column.name not in present:
            conn.execute(sa.text(f"ALTER TABLE audit_log ADD COLUMN "
                                 f"{sa.schema.CreateColumn(column).compile(dialect=conn.dialect)}"))
    dialect = conn.dialect.name
    # the rows already there get their hashes once, here, with the UPDATE guard lifted inside this transaction
    if dialect == "sqlite":
        conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    elif dialect == "postgresql":
        conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    t, prev = audit_log, GENESIS
    for row in conn.execute(sa.select(t).where(t.c.row_hash.is_(None)).order_by(t.c.id)).all():
        digest = row_hash(prev, row.at, row.username, row.action, row.page, row.rows, row.detail)
        conn.execute(t.update().where(t.c.id == row.id).values(prev_hash=prev, row_hash=digest))
        prev = digest
    if dialect == "postgresql":
        conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    for statement in _AUDIT_GUARDS.get(dialect, []):
        conn.execute(sa.text(statement))


def _migration_sign_in_attempts(conn: sa.Connection) -> None:
    """Sign-in attempts keep the device and the outcome (issue 21 items 1, 3-5); failure audit windows."""
    present = {c["name"] for c in sa.inspect(conn).get_columns("sign_in_failures")}
    for column in (sign_in_failures.c.device, sign_in_failures.c.outcome):
        if column.name not in present:
            ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE sign_in_failures ADD COLUMN {ddl}"))
    sign_in_audit_windows.create(conn, checkfirst=True)


def _migration_first_ingested(conn: sa.Connection) -> None:
    """Each case's first ingest day (data quality: late records); rows already there get their ingest's day."""
    if "first_ingested" not in {c["name"] for c in sa.inspect(conn).get_columns("cases")}:
        ddl = sa.schema.CreateColumn(cases.c.first_ingested).compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE cases ADD COLUMN {ddl}"))
    day = "substr(ingest_log.at, 1, 10)" if conn.dialect.name == "sqlite" else "CAST(ingest_log.at AS DATE)"
    conn.execute(sa.text(f"UPDATE cases SET first_ingested = (SELECT {day} FROM ingest_log "
                         "WHERE ingest_log.id = cases.ingest_id) WHERE first_ingested IS NULL"))


def _migration_case_stages(conn: sa.Connection) -> None:
    """The case's later stages (issue 24): charged, charge_date, court_outcome, outcome_date, sentence_years."""
    from dashboard.data.stages import STAGE_COLUMNS

    present = {c["name"] for c in sa.inspect(conn).get_columns("cases")}
    for name in STAGE_COLUMNS:
        if name not in present:
            ddl = sa.schema.CreateColumn(cases.c[name]).compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE cases ADD COLUMN {ddl}"))


def _migration_user_scope(conn: sa.Connection) -> None:
    """Province-scoped users (issue 25): ``users.provinces``, NULL for every existing user (no scope)."""
    if "provinces" not in {c["name"] for c in sa.inspect(conn).get_columns("users")}:
        ddl = sa.schema.CreateColumn(users.c.provinces).compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE users ADD COLUMN {ddl}"))


#: Ordered migrations; entry N brings the schema from version N to N+1.
MIGRATIONS: list[Callable[[sa.Connection], None]] = [_migration_1, _migration_2, _migration_3,
                                                     _migration_audit_chain, _migration_sign_in_attempts,
                                                     _migration_release_ledger, _migration_first_ingested,
                                                     _migration_case_stages, _migration_user_scope]


def configured_url(explicit: str | None = None, secrets_file: Path = SECRETS_FILE) -> str | None:
    """The URL the operator configured, if any (argument, env var, then secrets.toml)."""
    if explicit:
        return explicit
    if settings.current().db_url:
        return settings.current().db_url
    if secrets_file.exists():
        try:
            secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return None
        return secrets.get("connections", {}).get("cases", {}).get("url")
    return None


def resolve_url(explicit: str | None = None) -> str:
    """The database URL to use: configured, or the embedded SQLite default."""
    url = configured_url(explicit)
    if url:
        return url
    return default_url()


def default_sqlite_path() -> Path:
    """The embedded database used when none is configured: ``<var dir>/cases.sqlite3``."""
    return settings.current().var_dir / "cases.sqlite3"


def default_url() -> str:
    path = default_sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def is_default(url: str) -> bool:
    """Whether ``url`` is the app's own embedded database (the only one the demo is ever seeded into)."""
    try:
        other = sa.engine.make_url(url)
    except Exception:
        return False
    return other.get_backend_name() == "sqlite" and bool(other.database) and \
        Path(other.database).resolve() == default_sqlite_path().resolve()


def redact(url: str) -> str:
    """The URL with any password hidden, safe for logs and screens."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    return int(value or 0)


@sa.event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Every SQLite connection: a busy timeout, and WAL so that readers never wait for a writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the file
    except sqlite3.OperationalError as exc:
        # another process is switching it right now; the next connection will see it
        log.debug("journal mode not set: %s", exc)
    finally:
        cursor.close()


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means another writer held the database longer than this connection would wait."""
    if not isinstance(exc, sa.exc.OperationalError):
        return False
    orig = exc.orig
    return "database is locked" in str(orig).lower() or getattr(orig, "sqlstate", None) == "55P03"


def lock_for_writing(conn: sa.Connection, key: int) -> None:
    """Serialise this transaction with every other one that takes ``key``, until it ends.

    PostgreSQL: a transaction-level advisory lock. SQLite has one write lock
    per database: ``BEGIN IMMEDIATE`` takes it now (unless this transaction
    already writes), so a read-then-write sequence cannot interleave with
    another process's.
    """
    if conn.dialect.name == "sqlite":
        if not conn.connection.driver_connection.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _lock_for_migration(conn: sa.Connection) -> None:
    """The migration lock; if another process holds it, say so in the log and wait up to MIGRATION_WAIT_S."""
    waiting = "database migration in progress in another process; waiting up to %.0f s"
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                log.warning(waiting, MIGRATION_WAIT_S)
                raw.execute(f"PRAGMA busy_timeout = {int(MIGRATION_WAIT_S * 1000)}")
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    elif conn.dialect.name == "postgresql":
        if not conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}).scalar():
            log.warning(waiting, MIGRATION_WAIT_S)
            conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(MIGRATION_WAIT_S * 1000)}ms'"))
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            conn.execute(sa.text("SET LOCAL lock_timeout = 0"))


def migrate(engine: Engine) -> int:
    """Bring the schema up to date; returns the version now in place.

    Safe to run from many processes at once: the steps run under a lock
    (advisory on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and the version is
    re-read once it is held, so a process that waited finds the work done.
    """
    with engine.connect() as conn:
        if current_version(conn) >= len(MIGRATIONS):
            return len(MIGRATIONS)
    with engine.begin() as conn:
        _lock_for_migration(conn)
        version = current_version(conn)
        for step in range(version, len(MIGRATIONS)):
            MIGRATIONS[step](conn)
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=step + 1))
        return len(MIGRATIONS)


def open_engine(url: str | None = None) -> Engine:
    """An engine on the configured database with its schema migrated.

    Raises :class:`DatabaseUnavailable` with a readable message when the
    database cannot be reached, and :class:`DatabaseBusy` when another
    process held it (a migration or a long write) for longer than we wait.
    """
    url = resolve_url(url)
    try:
        # hide_parameters: an error message never quotes the values (case records) it was sent
        kwargs = {"pool_pre_ping": True, "hide_parameters": True}
        if not url.startswith("sqlite"):
            kwargs["connect_args"] = {"connect_timeout": 5} if "psycopg" in url or url.startswith("postgresql") else {}
        engine = sa.create_engine(url, **kwargs)
        migrate(engine)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        from dashboard.i18n import _

        if is_busy(exc):
            raise DatabaseBusy(_("The case database is busy: another process is migrating or writing it."),
                               _("Try again in a moment.")) from None
        raise DatabaseUnavailable(
            _("The case database at {url} cannot be reached ({error}).").format(url=redact(url),
                                                                               error=type(exc).__name__),
            _("Check DASHBOARD_DB_URL or [connections.cases] in .streamlit/secrets.toml, and that the server "
              "is running."),
        ) from None
    return engine
