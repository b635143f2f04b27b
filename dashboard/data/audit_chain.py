"""The audit trail's hash chain: how one row's hash is computed from its content and the row before it.

Each ``audit_log`` row stores ``prev_hash`` (the previous row's ``row_hash``;
:data:`GENESIS` for the first row) and ``row_hash``: SHA-256 over
``prev_hash`` and a canonical JSON serialisation of the row's content (time
in UTC with microseconds, user, action, page, row count, detail). Editing,
deleting or inserting a row in the middle, even with the triggers bypassed,
breaks the chain at that row; :func:`verify_rows` finds the first break.
A chain can be recomputed by someone who can write the table, so the head
(last id and hash) is worth noting somewhere else; ``audit verify --anchor``
checks a noted head.

:func:`append` writes one row inside the caller's transaction, so a change and its entry commit together:
:mod:`dashboard.access.audit` for the app's actions, :mod:`dashboard.data.ingest` for its own writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.data import db

#: The ``prev_hash`` of the first row.
GENESIS = "0" * 64
#: What is wrong with the first broken row (ChainCheck.problem).
UNHASHED = "unhashed"  # no hash at all: written around the app
UNLINKED = "unlinked"  # does not follow the row before it: a row was removed, inserted or reordered
EDITED = "edited"  # its content no longer matches its hash

#: The actions the storage layer records itself (every action is listed in dashboard.access.audit.ACTIONS).
INGEST = "ingest"
COVERAGE_EDIT = "coverage_edit"
#: A detail key holding one of these words is refused: the trail never holds secrets.
SECRET_WORDS = ("password", "secret", "token", "hash")


def entry(actor: str, action: str, page: str | None = None, rows: int | None = None,
          detail: Mapping[str, object] | None = None) -> dict:
    """One row's content as stored (name and page cut to their columns, the detail as sorted JSON)."""
    detail = dict(detail or {})
    if any(word in key.lower() for key in detail for word in SECRET_WORDS):
        raise ValueError("audit details never hold secrets")
    return {"username": (actor or "?")[:96], "action": action,
            "page": page[:32] if page else None, "rows": None if rows is None else int(rows),
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None}


def append(conn: Connection, values: dict) -> None:
    """Insert one row (from :func:`entry`) linked to the last one, inside ``conn``'s transaction; under the audit
    lock, so two processes never fork the chain."""
    db.lock_for_writing(conn, db.AUDIT_LOCK)
    t = db.audit_log
    prev = conn.execute(sa.select(t.c.row_hash).order_by(t.c.id.desc()).limit(1)).scalar() or GENESIS
    at = datetime.now(timezone.utc)
    digest = row_hash(prev, at, values["username"], values["action"], values["page"], values["rows"],
                      values["detail"])
    conn.execute(t.insert().values(at=at, prev_hash=prev, row_hash=digest, **values))


def canonical_time(at: datetime | str) -> str:
    """``at`` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (SQLite hands back naive UTC, PostgreSQL an aware time)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(prev_hash: str, at: datetime | str, username: str, action: str, page: str | None,
             rows: int | None, detail: str | None) -> str:
    """SHA-256 (hex) over the previous hash and this row's canonical content."""
    content = [prev_hash, canonical_time(at), username, action, page, None if rows is None else int(rows), detail]
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: how many rows, the head, and the first break (if any)."""

    rows: int
    head_id: int | None
    head_hash: str
    broken_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_rows(rows: Iterable[Any]) -> ChainCheck:
    """Walk rows in id order (each with id, at, username, action, page, rows, detail, prev_hash, row_hash)."""
    expected_prev, count, head_id = GENESIS, 0, None
    for row in rows:
        count += 1
        if row.prev_hash != expected_prev:
            return ChainCheck(count, head_id, expected_prev, row.id, UNHASHED if row.prev_hash is None else UNLINKED)
        actual = row_hash(row.prev_hash, row.at, row.username, row.action, row.page, row.rows, row.detail)
        if row.row_hash != actual:
            return ChainCheck(count, head_id, expected_prev, row.id, EDITED)
        expected_prev, head_id = actual, row.id
    return ChainCheck(count, head_id, expected_prev)
