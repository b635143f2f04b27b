"""Append to the audit trail inside the caller's transaction, so a change and its entry commit together.

Used by :mod:`dashboard.access.audit` for the app's actions and by :mod:`dashboard.data.ingest` for its own
writes; each row is linked to the one before it (:mod:`dashboard.data.audit_chain`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.data import db
from dashboard.data.audit_chain import GENESIS, row_hash

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
    at = datetime.now(UTC)
    digest = row_hash(prev, at, values["username"], values["action"], values["page"], values["rows"],
                      values["detail"])
    conn.execute(t.insert().values(at=at, prev_hash=prev, row_hash=digest, **values))
