"""Small case files for the quality checks: each test builds one that triggers its check and one that does not."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from dashboard.data.dataset import Dataset, build_dataset

PP, SR, KC, TK = "12", "17", "03", "06"  # Phnom Penh, Siem Reap, Kampong Cham, Kampong Thom


def record(day: str | date, province: str = PP, *, age: int | None = 10, sex: str | None = "F",
           arrest: str | date | None = None, offence: str = "child rape / sexual abuse", district: str | None = "D",
           **extra) -> dict:
    """One validated case record (``arrest``: the arrest date; the case is arrested when it is given)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    arrest = date.fromisoformat(arrest) if isinstance(arrest, str) else arrest
    return {"date_reported": day, "province_code": province, "offence": offence, "arrest_made": arrest is not None,
            "arrest_date": arrest, "victim_age": age, "victim_sex": sex, "district": district, **extra}


def monthly(province: str, first: str, months: int, per_month: int, **kwargs) -> list[dict]:
    """``per_month`` records on the 10th of each of ``months`` months from ``first`` (ages and sexes differ, so they
    are never duplicates of each other)."""
    start = date.fromisoformat(first)
    out = []
    for k in range(months):
        day = (pd.Timestamp(start) + pd.DateOffset(months=k)).date() + timedelta(days=9)
        out += [record(day, province, **{"age": 1 + j % 17, "sex": "FM"[j // 17 % 2], **kwargs})
                for j in range(per_month)]
    return out


def build(records: list[dict], coverage: list[tuple[str, str]] | None = None) -> Dataset:
    """A dataset of ``records`` (ids C-0, C-1, ...) with ``coverage`` (province, start), by default every province
    in the records from the first record's month."""
    frame = pd.DataFrame(records)
    frame.insert(0, "case_id", [f"C-{i}" for i in range(len(frame))])
    if coverage is None:
        first = min(r["date_reported"] for r in records).replace(day=1).isoformat()
        coverage = [(p, first) for p in dict.fromkeys(r["province_code"] for r in records)]
    cov = pd.DataFrame([{"province_code": p, "start_date": date.fromisoformat(s), "end_date": None}
                        for p, s in coverage], columns=["province_code", "start_date", "end_date"])
    return build_dataset(frame, cov)
