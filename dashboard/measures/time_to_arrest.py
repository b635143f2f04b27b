"""Time from report to arrest: percentiles, shares within 7 and 30 days, Kaplan–Meier curves.

Everything here reads the compact table :func:`arrest_time_counts` builds once
per data version (``Dataset.arrest_times``): one row per report date,
province, offence, status and number of days, with the number of cases ``n``.
A case without an arrest is *censored* at the data's follow-up end (the
latest date the data holds, report or arrest): it is known to have had no
arrest for that many days, and the Kaplan–Meier estimator uses exactly that.

The Kaplan–Meier estimator is SciPy's (:func:`scipy.stats.ecdf` on right-censored
data), with :func:`scipy.stats.logrank` to compare a province with the rest.
SciPy is already a dependency; lifelines would pin pandas below 3 and bring
matplotlib.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.data.schema import OFFENCES
from dashboard.measures.filters import Filters
from dashboard.measures.metrics import filter_mask, quarter_labels

#: Status of a case for this measure. The two "excluded" ones cannot be timed.
ARRESTED, NO_ARREST = "arrest", "no arrest yet"
NO_DATE, BEFORE_REPORT = "arrest without a date", "arrest dated before the report"
STATUSES = (ARRESTED, NO_ARREST, NO_DATE, BEFORE_REPORT)
EXCLUDED = (NO_DATE, BEFORE_REPORT)
WITHIN = (7, 30)
GROUPS = ("province", "offence", "quarter")


def follow_up_end(cases: pd.DataFrame) -> pd.Timestamp | None:
    """The latest date the data holds (a report or an arrest): where cases without arrest are censored."""
    if cases.empty:
        return None
    latest_arrest = cases["arrest_date"].max()
    return cases["date"].max() if pd.isna(latest_arrest) else max(cases["date"].max(), latest_arrest)


def arrest_time_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases counted by (date, province_code, offence, status, days): the input of every measure here.

    ``days`` is report to arrest for arrests, report to follow-up end for
    cases without an arrest, and -1 for the excluded statuses.
    """
    end = follow_up_end(cases)
    end = end.to_datetime64() if end is not None else np.datetime64("NaT", "ns")
    reported = cases["date"].to_numpy()
    arrest_date = cases["arrest_date"].to_numpy()
    arrest = cases["arrest"].to_numpy(dtype=bool)
    dated = ~np.isnat(arrest_date)
    to_arrest = (arrest_date - reported).astype("timedelta64[D]").astype("int64", copy=False)
    to_end = (end - reported).astype("timedelta64[D]").astype("int64")
    status = np.select([~arrest, ~dated, to_arrest < 0], [1, 2, 3], default=0)
    days = np.select([status == 0, status == 1], [to_arrest, to_end], default=-1).astype("int32")
    frame = pd.DataFrame({"date": reported, "province_code": cases["province_code"], "offence": cases["offence"],
                          "status": pd.Categorical.from_codes(status, STATUSES), "days": days})
    out = frame.groupby(["date", "province_code", "offence", "status", "days"], observed=True, sort=True).size()
    return out.rename("n").reset_index()


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of ``values`` each repeated ``weights`` times, interpolated as numpy's default ('linear')."""
    order = np.argsort(values, kind="stable")
    v, cum = values[order], np.cumsum(weights[order])
    total = int(cum[-1])
    out = []
    for q in qs:
        h = (total - 1) * q
        lo = int(np.floor(h))
        at_lo = v[np.searchsorted(cum, lo, side="right")]
        at_hi = v[np.searchsorted(cum, min(lo + 1, total - 1), side="right")]
        out.append(float(at_lo + (h - lo) * (at_hi - at_lo)))
    return out


def _describe(sub: pd.DataFrame) -> dict:
    """Arrests timed, percentiles, within-N shares, censored and excluded counts of one group."""
    status = sub["status"].to_numpy()
    n = sub["n"].to_numpy()
    timed = status == ARRESTED
    arrests = int(n[timed].sum())
    row: dict = {"cases": int(n.sum()), "arrests_timed": arrests, "no_arrest_yet": int(n[status == NO_ARREST].sum()),
                 "excluded": int(n[np.isin(status, EXCLUDED)].sum())}
    if arrests:
        days = sub["days"].to_numpy()[timed]
        row["p25_days"], row["median_days"], row["p75_days"] = weighted_quantiles(days, n[timed], (0.25, 0.5, 0.75))
        for limit in WITHIN:
            row[f"within_{limit}_days_share"] = float(n[timed][days <= limit].sum() / arrests)
    else:
        row.update({"p25_days": np.nan, "median_days": np.nan, "p75_days": np.nan,
                    **{f"within_{limit}_days_share": np.nan for limit in WITHIN}})
    return row


