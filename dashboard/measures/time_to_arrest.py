"""Time from report to arrest: percentiles, shares within 7 and 30 days, Kaplan–Meier curves.

Everything here reads the table :func:`arrest_times` builds once per data
version (:func:`times_of`): per case, its status and number of days;
the functions also accept such rows aggregated with a count ``n``.
A case without an arrest is *censored* at the data's follow-up end (its last
report day, the "data as of" day every page shows): it is known to have had
no arrest for that many days, and the Kaplan–Meier estimator uses exactly that.
An arrest dated after that day still counts as an arrest, on its own day.

The Kaplan–Meier estimator and the log-rank test are small implementations
here, on arrests and censored cases *per day*. lifelines cannot be used (its
current release requires pandas < 3, and brings matplotlib), and SciPy's
``stats.ecdf``/``stats.logrank`` take raw observations only: 0.3–0.5 s per
curve at a million cases, against milliseconds from daily counts. The tests
check both against SciPy on the demo data, and against a hand-worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_
from dashboard.measures.filters import DIMENSIONS, Filters, filter_mask
from dashboard.measures.stats import Z95

#: Status of a case for this measure, in this order: the first two can be timed, the two "excluded" ones cannot.
#: Stored and exported in English; the interface shows them through gettext.
ARRESTED, NO_ARREST = N_("arrest"), N_("no arrest yet")
NO_DATE, BEFORE_REPORT = N_("arrest without a date"), N_("arrest dated before the report")
STATUSES = (ARRESTED, NO_ARREST, NO_DATE, BEFORE_REPORT)
EXCLUDED = (NO_DATE, BEFORE_REPORT)
WITHIN = (7, 30)
GROUPS = ("province", "offence", "quarter")


def follow_up_end(cases: pd.DataFrame) -> pd.Timestamp | None:
    """The data's last report day (``Dataset.as_of``): where cases without arrest are censored.

    Not a later arrest day: the pages say "data as of" the last report day, and the censoring date is the same.
    """
    if cases.empty:
        return None
    return cases["date"].max()


def arrest_times(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per case: date, each filter dimension's column, status, days and ``n`` (1): the input of every
    measure here.

    ``days`` is report to arrest for arrests, report to follow-up end for
    cases without an arrest, and -1 for the excluded statuses. Built once per
    data version (:func:`times_of`); a few columns of small integers.
    """
    end = follow_up_end(cases)
    end = end.to_datetime64() if end is not None else np.datetime64("NaT", "ns")
    reported = cases["date"].to_numpy()
    arrest_date = cases["arrest_date"].to_numpy()
    arrest = cases["arrest"].to_numpy(dtype=bool)
    dated = ~np.isnat(arrest_date)
    to_arrest = (arrest_date - reported).astype("timedelta64[D]").astype("int64", copy=False)
    to_end = (end - reported).astype("timedelta64[D]").astype("int64")
    status = np.select([~arrest, ~dated, to_arrest < 0], [1, 2, 3], default=0).astype("int8")
    days = np.select([status == 0, status == 1], [to_arrest, to_end], default=-1).astype("int32")
    return pd.DataFrame({"date": reported, **{d.column: d.values_in(cases).array for d in DIMENSIONS},
                         "status": pd.Categorical.from_codes(status, STATUSES), "days": days,
                         "n": np.ones(len(cases), dtype="int8")})


def times_of(dataset: Dataset) -> pd.DataFrame:
    """The dataset's :func:`arrest_times`, built once per dataset."""
    return dataset.table("arrest_times", arrest_times)


