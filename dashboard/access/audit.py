"""The audit trail: who signed in, who took which data, who changed what. Streamlit-free.

The ``audit_log`` table is append-only: the code only inserts, and database
triggers refuse UPDATE, DELETE, TRUNCATE (PostgreSQL) and an insert that
would replace a row (SQLite's ``INSERT OR REPLACE``). Rows are hash-chained
(:mod:`dashboard.data.audit_chain`), so a change made around the triggers
is found by :func:`verify` (``python -m dashboard audit verify``). A row holds who
(a user name, ``demo`` for the anonymous demo, ``NAME@cli`` for the command
line), when, the action, the page, a row count and a small JSON detail
(file names, filter descriptions, counts). Never case details or passwords:
callers pass only such summaries, and :func:`record` refuses a detail key
that names a secret.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard.data import audit_chain, audit_log, db

log = logging.getLogger(__name__)

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
DOWNLOAD = "download"
INGEST = audit_log.INGEST
COVERAGE_EDIT = audit_log.COVERAGE_EDIT
BOUNDARIES_CHANGE = "boundaries_change"
USER_ADD = "user_add"
USER_PASSWD = "user_passwd"
USER_DISABLE = "user_disable"
USER_ENABLE = "user_enable"
USER_REMOVE = "user_remove"
VIEW = "view"
USER_UNLOCK = "user_unlock"
USER_SCOPE = "user_scope"
PUBLIC_RELEASE = "public_release"
RELEASE_DRAFT = "release_draft"
RELEASE_APPROVE = "release_approve"
RELEASE_PUBLISH = "release_publish"
RELEASE_REFUSED = "release_refused"
RELEASE_KEYGEN = "release_keygen"
#: Every action the trail records, in the order the admin view lists them.
ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, DOWNLOAD, INGEST, COVERAGE_EDIT, BOUNDARIES_CHANGE,
           USER_ADD, USER_PASSWD, USER_DISABLE, USER_ENABLE, USER_REMOVE, USER_UNLOCK, USER_SCOPE, VIEW, PUBLIC_RELEASE,
           RELEASE_DRAFT, RELEASE_APPROVE, RELEASE_PUBLISH, RELEASE_REFUSED, RELEASE_KEYGEN)
#: A case-level view identical to one recorded by the same session is recorded again only after this long.
VIEW_REPEAT_S = 300.0
#: Who an unidentified failed sign-in is recorded as (the typed name may be a mistyped password).
UNKNOWN_USER = "(unknown user)"
COLUMNS = ["at", "user", "action", "page", "rows", "detail"]


def cli_actor() -> str:
    """How a command-line action is attributed: the operating-system account, then ``@cli``."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no user name in this container
        name = "unknown"
    return f"{name}@cli"


def record(engine: Engine | None, actor: str, action: str, *, page: str | None = None, rows: int | None = None,
           detail: Mapping[str, object] | None = None, conn: Connection | None = None) -> None:
    """Append one entry (inside ``conn``'s transaction when given, so it commits with the change it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    values = audit_log.entry(actor, action, page, rows, detail)
    if conn is not None:
        audit_log.append(conn, values)
    else:
        assert engine is not None
        with engine.begin() as own:
            audit_log.append(own, values)
    log.info("audit: %s %s", action, page or "")


def verify(engine: Engine) -> audit_chain.ChainCheck:
    """Walk the whole trail in id order and check every row's hash and link (see :mod:`dashboard.data.audit_chain`)."""
    t = db.audit_log
    stmt = sa.select(t.c.id, t.c.at, t.c.username, t.c.action, t.c.page, t.c.rows, t.c.detail, t.c.prev_hash,
                     t.c.row_hash).order_by(t.c.id)
    with engine.connect() as conn:
        return audit_chain.verify_rows(conn.execution_options(yield_per=2000).execute(stmt))


def hash_of(engine: Engine, entry_id: int) -> str | None:
    """The stored hash of one entry (to check a head noted earlier), or None if there is no such entry."""
    with engine.connect() as conn:
        return conn.execute(sa.select(db.audit_log.c.row_hash).where(db.audit_log.c.id == entry_id)).scalar()


class ViewDebounce:
    """Which case-level views one session has recorded: one entry per (page, filters), at most once per
    :data:`VIEW_REPEAT_S` seconds, so reruns and widget clicks that change nothing add nothing."""

    def __init__(self, repeat_s: float = VIEW_REPEAT_S) -> None:
        self.repeat_s = repeat_s
        self._last: dict[tuple[str, str], float] = {}

    def due(self, page: str, filters: str, now: float) -> bool:
        """Whether this view should be recorded now (and if so, remember that it was)."""
        last = self._last.get((page, filters))
        if last is not None and now - last < self.repeat_s:
            return False
        self._last[(page, filters)] = now
        return True


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def query(engine: Engine, since: date | None = None, until: date | None = None, user: str | None = None,
          actions: Iterable[str] | None = None, limit: int | None = None) -> pd.DataFrame:
    """Entries, newest first: from ``since`` and up to ``until`` (whole days, UTC), by user and actions."""
    t = db.audit_log
    stmt = sa.select(t.c.at, t.c.username, t.c.action, t.c.page, t.c.rows, t.c.detail).order_by(t.c.id.desc())
    if since:
        stmt = stmt.where(t.c.at >= _day_start(since))
    if until:
        stmt = stmt.where(t.c.at < _day_start(until + timedelta(days=1)))
    if user:
        stmt = stmt.where(t.c.username == user)
    actions = list(actions or [])
    if actions:
        stmt = stmt.where(t.c.action.in_(actions))
    if limit:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["rows"] = frame["rows"].astype("Int64")
    for text in ("page", "detail"):  # a sign-out has neither: an empty cell, never "None" or NaN
        frame[text] = frame[text].fillna("").astype(str)
    return frame


def users_seen(engine: Engine) -> list[str]:
    """Every name that appears in the trail (for the admin view's filter)."""
    with engine.connect() as conn:
        return list(conn.execute(sa.select(db.audit_log.c.username).distinct().order_by(db.audit_log.c.username))
                    .scalars())
