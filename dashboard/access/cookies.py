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
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from itsdangerous import BadSignature, Signer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dashboard.data import db

#: The session cookie (HttpOnly, SameSite=Lax): a signed session id. Over HTTPS every cookie here carries the
#: ``__Host-`` prefix (Secure, Path=/, no Domain: no other host or plain-HTTP page can set or shadow it).
SESSION_COOKIE = "cpu_session"
#: A short-lived cookie that carries a signed link token across the OIDC provider's redirect.
LINK_COOKIE = "cpu_link"
#: A browser that signed in as a user before (signed: device id and user name): exempt from that name's lockout.
DEVICE_COOKIE = "cpu_device"
#: A random value set when a page of the site first loads: binds a sign-in token to the browser that asked for it.
NONCE_COOKIE = "cpu_nonce"
HOST_PREFIX = "__Host-"
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
                                                        created_at=datetime.now(UTC)))
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


def cookie_name(base: str, secure: bool) -> str:
    """The name a cookie is set under: ``__Host-`` + name over HTTPS."""
    return HOST_PREFIX + base if secure else base


def read(jar: Mapping[str, str], base: str) -> str | None:
    """A cookie's value from a request's cookies, under either of its names (``__Host-`` first)."""
    return jar.get(HOST_PREFIX + base) or jar.get(base)


def device_cookie(engine: Engine, device_id: str, username: str) -> str:
    return sign(engine, f"{device_id}:{username.strip().lower()}", "device")


def device_id(engine: Engine, cookie: str | None, username: str | None = None) -> str | None:
    """The device id in a device cookie, if it is ours and (when ``username`` is given) names that user."""
    value = unsign(engine, cookie, "device")
    if not value or ":" not in value:
        return None
    found, _, name = value.partition(":")
    if username is not None and name != username.strip().lower():
        return None
    return found or None


def device_key(device: str | None) -> str | None:
    """What the attempt counters store for a device: a hash of its id, never the id."""
    return hashlib.sha256(b"cpu-device:" + device.encode("ascii", "replace")).hexdigest()[:32] if device else None


def browser_key(engine: Engine, address: str | None, nonce: str | None) -> str | None:
    """Binds a sign-in token to one browser: its address and the nonce cookie only it sends (None without one)."""
    if not nonce or len(nonce) > 128:
        return None
    return hmac.new(signing_key(engine).encode(), f"{client_key(engine, address)}|{nonce}".encode(),
                    hashlib.sha256).hexdigest()[:32]
