"""Implausible values that validation lets through: arrests on the report day far more often than usual, and
sudden jumps in a province's monthly count.

Same-day arrests: per province and quarter, the share of arrests dated on the report day, against the
province's share in its other quarters (the national share when it has too few); flagged when the quarter's
share is at least twice that and a binomial test puts the chance of so many under 0.1%.

Jumps: per province, each month's count against its own history by a robust z-score,
z = (count − median) / max(1.4826 × MAD, √median, 1), flagged above 4 (red above 6). The √median floor
keeps ordinary Poisson noise in a small province from counting as a jump.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures import metrics, rollout
from dashboard.measures.quality import keys
from dashboard.measures.quality.findings import AMBER, IMPLAUSIBLE, RED, Finding

SAME_DAY_MIN_ARRESTS = 5
SAME_DAY_FACTOR = 2.0
SAME_DAY_P = 0.001
SAME_DAY_RED_P = 1e-6
USUAL_MIN_ARRESTS = 20
Z_AMBER = 4.0
Z_RED = 6.0
MIN_HISTORY_MONTHS = 6


def binomial_tail(k: int, n: int, p: float, log_factorials: np.ndarray | None = None) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed in log space (no scipy.stats: its import alone takes seconds).

    ``log_factorials``: ln(i!) for i = 0 .. at least n (:func:`log_factorials`), shared by many calls."""
    if k <= 0:
        return 1.0
    if p >= 1:
        return 1.0
    table = log_factorials if log_factorials is not None and len(log_factorials) > n else log_factorials_to(n)
    i = np.arange(k, n + 1)
    logs = table[n] - (table[i] + table[n - i]) + i * math.log(p) + (n - i) * math.log1p(-p)
    return float(min(1.0, np.exp(logs).sum()))


def log_factorials_to(n: int) -> np.ndarray:
    """ln(i!) for i = 0 .. n, each as math.lgamma(i + 1) gives it."""
    return np.array([math.lgamma(i + 1) for i in range(n + 1)])


