"""Parquet copies of the case table (and of the cases' ingest days), keyed by data version, so loading a million
rows takes a fraction of a second.

Reading a million rows from SQLite takes seconds; the snapshot (written
after the first read of a version) loads in about 0.1 s. Snapshots of older
versions are deleted when a new one is written, so an ingest can never be
answered from a stale copy. ``DASHBOARD_SNAPSHOT=0`` turns this off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import settings


def snapshot_dir() -> Path:
    return settings.current().var_dir / "cache"


def snapshot_path(engine: Engine, version: int, name: str = "cases") -> Path:
    key = hashlib.sha256(str(engine.url).encode()).hexdigest()[:16]
    return snapshot_dir() / f"{name}-{key}-v{version}.parquet"


def read_through_snapshot(engine: Engine, version: int, read: Callable[[], pd.DataFrame],
                          name: str = "cases") -> pd.DataFrame:
    """The frame ``name`` of ``version``: from its snapshot if there is one, else ``read()`` (then snapshotted)."""
    if not settings.current().snapshot:
        return read()
    path = snapshot_path(engine, version, name)
    if path.exists():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    frame = read()
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name.split("-v")[0] + "-v*.parquet"):
        old.unlink(missing_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
    return frame
