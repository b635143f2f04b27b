"""Read the day each stored case first reached the database (data quality's late records)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.data import db


def read_first_ingested(engine: Engine, case_ids: pd.Series) -> pd.Series:
    """Each case's first ingest day (datetime64, NaT where unknown), aligned with ``case_ids``.

    A day changes only when an ingest lands, so the days are kept in a Parquet snapshot of the data version beside
    the cases' own (:mod:`dashboard.data.snapshot`): the database is read once per version (about 3.5 s at 1M).
    """
    from dashboard.data.snapshot import read_through_snapshot
    from dashboard.data.store import data_version

    frame = read_through_snapshot(engine, data_version(engine), lambda: _read(engine), name="ingest_days")
    days = pd.Series(frame["day"].to_numpy(dtype="datetime64[ns]"), index=frame["case_id"].astype(str).to_numpy())
    return pd.Series(days.reindex(case_ids.astype(str).to_numpy()).to_numpy(), index=case_ids.index)


def _read(engine: Engine) -> pd.DataFrame:
    """(case_id, day) of every stored case, read as text (ISO dates on SQLite and PostgreSQL alike)."""
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
    day = pd.to_datetime(pd.Series([r[1] for r in rows], dtype=object), errors="coerce", format="ISO8601")
    return pd.DataFrame({"case_id": pd.Series([str(r[0]) for r in rows], dtype=object),
                         "day": day.to_numpy(dtype="datetime64[ns]")})
