"""Failed sign-in budgets, counted in the case database so every app process shares them. Streamlit-free.

Three budgets, each a number of failures within a window that, once spent,
blocks for a lockout period after the last failure:

- per user name: guessing one account's password;
- per client address (a keyed hash of it, never the address itself): one
  machine trying one password against many names (password spraying);
- overall: spraying from many addresses at once.

While any budget that applies is spent, sign-in is refused with the same
generic message as a wrong password, and the attempt is not counted again.
A successful sign-in clears that user name's failures, never the client's
or the overall count (an attacker with one account of their own cannot reset
their budget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard.data import db

_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Budget:
    failures: int
    window: timedelta
    lockout: timedelta


@dataclass(frozen=True)
class Budgets:
    user: Budget = field(default_factory=lambda: Budget(5, timedelta(minutes=15), timedelta(minutes=5)))
    client: Budget = field(default_factory=lambda: Budget(10, timedelta(minutes=15), timedelta(minutes=15)))
    overall: Budget = field(default_factory=lambda: Budget(50, timedelta(minutes=15), timedelta(minutes=5)))


BUDGETS = Budgets()


def name_key(username: str) -> str:
    return username.strip().lower()[:64]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _spent(conn: Connection, budget: Budget, where, now: datetime) -> bool:
    """Whether ``budget`` is spent: enough failures in the window that ends at the latest one, still locked out."""
    f = db.sign_in_failures
    conditions = [where] if where is not None else []
    last = conn.execute(sa.select(sa.func.max(f.c.at)).where(*conditions)).scalar()
    if last is None or now >= _aware(last) + budget.lockout:
        return False
    count = conn.execute(sa.select(sa.func.count()).select_from(f)
                         .where(*conditions, f.c.at > _aware(last) - budget.window)).scalar()
    return count >= budget.failures


def blocked(engine: Engine, username: str, client: str, budgets: Budgets = BUDGETS,
            now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    f = db.sign_in_failures
    with engine.connect() as conn:
        return (_spent(conn, budgets.user, f.c.username == name_key(username), now)
                or _spent(conn, budgets.client, f.c.client == client, now)
                or _spent(conn, budgets.overall, None, now))


def failure(engine: Engine, username: str, client: str, now: datetime | None = None) -> None:
    now = now or datetime.now(timezone.utc)
    f = db.sign_in_failures
    with engine.begin() as conn:
        conn.execute(f.delete().where(f.c.at < now - _KEEP))
        conn.execute(f.insert().values(at=now, username=name_key(username), client=client))


def success(engine: Engine, username: str) -> None:
    f = db.sign_in_failures
    with engine.begin() as conn:
        conn.execute(f.delete().where(f.c.username == name_key(username)))
