"""Implausible values: same-day arrests far above the province's usual share; a sudden jump in a monthly count."""

from datetime import date, timedelta

import pytest

from dashboard.measures.filters import counts_for
from dashboard.measures.quality import implausible
from dashboard.measures.quality.findings import RED
from tests.measures.quality.builders import PP, SR, build, monthly, record


def _arrests(province: str, first: str, months: int, per_month: int, lag_days: int) -> list[dict]:
    rows = monthly(province, first, months, per_month)
    return [dict(r, arrest_made=True, arrest_date=r["date_reported"] + timedelta(days=lag_days)) for r in rows]


def test_a_quarter_of_same_day_arrests_is_flagged_with_its_cases():
    rows = _arrests(PP, "2014-01-01", 9, 4, lag_days=6) + _arrests(PP, "2014-10-01", 3, 4, lag_days=0)
    data = build(rows)
    found = [f for f in implausible.check(data.cases, counts_for(data), data.coverage) if "same_share" in f.params]
    assert [(f.province_code, f.period_start) for f in found] == [(PP, date(2014, 10, 1))]
    assert len(found[0].case_ids) == 12 and found[0].params["usual_share"] == 0


def test_same_day_arrests_at_the_usual_share_are_not_flagged():
    rows = []
    for k in range(12):
        month = f"2014-{k + 1:02d}-01"
        rows += _arrests(PP, month, 1, 1, lag_days=0) + _arrests(PP, month, 1, 3, lag_days=5)
    data = build(rows)
    assert [f for f in implausible.check(data.cases, counts_for(data), data.coverage) if "same_share" in f.params] == []


def test_a_sudden_jump_in_a_monthly_count_is_flagged():
    rows = monthly(SR, "2014-01-01", 12, 2) + [record("2014-06-20", SR) for _ in range(20)] + [record("2015-01-05", SR)]
    data = build(rows)
    jumps = [f for f in implausible.check(data.cases, counts_for(data), data.coverage) if "z" in f.params]
    assert [(f.province_code, f.period_start, f.severity) for f in jumps] == [(SR, date(2014, 6, 1), RED)]
    assert len(jumps[0].case_ids) == 22


def test_ordinary_variation_is_not_a_jump():
    rows = monthly(SR, "2014-01-01", 6, 2) + monthly(SR, "2014-07-01", 6, 4) + [record("2015-01-05", SR)]
    data = build(rows)
    assert [f for f in implausible.check(data.cases, counts_for(data), data.coverage) if "z" in f.params] == []


def test_the_binomial_tail_against_a_hand_computation():
    assert implausible.binomial_tail(2, 2, 0.5) == pytest.approx(0.25)
    assert implausible.binomial_tail(1, 3, 0.5) == pytest.approx(1 - 0.125)
    assert implausible.binomial_tail(3, 4, 0.1) == pytest.approx(4 * 0.1 ** 3 * 0.9 + 0.1 ** 4)
    assert implausible.binomial_tail(0, 4, 0.1) == 1.0
