"""How a parsed table travels from the sandboxed child (:mod:`dashboard.data.table_child`) to the parent.

The frame comes back as JSON, column by column: text, numbers, booleans and
blanks as themselves, and Excel's date and time cells tagged
(``{"$dt": "2014-01-02T00:00:00"}``), so validation sees the same cell types
as if it had parsed the file itself. JSON is plain data: reading it runs no code.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pandas as pd


def _cell(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (str, bool, int, float)):  # NaN travels as NaN (Python's json reads it back)
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": value.total_seconds()}
    return str(value)


def encode(frame: pd.DataFrame, how: str) -> bytes:
    columns = [str(c) for c in frame.columns]
    data = [[_cell(v) for v in frame.iloc[:, i].tolist()] for i in range(frame.shape[1])]
    return json.dumps({"how": how, "columns": columns, "data": data}, ensure_ascii=False).encode("utf-8")


def _decode_tag(obj: dict) -> object:
    if len(obj) == 1:
        (key, value), = obj.items()
        if key == "$dt":
            return datetime.fromisoformat(value)
        if key == "$d":
            return date.fromisoformat(value)
        if key == "$t":
            return time.fromisoformat(value)
        if key == "$td":
            return timedelta(seconds=value)
    return obj


def decode(body: bytes) -> tuple[pd.DataFrame, str]:
    """Parent side: the frame (object columns, as the parser made them) and the note on how it was read."""
    result = json.loads(body, object_hook=_decode_tag)
    columns = result["columns"]
    frame = pd.DataFrame({i: pd.Series(values, dtype=object) for i, values in enumerate(result["data"])})
    if frame.shape[1] != len(columns):  # no column at all
        frame = pd.DataFrame(columns=range(len(columns)), dtype=object)
    frame.columns = columns
    return frame, result["how"]
