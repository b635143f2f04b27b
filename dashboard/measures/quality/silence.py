"""Silent provinces: a covered province with no case in a month or quarter, when that is unlikely.

Under a Poisson model the number of cases a province reports in a period has mean
λ = pooled rate × the province's person-years under coverage in that period, where the pooled rate is every
covered province's cases divided by their person-years over the whole history. The chance of no case at all
is P(0) = e^−λ. A period with no case and P(0) under the setting (``DASHBOARD_QUALITY_SILENCE_P``, 5% by
default) is "unlikely, worth a call": the province may simply have had a quiet month. It is never "missing".
A province not covered in a period has no person-time there (λ = 0, P(0) = 1) and is never flagged.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures import metrics, rollout
from dashboard.measures.quality.findings import AMBER, RED, SILENT, Finding

#: A P(0) this many times below the setting is red.
RED_FACTOR = 10


def first_day(counts: pd.DataFrame, coverage: pd.DataFrame) -> date:
    """Where the history starts: the first coverage start, or an earlier first case."""
    return min(counts["date"].min(), coverage["start_date"].min()).date()


def pooled_rate(counts: pd.DataFrame, coverage: pd.DataFrame, end: date, census: str = "2008") -> float:
    """Cases in coverage per person-year under coverage, all provinces, from the history's start to ``end``."""
    if counts.empty or coverage.empty:
        return 0.0
    start = first_day(counts, coverage)
    years = (metrics.population(census) * rollout.covered_days(coverage, start, end) / rollout.DAYS_PER_YEAR).sum()
    cases = counts.loc[rollout.in_coverage(counts, coverage), "n"].sum()
    return float(cases / years) if years > 0 else 0.0


def periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """Calendar months (1) or quarters (3) from the one holding ``start`` to ``end`` (the last one clipped)."""
    cursor = date(start.year, (start.month - 1) // months * months + 1, 1)
    out = []
    while cursor <= end:
        following = (pd.Timestamp(cursor) + pd.DateOffset(months=months)).date()
        out.append((max(cursor, start), min(end, following - timedelta(days=1))))
        cursor = following
    return out


def covered_days(coverage: pd.DataFrame, bounds: list[tuple[date, date]]) -> pd.DataFrame:
    """Days each coverage row's province was covered within each period: provinces × periods (all at once)."""
    start = coverage["start_date"].to_numpy(dtype="datetime64[D]")[:, None]
    end = coverage["end_date"].to_numpy(dtype="datetime64[D]")[:, None]
    end = np.where(np.isnat(end), np.datetime64("9999-12-31"), end)
    first = np.array([b[0] for b in bounds], dtype="datetime64[D]")[None, :]
    last = np.array([b[1] for b in bounds], dtype="datetime64[D]")[None, :]
    days = (np.minimum(end, last) - np.maximum(start, first)).astype(int) + 1
    return pd.DataFrame(np.maximum(days, 0), index=coverage["province_code"].astype(str).to_numpy())


def expected(coverage: pd.DataFrame, rate: float, bounds: list[tuple[date, date]],
             census: str = "2008") -> pd.DataFrame:
    """λ per province (rows) and period (columns): the pooled rate times its person-years under coverage."""
    days = covered_days(coverage, bounds)
    days = days.groupby(level=0).sum()
    population = metrics.population(census).reindex(days.index).fillna(0).to_numpy()[:, None]
    return days * population / rollout.DAYS_PER_YEAR * rate


def table(counts: pd.DataFrame, coverage: pd.DataFrame, months: int = 1, census: str = "2008") -> pd.DataFrame:
    """Per covered province and period: cases, λ and P(0 cases)."""
    columns = ["province_code", "period_start", "period_end", "cases", "expected", "p_zero"]
    if counts.empty or coverage.empty:
        return pd.DataFrame(columns=columns)
    end = counts["date"].max().date()
    rate = pooled_rate(counts, coverage, end, census)
    inside = counts[rollout.in_coverage(counts, coverage)]
    bounds = periods(first_day(counts, coverage), end, months)
    lam = expected(coverage, rate, bounds, census)
    starts = np.array([b[0] for b in bounds], dtype="datetime64[ns]")
    which = np.searchsorted(starts, inside["date"].to_numpy(), side="right") - 1
    got = pd.Series(inside["n"].to_numpy()).groupby([inside["province_code"].astype(str).to_numpy(), which]).sum()
    frame = lam.stack().rename("expected").reset_index()
    frame.columns = ["province_code", "period", "expected"]
    frame = frame[frame["expected"] > 0]
    keys = pd.MultiIndex.from_arrays([frame["province_code"], frame["period"]])
    frame["cases"] = got.reindex(keys, fill_value=0).to_numpy().astype(int)
    frame["period_start"] = [bounds[k][0] for k in frame["period"]]
    frame["period_end"] = [bounds[k][1] for k in frame["period"]]
    frame["p_zero"] = np.exp(-frame["expected"].to_numpy(dtype=float))
    return frame[columns].reset_index(drop=True)


def check(counts: pd.DataFrame, coverage: pd.DataFrame, threshold: float, census: str = "2008") -> list[Finding]:
    """Months with no case and P(0) under ``threshold``; quarters too, where none of their months was flagged."""
    findings: list[Finding] = []
    flagged: set[tuple[str, date]] = set()
    for months in (1, 3):
        frame = table(counts, coverage, months, census)
        silent = frame[(frame["cases"] == 0) & (frame["p_zero"] < threshold)]
        for row in silent.itertuples(index=False):
            if months == 3 and any((row.province_code, m) in flagged for m in _month_starts(row.period_start)):
                continue
            flagged.add((row.province_code, row.period_start))
            level = RED if row.p_zero < threshold / RED_FACTOR else AMBER
            unit = {"start_month": row.period_start} if months == 1 else {"start_quarter": row.period_start}
            findings.append(Finding(
                SILENT, level, row.province_code, row.period_start, row.period_end,
                N_("{province}: no case in {start_month}") if months == 1 else
                N_("{province}: no case in {start_quarter}"),
                (N_("{province} reported no case in {start_month}. From its population and days under coverage, "
                    "and the rate of every covered province, about {expected} were expected, so a month with none "
                    "has a chance of {zero_probability}. Unlikely, worth a call to the province's team.")
                 if months == 1 else
                 N_("{province} reported no case in {start_quarter}. From its population and days under coverage, "
                    "and the rate of every covered province, about {expected} were expected, so a quarter with "
                    "none has a chance of {zero_probability}. Unlikely, worth a call to the province's team.")),
                N_("red: the chance of no case is under {red_probability}") if level == RED else
                N_("amber: the chance of no case is under {threshold_probability}"),
                {"province": row.province_code, **unit, "expected": float(row.expected),
                 "zero_probability": float(row.p_zero), "threshold_probability": float(threshold),
                 "red_probability": float(threshold / RED_FACTOR)}))
    return findings


def _month_starts(quarter_start: date) -> list[date]:
    first = quarter_start.replace(day=1)
    return [(pd.Timestamp(first) + pd.DateOffset(months=k)).date() for k in range(3)]
