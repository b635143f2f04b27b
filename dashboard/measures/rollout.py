"""Rates that respect the rollout: person-time under coverage, and time since the unit arrived.

A province the programme reached in March 2015 cannot have programme cases
from 2014, so its rate divides by the time it was covered, not by the whole
period: **person-years under coverage** = population × years covered within
the selected period. Cases reported outside their province's coverage (before
its start, after its end, or in a province never covered) are a data problem:
they are left out of these rates and counted (:func:`outside_coverage`).

Like :mod:`dashboard.measures.metrics`, everything reads the daily counts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.data.dataset import latest_case
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.measures import metrics
from dashboard.measures.filters import Filters, filter_mask
from dashboard.measures.stats import wilson_interval

DAYS_PER_YEAR = 365.25
PER = 100_000


def period(filters: Filters, counts: pd.DataFrame) -> tuple[date | None, date]:
    """The selected period: its first day (None: from the beginning) and the one period-end rule."""
    return filters.start, metrics.period_end(filters, latest_case(counts))


def _spans(coverage: pd.DataFrame, start: date | None, end: date) -> pd.DataFrame:
    """Per covered province: the first and last covered day within [start, end] (NaT where none)."""
    lo = coverage["start_date"]
    if start is not None:
        lo = lo.clip(lower=pd.Timestamp(start))
    hi = coverage["end_date"].fillna(pd.Timestamp(end)).clip(upper=pd.Timestamp(end))
    spans = pd.DataFrame({"province_code": coverage["province_code"].astype(str), "first": lo, "last": hi})
    spans.loc[spans["last"] < spans["first"], ["first", "last"]] = pd.NaT
    return spans


def covered_days(coverage: pd.DataFrame, start: date | None, end: date) -> pd.Series:
    """Days each province (all 25) was covered within [start, end], both days included."""
    spans = _spans(coverage, start, end)
    days = ((spans["last"] - spans["first"]).dt.days + 1).fillna(0).astype(int)
    return pd.Series(days.to_numpy(), index=spans["province_code"]).reindex(list(load_gazetteer()), fill_value=0)


def _per_row(counts: pd.DataFrame, coverage: pd.DataFrame, column: str) -> np.ndarray:
    """``coverage[column]`` (a date) for each count row's province, NaT where the province has no coverage row.

    Looked up by reindexing, which keeps the dates' type even when the coverage table is empty (a real
    database before its coverage table is loaded); ``Series.map`` turned an empty lookup into floats.
    """
    dates = pd.Series(coverage[column].to_numpy(dtype="datetime64[ns]"),
                      index=coverage["province_code"].astype(str).to_numpy())
    return dates.reindex(counts["province_code"].astype(str).to_numpy()).to_numpy(dtype="datetime64[ns]")


def in_coverage(counts: pd.DataFrame, coverage: pd.DataFrame) -> np.ndarray:
    """True for count rows reported while their province was covered (none, with no coverage table)."""
    start = _per_row(counts, coverage, "start_date")
    end = _per_row(counts, coverage, "end_date")
    dates = counts["date"].to_numpy()
    return ~np.isnat(start) & (dates >= start) & (np.isnat(end) | (dates <= end))


def outside_coverage(counts: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """Cases in the filter reported outside their province's coverage, by reason."""
    sub = counts[filter_mask(counts, filters)]
    inside = in_coverage(sub, coverage)
    starts = _per_row(sub, coverage, "start_date")
    never = np.isnat(starts)
    before = ~never & (sub["date"].to_numpy() < starts)
    n = sub["n"].to_numpy()
    return {"cases": int(n[~inside].sum()), "before_start": int(n[before].sum()),
            "after_end": int(n[~inside & ~never & ~before].sum()), "never_covered": int(n[never].sum())}


def by_province(counts: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters(),
                census: str = "2008") -> pd.DataFrame:
    """:func:`metrics.by_province` plus covered days, person-years and cases per 100,000 person-years.

    ``cases_in_coverage`` counts the cases reported while the province was
    covered: the numerator of the person-time rate.
    """
    frame = metrics.by_province(counts, filters, census)
    start, end = period(filters, counts)
    sub = counts[filter_mask(counts, filters)]
    inside = sub[in_coverage(sub, coverage)]
    cases_in = inside.groupby("province_code", observed=False)["n"].sum()
    days = covered_days(coverage, start, end)
    codes = frame["province_code"]
    frame["cases_in_coverage"] = cases_in.reindex(codes, fill_value=0).to_numpy().astype(int)
    frame["covered_days"] = days.reindex(codes).to_numpy()
    frame["person_years"] = frame["population"] * frame["covered_days"] / DAYS_PER_YEAR
    frame["per_100k_person_years"] = frame["cases_in_coverage"] / frame["person_years"].where(
        frame["person_years"] > 0) * PER
    return frame


