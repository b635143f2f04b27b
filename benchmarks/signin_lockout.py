"""Lockout attacks simulated over the real throttle, with the production budgets (issue 21 items 1 and 3).

    python -m benchmarks.signin_lockout            # all scenarios; prints a table, writes benchmarks/results/
    python -m benchmarks.signin_lockout --hours 2 --long-hours 6    # shorter (the budgets' windows are <= 1 h)
    python -m benchmarks.signin_lockout --quick    # an hour per scenario, nothing written

Each attempt goes through :func:`dashboard.access.throttle.reserve` and
:func:`~dashboard.access.throttle.settle` (the same calls ``auth.sign_in``
makes) on a fresh SQLite database, on a simulated clock; only argon2 is left
out (the scenario knows whether a password is right). Availability is the
share of legitimate sign-ins with the right password that were let in.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from dashboard.access import cookies, throttle
from dashboard.data import db

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
RESULTS = Path(__file__).resolve().parent / "results" / "signin_lockout.json"


@dataclass(order=True)
class Attempt:
    at: datetime
    name: str = field(compare=False)
    client: str = field(compare=False)
    right: bool = field(compare=False)
    legit: bool = field(compare=False)
    device: str | None = field(compare=False, default=None)


def _attacker(addresses: int, every: timedelta, hours: float, names) -> list[Attempt]:
    out = []
    for a in range(addresses):
        at = START + every * a / addresses
        n = 0
        while at < START + timedelta(hours=hours):
            out.append(Attempt(at, names(a, n), f"attacker-{a}", False, False))
            at += every
            n += 1
    return out


def _users(count: int, every: timedelta, hours: float, rng: random.Random, *, client=None, device=False,
           mistype: float = 0.0, names=None) -> list[Attempt]:
    """Legitimate sign-ins: each user about every ``every``, from their own address unless ``client`` is given;
    with probability ``mistype`` the first try is wrong and the right one follows 15 s later."""
    out = []
    for u in range(count):
        name = names[u] if names else f"user{u}"
        at = START + timedelta(seconds=rng.uniform(0, every.total_seconds()))
        while at < START + timedelta(hours=hours):
            source = client or f"office-{u}"
            dev = f"device-{u}" if device else None
            if rng.random() < mistype:
                out.append(Attempt(at, name, source, False, True, dev))
                at += timedelta(seconds=15)
            out.append(Attempt(at, name, source, True, True, dev))
            at += timedelta(seconds=rng.uniform(0.5, 1.5) * every.total_seconds())
    return out


def run(attempts: list[Attempt]) -> dict:
    """Play the attempts in time order over the real throttle; availability and the attacker's checked guesses."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)  # in memory: no durability needed
    db.migrate(engine)
    try:
        admitted = legit = guesses = refused_attacks = 0
        for a in sorted(attempts):
            device = cookies.device_key(a.device)
            decision = throttle.reserve(engine, throttle.name_key(a.name), a.client, device, actor=a.name,
                                        now=a.at)
            if decision.allowed:
                throttle.settle(engine, decision.attempt, a.right, actor=a.name, now=a.at)
            if a.legit and a.right:
                legit += 1
                admitted += decision.allowed
            elif not a.legit:
                guesses += decision.allowed
                refused_attacks += not decision.allowed
    finally:
        engine.dispose()
    return {"legitimate_sign_ins": legit, "admitted": admitted,
            "availability_percent": round(100 * admitted / legit, 1) if legit else None,
            "attacker_attempts": guesses + refused_attacks, "attacker_guesses_checked": guesses}


def scenarios(hours_short: float, hours_long: float, seed: int = 21) -> dict[str, dict]:
    rng = random.Random(seed)
    staff = [f"user{u}" for u in range(20)]
    invented = lambda a, n: f"invented-{a}-{n}"  # noqa: E731
    real = lambda a, n: staff[(a + n) % len(staff)]  # noqa: E731
    ten_s = timedelta(seconds=10)
    return {
        "10 addresses, 1 guess/10 s each, invented names; 20 users from their own addresses":
            run(_attacker(10, ten_s, hours_short, invented) + _users(20, timedelta(minutes=20), hours_short, rng)),
        "10 addresses, 1 guess/10 s each, the 20 real names; 1 in 5 users mistypes first (no device cookie)":
            run(_attacker(10, ten_s, hours_short, real)
                + _users(20, timedelta(minutes=20), hours_short, rng, mistype=0.2)),
        "the same, 1 in 5 mistypes first, browsers that signed in before (device cookie)":
            run(_attacker(10, ten_s, hours_short, real)
                + _users(20, timedelta(minutes=20), hours_short, rng, mistype=0.2, device=True)),
        "1 address, admin1 every 5 s; the real admin from their own address every 15 min":
            run(_attacker(1, timedelta(seconds=5), hours_long, lambda a, n: "admin1")
                + _users(1, timedelta(minutes=15), hours_long, rng, names=["admin1"])),
        "1 address, admin1 every 5 s; the admin behind the same address, with a device cookie":
            run(_attacker(1, timedelta(seconds=5), hours_long, lambda a, n: "admin1")
                + _users(1, timedelta(minutes=15), hours_long, rng, names=["admin1"], client="attacker-0",
                         device=True)),
        "1 address, admin1 every 5 s; the admin behind the same address, no device cookie":
            run(_attacker(1, timedelta(seconds=5), hours_long, lambda a, n: "admin1")
                + _users(1, timedelta(minutes=15), hours_long, rng, names=["admin1"], client="attacker-0")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=6, help="simulated hours of the many-address scenarios")
    parser.add_argument("--long-hours", type=float, default=24, help="simulated hours of the one-address ones")
    parser.add_argument("--quick", action="store_true", help="one simulated hour per scenario, nothing written")
    args = parser.parse_args(argv)
    short, long = (1, 1) if args.quick else (args.hours, args.long_hours)
    results = scenarios(short, long)
    print(f"| scenario ({short} h / {long} h simulated) | legitimate sign-ins | let in | attacker guesses checked |")
    print("|---|---|---|---|")
    for title, r in results.items():
        print(f"| {title} | {r['legitimate_sign_ins']} | {r['availability_percent']}% | "
              f"{r['attacker_guesses_checked']} of {r['attacker_attempts']} |")
    if not args.quick:
        RESULTS.write_text(json.dumps({"hours": short, "long_hours": long, "budgets": repr(throttle.BUDGETS),
                                       "results": results}, indent=1) + "\n",
                           encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
