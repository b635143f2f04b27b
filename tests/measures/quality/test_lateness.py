"""Late records and the reporting-lag curve, from each record's first ingest day."""

from datetime import date, timedelta

import pandas as pd

from dashboard.measures.quality import lateness
from dashboard.measures.quality.findings import AMBER, RED
from tests.measures.quality.builders import PP, SR, build, monthly


def _weekly(cases: pd.DataFrame, days_after: int = 3) -> pd.Series:
    """Every record ingested ``days_after`` days after it was reported."""
    return cases["date"] + pd.Timedelta(days=days_after)


def test_records_that_came_long_after_their_report_are_found_by_province_and_ingest_day():
    data = build(monthly(PP, "2014-01-01", 12, 3) + monthly(SR, "2014-01-01", 12, 2))
    ingested = _weekly(data.cases)
    late = (data.cases["province_code"] == SR) & (data.cases["date"] < "2014-04-01")
    ingested[late] = pd.Timestamp("2014-11-03")  # a backlog from Siem Reap, 200+ days late
    ingested.iloc[-1] = data.cases["date"].iloc[-1] + pd.Timedelta(days=400)
    findings = [f for f in lateness.check(data.cases, ingested) if f.province_code is not None]
    assert [(f.province_code, f.severity) for f in findings] == [(SR, AMBER), (findings[1].province_code, RED)]
    assert set(findings[0].case_ids) == set(data.cases.loc[late, "case_id"])
    assert findings[0].params["ingest_day"] == date(2014, 11, 3)


def test_records_that_came_within_days_are_not_late_and_the_first_load_is_never_late():
    data = build(monthly(PP, "2014-01-01", 12, 3))
    assert [f for f in lateness.check(data.cases, _weekly(data.cases)) if f.province_code] == []
    backfill = pd.Series(pd.Timestamp("2016-01-01"), index=data.cases.index)  # everything loaded at once, later
    assert [f for f in lateness.check(data.cases, backfill) if f.province_code] == []
    assert lateness.check(data.cases, None) == []


def test_the_lag_curve_counts_what_was_known_at_each_month_end():
    data = build(monthly(PP, "2014-01-01", 2, 4))  # 4 records on 10 Jan, 4 on 10 Feb
    ingested = data.cases["date"] + pd.to_timedelta([5, 5, 30, 70] * 2, unit="D")
    curve = lateness.lag_curve(data.cases, ingested).set_index("month")
    jan = curve.loc[pd.Timestamp("2014-01-01")]
    assert jan["records"] == 4 and jan["known_after_0_months"] == 2  # 15 Jan twice; 9 Feb, 21 Mar after
    assert jan["known_after_1_months"] == 3 and jan["known_after_2_months"] == 4
    assert jan["grew_after_month_end_share"] == 0.5


def test_recent_months_are_probably_incomplete_when_settled_months_took_longer():
    data = build(monthly(PP, "2014-01-01", 12, 4))
    half_late = data.cases["date"] + pd.to_timedelta([2, 2, 40, 40] * 12, unit="D")  # half arrive a month later
    months = [m for m, _share in lateness.incomplete_months(data.cases, half_late)]
    assert months and months[-1] == date(2014, 12, 1) and date(2014, 6, 1) not in months
    prompt = data.cases["date"] + timedelta(days=1)  # the latest ingest is 11 December: only December is open
    assert [m for m, _share in lateness.incomplete_months(data.cases, prompt)] == [date(2014, 12, 1)]
    prompt.iloc[-1] = pd.Timestamp("2015-01-02")  # an ingest after December ended: every record had come by then
    assert lateness.incomplete_months(data.cases, prompt) == []
