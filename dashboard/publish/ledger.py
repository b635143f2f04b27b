"""The release ledger: every cell each earlier public release published, kept with the data.

Only published values are kept (a hidden count is ``null``), so the ledger is as public as the
releases themselves. Before a new release is written, the audit runs over the ledger's releases
and the new one together; then the new release is appended.

Where the ledger lives follows the data, never the output folder (a release written to a new
folder is still audited against every earlier one):

- an export from the case database keeps it in the database's ``public_releases`` table
  (:class:`DbLedger`); a folder ledger found beside an export (``release_ledger.json``, as earlier
  versions kept it) is migrated into it;
- an export from a folder of CSV files has no database, so it needs ``--ledger FILE``
  (:class:`FileLedger`), the same file for every release of that data.

Every export also writes a copy of the whole ledger as ``release_ledger.json`` beside its files:
donors may read it, and it is what a database restored without its ledger can be given back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard.errors import DataFileError, UserFacingError
from dashboard.i18n import _
from dashboard.publish.disclosure import MEASURES, STAGE_MEASURES, new_frame

FILE_NAME = "release_ledger.json"
VERSION = 1
ORIGIN_EXPORT = "export"


@dataclass
class Release:
    """One published release: when, with which k and period, and every cell it showed."""

    written: str
    k: int
    period: dict
    cells: list[dict]

    def frame(self) -> pd.DataFrame:
        return _frame(self.cells)

    def as_json(self, number: int) -> dict:
        return {"release": number, "written": self.written, "k": self.k, "period": self.period, "cells": self.cells}

    def same_as(self, other: Release) -> bool:
        return self.written == other.written and self.cells == other.cells


def path_in(folder: Path | str) -> Path:
    return Path(folder) / FILE_NAME


def now_stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------- the file form


def read_file(path: Path | str) -> list[Release]:
    """The releases in a ledger file, oldest first; [] when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError("unknown ledger version")
        releases = [Release(str(r["written"]), int(r["k"]), dict(r["period"]), list(r["cells"]))
                    for r in data["releases"]]
        for release in releases:
            release.frame()  # every cell must parse
        return releases
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(_("The release ledger '{path}' could not be read ({error}).").format(
                                path=path, error=type(exc).__name__),
                            _("Restore it from the previous export (it records what earlier releases published); "
                              "without it a new release cannot be checked against them.")) from None


def file_text(releases: list[Release]) -> str:
    data = {"version": VERSION, "releases": [r.as_json(i + 1) for i, r in enumerate(releases)]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_file(path: Path | str, releases: list[Release]) -> None:
    """Write a ledger file (a temporary name, then moved into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(file_text(releases), encoding="utf-8")
    tmp.replace(path)


class FileLedger:
    """The ledger of exports made from a folder of CSV files: one JSON file named with ``--ledger``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def describe(self) -> str:
        return str(self.path)

    def releases(self) -> list[Release]:
        return read_file(self.path)

    def append(self, release: Release) -> None:
        write_file(self.path, [*self.releases(), release])


# ---------------------------------------------------------------- the database form


class DbLedger:
    """The ledger in the case database (table ``public_releases``, append-only)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> str:
        from dashboard.data.db import redact

        return _("the public_releases table of {url}").format(url=redact(str(self.engine.url)))

    def releases(self, conn: Connection | None = None) -> list[Release]:
        from dashboard.data import db

        if conn is None:
            with self.engine.connect() as own:
                return self.releases(own)
        if not sa.inspect(conn).has_table(db.public_releases.name):
            raise UserFacingError(
                _("The case database has no release ledger (its public_releases table is missing)."),
                _("Restore the table from the backup the database came from, or put the release_ledger.json of "
                  "the latest export in the --out folder to migrate it back in."))
        t = db.public_releases
        rows = conn.execute(sa.select(t.c.written_at, t.c.k, t.c.period_from, t.c.period_to, t.c.cells)
                            .order_by(t.c.id)).all()
        return [Release(_stamp(r.written_at), int(r.k), {"from": r.period_from, "to": r.period_to},
                        json.loads(r.cells)) for r in rows]

    def insert(self, conn: Connection, release: Release, origin: str = ORIGIN_EXPORT) -> None:
        from dashboard.data import db

        conn.execute(db.public_releases.insert().values(
            written_at=datetime.fromisoformat(release.written), k=release.k, period_from=release.period.get("from"),
            period_to=release.period.get("to"), cells=json.dumps(release.cells, ensure_ascii=False),
            origin=origin[:255]))


def _stamp(value: datetime) -> str:
    """A stored time as the ledger writes it (UTC, seconds; SQLite hands it back without a zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def missing_from(known: list[Release], found: list[Release]) -> list[Release]:
    """The releases of a folder ledger that the database does not hold yet, oldest first."""
    return [r for r in found if not any(r.same_as(k) for k in known)]


# ---------------------------------------------------------------- cells


def _frame(cells: list[dict]) -> pd.DataFrame:
    """A published release's cells; a stage count a cell does not hold (no key) is absent, a null one hidden."""
    frame = new_frame({"table": c["table"], "key": str(c["key"]), "year": int(c["year"]),
                       **{m: np.nan if c.get(m) is None else float(c[m]) for m in MEASURES}} for c in cells)
    frame["sup_cases"] = frame["cases"].isna()
    frame["sup_arrests"] = frame["arrests"].isna()
    for measure in STAGE_MEASURES:
        frame[f"sup_{measure}"] = [measure in c and c[measure] is None for c in cells]
    for i, c in enumerate(cells):
        if c.get("band"):
            frame.loc[i, ["band_lo", "band_hi"]] = c["band"]
    return frame


def published_cells(frame: pd.DataFrame) -> list[dict]:
    """What a release shows of each cell (hidden counts as None)."""
    cells = []
    for _i, row in frame.iterrows():
        cells.append({
            "table": row["table"], "key": str(row["key"]), "year": int(row["year"]),
            "cases": None if row["sup_cases"] else int(row["cases"]),
            "arrests": None if row["sup_arrests"] else int(row["arrests"]),
            "band": None if pd.isna(row["band_lo"]) else [int(row["band_lo"]), int(row["band_hi"])],
        })
        for measure in STAGE_MEASURES:  # only where the release holds them: older releases have no such key
            if row[f"sup_{measure}"] or not pd.isna(row[measure]):
                cells[-1][measure] = None if row[f"sup_{measure}"] else int(row[measure])
    return cells
