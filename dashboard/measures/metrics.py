"""Metrics over case and coverage data: pure functions, no Streamlit.

Every function takes already-loaded frames (see :mod:`dashboard.data.store`) and
a :class:`~dashboard.measures.filters.Filters`. Case frames may be the case rows or
their daily counts (:func:`~dashboard.measures.filters.counts_for`); the answers are
the same, and on counts they cost the same at a million cases as at a
thousand. Population figures come from the 2008
census by default (complete and official, and nearest the programme's
start); pass ``census="2019"`` for the 2019 figures where they exist.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.data.dataset import latest_case
from dashboard.data.schema import NOT_RECORDED, OFFENCES
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_
from dashboard.measures.filters import DIMENSION_BY_KEY, Filters, counts_of, filter_mask, filtered_counts
from dashboard.measures.stats import wilson_interval

CENSUS_NOTE = {"2008": N_("2008 General Population Census (NIS)"), "2019": N_("2019 General Population Census (NIS)")}
MIN_CASES_TO_RANK = 10


def population(census: str = "2008") -> pd.Series:
    """Population by province code; NaN where the census has no figure."""
    gaz = load_gazetteer()
    values = {c: (p.pop_2008 if census == "2008" else p.pop_2019) for c, p in gaz.items()}
    return pd.Series(values, dtype="float64")


def area() -> pd.Series:
    return pd.Series({c: p.area_km2 for c, p in load_gazetteer().items()}, dtype="float64")


def month_start(dates: pd.Series) -> np.ndarray:
    """First day of each date's month, as datetime64[ns] (much faster than .dt.to_period)."""
    return dates.to_numpy().astype("datetime64[M]").astype("datetime64[ns]")


