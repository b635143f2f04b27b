"""Small hand-made datasets for the measure tests."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.data.dataset import Dataset, build_dataset

PP, SR, PS = "12", "17", "18"  # Phnom Penh, Siem Reap, Preah Sihanouk


def case(day: str, province: str, arrest: str | None = None, arrested: bool | None = None,
         offence: str = "child rape / sexual abuse", times: int = 1) -> list[dict]:
    """``times`` identical case records; ``arrest`` is the arrest date, ``arrested`` overrides arrest_made."""
    return [{"date_reported": date.fromisoformat(day), "province_code": province, "offence": offence,
             "arrest_made": arrest is not None if arrested is None else arrested,
             "arrest_date": date.fromisoformat(arrest) if arrest else None}] * times


def dataset(rows: list[list[dict]], coverage: list[tuple[str, str, str | None]]) -> Dataset:
    records = pd.DataFrame([r for group in rows for r in group])
    records.insert(0, "case_id", [f"T-{i}" for i in range(len(records))])
    records["victim_age"], records["victim_sex"], records["district"] = None, None, None
    cov = pd.DataFrame([{"province_code": p, "start_date": date.fromisoformat(s),
                         "end_date": date.fromisoformat(e) if e else None} for p, s, e in coverage],
                       columns=["province_code", "start_date", "end_date"])
    return build_dataset(records, cov)
