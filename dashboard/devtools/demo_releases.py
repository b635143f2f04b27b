"""Two signed public releases of the SYNTHETIC demo, made through the real workflow (draft by one admin,
approval by another, publish), for the screenshots and the browser tests. Never used by the app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Cases reported late for Siem Reap in 2014: the second release revises that province's 2014 count.
LATE_CASES = "".join(f"LATE-{i:02d},2014-{(i % 9) + 1:02d}-10,Siem Reap,,homicide,12,F,no,\n" for i in range(12))
HEADER = "case_id,date_reported,province,district,offence,victim_age,victim_sex,arrest_made,arrest_date\n"
PASSWORD = "demo-release-password"  # noqa: S105  (throwaway users of a throwaway database)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def environment(base: Path) -> dict[str, str]:
    """The settings the demo releases live under: their own database, state folder and signing key."""
    return {"DASHBOARD_DB_URL": f"sqlite:///{base / 'cases.sqlite3'}", "DASHBOARD_VAR_DIR": str(base / "var"),
            "DASHBOARD_RELEASE_KEY": str(base / "keys" / "release.key")}


def build(base: Path) -> Path:
    """Make releases 1 and 2 of the demo in ``base/site`` (a public folder; its export is ``site/data``)."""
    from dashboard.access import auth
    from dashboard.data import db
    from dashboard.data.demo import write_demo
    from dashboard.data.ingest import ingest_file
    from dashboard.publish import candidates, publishing, signing

    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    site = base / "site"
    with _environment(environment(base)):
        engine = db.open_engine(environment(base)["DASHBOARD_DB_URL"])
        write_demo(base / "demo")
        ingest_file(engine, base / "demo" / "coverage_SYNTHETIC.csv", kind="coverage")
        ingest_file(engine, base / "demo" / "cases_SYNTHETIC.csv", kind="cases")
        for name in ("drafter", "approver"):
            auth.add_user(engine, name, "admin", PASSWORD)
        signing.keygen(signing.default_key_path())
        first = candidates.draft(engine, "drafter", 11)
        candidates.approve(engine, first.id, "approver")
        publishing.publish(engine, first.id, site, "drafter")
        ingest_file(engine, (HEADER + LATE_CASES).encode("utf-8"), "late_cases.csv", kind="cases")
        second = candidates.draft(engine, "approver", 11)
        candidates.approve(engine, second.id, "drafter")
        publishing.publish(engine, second.id, site, "approver")
        engine.dispose()
    return site
