"""Silent provinces: P(0 cases) from the pooled rate and the province's covered person-time, against a hand sum."""

import math
from datetime import date

import pytest

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.measures.filters import counts_for
from dashboard.measures.quality import silence
from dashboard.measures.quality.findings import AMBER, RED
from tests.measures.quality.builders import KC, PP, build, monthly, record


def _data(kc_per_month: int):
    """Phnom Penh: 30 cases a month for a year; Kampong Cham: ``kc_per_month`` (none in the last quarter)."""
    rows = monthly(PP, "2014-01-01", 12, 30)
    rows += monthly(KC, "2014-01-01", 9, kc_per_month) if kc_per_month else []
    return build(rows, [(PP, "2014-01-01"), (KC, "2014-01-01")])


def test_p_zero_matches_a_hand_computation():
    data = _data(3)
    gaz = load_gazetteer()
    last = date(2014, 12, 10)  # the last case: the period ends there
    days = (last - date(2014, 1, 1)).days + 1
    person_years = (gaz[PP].pop_2008 + gaz[KC].pop_2008) * days / 365.25
    rate = (12 * 30 + 9 * 3) / person_years
    assert silence.pooled_rate(counts_for(data), data.coverage, last) == pytest.approx(rate)
    table = silence.table(counts_for(data), data.coverage, months=1)
    row = table[(table["province_code"] == KC) & (table["period_start"] == date(2014, 11, 1))].iloc[0]
    lam = rate * gaz[KC].pop_2008 * 30 / 365.25  # November: 30 days covered
    assert row["cases"] == 0
    assert row["expected"] == pytest.approx(lam) and row["p_zero"] == pytest.approx(math.exp(-lam))


def test_a_large_covered_province_silent_for_a_quarter_is_flagged_unlikely_not_missing():
    data = _data(3)
    findings = silence.check(counts_for(data), data.coverage, 0.05)
    quarter = [f for f in findings if f.province_code == KC and f.period_start == date(2014, 10, 1)]
    assert len(quarter) == 1 and quarter[0].severity in (AMBER, RED) and quarter[0].case_ids == ()
    text = quarter[0].explanation()
    assert "Unlikely, worth a call" in text and "missing" not in text


def test_a_province_that_reports_every_month_is_not_flagged():
    rows = monthly(PP, "2014-01-01", 12, 30) + monthly(KC, "2014-01-01", 12, 3)
    data = build(rows, [(PP, "2014-01-01"), (KC, "2014-01-01")])
    assert [f for f in silence.check(counts_for(data), data.coverage, 0.05) if f.province_code == KC] == []


def test_a_province_not_covered_is_never_flagged():
    data = build(monthly(PP, "2014-01-01", 12, 30), [(PP, "2014-01-01")])
    assert {f.province_code for f in silence.check(counts_for(data), data.coverage, 0.05)} <= {PP}
    covered_late = build(monthly(PP, "2014-01-01", 12, 30) + [record("2014-12-20", KC)],
                         [(PP, "2014-01-01"), (KC, "2014-12-15")])
    assert [f for f in silence.check(counts_for(covered_late), covered_late.coverage, 0.05)
            if f.province_code == KC] == []


def test_the_threshold_setting_decides():
    data = _data(3)
    assert silence.check(counts_for(data), data.coverage, 1e-30) == []
    assert silence.check(counts_for(data), data.coverage, 0.05)
