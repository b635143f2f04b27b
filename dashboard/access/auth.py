"""Who may see what: the built-in user store (argon2), rate limiting and roles.

Streamlit-free. Passwords are hashed with argon2id (argon2-cffi) and never
stored or logged in plain text. Failed sign-ins get one generic message and
are rate limited per user name.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Engine

from dashboard.data import db
from dashboard.errors import UserFacingError

ROLES = ("leadership", "analyst", "admin")
LEADERSHIP_PAGES = ("overview", "coverage", "cases", "arrests")
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "leadership": LEADERSHIP_PAGES + ("about",),
    "analyst": LEADERSHIP_PAGES + ("analysis", "about"),
    "admin": LEADERSHIP_PAGES + ("analysis", "data", "about"),
}
GENERIC_FAILURE = "Sign-in failed. Check your user name and password, then try again."
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def pages_for(role: str) -> tuple[str, ...]:
    return ROLE_PAGES.get(role, ())


def add_user(engine: Engine, username: str, role: str, password: str) -> None:
    """Create or replace a user; the password is stored only as an argon2 hash."""
    if not _NAME.match(username):
        raise UserFacingError(f"'{username}' is not a valid user name.",
                              "Use 2-64 letters, digits, dots, dashes, underscores or @.")
    if role not in ROLES:
        raise UserFacingError(f"'{role}' is not a role.", f"Use one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserFacingError(f"The password is too short (under {MIN_PASSWORD_LENGTH} characters).",
                              "Choose a longer passphrase.")
    row = {"username": username, "password_hash": _hasher.hash(password), "role": role,
           "created_at": datetime.now(timezone.utc)}
    with engine.begin() as conn:
        conn.execute(db.users.delete().where(db.users.c.username == username))
        conn.execute(db.users.insert().values(**row))


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(db.users)).scalar())


def list_users(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(db.users.c.username, db.users.c.role).order_by(db.users.c.username))]


def verify(engine: Engine, username: str, password: str) -> str | None:
    """The user's role if the password matches, else None (same cost either way)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.users.c.password_hash, db.users.c.role)
                           .where(db.users.c.username == username)).first()
    try:
        _hasher.verify(row[0] if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return row[1] if row else None


@dataclass
class RateLimiter:
    """Lock a user name after ``max_failures`` failed sign-ins within ``window`` seconds.

    Shared by all sessions of one server process.
    """

    max_failures: int = 5
    window: float = 900.0
    lockout: float = 300.0
    clock: callable = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, key: str) -> bool:
        with self._lock:
            return self._locked_until.get(key.lower(), 0.0) > self.clock()

    def failure(self, key: str) -> None:
        key = key.lower()
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if now - t < self.window] + [now]
            self._failures[key] = recent
            if len(recent) >= self.max_failures:
                self._locked_until[key] = now + self.lockout
                self._failures[key] = []

    def success(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key.lower(), None)


LIMITER = RateLimiter()


def sign_in(engine: Engine, username: str, password: str, limiter: RateLimiter = LIMITER) -> tuple[str | None, str]:
    """(role, message): role is None on failure, and the message never says why."""
    if limiter.blocked(username):
        return None, GENERIC_FAILURE
    role = verify(engine, username, password)
    if role is None:
        limiter.failure(username)
        return None, GENERIC_FAILURE
    limiter.success(username)
    return role, f"Signed in as {username} ({role})."