def headline(times: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """Median and quartiles of days to arrest, shares within 7 and 30 days, and exclusions by reason."""
    sub = times[filter_mask(times, filters)]
    row = _describe(sub)
    by_reason = sub[sub["status"].isin(EXCLUDED)].groupby("status", observed=False)["n"].sum()
    row["excluded_by_reason"] = {reason: int(by_reason.get(reason, 0)) for reason in EXCLUDED}
    return row


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
    """One row per province, offence or quarter (of the report date) with the figures of :func:`_describe`."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPS)}")
    sub = times[filter_mask(times, filters)]
    if by == "quarter":
        keys = quarter_labels(sub["date"])
        order = sorted(set(keys))
    elif by == "province":
        keys = sub["province_code"].astype(str)
        order = [c for c in load_gazetteer() if c in set(keys)]
    else:
        keys = sub["offence"].astype(str)
        order = [o for o in OFFENCES if o in set(keys)]
    rows = [{by: key, **_describe(part)} for key, part in sub.groupby(keys.to_numpy(), sort=False)]
    frame = pd.DataFrame(rows, columns=[by, "cases", "arrests_timed", "no_arrest_yet", "excluded", "p25_days",
                                        "median_days", "p75_days", *[f"within_{d}_days_share" for d in WITHIN]])
    frame = frame.set_index(by).reindex(order).reset_index()
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


def _censored(times: np.ndarray, events: np.ndarray):
    """SciPy's right-censored sample: days to arrest (events), days without arrest so far (censored)."""
    from scipy import stats  # imported here: scipy.stats takes a second to import, and only these curves need it

    return stats.CensoredData(uncensored=times[events], right=times[~events])


def _km(times: np.ndarray, events: np.ndarray, group: str) -> tuple[pd.DataFrame, dict]:
    """One Kaplan–Meier curve (with its log-log 95% band) as steps: the value holds from each day on."""
    from scipy import stats

    sf = stats.ecdf(_censored(times, events)).sf
    with warnings.catch_warnings():  # undefined where the share is 0 or 1: the band is closed there (below)
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        ci = sf.confidence_interval(method="log-log")
    grid = np.concatenate([[0.0], sf.quantiles])
    probs = np.concatenate([[1.0], sf.probabilities])
    low = np.concatenate([[1.0], np.nan_to_num(ci.low.probabilities, nan=0.0)])
    high = np.concatenate([[1.0], np.nan_to_num(ci.high.probabilities, nan=1.0)])
    if sf.quantiles.size and sf.quantiles[0] == 0.0:  # same-day arrests: below 1 from day 0
        grid, probs, low, high = grid[1:], probs[1:], low[1:], high[1:]
    at_risk = len(times) - np.searchsorted(np.sort(times), grid, side="left")
    curve = pd.DataFrame({"group": group, "days": grid.astype(int), "still_without_arrest": probs,
                          "ci_low": low, "ci_high": high, "at_risk": at_risk})
    below = np.flatnonzero(sf.probabilities <= 0.5)
    arrests = int(events.sum())
    info = {"group": group, "cases": len(times), "arrests": arrests, "censored": len(times) - arrests,
            "median_days": float(sf.quantiles[below[0]]) if below.size else np.nan}
    return curve, info


def survival(times: pd.DataFrame, filters: Filters = Filters(), province: str | None = None) -> Survival:
    """Share still without arrest after N days: all selected cases, or ``province`` against the rest.

    "The rest" is the other provinces in the filter (all others without one).
    Excluded cases (see :data:`EXCLUDED`) are left out.
    """
    sub = times[filter_mask(times, filters) & ~times["status"].isin(EXCLUDED).to_numpy()]
    parts = [("all", sub)]
    if province:
        inside = (sub["province_code"] == province).to_numpy()
        parts = [(province, sub[inside]), ("rest", sub[~inside])]
    curves, infos, samples = [], [], []
    for name, part in parts:
        if part["n"].sum() == 0:
            continue
        n = part["n"].to_numpy()
        sample = (np.repeat(part["days"].to_numpy(), n).astype(float),
                  np.repeat((part["status"] == ARRESTED).to_numpy(), n))
        curve, info = _km(*sample, name)
        curves.append(curve)
        infos.append(info)
        samples.append(sample)
    p_value = None
    if province and len(samples) == 2 and any(info["arrests"] for info in infos):
        from scipy import stats

        p_value = float(stats.logrank(_censored(*samples[0]), _censored(*samples[1])).pvalue)
    empty = pd.DataFrame(columns=["group", "days", "still_without_arrest", "ci_low", "ci_high", "at_risk"])
    return Survival(pd.concat(curves, ignore_index=True) if curves else empty,
                    pd.DataFrame(infos, columns=["group", "cases", "arrests", "censored", "median_days"]), p_value)
