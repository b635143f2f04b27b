"""Completeness: per province and month, the share of records with each optional field filled.

A field counts only where it applies: the arrest date only for cases with an arrest, the charge date only for
charged cases, and so on. The justice-stage fields are checked when the dataset has them. A field that is
almost never filled anywhere (the demo's district) is "not recorded in this dataset", one note, not a finding
for every province.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures.quality import keys
from dashboard.measures.quality.fields import FIELDS
from dashboard.measures.quality.fields import field_label as field_label  # the Quality page reads it from here
from dashboard.measures.quality.findings import AMBER, COMPLETENESS, GREEN, RED, Finding

#: A province-month below this share filled is amber; below RED_SHARE (with at least RED_MIN records) red.
AMBER_SHARE = 0.8
RED_SHARE = 0.5
MIN_RECORDS = 3
RED_MIN_RECORDS = 4
#: A field filled in fewer records than this, over the whole dataset, is "not recorded" (a note, not a finding).
NOT_RECORDED_SHARE = 0.05


def filled(values: pd.Series) -> np.ndarray:
    """True where a value is present: not missing and not blank text."""
    present = values.notna().to_numpy().copy()
    if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values):
        present &= keys.normalised(values) != ""
    return present


def applies(cases: pd.DataFrame, when: str | None) -> np.ndarray:
    """True for the records a field applies to."""
    if when is None:
        return np.ones(len(cases), dtype=bool)
    when, _sep, outcome = when.partition(":")
    column = cases[when]
    if outcome:  # only the records whose court outcome is a decision (or a conviction)
        from dashboard.data import stages

        wanted = stages.DECIDED if outcome == "decided" else (stages.CONVICTED,)
        return np.isin(keys.normalised(column, lower=True), list(wanted))
    if column.dtype == bool:
        return column.to_numpy()
    present = filled(column)
    if when == "charged":  # yes/no text or a boolean stored as object
        return present & np.isin(keys.normalised(column, lower=True), ["true", "yes", "y", "1"])
    return present


def fields_present(cases: pd.DataFrame) -> list[tuple[str, str | None]]:
    """The optional fields this dataset has (a justice-stage column only when it is there)."""
    return [(name, when) for name, when, _label in FIELDS
            if name in cases.columns and cases[name] is not None
            and (when is None or when.partition(":")[0] in cases.columns)]


Masks = dict[str, tuple[np.ndarray, np.ndarray]]


def masks(cases: pd.DataFrame) -> Masks:
    """Per field present: (records it applies to, records that have it), worked out once for every use."""
    return {name: (applies(cases, when), filled(cases[name])) for name, when in fields_present(cases)}


def table(cases: pd.DataFrame, known: Masks | None = None) -> pd.DataFrame:
    """Per province, month and field: records the field applies to, records filled, and the share filled."""
    if cases.empty:
        return pd.DataFrame(columns=["province_code", "month", "field", "records", "filled", "filled_share"])
    known = masks(cases) if known is None else known
    months, month_ids = np.unique(cases["date"].to_numpy().astype("datetime64[M]"), return_inverse=True)
    ids, labels = keys.text_ids(cases["province_code"])
    dated = ~np.isnat(months[month_ids])
    cell = ids.astype(np.int64) * len(months) + month_ids  # one number per province and month, in sorted order
    cells = len(labels) * len(months)
    parts = []
    for name, (mask, has) in known.items():
        keep = mask & (ids >= 0) & dated  # as a groupby leaves out a missing province or date
        records = np.bincount(cell[keep], minlength=cells)
        got = np.bincount(cell[keep], weights=has[keep], minlength=cells).round().astype(np.int64)
        where = np.flatnonzero(records)
        parts.append(pd.DataFrame({"province_code": labels[where // len(months)],
                                   "month": months[where % len(months)].astype("datetime64[ns]"),
                                   "records": records[where], "filled": got[where]}).assign(field=name))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["province_code", "month", "records", "filled", "field"])
    out["filled"] = out["filled"].astype(int)
    out["filled_share"] = out["filled"] / out["records"]
    return out[["province_code", "month", "field", "records", "filled", "filled_share"]]


def not_recorded(cases: pd.DataFrame, known: Masks | None = None) -> list[str]:
    """Fields (present as columns) filled in under NOT_RECORDED_SHARE of the records they apply to."""
    known = masks(cases) if known is None else known
    out = []
    for name, (mask, has) in known.items():
        if mask.any() and has[mask].mean() < NOT_RECORDED_SHARE:
            out.append(name)
    return out


def severity(records: int, share: float) -> str:
    if records >= RED_MIN_RECORDS and share < RED_SHARE:
        return RED
    if records >= MIN_RECORDS and share < AMBER_SHARE:
        return AMBER
    return GREEN


def _missing_ids(cases: pd.DataFrame, applied: np.ndarray,
                 has: np.ndarray) -> dict[tuple[str, pd.Timestamp], list[str]]:
    """The case ids without the field (where it applies), by province and month."""
    mask = applied & ~has
    frame = pd.DataFrame({"province_code": keys.text(cases["province_code"])[mask],
                          "month": cases["date"].to_numpy()[mask].astype("datetime64[M]").astype("datetime64[ns]"),
                          "case_id": cases["case_id"].to_numpy()[mask]})
    return {key: ids.tolist() for key, ids in frame.groupby(["province_code", "month"])["case_id"]}


def check(cases: pd.DataFrame, known: Masks | None = None) -> list[Finding]:
    """A finding for each province-month and field filled in too few of its records."""
    known = masks(cases) if known is None else known
    shares = table(cases, known)
    skip = set(not_recorded(cases, known))
    shares = shares[~shares["field"].isin(skip) & (shares["records"] >= MIN_RECORDS)
                    & (shares["filled_share"] < AMBER_SHARE)]
    findings: list[Finding] = []
    for name, part in shares.groupby("field", sort=False):
        missing = _missing_ids(cases, *known[name])
        for row in part.itertuples(index=False):
            first = row.month.date()
            last = (row.month + pd.offsets.MonthEnd(0)).date()
            level = severity(int(row.records), float(row.filled_share))
            findings.append(Finding(
                COMPLETENESS, level, row.province_code, first, last,
                N_("{field} missing in {province}, {start_month}"),
                N_("{province}, {start_month}: {field} is filled in {filled} of {records} records ({filled_share}); "
                   "the records without it are listed. Ask the province's team to complete them."),
                N_("red: under 50% filled in 4 or more records") if level == RED
                else N_("amber: under 80% filled in 3 or more records"),
                {"field": name, "province": row.province_code, "start_month": first, "filled": int(row.filled),
                 "records": int(row.records), "filled_share": float(row.filled_share)},
                tuple(missing.get((row.province_code, row.month), ()))))
    return findings
