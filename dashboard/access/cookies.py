"""The sign-in cookies: their names, their signature (itsdangerous) and the key all processes share.

The session cookie holds only an opaque, random session id, signed so that
a tampered value is refused before any database lookup. The signing key is
generated once, on first use, and stored in the case database
(``app_secrets``), so every app process on that database signs and checks
alike with nothing to configure. Anyone who can read that table could sign
values, but a signature alone opens nothing: a session id is 256 random bits
and the database keeps only its SHA-256. Streamlit-free.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from functools import lru_cache

import sqlalchemy as sa
from itsdangerous import BadSignature, Signer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dashboard.data import db

#: The session cookie (HttpOnly, SameSite=Lax): a signed session id.
SESSION_COOKIE = "cpu_session"
#: A short-lived cookie that carries a signed link token across the OIDC provider's redirect.
LINK_COOKIE = "cpu_link"
_KEY_NAME = "cookie_signing_key"
_MAX_COOKIE = 512
_LOCAL = {None, "", "127.0.0.1", "::1", "localhost"}


@lru_cache(maxsize=32)
def signing_key(engine: Engine) -> str:
    """The shared key: read from the database, or created there by the first process that needs it."""
    select = sa.select(db.app_secrets.c.value).where(db.app_secrets.c.name == _KEY_NAME)
    with engine.connect() as conn:
        value = conn.execute(select).scalar()
    if value:
        return value
    try:
        with engine.begin() as conn:
            conn.execute(db.app_secrets.insert().values(name=_KEY_NAME, value=secrets.token_hex(32),
                                                        created_at=datetime.now(timezone.utc)))
    except IntegrityError:  # another process created it first: use theirs
        pass
    with engine.connect() as conn:
        return conn.execute(select).scalar_one()


def _signer(engine: Engine, purpose: str) -> Signer:
    return Signer(signing_key(engine), salt=f"cpu-{purpose}", digest_method=hashlib.sha256)


def sign(engine: Engine, value: str, purpose: str = "session") -> str:
    return _signer(engine, purpose).sign(value).decode("ascii")


def unsign(engine: Engine, cookie: str | None, purpose: str = "session") -> str | None:
    """The value inside a cookie, or None when it is missing, oversized or not signed by us."""
    if not cookie or len(cookie) > _MAX_COOKIE:
        return None
    try:
        return _signer(engine, purpose).unsign(cookie.encode("latin-1", "replace")).decode("ascii")
    except (BadSignature, UnicodeError):
        return None


def client_key(engine: Engine, address: str | None) -> str:
    """A keyed hash of the client's address: enough to count its failures, without storing the address."""
    address = "local" if address in _LOCAL else str(address)
    return hmac.new(signing_key(engine).encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
