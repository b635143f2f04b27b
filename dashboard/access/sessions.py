"""Server-side sessions for built-in users, kept in the case database. Streamlit-free.

A session id is 256 random bits; the browser keeps it (in a signed cookie)
and the database keeps only its SHA-256, with the times it was created and
last seen, when it expires and whether it was revoked. Every check also
compares the user's current role and a fingerprint of their password hash
with those the session began with, so a changed role, a new password, a
disabled or removed user ends the session at once, in every process.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard import settings
from dashboard.access import scope
from dashboard.data import db

#: last_seen is written at most this often, so a busy session does not write on every rerun.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    username: str
    role: str
    #: the user's province scope as stored now (re-read on every check, so a change holds from the next rerun)
    scope: tuple[str, ...] | None = None


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def fingerprint(password_hash: str) -> str:
    """Changes whenever the password is set again (argon2 salts every hash)."""
    return hashlib.sha256(b"cpu-password-fingerprint:" + password_hash.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _user(conn: Connection, username: str):
    u = db.users
    return conn.execute(sa.select(u.c.role, u.c.password_hash, u.c.disabled).where(u.c.username == username)).first()


def create(engine: Engine, username: str, expected_fingerprint: str | None = None,
           now: datetime | None = None) -> str | None:
    """A new session for an enabled user; returns the raw id (None if the user is gone, disabled or changed)."""
    now = _now(now)
    config = settings.current()
    raw = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = _user(conn, username)
        if user is None or user.disabled:
            return None
        fp = fingerprint(user.password_hash)
        if expected_fingerprint is not None and fp != expected_fingerprint:
            return None
        conn.execute(db.sessions.insert().values(
            id_hash=digest(raw), username=username, role=user.role, fingerprint=fp, created_at=now,
            last_seen_at=now, expires_at=now + timedelta(days=config.session_max_days)))
    return raw


def check(engine: Engine, raw: str | None, now: datetime | None = None) -> Session | None:
    """The session behind ``raw`` if it is still good; otherwise None (and a bad session is revoked for good)."""
    if not raw or len(raw) > 128:
        return None
    now = _now(now)
    s, u = db.sessions, db.users
    idle = timedelta(hours=settings.current().session_idle_hours)
    key = digest(raw)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(s.c.username, s.c.role, s.c.fingerprint, s.c.last_seen_at, s.c.expires_at, s.c.revoked_at,
                      u.c.role.label("user_role"), u.c.password_hash, u.c.disabled, u.c.provinces)
            .select_from(s.outerjoin(u, u.c.username == s.c.username)).where(s.c.id_hash == key)).first()
    if row is None or row.revoked_at is not None:
        return None
    last_seen = _aware(row.last_seen_at)
    good = (now < _aware(row.expires_at) and now < last_seen + idle and row.password_hash is not None
            and not row.disabled and row.user_role == row.role and fingerprint(row.password_hash) == row.fingerprint)
    if not good:
        with engine.begin() as conn:
            conn.execute(s.update().where(s.c.id_hash == key, s.c.revoked_at.is_(None)).values(revoked_at=now))
        return None
    if now - last_seen >= TOUCH_EVERY:
        try:
            with engine.begin() as conn:
                conn.execute(s.update().where(s.c.id_hash == key).values(last_seen_at=now))
        except sa.exc.OperationalError as exc:  # a long ingest holds SQLite's write lock: touch on a later run
            if not db.is_busy(exc):
                raise
    return Session(row.username, row.role, scope.load(row.provinces))


def revoke(engine: Engine, raw: str | None, now: datetime | None = None) -> str | None:
    """End one session; returns its user name (None if there was no live session)."""
    if not raw:
        return None
    s = db.sessions
    with engine.begin() as conn:
        name = conn.execute(sa.select(s.c.username)
                            .where(s.c.id_hash == digest(raw), s.c.revoked_at.is_(None))).scalar()
        conn.execute(s.update().where(s.c.id_hash == digest(raw), s.c.revoked_at.is_(None))
                     .values(revoked_at=_now(now)))
    return name


def revoke_user(conn: Connection, username: str, now: datetime | None = None) -> int:
    """End every live session of ``username`` (inside the caller's transaction); returns how many."""
    s = db.sessions
    result = conn.execute(s.update().where(s.c.username == username, s.c.revoked_at.is_(None))
                          .values(revoked_at=_now(now)))
    return result.rowcount or 0