def years(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy().astype("datetime64[Y]").astype(int) + 1970


def quarter_labels(dates: pd.Series) -> pd.Series:
    """Each date's quarter as text, e.g. ``2014Q1`` (sorts in time order)."""
    months = dates.to_numpy().astype("datetime64[M]").astype(int)
    codes, uniques = pd.factorize((months // 12 + 1970) * 10 + months % 12 // 3 + 1)
    labels = np.array([f"{k // 10}Q{k % 10}" for k in uniques], dtype=object)
    return pd.Series(labels[codes], index=dates.index, dtype=object)


def _filtered_counts(cases: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    return filtered_counts(cases, filters)


# ---------------------------------------------------------------- coverage


def active_provinces(coverage: pd.DataFrame, day: date) -> list[str]:
    """Province codes the programme operates in on ``day``."""
    ts = np.datetime64(day, "ns")
    start = coverage["start_date"].to_numpy()
    end = coverage["end_date"].to_numpy()
    active = (start <= ts) & (np.isnat(end) | (end >= ts))
    return sorted(coverage["province_code"].to_numpy()[active].tolist())


def coverage_at(coverage: pd.DataFrame, day: date, provinces: tuple[str, ...] = (), census: str = "2008") -> dict:
    """Provinces active on ``day`` and the share of population and area they hold.

    With a province filter, shares are of the selected provinces.
    """
    universe = list(provinces) if provinces else list(load_gazetteer())
    active = [c for c in active_provinces(coverage, day) if c in universe]
    pop = population(census)[universe]
    ar = area()[universe]
    return {
        "date": day.isoformat(),
        "provinces": active,
        "provinces_covered": len(active),
        "provinces_total": len(universe),
        "population_covered_share": float(pop[active].sum() / pop.sum()) if pop.sum() else None,
        "area_covered_share": float(ar[active].sum() / ar.sum()),
        "census": census,
    }


def coverage_timeline(coverage: pd.DataFrame, start: date, end: date, census: str = "2008") -> pd.DataFrame:
    """Monthly covered share of population and area from ``start`` to ``end`` (and on ``end`` itself)."""
    days = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")
    if not len(days) or days[-1] != pd.Timestamp(end):
        days = days.append(pd.DatetimeIndex([pd.Timestamp(end)]))
    codes = list(load_gazetteer())
    pop = population(census)[codes].fillna(0).to_numpy()
    ar = area()[codes].to_numpy()
    index = {c: i for i, c in enumerate(codes)}
    when = days.to_numpy()[:, None]
    active = np.zeros((len(days), len(codes)), dtype=bool)
    cols = [index[c] for c in coverage["province_code"]]
    start_dates = coverage["start_date"].to_numpy()[None, :]
    end_dates = coverage["end_date"].to_numpy()[None, :]
    on = (start_dates <= when) & (np.isnat(end_dates) | (end_dates >= when))
    for j, col in enumerate(cols):
        active[:, col] |= on[:, j]
    return pd.DataFrame({"date": days, "provinces_covered": active.sum(axis=1),
                         "population_share": active @ pop / pop.sum(), "area_share": active @ ar / ar.sum()})


def coverage_table(coverage: pd.DataFrame, day: date) -> pd.DataFrame:
    """One row per province: names, start and end dates, whether covered on ``day``, population and area."""
    gaz = load_gazetteer()
    active = set(active_provinces(coverage, day))
    rows = []
    for code, p in gaz.items():
        match = coverage[coverage["province_code"] == code]
        start = match["start_date"].iloc[0].date() if len(match) else None
        end = match["end_date"].iloc[0] if len(match) else None
        rows.append({"province_code": code, "province": p.name_en, "province_km": p.name_km,
                     "start_date": start, "end_date": None if end is None or pd.isna(end) else end.date(),
                     "covered_on_date": code in active, "population_2008": p.pop_2008, "area_km2": p.area_km2})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- cases


def period_end(filters: Filters, as_of: date | None, today: date | None = None) -> date:
    """The day a view describes: the filter's end, else the latest case, else today (coverage, no cases yet)."""
    return filters.end or as_of or today or date.today()


def shown_span(filters: Filters, as_of: date | None) -> tuple[date | None, date | None]:
    """The first and last day a trend chart's data cover: the filter's bounds, and never past the last case.

    A month or quarter that runs past either end is partial (see ``render.charts.partial_periods``).
    """
    end = min(filters.end, as_of) if filters.end and as_of else (filters.end or as_of)
    return filters.start, end


def summary(cases: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters(), census: str = "2008") -> dict:
    """Headline figures for the filtered period (the CLI's ``summary --json``)."""
    counts = counts_of(cases, filters)
    sub = counts[filter_mask(counts, filters)]
    n = int(sub["n"].sum())
    arrests = int(sub["arrests"].sum())
    end = period_end(filters, latest_case(counts))
    cov = coverage_at(coverage, end, filters.provinces, census)
    year = end.year
    this_year = int(sub["n"].to_numpy()[years(sub["date"]) == year].sum())
    ci = wilson_interval(arrests, n)
    return {
        "cases": n,
        "arrests": arrests,
        "arrest_rate": arrests / n if n else None,
        "arrest_rate_ci95": list(ci) if ci else None,
        "provinces_with_cases": int(sub["province_code"].nunique()),
        "provinces_covered": cov["provinces_covered"],
        "provinces_total": cov["provinces_total"],
        "population_covered_share": cov["population_covered_share"],
        "area_covered_share": cov["area_covered_share"],
        "first_case": sub["date"].min().date().isoformat() if n else None,
        "last_case": sub["date"].max().date().isoformat() if n else None,
        "period_end": end.isoformat(),
        "year": year,
        "cases_this_year": this_year,
        "census": CENSUS_NOTE[census],
    }


def by_province(cases: pd.DataFrame, filters: Filters = Filters(), census: str = "2008") -> pd.DataFrame:
    """One row per province (all 25): cases, arrests, arrest rate with Wilson CI, rate per 100,000."""
    sub = _filtered_counts(cases, filters)
    codes = list(load_gazetteer())
    sums = sub.groupby("province_code", observed=False)[["n", "arrests"]].sum().reindex(codes, fill_value=0)
    n = sums["n"].to_numpy().astype(int)
    k = sums["arrests"].to_numpy().astype(int)
    gaz = load_gazetteer()
    pop = population(census)[codes].to_numpy()
    intervals = [wilson_interval(int(a), int(c)) for a, c in zip(k, n)]
    frame = pd.DataFrame({
        "province_code": codes,
        "province": [gaz[c].name_en for c in codes],
        "province_km": [gaz[c].name_km for c in codes],
        "cases": n,
        "arrests": k,
        "arrest_rate": np.where(n > 0, k / np.maximum(n, 1), np.nan),
        "ci_low": [ci[0] if ci else np.nan for ci in intervals],
        "ci_high": [ci[1] if ci else np.nan for ci in intervals],
        "population": pop,
        "per_100k": n / pop * 100_000,
    })
    frame["ranked"] = frame["cases"] >= MIN_CASES_TO_RANK
    return frame


def monthly(cases: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Cases and arrests per month (gaps filled with 0) with the cumulative count."""
    sub = _filtered_counts(cases, filters)
    if sub.empty:
        return pd.DataFrame(columns=["month", "cases", "arrests", "cumulative"])
    month = pd.Series(month_start(sub["date"]), index=sub.index, name="month")
    grouped = sub.groupby(month)[["n", "arrests"]].sum().rename(columns={"n": "cases"})
    first = pd.Timestamp(filters.start).to_period("M").to_timestamp() if filters.start else grouped.index.min()
    last = pd.Timestamp(filters.end).to_period("M").to_timestamp() if filters.end else grouped.index.max()
    full = grouped.reindex(pd.date_range(min(first, grouped.index.min()), max(last, grouped.index.max()), freq="MS"),
                           fill_value=0)
    out = full.reset_index(names="month")
    out["cases"] = out["cases"].astype(int)
    out["arrests"] = out["arrests"].astype(int)
    out["cumulative"] = out["cases"].cumsum()
    return out


def arrest_rate_over_time(cases: pd.DataFrame, filters: Filters = Filters(), freq: str = "Q") -> pd.DataFrame:
    """Arrest rate with Wilson 95% interval per period: ``"Q"`` quarters (2014Q1) or ``"M"`` months."""
    sub = _filtered_counts(cases, filters)
    if sub.empty:
        return pd.DataFrame(columns=["period", "cases", "arrests", "arrest_rate", "ci_low", "ci_high"])
    if freq == "Q":
        key = quarter_labels(sub["date"])
    else:
        key = pd.Series(month_start(sub["date"]), index=sub.index).dt.strftime("%Y-%m")
    grouped = sub.groupby(key.rename("period"))[["n", "arrests"]].sum().reset_index().rename(columns={"n": "cases"})
    grouped["cases"] = grouped["cases"].astype(int)
    grouped["arrests"] = grouped["arrests"].astype(int)
    grouped["arrest_rate"] = grouped["arrests"] / grouped["cases"]
    cis = [wilson_interval(a, c) for a, c in zip(grouped["arrests"], grouped["cases"])]
    grouped["ci_low"] = [ci[0] for ci in cis]
    grouped["ci_high"] = [ci[1] for ci in cis]
    return grouped


def by_offence(cases: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    sub = _filtered_counts(cases, filters)
    counts = sub.groupby("offence", observed=False)[["n", "arrests"]].sum()
    counts = counts.reindex(list(OFFENCES), fill_value=0).rename(columns={"n": "cases"}).reset_index()
    counts["cases"] = counts["cases"].astype(int)
    counts["arrests"] = counts["arrests"].astype(int)
    counts["share"] = counts["cases"] / counts["cases"].sum() if counts["cases"].sum() else 0.0
    return counts


def by_victim(cases: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Cases by victim age band and sex, ``not recorded`` included: internal (analyst) views only.

    Needs case rows, not counts. The bands and sexes are the filters' (``age``, ``sex``): every age band, the
    sexes the data holds, and ``not recorded`` where some case has it.
    """
    mask = filter_mask(cases, filters)
    age, sex = (DIMENSION_BY_KEY[key].values_in(cases) for key in ("age", "sex"))
    if not (age == NOT_RECORDED).any():
        age = age.cat.remove_categories([NOT_RECORDED])
    table = pd.DataFrame({"age_band": age[mask], "sex": sex.cat.remove_unused_categories()[mask]})
    out = table.groupby(["age_band", "sex"], observed=False).size()
    return out.rename("cases").reset_index()
