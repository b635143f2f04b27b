"""Short-lived, single-use tokens, stored hashed in the case database. Streamlit-free.

Two uses: the sign-in form hands a verified sign-in to the cookie route
(``SIGN_IN``: the browser carries the token in a redirect, the route swaps it
for a session cookie), and a deep link is kept across the OIDC provider's
redirect (``LINK``). A token works once, only before it expires, and only for
the client address it was issued to (when one was given).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row

from dashboard.access.sessions import digest
from dashboard.data import db

SIGN_IN = "sign_in"
LINK = "link"
SIGN_IN_TTL = timedelta(seconds=60)
LINK_TTL = timedelta(minutes=15)
_KEEP_USED = timedelta(days=1)


def issue(engine: Engine, purpose: str, ttl: timedelta, *, username: str | None = None,
          fingerprint: str | None = None, client: str | None = None, target: str | None = None,
          now: datetime | None = None) -> str:
    """A new raw token (only its hash is stored); old tokens are pruned on the way."""
    now = now or datetime.now(UTC)
    raw = secrets.token_urlsafe(32)
    t = db.one_time_tokens
    with engine.begin() as conn:
        conn.execute(t.delete().where(t.c.expires_at < now - _KEEP_USED))
        conn.execute(t.insert().values(token_hash=digest(raw), purpose=purpose, username=username,
                                       fingerprint=fingerprint, client=client, target=target,
                                       created_at=now, expires_at=now + ttl))
    return raw


def redeem(engine: Engine, raw: str | None, purpose: str, client: str | None = None,
           now: datetime | None = None) -> Row | None:
    """The token's row if it is unused, unexpired, for ``purpose`` and this client; it is then used up."""
    if not raw or len(raw) > 128:
        return None
    now = now or datetime.now(UTC)
    t = db.one_time_tokens
    key = digest(raw)
    with engine.begin() as conn:
        claimed = conn.execute(t.update().where(t.c.token_hash == key, t.c.purpose == purpose,
                                                t.c.used_at.is_(None), t.c.expires_at > now).values(used_at=now))
        if claimed.rowcount != 1:  # unknown, expired, or another request (any process) took it first
            return None
        row = conn.execute(sa.select(t).where(t.c.token_hash == key)).first()
    if row.client is not None and row.client != client:
        return None
    return row
