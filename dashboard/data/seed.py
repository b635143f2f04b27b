"""Seed the SYNTHETIC demo data: only by the app, only into its own empty default database."""

from __future__ import annotations

import hashlib
import logging
import threading

from sqlalchemy.engine import Engine

from dashboard.data import db, demo, demo_findings
from dashboard.data.ingest import write_records
from dashboard.data.store import is_empty
from dashboard.data.validation import validate_cases, validate_coverage

log = logging.getLogger(__name__)
_SEED_LOCK = threading.Lock()


def seed_demo_if_empty(engine: Engine, url: str) -> bool:
    """Load the demo into ``url`` if it is the app's default database and empty, once even when sessions start together.

    Returns True if it seeded. A configured database (DASHBOARD_DB_URL,
    secrets.toml) is never seeded. (One server process runs every session as
    a thread, so a process lock is enough; the write itself is transactional.)
    """
    if not db.is_default(url) or not is_empty(engine):
        return False
    with _SEED_LOCK:
        if not is_empty(engine):
            return False
        seed_demo(engine)
        return True


def seed_demo(engine: Engine, seed: int = demo.DEFAULT_SEED) -> None:
    """Write the SYNTHETIC demo dataset, marked synthetic, in one transaction per table."""
    data = demo.generate(seed)
    for kind, frame, validate in (("cases", data.cases, validate_cases),
                                  ("coverage", data.coverage, validate_coverage)):
        report = validate(frame, f"{kind}_SYNTHETIC (built-in demo, seed {seed})", "generated")
        if not report.ok:  # the generator and the validator disagree: a bug, not user input
            raise RuntimeError(report.to_text())
        if kind == "cases":  # the demo's own ingest days (weekly, one late batch: dashboard.data.demo_findings)
            days = dict(zip(frame["case_id"], demo_findings.ingest_days(frame, demo.DEMO_END, seed)))
            report.records = report.records.assign(first_ingested=report.records["case_id"].map(days))
        digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
        write_records(engine, report, digest, synthetic=True)
    log.info("seeded SYNTHETIC demo data")