def histogram_quantiles(per_day: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of days given how many arrests took each number of days (0, 1, 2, ...).

    Interpolated as numpy's default ('linear'): the same as ``np.percentile`` on the days listed one by one.
    """
    days = np.flatnonzero(per_day)
    cum = np.cumsum(per_day[days])
    total = int(round(cum[-1]))
    out = []
    for q in qs:
        h = (total - 1) * q
        lo = int(np.floor(h))
        at_lo = days[np.searchsorted(cum, lo, side="right")]
        at_hi = days[np.searchsorted(cum, min(lo + 1, total - 1), side="right")]
        out.append(float(at_lo + (h - lo) * (at_hi - at_lo)))
    return out


def _describe(sub: pd.DataFrame, codes: np.ndarray, groups: int) -> list[dict]:
    """Per group (``codes`` 0..groups-1 per row): cases by status, percentiles of days and within-N shares.

    Two histograms (status by group, days by group) carry everything: no sorting, no per-group frames.
    """
    status = sub["status"].cat.codes.to_numpy().astype(np.int64)  # positions in STATUSES
    n = sub["n"].to_numpy()
    by_status = np.bincount(codes * len(STATUSES) + status, weights=n,
                            minlength=groups * len(STATUSES)).reshape(groups, len(STATUSES))
    timed = status == STATUSES.index(ARRESTED)
    days = sub["days"].to_numpy()[timed]
    size = int(days.max()) + 1 if days.size else 1
    per_day = np.bincount(codes[timed] * size + days, weights=n[timed], minlength=groups * size).reshape(groups, size)
    rows = []
    for g in range(groups):
        arrests = int(by_status[g, STATUSES.index(ARRESTED)])
        row = {"cases": int(by_status[g].sum()), "arrests_timed": arrests,
               "no_arrest_yet": int(by_status[g, STATUSES.index(NO_ARREST)]),
               "excluded": int(sum(by_status[g, STATUSES.index(s)] for s in EXCLUDED)),
               "excluded_by_reason": {s: int(by_status[g, STATUSES.index(s)]) for s in EXCLUDED}}
        if arrests:
            row["p25_days"], row["median_days"], row["p75_days"] = histogram_quantiles(per_day[g], (0.25, 0.5, 0.75))
            for limit in WITHIN:
                row[f"within_{limit}_days_share"] = float(per_day[g, :limit + 1].sum() / arrests)
        else:
            row.update({"p25_days": np.nan, "median_days": np.nan, "p75_days": np.nan,
                        **{f"within_{limit}_days_share": np.nan for limit in WITHIN}})
        rows.append(row)
    return rows


def headline(times: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """Median and quartiles of days to arrest, shares within 7 and 30 days, and exclusions by reason."""
    sub = times[filter_mask(times, filters)]
    return _describe(sub, np.zeros(len(sub), dtype=np.int64), 1)[0]


def summary_keys(times: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """The keys ``summary --json`` adds (None where there is no timed arrest)."""
    row = headline(times, filters)

    def value(key: str) -> float | None:
        return None if pd.isna(row[key]) else row[key]

    return {"median_days_to_arrest": value("median_days"),
            "arrests_within_7_days_share": value("within_7_days_share"),
            "arrests_within_30_days_share": value("within_30_days_share"),
            "cases_excluded_from_time_to_arrest": row["excluded"]}


def by_group(times: pd.DataFrame, filters: Filters = Filters(), by: str = "province") -> pd.DataFrame:
    """One row per province, offence or quarter (of the report date) with the figures of :func:`headline`."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPS)}")
    sub = times[filter_mask(times, filters)]
    if by == "quarter":
        months = sub["date"].to_numpy().astype("datetime64[M]").astype(np.int64)
        codes, keys = pd.factorize(months // 3, sort=True)  # quarters since 1970
        labels = [f"{k // 4 + 1970}Q{k % 4 + 1}" for k in keys]
    else:
        column = sub["province_code" if by == "province" else "offence"]
        codes, labels = column.cat.codes.to_numpy().astype(np.int64), list(column.cat.categories)
    rows = _describe(sub, codes, len(labels))
    frame = pd.DataFrame(rows, columns=["cases", "arrests_timed", "no_arrest_yet", "excluded", "p25_days",
                                        "median_days", "p75_days", *[f"within_{d}_days_share" for d in WITHIN]])
    frame.insert(0, by, labels)
    frame = frame[frame["cases"] > 0].reset_index(drop=True)
    if by == "province":
        gaz = load_gazetteer()
        frame.insert(1, "province_name", [gaz[c].name_en for c in frame["province"]])
    return frame


@dataclass
class Survival:
    """Kaplan–Meier curves of the share of cases still without an arrest, by group."""

    curve: pd.DataFrame  # group, days, still_without_arrest, ci_low, ci_high, at_risk
    groups: pd.DataFrame  # group, cases, arrests, censored, median_days (KM; NaN if never down to 50%)
    logrank_p: float | None  # province against the rest; None without a comparison


def kaplan_meier(arrests: np.ndarray, censored: np.ndarray, z: float = Z95) -> pd.DataFrame:
    """Product-limit estimate from arrests and censored cases per day, with the log-log 95% band.

    On a day with both, censored cases count as still at risk (the usual
    convention). One row per day with an arrest or a censored case.
    """
    at_risk = (arrests + censored)[::-1].cumsum()[::-1]
    days = np.flatnonzero((arrests + censored) > 0)
    d, n = arrests[days], at_risk[days]
    share = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(n > d, d / (n * (n - d)), 0.0))
        se = np.sqrt(greenwood) / np.abs(np.log(share))
        low = np.where((share > 0) & (share < 1), share ** np.exp(z * se), np.where(share >= 1, 1.0, 0.0))
        high = np.where((share > 0) & (share < 1), share ** np.exp(-z * se), np.where(share >= 1, 1.0, 0.0))
    return pd.DataFrame({"days": days, "still_without_arrest": share, "ci_low": low, "ci_high": high,
                         "at_risk": n.astype(int), "arrests": d.astype(int), "censored": censored[days].astype(int)})


