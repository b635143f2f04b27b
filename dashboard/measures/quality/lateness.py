"""Late records and the reporting-lag curve, from the day each record first reached the database.

A record is late when its first ingest came more than :data:`LATE_DAYS` after the date it was reported. The
first load of a database is a backfill, not lateness: records that came in the earliest ingest are not judged.
The reporting-lag curve says how much each month's count grew after the month ended; from the months old
enough to be settled, the share of a month's records that has usually arrived by a given number of days after
its end tells which recent months are probably still incomplete.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures.quality import keys
from dashboard.measures.quality.findings import AMBER, LATE, RED, Finding

LATE_DAYS = 90
RED_LATE_DAYS = 365
#: A month is probably incomplete while, by its age, settled months had less than this share of their records.
COMPLETE_SHARE = 0.9
#: A month that ended this long before the latest ingest is settled: its records are the curve's history.
SETTLED_DAYS = 180
CURVE_MONTHS = (0, 1, 2, 3, 6)


def _month_end(month_start: np.ndarray) -> np.ndarray:
    """The last day of each month (datetime64[ns]), from its first day."""
    return ((month_start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1).astype("datetime64[ns]")


def frame_of(cases: pd.DataFrame, ingested: pd.Series) -> pd.DataFrame:
    """Report date, month, month end and ingest date of the records whose ingest date is known (worked out once,
    then given to :func:`late_records` and :func:`incomplete_months`)."""
    days = pd.to_datetime(ingested).to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(days)
    month = cases["date"].to_numpy()[known].astype("datetime64[M]").astype("datetime64[ns]")
    return pd.DataFrame({"case_id": cases["case_id"].to_numpy()[known], "date": cases["date"].to_numpy()[known],
                         "province_code": keys.text(cases["province_code"])[known], "month": month,
                         "month_end": _month_end(month), "ingested": days[known]})


def lag_curve(cases: pd.DataFrame, ingested: pd.Series) -> pd.DataFrame:
    """Per report month: records now, records known at the month's end and 1, 2, 3 and 6 months later, and the
    share the count grew after the month ended."""
    frame = frame_of(cases, ingested)
    columns = ["month", "records"] + [f"known_after_{k}_months" for k in CURVE_MONTHS] + ["grew_after_month_end_share"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame.groupby("month").size().rename("records").to_frame()
    for k in CURVE_MONTHS:
        limit = (frame["month_end"] + pd.DateOffset(months=k)).to_numpy()
        out[f"known_after_{k}_months"] = pd.Series(frame["ingested"].to_numpy() <= limit).groupby(
            frame["month"].to_numpy()).sum().astype(int)
    out["grew_after_month_end_share"] = 1 - out["known_after_0_months"] / out["records"]
    return out.reset_index()[columns]


def _initial_load(frame: pd.DataFrame) -> np.ndarray:
    return frame["ingested"].to_numpy() == frame["ingested"].min()


def arrival_shares(cases: pd.DataFrame, ingested: pd.Series,
                   frame: pd.DataFrame | None = None) -> tuple[np.ndarray, date] | None:
    """The days after month end at which settled months' records arrived (sorted), and the latest ingest day."""
    frame = frame_of(cases, ingested) if frame is None else frame
    if frame.empty:
        return None
    latest = frame["ingested"].max()
    settled = (frame["month_end"] <= latest - pd.Timedelta(days=SETTLED_DAYS)).to_numpy() & ~_initial_load(frame)
    after = (frame["ingested"] - frame["month_end"]).dt.days.to_numpy()[settled]
    return np.sort(after), latest.date()


def incomplete_months(cases: pd.DataFrame, ingested: pd.Series,
                      frame: pd.DataFrame | None = None) -> list[tuple[date, float]]:
    """Months probably still incomplete, with the share settled months had by the same age (oldest first).

    A month not yet over at the latest ingest is always incomplete. Without settled history, only such months.
    """
    shares = arrival_shares(cases, ingested, frame)
    if shares is None:
        return []
    after, latest = shares
    months = np.unique(cases["date"].to_numpy().astype("datetime64[M]"))
    out = []
    for month in months:
        end = (month + 1).astype("datetime64[D]") - 1
        age = int((np.datetime64(latest, "D") - end).astype(int))
        if len(after):
            share = float(np.searchsorted(after, age, side="right") / len(after))
        else:
            share = 1.0 if age >= 0 else 0.0
        if age < 0 or share < COMPLETE_SHARE:
            out.append((pd.Timestamp(month).date(), share))
    return out


def late_records(cases: pd.DataFrame, ingested: pd.Series, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Records first ingested more than LATE_DAYS after their report date (the first load left out)."""
    frame = (frame_of(cases, ingested) if frame is None else frame).copy()
    if frame.empty:
        return frame.assign(lag_days=pd.Series(dtype=int))
    frame["lag_days"] = (frame["ingested"] - frame["date"]).dt.days
    return frame[(frame["lag_days"] > LATE_DAYS).to_numpy() & ~_initial_load(frame)].reset_index(drop=True)


def check(cases: pd.DataFrame, ingested: pd.Series | None, frame: pd.DataFrame | None = None) -> list[Finding]:
    """One finding per province and ingest day that brought late records, and one for the incomplete months
    (``frame``: :func:`frame_of` these cases, if at hand)."""
    if ingested is None or cases.empty:
        return []
    frame = frame_of(cases, ingested) if frame is None else frame
    findings = []
    late = late_records(cases, ingested, frame)
    for (code, day), group in late.groupby(["province_code", "ingested"], sort=True):
        longest = int(group["lag_days"].max())
        level = RED if longest > RED_LATE_DAYS else AMBER
        findings.append(Finding(
            LATE, level, code, group["date"].min().date(), group["date"].max().date(),
            N_("{province}: {records} late records arrived on {ingest_day}"),
            N_("{records} records from {province}, reported between {first_day} and {last_day}, first reached the "
               "database on {ingest_day}, up to {longest} days after they were reported. The months they belong to "
               "grew after their figures were first seen; check why they came late."),
            N_("red: a record arrived more than {red_days} days after it was reported") if level == RED else
            N_("amber: records arrived more than {late_days} days after they were reported"),
            {"province": code, "records": len(group), "ingest_day": pd.Timestamp(day).date(),
             "first_day": group["date"].min().date(), "last_day": group["date"].max().date(), "longest": longest,
             "late_days": LATE_DAYS, "red_days": RED_LATE_DAYS},
            tuple(group["case_id"].tolist())))
    months = incomplete_months(cases, ingested, frame)
    if months:
        first, last = months[0][0], months[-1][0]
        findings.append(Finding(
            LATE, AMBER, None, first, (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date(),
            N_("Probably still incomplete: {start_month_list}"),
            N_("At the age these months have now, months that have settled had received less than "
               "{complete_share} of their records: {start_month_list}. Their counts will probably still grow; "
               "they are marked on the trend charts."),
            N_("amber: fewer than {complete_share} of a month's records have usually arrived by its age"),
            {"start_month_list": [m for m, _share in months], "complete_share": COMPLETE_SHARE}))
    return findings
