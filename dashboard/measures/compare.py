"""This period against another: per-province change in cases and in arrest rate, and whether it exceeds chance.

- **Arrest rate**: the change in percentage points with Newcombe's 95%
  interval for a difference of two proportions (built from the two Wilson
  intervals the rest of the dashboard shows). The change exceeds chance when
  the interval leaves out zero.
- **Cases**: an exact conditional test of two Poisson counts (given the total,
  the later count is binomial with the later period's share of covered
  days). It allows for periods of different length and for coverage that
  starts or ends inside a period; a province covered in only one of the two
  periods is not tested. The change exceeds chance when p < 0.05.

With 25 provinces, about one flag in twenty can still be chance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard.measures import metrics
from dashboard.measures.filters import Filters
from dashboard.measures.rollout import covered_days
from dashboard.measures.stats import newcombe_difference

ALPHA = 0.05


@dataclass(frozen=True)
class Period:
    """A date range, both days included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def filters(self, filters: Filters) -> Filters:
        """``filters`` with this period's dates (every other selection kept)."""
        return replace(filters, start=self.start, end=self.end)


#: How the default periods were chosen (the compare view says which on screen).
BEFORE, HALVES, NO_EARLIER = "before", "halves", "no earlier data"


class DefaultPeriods(NamedTuple):
    earlier: Period
    later: Period
    rule: str  # BEFORE, HALVES or NO_EARLIER


def default_periods(filters: Filters, first: date, last: date) -> DefaultPeriods:
    """Two periods that both have data, within ``first`` .. ``last`` (the data's first and last days).

    The selected range, and the same-length range just before it, when that starts on or after ``first``;
    otherwise (the selection starts too early, e.g. it is all the data) the selection's two halves. A one-day
    selection on the first day has no earlier day with data: then the day before, with rule ``NO_EARLIER``.
    """
    selected = Period(max(filters.start or first, first), min(filters.end or last, last))
    if selected.start > selected.end:  # a selection outside the data: compare the data's own halves
        selected = Period(first, last)
    before = selected.before()
    if before.start >= first:
        return DefaultPeriods(before, selected, BEFORE)
    if selected.days < 2:
        return DefaultPeriods(before, selected, NO_EARLIER)
    middle = selected.start + timedelta(days=selected.days // 2 - 1)
    return DefaultPeriods(Period(selected.start, middle), Period(middle + timedelta(days=1), selected.end), HALVES)


def _poisson_p(earlier: int, later: int, days_earlier: int, days_later: int) -> float:
    """Two-sided exact conditional test that both periods have the same daily rate."""
    if earlier + later == 0:
        return 1.0
    from scipy import stats  # imported here: scipy.stats takes a second to import

    share = days_later / (days_earlier + days_later)
    return float(stats.binomtest(later, earlier + later, share).pvalue)


def change_by_province(counts: pd.DataFrame, coverage: pd.DataFrame, filters: Filters = Filters(),
                       earlier: Period | None = None, later: Period | None = None) -> pd.DataFrame:
    """One row per province (all 25): cases and arrest rate in each period, the change, and its test.

    ``cases_exceeds_chance`` and ``rate_exceeds_chance`` are True/False, or
    None where no test applies (not covered in both periods; no cases in one).
    """
    if earlier is None or later is None:
        raise ValueError("give both periods")
    a = metrics.by_province(counts, earlier.filters(filters))
    b = metrics.by_province(counts, later.filters(filters))
    days_a = covered_days(coverage, earlier.start, earlier.end).reindex(a["province_code"]).to_numpy()
    days_b = covered_days(coverage, later.start, later.end).reindex(b["province_code"]).to_numpy()
    out = a[["province_code", "province", "province_km"]].copy()
    out["cases_earlier"], out["cases_later"] = a["cases"].to_numpy(), b["cases"].to_numpy()
    out["cases_change"] = out["cases_later"] - out["cases_earlier"]
    out["covered_days_earlier"], out["covered_days_later"] = days_a, days_b
    p_cases = [(_poisson_p(int(x), int(y), int(dx), int(dy)) if dx > 0 and dy > 0 else None)
               for x, y, dx, dy in zip(out["cases_earlier"], out["cases_later"], days_a, days_b)]
    out["cases_p_value"] = [np.nan if p is None else p for p in p_cases]
    out["cases_exceeds_chance"] = [None if p is None else bool(p < ALPHA) for p in p_cases]
    out["arrests_earlier"], out["arrests_later"] = a["arrests"].to_numpy(), b["arrests"].to_numpy()
    out["arrest_rate_earlier"], out["arrest_rate_later"] = a["arrest_rate"].to_numpy(), b["arrest_rate"].to_numpy()
    out["rate_change_pp"] = (out["arrest_rate_later"] - out["arrest_rate_earlier"]) * 100
    intervals = [newcombe_difference(int(kb), int(nb), int(ka), int(na)) for ka, na, kb, nb in
                 zip(out["arrests_earlier"], out["cases_earlier"], out["arrests_later"], out["cases_later"])]
    out["rate_change_low_pp"] = [ci[0] * 100 if ci else np.nan for ci in intervals]
    out["rate_change_high_pp"] = [ci[1] * 100 if ci else np.nan for ci in intervals]
    out["rate_exceeds_chance"] = [None if ci is None else bool(ci[0] > 0 or ci[1] < 0) for ci in intervals]
    return out


def totals(change: pd.DataFrame) -> dict:
    """The same comparison for all provinces in the table together."""
    ce, cl = int(change["cases_earlier"].sum()), int(change["cases_later"].sum())
    ae, al = int(change["arrests_earlier"].sum()), int(change["arrests_later"].sum())
    ci = newcombe_difference(al, cl, ae, ce)
    return {"cases_earlier": ce, "cases_later": cl, "cases_change": cl - ce,
            "arrest_rate_earlier": ae / ce if ce else None, "arrest_rate_later": al / cl if cl else None,
            "rate_change_pp": (al / cl - ae / ce) * 100 if ce and cl else None,
            "rate_change_low_pp": ci[0] * 100 if ci else None, "rate_change_high_pp": ci[1] * 100 if ci else None,
            "rate_exceeds_chance": None if ci is None else bool(ci[0] > 0 or ci[1] < 0)}
