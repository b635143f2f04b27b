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
    """Every record in a group of two or more with the same key (age and sex known), with its group number.

    Keys compare as their text (``astype(str)``) and the groups come in the order of their sorted keys, records
    by case id; both are worked out on integer ids whose order is the text's (at 1M cases a sort on text keys
    took most of the check's 2 s).
    """
    if cases.empty or any(c not in cases.columns or cases[c] is None for c in KEY):
        return pd.DataFrame(columns=["group", "case_id", *KEY])
    ids = _key_ids(cases)
    known = cases["victim_age"].notna().to_numpy() & cases["victim_sex"].notna().to_numpy()
    shared = pd.DataFrame(ids).duplicated(keep=False).to_numpy() & known  # rows whose key another row shares
    rows = np.flatnonzero(shared)
    part = {c: ids[c][rows] for c in KEY}
    case_ids = cases["case_id"].astype(str).to_numpy(dtype=object)[rows]
    case_order, _labels = pd.factorize(case_ids, sort=True)
    order = np.lexsort([case_order, *(part[c] for c in reversed(KEY))])  # by the key, then by case id
    sorted_keys = np.column_stack([part[c][order] for c in KEY])
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (sorted_keys[1:] != sorted_keys[:-1]).any(axis=1)
    group = np.cumsum(starts)
    several = pd.Series(case_order[order]).groupby(group).transform("nunique").to_numpy() > 1
    picked = rows[order[several]]
    out = pd.DataFrame({c: cases[c].iloc[picked].reset_index(drop=True) for c in ["case_id", *KEY]})
    out["province_code"] = out["province_code"].astype(str)
    out = out.astype({"victim_sex": str, "offence": str})  # as the keys compared: their text
    out.insert(0, "group", np.unique(group[several], return_inverse=True)[1] + 1)  # numbered again from 1
    return out


def _key_ids(cases: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each key column as numbers whose order is its text's (dates and ages as themselves)."""
    columns = {}
    for c in KEY:
        values = cases[c]
        if c == "date":
            columns[c] = values.to_numpy().astype("datetime64[ns]").view(np.int64)
        elif c == "victim_age":
            columns[c] = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            columns[c] = keys.text_ids(values)[0]
    return columns


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
