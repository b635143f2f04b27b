"""Likely duplicates: records with the same province, report date, offence, victim age and sex, different ids.

They are listed for review, one finding per province and month, and never merged: two children of the same
age and sex can be reported in one province on one day for the same offence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures.quality import keys
from dashboard.measures.quality.findings import AMBER, DUPLICATES, Finding

KEY = ["province_code", "date", "offence", "victim_age", "victim_sex"]


def groups(cases: pd.DataFrame) -> pd.DataFrame:
    """Every record in a group of two or more with the same key (age and sex known), with its group number."""
    if cases.empty or any(c not in cases.columns or cases[c] is None for c in KEY):
        return pd.DataFrame(columns=["group", "case_id", *KEY])
    cases = cases[_candidates(cases)]  # the rows whose key is shared at all: the grouping below runs on those
    frame = pd.DataFrame({c: cases[c] for c in ["case_id", *KEY]})
    frame["province_code"] = frame["province_code"].astype(str)
    frame = frame[frame["victim_age"].notna().to_numpy() & frame["victim_sex"].notna().to_numpy()]
    frame = frame.astype({"victim_sex": str, "offence": str})
    sizes = frame.groupby(KEY, sort=False, observed=True)["case_id"].transform("nunique")
    dup = frame[sizes.to_numpy() > 1].sort_values([*KEY, "case_id"], kind="stable")
    dup.insert(0, "group", dup.groupby(KEY, sort=False, observed=True).ngroup().to_numpy() + 1)
    return dup.reset_index(drop=True)


def _candidates(cases: pd.DataFrame) -> np.ndarray:
    """True for each record whose key (as text, like :func:`groups` compares it) another record shares: integer
    ids per column, so a million rows are compared as numbers."""
    columns = {}
    for c in KEY:
        values = cases[c]
        if c == "date":
            columns[c] = values.to_numpy().astype("datetime64[ns]").view(np.int64)
        elif c == "victim_age":
            columns[c] = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            columns[c] = keys.text_ids(values)[0]
    return pd.DataFrame(columns).duplicated(keep=False).to_numpy()


def check(cases: pd.DataFrame) -> list[Finding]:
    found = groups(cases)
    if found.empty:
        return []
    found["month"] = found["date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    findings = []
    for (code, month), part in found.groupby(["province_code", "month"], sort=True):
        first = pd.Timestamp(month).date()
        findings.append(Finding(
            DUPLICATES, AMBER, code, first, (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date(),
            N_("{province}, {start_month}: likely duplicates ({records} records)"),
            N_("{province}, {start_month}: {records} records in {pairs} group(s) share the report date, "
               "offence, victim age and sex under different case ids. They may be one case entered twice. Review "
               "them; nothing is merged automatically."),
            N_("amber: same province, date, offence, age and sex under different case ids"),
            {"province": code, "start_month": first, "pairs": int(part["group"].nunique()), "records": len(part)},
            tuple(part["case_id"].tolist())))
    return findings
