"""The case database: URL resolution, schema and migrations (SQLAlchemy Core).

The default is an embedded SQLite file under ``var/``; PostgreSQL (or any
SQLAlchemy URL) is used when ``DASHBOARD_DB_URL`` is set or
``.streamlit/secrets.toml`` has ``[connections.cases] url = ...``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.data.schema import CASE_ID_MAX, DISTRICT_MAX
from dashboard.errors import DatabaseUnavailable
from dashboard import settings
from dashboard.paths import PROJECT_ROOT

SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"

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
)

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))


def _migration_1(conn: sa.Connection) -> None:
    for table in (cases, coverage, ingest_log, schema_version):
        table.create(conn, checkfirst=True)


def _migration_2(conn: sa.Connection) -> None:
    users.create(conn, checkfirst=True)


#: Ordered migrations; entry N brings the schema from version N to N+1.
MIGRATIONS: list[Callable[[sa.Connection], None]] = [_migration_1, _migration_2]


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


def migrate(engine: Engine) -> int:
    """Bring the schema up to date; returns the version now in place."""
    with engine.begin() as conn:
        version = current_version(conn)
        for step in range(version, len(MIGRATIONS)):
            MIGRATIONS[step](conn)
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=step + 1))
        return len(MIGRATIONS)


def open_engine(url: str | None = None) -> Engine:
    """An engine on the configured database with its schema migrated.

    Raises :class:`DatabaseUnavailable` with a readable message when the
    database cannot be reached.
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
        raise DatabaseUnavailable(
            f"The case database at {redact(url)} cannot be reached ({type(exc).__name__}).",
            "Check DASHBOARD_DB_URL or [connections.cases] in .streamlit/secrets.toml, and that the server is running.",
        ) from None
    return engine
