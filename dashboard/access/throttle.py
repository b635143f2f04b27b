"""Sign-in budgets, counted in the case database so every app process shares them. Streamlit-free.

The promise (issue 21 items 1 and 3): a correct password from a client with
no recent failures is never refused, whatever anyone else does. Each
attempt is judged by who sends it:

- per (name, client) backoff: after ``pair_free`` failures for one name from
  one client within ``pair_window``, each further attempt waits twice as long
  as the one before (``backoff_first`` up to ``backoff_cap``) since the last;
- per client (a keyed hash of the address): ``client`` failures within its
  window stop that client for every name (password spraying);
- per name and overall: when a name (``name``) or the whole site
  (``overall``) has had too many failures, only clients that themselves failed
  within ``recent`` are refused: a clean client always gets its attempt;
- a device cookie (a browser that signed in as this name before) exempts its
  holder from all of the above; only ``device`` failures within its window
  stop that device.

Refused attempts are recorded against their sender (client and pair, never
the name or the overall count), so keeping a lock spent keeps the attacker
out, not the users. The check and the count are one step: :func:`reserve`
decides and records a ``pending`` attempt under a database lock (an advisory
lock on PostgreSQL; a write first on SQLite, which takes its write lock as
``BEGIN IMMEDIATE`` would), so two processes or threads can never both spend
the last unit of a budget; :func:`settle` turns it into a failure or removes
it after the password check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard.access import failure_audit
from dashboard.data import db

_KEEP = timedelta(days=1)
_PG_LOCK = 0x63707531  # "cpu1": the advisory lock every process takes around a budget decision
PENDING, FAILED, REFUSED = "pending", "failed", "refused"
#: The name key of attempts whose "name" could never be a user (control characters, too long, bad characters).
INVALID_NAME = "?invalid"


@dataclass(frozen=True)
class Budget:
    failures: int
    window: timedelta


@dataclass(frozen=True)
class Budgets:
    pair_free: int = 5
    pair_window: timedelta = timedelta(hours=1)
    backoff_first: timedelta = timedelta(minutes=1)
    backoff_cap: timedelta = timedelta(minutes=15)
    client: Budget = field(default_factory=lambda: Budget(10, timedelta(minutes=15)))
    name: Budget = field(default_factory=lambda: Budget(5, timedelta(hours=1)))
    overall: Budget = field(default_factory=lambda: Budget(50, timedelta(minutes=15)))
    device: Budget = field(default_factory=lambda: Budget(5, timedelta(minutes=15)))
    recent: timedelta = timedelta(hours=1)


BUDGETS = Budgets()


@dataclass(frozen=True)
class Decision:
    """A reserved attempt (``attempt`` is its row id) or a refusal with the time it may be tried again."""

    allowed: bool
    attempt: int | None = None
    retry_at: datetime | None = None
    reason: str = ""


def name_key(username: str) -> str:
    return username.strip().lower()[:64]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@contextmanager
def serialized(engine: Engine, now: datetime) -> Iterator[Connection]:
    """One transaction that no other budget decision (any process) runs beside; old attempts are pruned first."""
    f = db.sign_in_failures
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        # On SQLite this write is the transaction's first statement: it takes the database's write lock at once
        # (as BEGIN IMMEDIATE does), so every decision sees the attempts reserved before it.
        conn.execute(f.delete().where(f.c.at < now - _KEEP))
        yield conn


def _times(conn: Connection, *where) -> list[datetime]:
    f = db.sign_in_failures
    return [_aware(at) for at in conn.execute(sa.select(f.c.at).where(*where).order_by(f.c.at)).scalars()]


def _sliding(times: list[datetime], budget: Budget) -> datetime | None:
    """When a spent sliding-window budget has room again (None if it has room now); ``times`` are in its window."""
    if len(times) < budget.failures:
        return None
    return times[len(times) - budget.failures] + budget.window


def _backoff(times: list[datetime], budgets: Budgets) -> datetime | None:
    """When the (name, client) pair may try again (None: now)."""
    over = len(times) - budgets.pair_free
    if over < 0:
        return None
    delay = min(budgets.backoff_first * (2 ** min(over, 20)), budgets.backoff_cap)
    return times[-1] + delay


def _decide(conn: Connection, name: str, client: str, device: str | None, budgets: Budgets,
            now: datetime) -> tuple[datetime | None, str]:
    """(retry time, reason) when this attempt must be refused; (None, "") when it may go ahead."""
    f = db.sign_in_failures
    checked = f.c.outcome != REFUSED
    if device is not None:  # a browser that signed in as this name before: only its own failures count
        retry = _sliding(_times(conn, f.c.device == device, f.c.at > now - budgets.device.window), budgets.device)
        return retry, "device" if retry else ""
    pair = _backoff(_times(conn, f.c.username == name, f.c.client == client, f.c.at > now - budgets.pair_window),
                    budgets)
    if pair and pair > now:
        return pair, "backoff"
    retry = _sliding(_times(conn, f.c.client == client, f.c.at > now - budgets.client.window), budgets.client)
    if retry:
        return retry, "client"
    last = conn.execute(sa.select(sa.func.max(f.c.at)).where(f.c.client == client,
                                                           f.c.at > now - budgets.recent)).scalar()
    if last is None:  # a clean client: never refused for what other clients did
        return None, ""
    clean_at = _aware(last) + budgets.recent
    for budget, where, reason in ((budgets.name, f.c.username == name, "name"), (budgets.overall, None, "overall")):
        conditions = [checked, f.c.at > now - budget.window] + ([where] if where is not None else [])
        retry = _sliding(_times(conn, *conditions), budget)
        if retry:
            return min(retry, clean_at), reason
    return None, ""


def reserve(engine: Engine, name: str, client: str, device: str | None = None, *, actor: str = "",
            budgets: Budgets = BUDGETS, now: datetime | None = None) -> Decision:
    """Decide and count in one step: a pending attempt to check, or a refusal counted against its sender."""
    now = now or datetime.now(UTC)
    f = db.sign_in_failures
    with serialized(engine, now) as conn:
        retry, reason = _decide(conn, name, client, device, budgets, now)
        outcome = REFUSED if retry else PENDING
        attempt = conn.execute(f.insert().values(at=now, username=name, client=client, device=device,
                                                 outcome=outcome).returning(f.c.id)).scalar_one()
        failure_audit.flush(conn, now)
        if retry:
            failure_audit.note(conn, actor, client, refused=True, reason=reason, now=now)
            return Decision(False, retry_at=max(retry, now), reason=reason)
    return Decision(True, attempt=attempt)


def settle(engine: Engine, attempt: int, succeeded: bool, *, actor: str = "", now: datetime | None = None) -> None:
    """After the password check: a failure stays counted (and audited, aggregated); a success removes the attempt
    and the pair's earlier failures (never the client's other ones)."""
    now = now or datetime.now(UTC)
    f = db.sign_in_failures
    with serialized(engine, now) as conn:
        row = conn.execute(sa.select(f.c.username, f.c.client).where(f.c.id == attempt)).first()
        if row is None:
            return
        if succeeded:  # other attempts still being checked stay pending: each settles itself
            conn.execute(f.delete().where(f.c.username == row.username, f.c.client == row.client,
                                          sa.or_(f.c.id == attempt, f.c.outcome == FAILED)))
            return
        conn.execute(f.update().where(f.c.id == attempt).values(outcome=FAILED))
        failure_audit.note(conn, actor, row.client, refused=False, reason="credentials", now=now)


def withdraw(engine: Engine, attempt: int) -> None:
    """A reserved attempt that was never checked (the server was busy): it does not count."""
    with engine.begin() as conn:
        conn.execute(db.sign_in_failures.delete().where(db.sign_in_failures.c.id == attempt))


def unlock(conn: Connection, username: str) -> int:
    """An admin's unlock: forget every counted attempt for this name (inside the caller's transaction)."""
    f = db.sign_in_failures
    return conn.execute(f.delete().where(f.c.username == name_key(username))).rowcount or 0