def same_day_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Per province and quarter: arrests with a date, those on the report day, the share, the usual share and the
    binomial tail probability of at least that many."""
    columns = ["province_code", "quarter", "arrests", "same_day", "share", "usual_share", "p_value"]
    dated = cases[cases["arrest"].to_numpy() & cases["arrest_date"].notna().to_numpy()]
    if dated.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({"province_code": keys.text(dated["province_code"]),
                          "quarter": _quarter_ordinals(dated["date"]),
                          "same": (dated["arrest_date"] == dated["date"]).to_numpy()})
    grid = frame.groupby(["province_code", "quarter"])["same"].agg(arrests="size", same_day="sum").reset_index()
    grid["quarter"] = pd.PeriodIndex.from_ordinals(grid["quarter"].to_numpy(), freq="Q").to_numpy()
    totals = grid.groupby("province_code")[["arrests", "same_day"]].transform("sum")
    national = frame["same"].mean()
    other_n, other_k = totals["arrests"] - grid["arrests"], totals["same_day"] - grid["same_day"]
    grid["usual_share"] = np.where(other_n >= USUAL_MIN_ARRESTS, other_k / other_n.where(other_n > 0), national)
    grid["share"] = grid["same_day"] / grid["arrests"]
    table = log_factorials_to(int(grid["arrests"].max()))
    grid["p_value"] = [binomial_tail(int(k), int(n), float(p), table) for k, n, p in
                       zip(grid["same_day"], grid["arrests"], grid["usual_share"].clip(1e-6, 1))]
    return grid[columns]


def monthly_table(counts: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Per province and month it was covered the whole month: cases, its median, MAD and robust z."""
    columns = ["province_code", "month", "cases", "median", "scale", "z"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    inside = counts[rollout.in_coverage(counts, coverage)] if not coverage.empty else counts
    month = pd.Series(metrics.month_start(inside["date"]), index=inside.index)
    got = inside.groupby([inside["province_code"].astype(str), month])["n"].sum()
    last_full = (pd.Timestamp(counts["date"].max()) + pd.Timedelta(days=1)).to_period("M").to_timestamp() \
        - pd.DateOffset(months=1)
    rows = []
    for code, start, end in zip(coverage["province_code"].astype(str), coverage["start_date"], coverage["end_date"]):
        first = start.to_period("M").to_timestamp() + pd.DateOffset(months=int(start.day > 1))
        last = min(last_full, (end.to_period("M").to_timestamp() - pd.DateOffset(months=1)) if pd.notna(end)
                   else last_full)
        if first > last:
            continue
        months = pd.date_range(first, last, freq="MS")
        values = np.array([got.get((code, m), 0) for m in months], dtype=float)
        if len(values) < MIN_HISTORY_MONTHS:
            continue
        median = float(np.median(values))
        scale = max(1.4826 * float(np.median(np.abs(values - median))), np.sqrt(median), 1.0)
        rows += [(code, m, int(v), median, scale, (v - median) / scale) for m, v in zip(months, values)]
    return pd.DataFrame(rows, columns=columns)


def check(cases: pd.DataFrame, counts: pd.DataFrame, coverage: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    same = same_day_table(cases)
    same = same[(same["arrests"] >= SAME_DAY_MIN_ARRESTS) & (same["share"] >= SAME_DAY_FACTOR * same["usual_share"])
                & (same["p_value"] < SAME_DAY_P)]
    if not same.empty:
        same_day = (cases["arrest"] & (cases["arrest_date"] == cases["date"])).to_numpy()
        picked = cases[same_day]
        same_ids = _ids_by(picked["case_id"], picked["province_code"], _quarter_ordinals(picked["date"]),
                           [(code, q.ordinal) for code, q in zip(same["province_code"], same["quarter"])])
    for row in same.itertuples(index=False):
        level = RED if row.p_value < SAME_DAY_RED_P else AMBER
        first, last = row.quarter.start_time.date(), row.quarter.end_time.date()
        ids = same_ids.get((row.province_code, row.quarter.ordinal), [])
        findings.append(Finding(
            IMPLAUSIBLE, level, row.province_code, first, last,
            N_("{province}, {start_quarter}: arrests on the report day {same_share}"),
            N_("{province}, {start_quarter}: {same_count} of {arrests} arrests ({same_share}) are dated on the day the "
               "case was reported; the province's usual share is {usual_share}. Check that the arrest dates were "
               "not filled in with the report date."),
            N_("red: at least twice the usual share, chance under one in a million") if level == RED else
            N_("amber: at least twice the usual share, chance under 0.1%"),
            {"province": row.province_code, "start_quarter": first, "same_count": int(row.same_day),
             "arrests": int(row.arrests), "same_share": float(row.share), "usual_share": float(row.usual_share)},
            tuple(ids)))
    jumps = monthly_table(counts, coverage)
    jumps = jumps[jumps["z"] > Z_AMBER]
    if not jumps.empty:
        months = cases["date"].to_numpy().astype("datetime64[M]").astype(np.int64)
        jump_ids = _ids_by(cases["case_id"], cases["province_code"], months,
                           [(code, np.datetime64(m, "M").astype(np.int64)) for code, m in
                            zip(jumps["province_code"], jumps["month"])])
    for row in jumps.itertuples(index=False):
        level = RED if row.z > Z_RED else AMBER
        first = row.month.date()
        ids = jump_ids.get((row.province_code, np.datetime64(row.month, "M").astype(np.int64)), [])
        findings.append(Finding(
            IMPLAUSIBLE, level, row.province_code, first, (row.month + pd.offsets.MonthEnd(0)).date(),
            N_("{province}, {start_month}: {cases} cases, a sudden jump"),
            N_("{province} reported {cases} cases in {start_month}; its usual month has {median} (robust z-score "
               "{z}). Check for a batch entered twice or records given the wrong province or date."),
            N_("red: robust z-score above 6") if level == RED else N_("amber: robust z-score above 4"),
            {"province": row.province_code, "start_month": first, "cases": int(row.cases),
             "median": float(row.median), "z": float(row.z)},
            tuple(ids)))
    return findings


def _quarter_ordinals(days: pd.Series) -> np.ndarray:
    """Each day's quarter as its pandas Period ordinal (quarters since 1970-Q1), without building Periods."""
    months = days.to_numpy().astype("datetime64[M]").astype(np.int64)  # months since January 1970
    return months // 3


def _ids_by(case_ids: pd.Series, codes: pd.Series, periods: np.ndarray, wanted: list[tuple]) -> dict[tuple, list]:
    """The case ids (in file order) of each wanted (province, period number), from aligned columns: one pass
    over integer keys, not one scan of every case per finding."""
    ids, labels = keys.text_ids(codes)
    position = {label: k for k, label in enumerate(labels)}
    low = int(periods.min()) if len(periods) else 0
    span = int(periods.max()) - low + 1 if len(periods) else 1
    combined = ids.astype(np.int64) * span + (periods - low)
    want = {position[c] * span + int(p) - low: (c, int(p)) for c, p in wanted if c in position}
    keep = np.isin(combined, list(want))
    found = pd.Series(case_ids.to_numpy()[keep]).groupby(combined[keep], sort=False)
    return {want[key]: values.tolist() for key, values in found}
