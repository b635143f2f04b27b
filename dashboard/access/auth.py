"""Who may see what: the built-in user store (argon2), sign-in and roles.

Streamlit-free. Passwords are hashed with argon2id (argon2-cffi) and never
stored or logged in plain text. Failed sign-ins get one generic message and
spend the budgets in :mod:`dashboard.access.throttle`, which live in the
database. Every sign-in and user-management action is audited; changing
a password, disabling or removing a user (or replacing them with ``add``)
revokes that user's sessions.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection, Engine

from dashboard import page_table
from dashboard.access import audit, cookies, scope, sessions, throttle
from dashboard.data import db
from dashboard.errors import UserFacingError
from dashboard.i18n import N_, _

ROLES = ("leadership", "analyst", "admin")
GENERIC_FAILURE = N_("Sign-in failed. Check your user name and password, then try again.")
#: The same for every name, existing or not: it says sign-in is paused here, never whether the user exists.
THROTTLED = N_("Sign-in is paused after repeated failed attempts from here. Try again in {minutes} min.")
BUSY = N_("The server is busy checking other sign-ins. Try again in a moment.")
#: Password checks running at once in one process (argon2id: 64 MiB each), and how long an extra one waits.
MAX_CONCURRENT_CHECKS = 4
CHECK_WAIT_SECONDS = 5.0
_checks = threading.BoundedSemaphore(MAX_CONCURRENT_CHECKS)
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def pages_for(role: str) -> tuple[str, ...]:
    """The pages ``role`` may open: the page table (dashboard.page_table) says, in navigation order."""
    return page_table.names_for(role)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserFacingError(_("The password is too short (under {n} characters).").format(n=MIN_PASSWORD_LENGTH),
                              _("Choose a longer passphrase."))


class UserExistsError(UserFacingError):
    """``users add`` of a name that is already taken, without ``--force``."""


def add_user(engine: Engine, username: str, role: str, password: str, actor: str = "system",
             replace: bool = False, provinces: scope.Scope = None) -> bool:
    """Create a user; the password is stored only as an argon2 hash. Returns whether a user was replaced.

    An existing name is refused unless ``replace`` is given; replacing ends that user's sessions. ``provinces``
    is the user's province scope (codes; None = every province); an admin cannot have one.
    """
    if not _NAME.fullmatch(username):
        raise UserFacingError(_("'{name}' is not a valid user name.").format(name=username),
                              _("Use 2-64 letters, digits, dots, dashes, underscores or @."))
    if role not in ROLES:
        raise UserFacingError(_("'{role}' is not a role.").format(role=role),
                              _("Use one of: {options}.").format(options=", ".join(ROLES)))
    scope.check_role(role, provinces)
    _check_password(password)
    row = {"username": username, "password_hash": _hasher.hash(password), "role": role,
           "created_at": datetime.now(UTC), "disabled": False, "provinces": scope.dump(provinces)}
    with engine.begin() as conn:
        if not replace:
            _refuse_existing(conn, username)
        replaced = conn.execute(db.users.delete().where(db.users.c.username == username)).rowcount
        conn.execute(db.users.insert().values(**row))
        ended = sessions.revoke_user(conn, username)
        audit.record(None, actor, audit.USER_ADD,
                     detail={"user": username, "role": role, "replaced": bool(replaced), "sessions_ended": ended,
                             "provinces": scope.dump(provinces)},
                     conn=conn)
    return bool(replaced)


def _refuse_existing(conn: Connection, username: str) -> None:
    existing = conn.execute(sa.select(db.users.c.role).where(db.users.c.username == username)).scalar()
    if existing is not None:
        raise UserExistsError(
            _("User '{name}' already exists (role {role}); nothing changed.").format(name=username, role=existing),
            _("To replace that user (new role and password; their sessions end), run the same "
              "'users add' command with --force. To change only the password, use 'users passwd {name}'.").format(
                name=username))


def refuse_existing_user(engine: Engine, username: str) -> None:
    """Raise a clear error if ``username`` already exists (before prompting for a password)."""
    with engine.connect() as conn:
        _refuse_existing(conn, username)


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


def set_scope(engine: Engine, username: str, provinces: scope.Scope, actor: str = "system") -> None:
    """Give ``username`` the province scope ``provinces`` (None: every province). It holds from the user's next
    rerun, in every process: a session re-reads it on every run (``sessions.check``)."""
    with engine.begin() as conn:
        _require(conn, username)
        role = conn.execute(sa.select(db.users.c.role).where(db.users.c.username == username)).scalar()
        scope.check_role(role, provinces)
        before = conn.execute(sa.select(db.users.c.provinces).where(db.users.c.username == username)).scalar()
        conn.execute(db.users.update().where(db.users.c.username == username)
                     .values(provinces=scope.dump(provinces)))
        audit.record(None, actor, audit.USER_SCOPE,
                     detail={"user": username, "provinces": scope.dump(provinces), "before": before}, conn=conn)


def scope_of(engine: Engine, username: str) -> scope.Scope:
    """The province scope of ``username`` (None: every province, or no such user)."""
    with engine.connect() as conn:
        return scope.load(conn.execute(sa.select(db.users.c.provinces)
                                       .where(db.users.c.username == username)).scalar())


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


def unlock(engine: Engine, username: str, actor: str = "system") -> int:
    """Forget the counted sign-in attempts for ``username`` (any client), so a paused name may sign in again."""
    with engine.begin() as conn:
        forgotten = throttle.unlock(conn, username)
        audit.record(None, actor, audit.USER_UNLOCK, detail={"user": username, "attempts_forgotten": forgotten},
                     conn=conn)
    return forgotten


def has_users(engine: Engine) -> bool:
    """Whether any user exists (disabled ones too: their presence still means sign-in is required)."""
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(db.users)).scalar())


def list_users(engine: Engine) -> list[tuple[str, str, bool]]:
    """(name, role, disabled) for every user."""
    return [(name, role, disabled) for name, role, disabled, _scope in list_users_with_scope(engine)]


def list_users_with_scope(engine: Engine) -> list[tuple[str, str, bool, scope.Scope]]:
    """(name, role, disabled, province scope) for every user."""
    u = db.users
    with engine.connect() as conn:
        return [(r.username, r.role, bool(r.disabled), scope.load(r.provinces))
                for r in conn.execute(sa.select(u.c.username, u.c.role, u.c.disabled, u.c.provinces)
                                      .order_by(u.c.username))]


def _lookup(engine: Engine, username: str):
    u = db.users
    with engine.connect() as conn:
        return conn.execute(sa.select(u.c.password_hash, u.c.role, u.c.disabled)
                            .where(u.c.username == username)).first()


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
    """The outcome of a sign-in: the role (None on failure), a message, the password fingerprint on success.

    ``retry_minutes`` is set when sign-in was paused (the message then has a ``{minutes}`` field)."""

    role: str | None
    message: str
    fingerprint: str | None = None
    retry_minutes: int | None = None


def valid_name(username: str) -> bool:
    """Whether ``username`` could be a user at all (no control characters, allowed length and characters)."""
    return bool(_NAME.fullmatch(username))


def sign_in(engine: Engine, username: str, password: str, client: str | None = None, device: str | None = None,
            budgets: throttle.Budgets = throttle.BUDGETS) -> SignIn:
    """Check a password within the budgets of :mod:`throttle`; a failure's message never says why.

    ``device`` is the id from this browser's device cookie, already checked to name ``username``. The budget
    is checked and the attempt counted in one step before the password is; at most ``MAX_CONCURRENT_CHECKS``
    passwords are checked at once in this process (argon2 takes 64 MiB each); the rest are told to retry.
    """
    client_key = cookies.client_key(engine, client)
    possible = valid_name(username)  # a NUL or control character never reaches a query
    row = _lookup(engine, username) if possible else None
    who = username if row else audit.UNKNOWN_USER  # an unknown "name" may be a mistyped password: not recorded
    name = throttle.name_key(username) if possible else throttle.INVALID_NAME
    decision = throttle.reserve(engine, name, client_key, cookies.device_key(device), actor=who, budgets=budgets)
    if not decision.allowed:
        wait = decision.retry_at - datetime.now(UTC)
        return SignIn(None, THROTTLED, retry_minutes=max(1, math.ceil(wait.total_seconds() / 60)))
    if not _checks.acquire(timeout=CHECK_WAIT_SECONDS):
        throttle.withdraw(engine, decision.attempt)
        return SignIn(None, BUSY)
    try:
        role = _check(row, password)
    finally:
        _checks.release()
    throttle.settle(engine, decision.attempt, role is not None, actor=who)
    if role is None:
        return SignIn(None, GENERIC_FAILURE)
    audit.record(engine, username, audit.SIGN_IN, detail={"role": role})
    return SignIn(role, f"Signed in as {username} ({role}).", sessions.fingerprint(row.password_hash))
