"""Who may see what: the built-in user store (argon2), sign-in and roles.

Streamlit-free. Passwords are hashed with argon2id (argon2-cffi) and never
stored or logged in plain text. Failed sign-ins get one generic message and
spend the failure budgets in :mod:`dashboard.access.throttle`, which live in
the database. Every sign-in and user-management action is audited; changing
a password, disabling or removing a user (or replacing them with ``add``)
revokes that user's sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection, Engine

from dashboard.access import audit, cookies, sessions, throttle
from dashboard.data import db
from dashboard.errors import UserFacingError
from dashboard.i18n import N_, _

ROLES = ("leadership", "analyst", "admin")
LEADERSHIP_PAGES = ("overview", "coverage", "cases", "arrests")
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "leadership": LEADERSHIP_PAGES + ("about",),
    "analyst": LEADERSHIP_PAGES + ("analysis", "about"),
    "admin": LEADERSHIP_PAGES + ("analysis", "data", "about"),
}
GENERIC_FAILURE = N_("Sign-in failed. Check your user name and password, then try again.")
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def pages_for(role: str) -> tuple[str, ...]:
    return ROLE_PAGES.get(role, ())


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserFacingError(_("The password is too short (under {n} characters).").format(n=MIN_PASSWORD_LENGTH),
                              _("Choose a longer passphrase."))


def add_user(engine: Engine, username: str, role: str, password: str, actor: str = "system") -> None:
    """Create or replace a user; the password is stored only as an argon2 hash. Replacing ends their sessions."""
    if not _NAME.match(username):
        raise UserFacingError(_("'{name}' is not a valid user name.").format(name=username),
                              _("Use 2-64 letters, digits, dots, dashes, underscores or @."))
    if role not in ROLES:
        raise UserFacingError(_("'{role}' is not a role.").format(role=role),
                              _("Use one of: {options}.").format(options=", ".join(ROLES)))
    _check_password(password)
    row = {"username": username, "password_hash": _hasher.hash(password), "role": role,
           "created_at": datetime.now(timezone.utc), "disabled": False}
    with engine.begin() as conn:
        replaced = conn.execute(db.users.delete().where(db.users.c.username == username)).rowcount
        conn.execute(db.users.insert().values(**row))
        sessions.revoke_user(conn, username)
        audit.record(None, actor, audit.USER_ADD, detail={"user": username, "role": role, "replaced": bool(replaced)},
                     conn=conn)


def _change(engine: Engine, username: str, values: dict, action: str, actor: str, revoke: bool) -> None:
    with engine.begin() as conn:
        if _require(conn, username) and values:
            conn.execute(db.users.update().where(db.users.c.username == username).values(**values))
        ended = sessions.revoke_user(conn, username) if revoke else 0
        audit.record(None, actor, action, detail={"user": username, "sessions_ended": ended}, conn=conn)


def _require(conn: Connection, username: str) -> bool:
    if conn.execute(sa.select(db.users.c.username).where(db.users.c.username == username)).first() is None:
        raise UserFacingError(_("There is no user '{name}'.").format(name=username),
                              _("See 'python -m dashboard users list'."))
    return True


def require_user(engine: Engine, username: str) -> None:
    """Raise a clear error if ``username`` does not exist (before prompting for anything)."""
    with engine.connect() as conn:
        _require(conn, username)


def set_password(engine: Engine, username: str, password: str, actor: str = "system") -> None:
    """A new password; every session the user has open ends."""
    _check_password(password)
    _change(engine, username, {"password_hash": _hasher.hash(password)}, audit.USER_PASSWD, actor, revoke=True)


def set_disabled(engine: Engine, username: str, disabled: bool, actor: str = "system") -> None:
    """Disable (ending every session) or enable a user; a disabled user cannot sign in."""
    _change(engine, username, {"disabled": disabled}, audit.USER_DISABLE if disabled else audit.USER_ENABLE,
            actor, revoke=disabled)


def remove_user(engine: Engine, username: str, actor: str = "system") -> None:
    """Delete a user and end their sessions (their audit entries stay)."""
    with engine.begin() as conn:
        _require(conn, username)
        conn.execute(db.users.delete().where(db.users.c.username == username))
        ended = sessions.revoke_user(conn, username)
        audit.record(None, actor, audit.USER_REMOVE, detail={"user": username, "sessions_ended": ended}, conn=conn)


def has_users(engine: Engine) -> bool:
    """Whether any user exists (disabled ones too: their presence still means sign-in is required)."""
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(db.users)).scalar())


def list_users(engine: Engine) -> list[tuple[str, str, bool]]:
    """(name, role, disabled) for every user."""
    u = db.users
    with engine.connect() as conn:
        return [(r.username, r.role, bool(r.disabled))
                for r in conn.execute(sa.select(u.c.username, u.c.role, u.c.disabled).order_by(u.c.username))]


def _lookup(engine: Engine, username: str):
    u = db.users
    with engine.connect() as conn:
        return conn.execute(sa.select(u.c.password_hash, u.c.role, u.c.disabled).where(u.c.username == username)).first()


def _check(row, password: str) -> str | None:
    """The role if ``password`` matches ``row`` (an enabled user); the same argon2 cost when there is no row."""
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return row.role if row and not row.disabled else None


def verify(engine: Engine, username: str, password: str) -> str | None:
    """The user's role if the password matches and the user is enabled, else None (same cost either way)."""
    return _check(_lookup(engine, username), password)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the role (None on failure), a message, the password fingerprint on success."""

    role: str | None
    message: str
    fingerprint: str | None = None


def sign_in(engine: Engine, username: str, password: str, client: str | None = None,
            budgets: throttle.Budgets = throttle.BUDGETS) -> SignIn:
    """Check a password within the failure budgets; the message on failure never says why."""
    client_key = cookies.client_key(engine, client)
    row = _lookup(engine, username)
    who = username if row else audit.UNKNOWN_USER  # an unknown "name" may be a mistyped password: not recorded
    if throttle.blocked(engine, username, client_key, budgets):
        audit.record(engine, who, audit.SIGN_IN_FAILED, detail={"reason": "locked"})
        return SignIn(None, GENERIC_FAILURE)
    role = _check(row, password)
    if role is None:
        throttle.failure(engine, username, client_key)
        audit.record(engine, who, audit.SIGN_IN_FAILED, detail={"reason": "credentials"})
        return SignIn(None, GENERIC_FAILURE)
    throttle.success(engine, username)
    audit.record(engine, username, audit.SIGN_IN, detail={"role": role})
    return SignIn(role, f"Signed in as {username} ({role}).", sessions.fingerprint(row.password_hash))
