"""Read the day each stored case first reached the database (data quality's late records)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.data import db


def read_first_ingested(engine: Engine, case_ids: pd.Series) -> pd.Series:
    """Each case's first ingest day (datetime64, NaT where unknown), aligned with ``case_ids``.

    Read as text (ISO dates on SQLite and PostgreSQL alike) and parsed at once: a million rows in about a second.
    """
    query = sa.select(db.cases.c.case_id, sa.cast(db.cases.c.first_ingested, sa.String))
    # the driver's own cursor: plain tuples, not a million Row objects (pandas probes each Row for attributes,
    # 7 s of 9 at 1M, and building them is another second)
    sql = str(query.compile(dialect=engine.dialect))
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    frame = pd.DataFrame({"case_id": [r[0] for r in rows], "day": [r[1] for r in rows]}, columns=["case_id", "day"])
    days = pd.Series(pd.to_datetime(frame["day"], errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[ns]"),
                     index=frame["case_id"].astype(str).to_numpy())
    return pd.Series(days.reindex(case_ids.astype(str).to_numpy()).to_numpy(), index=case_ids.index)