def _month_bounds(first: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    """The first day of each month since ``first`` (month 0 starts on ``first``), ``months + 1`` of them."""
    return pd.DatetimeIndex([first + pd.DateOffset(months=k) for k in range(months + 1)])


def since_arrival(counts: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters(),
                  census: str = "2008") -> pd.DataFrame:
    """Cases, arrest rate and cases per 100,000 person-years by months since coverage start, pooled over provinces.

    Month 0 is the first month after a province's start date. Each province
    adds its person-time only for the months it was covered within the
    selected period, so a late province does not pull down the later months.
    """
    start, end = period(filters, counts)
    population = metrics.population(census)
    sub = counts[filter_mask(counts, filters)]
    sub = sub[in_coverage(sub, coverage)]
    spans = _spans(coverage, start, end)
    chosen = set(filters.provinces) if filters.provinces else None
    cases, arrests, years, rate_cases, provinces = {}, {}, {}, {}, {}
    for code, cov_start, first, last in zip(spans["province_code"], coverage["start_date"], spans["first"],
                                            spans["last"]):
        if (chosen is not None and code not in chosen) or pd.isna(first):
            continue
        count = (last.year - cov_start.year) * 12 + last.month - cov_start.month + 1
        bounds = _month_bounds(cov_start, count)
        # days covered in each month since start, within the selected period
        lo = np.maximum(bounds[:-1].to_numpy(), first.to_datetime64())
        hi = np.minimum((bounds[1:] - timedelta(days=1)).to_numpy(), last.to_datetime64())
        days = np.maximum((hi - lo).astype("timedelta64[D]").astype(int) + 1, 0)
        part = sub[(sub["province_code"] == code).to_numpy()]
        month = np.searchsorted(bounds.to_numpy(), part["date"].to_numpy(), side="right") - 1
        got_cases = np.bincount(month, weights=part["n"].to_numpy(), minlength=count)[:count]
        got_arrests = np.bincount(month, weights=part["arrests"].to_numpy(), minlength=count)[:count]
        pop = population.get(code, np.nan)
        for k in np.flatnonzero(days > 0):
            provinces[k] = provinces.get(k, 0) + 1
            cases[k] = cases.get(k, 0) + got_cases[k]
            arrests[k] = arrests.get(k, 0) + got_arrests[k]
            if not np.isnan(pop):
                years[k] = years.get(k, 0.0) + pop * days[k] / DAYS_PER_YEAR
                rate_cases[k] = rate_cases.get(k, 0) + got_cases[k]
    months = sorted(provinces)
    out = pd.DataFrame({"months_since_start": months, "provinces": [provinces[k] for k in months],
                        "cases": [int(cases[k]) for k in months], "arrests": [int(arrests[k]) for k in months],
                        "person_years": [years.get(k, 0.0) for k in months]})
    out["arrest_rate"] = out["arrests"] / out["cases"].where(out["cases"] > 0)
    intervals = [wilson_interval(a, c) for a, c in zip(out["arrests"], out["cases"])]
    out["ci_low"] = [ci[0] if ci else np.nan for ci in intervals]
    out["ci_high"] = [ci[1] if ci else np.nan for ci in intervals]
    out["per_100k_person_years"] = [rate_cases.get(k, 0) / years[k] * PER if years.get(k) else np.nan for k in months]
    return out


FREQUENCIES = ("year", "quarter")


def by_province_frames(counts: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters(),
                       census: str = "2008", freq: str = "year") -> list[tuple[str, date, pd.DataFrame]]:
    """:func:`by_province` for each calendar year or quarter of the selected period (clipped to it).

    The frames of small multiples and playback: (label such as ``2014`` or ``2014Q3``, last day, frame).
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"unknown frequency {freq!r}; use one of {', '.join(FREQUENCIES)}")
    start, end = period(filters, counts)
    if start is None:
        first = counts["date"].min()
        start = first.date() if pd.notna(first) else end
    step = 12 if freq == "year" else 3
    cursor = date(start.year, 1 if freq == "year" else (start.month - 1) // 3 * 3 + 1, 1)
    frames = []
    while cursor <= end:
        following = (pd.Timestamp(cursor) + pd.DateOffset(months=step)).date()
        last = min(end, following - timedelta(days=1))
        part = replace(filters, start=max(start, cursor), end=last)
        label = str(cursor.year) if freq == "year" else f"{cursor.year}Q{(cursor.month - 1) // 3 + 1}"
        frames.append((label, last, by_province(counts, coverage, part, census)))
        cursor = following
    return frames
