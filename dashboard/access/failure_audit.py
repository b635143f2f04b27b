"""Failed sign-ins in the audit trail without letting a visitor grow it without bound (issue 21 item 5).

Streamlit-free. Per (actor, client) a window of ``WINDOW`` opens at the first
failure or refusal: that one is written to the audit trail at once. Later
ones in the window only raise a counter in ``sign_in_audit_windows`` (a
working table, not the trail: audit rows are never updated). When the window
has closed, the next sign-in attempt anywhere writes one summary row with
the counts. A loop of N failures from one client therefore adds two rows per
window, whatever N is. The actor is the user name when such a user exists,
else ``(unknown user)``, so invented names share one window per client.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.access import audit
from dashboard.data import db

WINDOW = timedelta(minutes=15)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _summarize(conn: Connection, row) -> None:
    if row.failures or row.refused:
        audit.record(None, row.actor, audit.SIGN_IN_FAILED, conn=conn, detail={
            "reason": "repeated", "failures": int(row.failures), "refused": int(row.refused),
            "since": _aware(row.opened_at).isoformat(timespec="seconds"), "minutes": int(WINDOW.total_seconds() // 60)})
    w = db.sign_in_audit_windows
    conn.execute(w.delete().where(w.c.actor == row.actor, w.c.client == row.client))


def flush(conn: Connection, now: datetime) -> int:
    """Write the summary of every window that has closed; returns how many windows were closed."""
    w = db.sign_in_audit_windows
    closed = conn.execute(sa.select(w).where(w.c.opened_at <= now - WINDOW)).all()
    for row in closed:
        _summarize(conn, row)
    return len(closed)


def note(conn: Connection, actor: str, client: str, *, refused: bool, reason: str, now: datetime) -> None:
    """One failed or refused sign-in: an audit row if it opens a window, else one more in the window's count."""
    w = db.sign_in_audit_windows
    actor = (actor or audit.UNKNOWN_USER)[:96]
    row = conn.execute(sa.select(w).where(w.c.actor == actor, w.c.client == client)).first()
    if row is not None and _aware(row.opened_at) <= now - WINDOW:
        _summarize(conn, row)
        row = None
    if row is None:
        conn.execute(w.insert().values(actor=actor, client=client, opened_at=now, failures=0, refused=0))
        audit.record(None, actor, audit.SIGN_IN_FAILED, conn=conn,
                     detail={"reason": reason if not refused else f"throttled ({reason})"})
        return
    column = w.c.refused if refused else w.c.failures
    conn.execute(w.update().where(w.c.actor == actor, w.c.client == client).values({column: column + 1}))