def logrank_p(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> float | None:
    """Two-sided p-value of the log-rank test that two groups share one curve (None without arrests)."""
    d1, c1 = first
    d2, c2 = second
    n1 = (d1 + c1)[::-1].cumsum()[::-1]
    n2 = (d2 + c2)[::-1].cumsum()[::-1]
    d, n = d1 + d2, n1 + n2
    use = (d > 0) & (n > 1)
    if not use.any():
        return None
    d, n, d1, n1, n2 = d[use], n[use], d1[use], n1[use], n2[use]
    variance = float(np.sum(d * (n1 / n) * (n2 / n) * (n - d) / (n - 1)))
    if variance <= 0:
        return None
    statistic = float(np.sum(d1 - d * n1 / n)) ** 2 / variance
    return math.erfc(math.sqrt(statistic / 2))  # chi-squared, 1 degree of freedom


def survival(times: pd.DataFrame, filters: Filters = Filters(), province: str | None = None) -> Survival:
    """Share still without arrest after N days: all selected cases, or ``province`` against the rest.

    "The rest" is the other provinces in the filter (all others without one).
    Excluded cases (see :data:`EXCLUDED`) are left out. Works on counts per
    day, so a million cases cost what a thousand do.
    """
    status = times["status"].cat.codes.to_numpy()
    keep = filter_mask(times, filters) & (status <= STATUSES.index(NO_ARREST))  # arrests and cases without one
    days = times["days"].to_numpy()[keep]
    group = (times["province_code"] == province).to_numpy()[keep].astype(np.int64) if province \
        else np.zeros(len(days), dtype=np.int64)
    arrested = (status[keep] == STATUSES.index(ARRESTED)).astype(np.int64)
    size = int(days.max()) + 1 if days.size else 1
    # one histogram: [group][censored, arrested][day]
    counts = np.bincount((group * 2 + arrested) * size + days, weights=times["n"].to_numpy()[keep],
                         minlength=2 * 2 * size).reshape(2, 2, size)
    names = [(1, province), (0, "rest")] if province else [(0, "all")]
    curves, infos, histograms = [], [], []
    for index, name in names:
        histogram = (counts[index, 1], counts[index, 0])  # arrests, censored
        if not (histogram[0].sum() + histogram[1].sum()):
            continue
        curve = kaplan_meier(*histogram)
        if curve["days"].iloc[0] > 0:  # the curve starts at 1 on day 0 unless there are same-day arrests
            curve = pd.concat([pd.DataFrame({"days": [0], "still_without_arrest": [1.0], "ci_low": [1.0],
                                             "ci_high": [1.0], "at_risk": [curve["at_risk"].iloc[0]],
                                             "arrests": [0], "censored": [0]}), curve], ignore_index=True)
        below = curve[curve["still_without_arrest"] <= 0.5]
        infos.append({"group": name, "cases": int(histogram[0].sum() + histogram[1].sum()),
                      "arrests": int(histogram[0].sum()),
                      "censored": int(histogram[1].sum()),
                      "median_days": float(below["days"].iloc[0]) if len(below) else np.nan})
        curves.append(curve.assign(group=name))
        histograms.append(histogram)
    p_value = logrank_p(*histograms) if province and len(histograms) == 2 else None
    columns = ["group", "days", "still_without_arrest", "ci_low", "ci_high", "at_risk", "arrests", "censored"]
    return Survival(pd.concat(curves, ignore_index=True)[columns] if curves else pd.DataFrame(columns=columns),
                    pd.DataFrame(infos, columns=["group", "cases", "arrests", "censored", "median_days"]), p_value)
