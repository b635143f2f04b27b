"""The release ledger: every cell each earlier public release published, kept next to the export.

Only published values are kept (a hidden count is ``null``), so the ledger is as public as the
releases themselves. Before a new release is written, the audit runs over the ledger's releases
and the new one together; then the new release is appended.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.errors import DataFileError
from dashboard.i18n import _
from dashboard.publish.disclosure import new_frame

FILE_NAME = "release_ledger.json"
VERSION = 1


def path_in(folder: Path | str) -> Path:
    return Path(folder) / FILE_NAME


def read_releases(folder: Path | str) -> list[pd.DataFrame]:
    """The earlier releases, oldest first, as cell frames (hidden values are NaN); [] without a ledger."""
    path = path_in(folder)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError("unknown ledger version")
        return [_frame(release["cells"]) for release in data["releases"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(_("The release ledger '{path}' could not be read ({error}).").format(
                                path=path, error=type(exc).__name__),
                            _("Restore it from the previous export (it records what earlier releases published); "
                              "without it a new release cannot be checked against them.")) from None


def _frame(cells: list[dict]) -> pd.DataFrame:
    frame = new_frame({"table": c["table"], "key": str(c["key"]), "year": int(c["year"]),
                       "cases": np.nan if c["cases"] is None else float(c["cases"]),
                       "arrests": np.nan if c["arrests"] is None else float(c["arrests"])} for c in cells)
    frame["sup_cases"] = frame["cases"].isna()
    frame["sup_arrests"] = frame["arrests"].isna()
    for i, c in enumerate(cells):
        if c.get("band"):
            frame.loc[i, ["band_lo", "band_hi"]] = c["band"]
    return frame


def published_cells(frame: pd.DataFrame) -> list[dict]:
    """What a release shows of each cell (hidden counts as None)."""
    cells = []
    for _, row in frame.iterrows():
        cells.append({
            "table": row["table"], "key": str(row["key"]), "year": int(row["year"]),
            "cases": None if row["sup_cases"] else int(row["cases"]),
            "arrests": None if row["sup_arrests"] else int(row["arrests"]),
            "band": None if pd.isna(row["band_lo"]) else [int(row["band_lo"]), int(row["band_hi"])],
        })
    return cells


def append_release(folder: Path | str, frame: pd.DataFrame, k: int, period: dict) -> int:
    """Add the release to the ledger (unless it publishes exactly what the last one did); its number."""
    path = path_in(folder)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"version": VERSION, "releases": []}
    cells = published_cells(frame)
    if data["releases"] and data["releases"][-1]["cells"] == cells:
        return len(data["releases"])
    data["releases"].append({"release": len(data["releases"]) + 1,
                             "written": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                             "k": k, "period": period, "cells": cells})
    tmp = path.with_name(f".{FILE_NAME}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(data["releases"])
