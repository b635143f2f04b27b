"""Case-level downloads held for one short, single-use, session-bound fetch (issue 21 item 8).

Streamlit's ``st.download_button`` puts the file in its media store under a
``/media/<hash>.csv`` address that anyone can fetch, with no cookie, for as
long as the store keeps it. Case records are offered here instead: the page
builds the (formula-safe) file and :func:`offer` keeps it **in this process's
memory only** (case data never goes to the database or disk), under a random
token, bound to the viewer's user name and to the digest of their session id.
:mod:`dashboard.access.download_routes` hands it out once, within
:data:`OFFER_TTL`, to a request carrying that same live session's cookie.

Because the file lives in the memory of the process that drew the page, the
fetch must reach the same process: behind several app processes, the proxy
must keep a browser on one upstream (sticky sessions, as Streamlit's websocket
already needs; see docs/deploy/).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from dashboard.access import sessions

#: How long an offered file can be fetched.
OFFER_TTL_SECONDS = 60
#: Offers held at once in one process (each session holds at most one); older ones are dropped first.
MAX_OFFERS = 64


@dataclass
class Offer:
    """One file waiting for its single fetch."""

    username: str
    session_digest: str
    file_name: str
    content: bytes
    audit: dict = field(default_factory=dict)  # page, rows, detail: what the audit entry records when it is served
    expires_at: float = 0.0


_lock = threading.Lock()
_offers: dict[str, Offer] = {}


def _purge(now: float) -> None:
    for token in [t for t, o in _offers.items() if o.expires_at <= now]:
        del _offers[token]


def offer(username: str, raw_session: str, file_name: str, content: bytes, audit: dict | None = None,
          now: float | None = None) -> str:
    """Hold ``content`` for one fetch by ``username``'s session ``raw_session``; returns the token for the address.

    A session holds one offer at a time: a new one replaces its earlier one.
    """
    now = time.monotonic() if now is None else now
    key = sessions.digest(raw_session)
    token = secrets.token_urlsafe(32)
    with _lock:
        _purge(now)
        for old in [t for t, o in _offers.items() if o.session_digest == key]:
            del _offers[old]
        while len(_offers) >= MAX_OFFERS:
            del _offers[min(_offers, key=lambda t: _offers[t].expires_at)]
        _offers[token] = Offer(username, key, file_name, content, audit or {}, now + OFFER_TTL_SECONDS)
    return token


def claim(token: str, username: str, raw_session: str, now: float | None = None) -> Offer | None:
    """The offer behind ``token`` if it is unexpired and was made for this user and session; it is then gone.

    A request from anyone else gets None and leaves the offer in place for its owner (until it expires).
    """
    now = time.monotonic() if now is None else now
    key = sessions.digest(raw_session)
    with _lock:
        _purge(now)
        found = _offers.get(token)
        if found is None or not secrets.compare_digest(found.session_digest, key) or found.username != username:
            return None
        return _offers.pop(token)


def pending() -> int:
    """How many offers this process holds (for tests and the server log)."""
    with _lock:
        _purge(time.monotonic())
        return len(_offers)
