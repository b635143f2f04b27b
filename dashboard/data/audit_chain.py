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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The ``prev_hash`` of the first row.
GENESIS = "0" * 64
#: What is wrong with the first broken row (ChainCheck.problem).
UNHASHED = "unhashed"  # no hash at all: written around the app
UNLINKED = "unlinked"  # does not follow the row before it: a row was removed, inserted or reordered
EDITED = "edited"  # its content no longer matches its hash

def canonical_time(at: datetime | str) -> str:
    """``at`` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (SQLite hands back naive UTC, PostgreSQL an aware time)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
