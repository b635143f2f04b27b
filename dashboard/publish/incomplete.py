"""Which published quarters are probably still incomplete: a quarter holding a month that data quality's
reporting-lag curve finds probably incomplete (late records still coming in).

Only month-level flags leave the database; no count, case or day. Public-safe: the flag says that later
records may still raise a quarter's figures, nothing about any case.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.engine import Engine

from dashboard.data.dataset import Dataset


def probably_incomplete_months(engine: Engine, dataset: Dataset) -> list[date]:
    """First days of the months probably still incomplete, from the ingest days the database keeps."""
    from dashboard.data.ingest_days import read_first_ingested
    from dashboard.measures.quality import lateness

    if dataset.cases.empty:
        return []
    ingested = read_first_ingested(engine, dataset.cases["case_id"])
    return [month for month, _share in lateness.incomplete_months(dataset.cases, ingested)]


def quarter_flags(quarters: Collection[str], months: Collection[date]) -> list[bool]:
    """For each ``YYYY-Qn`` label, whether it holds one of ``months``."""
    held = {f"{m.year}-Q{(m.month - 1) // 3 + 1}" for m in months}
    return [q in held for q in quarters]
