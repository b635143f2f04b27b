"""The funnel, the stage medians and Kaplan–Meier time to charge, against a small file worked by hand."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.data.dataset import build_dataset
from dashboard.measures import funnel
from dashboard.measures.filters import Filters
from dashboard.measures.stats import wilson_interval

# report, arrest date (None: no arrest), charged, charge date, court outcome, outcome date
ROWS = [
    ("2014-01-01", "2014-01-03", "yes", "2014-01-05", "convicted", "2014-06-01"),  # 1
    ("2014-02-01", "2014-02-01", "yes", "2014-02-11", "acquitted", "2014-08-01"),  # 2
    ("2014-03-01", "2014-03-02", "yes", "2014-03-22", "pending", None),  # 3: 315 days pending: still open
    ("2014-04-01", "2014-04-01", "no", None, None, None),  # 4: 305 days without charge: not reached
    ("2015-01-10", "2015-01-11", "no", None, None, None),  # 5: 20 days without charge: still open
    ("2014-05-01", "2014-05-05", "unknown", None, None, None),  # 6
    ("2014-06-01", None, "no", None, None, None),  # 7: no arrest after 244 days: not reached
    ("2015-01-31", None, "no", None, None, None),  # 8: reported on the last day: still open
    ("2014-07-01", "2014-07-02", None, None, None, None),  # 9: charge not recorded
    ("2013-12-01", "2013-12-02", "yes", "2013-12-03", "pending", None),  # 10: 424 days pending: not reached
    ("2014-08-01", "2014-08-01", "yes", "2014-08-31", "convicted", "2014-12-31"),  # 11
]
END = date(2015, 1, 31)


def _day(text):
    return date.fromisoformat(text) if text else None


def records(rows=ROWS, stages=True) -> pd.DataFrame:
    frame = pd.DataFrame([{
        "case_id": f"T-{i}", "date_reported": _day(r[0]), "province_code": "12" if i % 2 else "17",
        "district": None, "offence": "child rape / sexual abuse" if i < 6 else "homicide", "victim_age": None,
        "victim_sex": None, "arrest_made": r[1] is not None, "arrest_date": _day(r[1]), "charged": r[2],
        "charge_date": _day(r[3]), "court_outcome": r[4], "outcome_date": _day(r[5])} for i, r in enumerate(rows, 1)])
    return frame if stages else frame.drop(columns=["charged", "charge_date", "court_outcome", "outcome_date"])


@pytest.fixture()
def cases():
    return build_dataset(records(), pd.DataFrame(columns=["province_code", "start_date", "end_date"])).cases


def by_stage(rows):
    return {r["stage"]: r for r in rows}


def test_funnel_by_hand(cases):
    rows = by_stage(funnel.funnel(cases))
    assert [r["count"] for r in rows.values()] == [11, 9, 5, 3, 2]
    arrested, charged, tried, convicted = rows["arrested"], rows["charged"], rows["tried"], rows["convicted"]
    assert (arrested["still_open"], arrested["not_reached"]) == (1, 1)  # cases 8 and 7
    # charged: of 9 arrests, 6 unknown and 9 not recorded are left out of the share; 5 open; 4 not reached
    assert (charged["previous"], charged["known"], charged["still_open"], charged["not_reached"],
            charged["unknown"], charged["not_recorded"]) == (9, 7, 1, 1, 1, 1)
    assert charged["share_of_previous"] == pytest.approx(5 / 7)
    assert charged["share_of_previous_ci95"] == pytest.approx(list(wilson_interval(5, 7)))
    assert charged["share_of_all"] == pytest.approx(5 / 11)
    assert charged["share_of_all_ci95"] == pytest.approx(list(wilson_interval(5, 11)))
    # tried: of 5 charged, 3 decided; case 3 pending 315 days is open, case 10 pending 424 days is not
    assert (tried["known"], tried["still_open"], tried["not_reached"]) == (5, 1, 1)
    assert tried["share_of_previous"] == pytest.approx(3 / 5)
    # convicted: 2 of 3 decided; the acquittal did not reach it
    assert (convicted["previous"], convicted["not_reached"], convicted["still_open"]) == (3, 1, 0)
    assert convicted["share_of_all"] == pytest.approx(2 / 11)


def test_funnel_follows_every_filter(cases):
    rows = by_stage(funnel.funnel(cases, Filters(start=date(2014, 1, 1), end=date(2014, 12, 31))))
    assert [r["count"] for r in rows.values()] == [8, 7, 4, 3, 2]  # cases 1, 2, 3, 4, 6, 7, 9, 11
    rows = by_stage(funnel.funnel(cases, Filters(offences=("homicide",))))
    assert [r["count"] for r in rows.values()] == [6, 4, 2, 1, 1]  # cases 6-11
    rows = by_stage(funnel.funnel(cases, Filters(provinces=("12",))))  # odd cases: 1, 3, 5, 7, 9, 11
    assert [r["count"] for r in rows.values()] == [6, 5, 3, 2, 2]


def test_funnel_by_group_adds_up(cases):
    frame = funnel.by_group(cases, by="year")
    assert list(frame["year"].unique()) == ["2013", "2014", "2015"]
    for stage in ("reported", "arrested"):
        assert frame.loc[frame["stage"] == stage, "count"].sum() == by_stage(funnel.funnel(cases))[stage]["count"]
    provinces = funnel.by_group(cases, by="province")
    assert set(provinces["province_name"]) == {"Phnom Penh", "Siem Reap"}
    share = funnel.charge_share_by_province(cases).set_index("province_code")
    assert share.loc["12", "charged"] == 3 and share.loc["12", "arrests"] == 5  # cases 1, 3, 11 of 1, 3, 5, 9, 11
    assert share.loc["12", "charge_share"] == pytest.approx(3 / 4)  # case 9's charge is not recorded
    assert pd.isna(share.loc["01", "charge_share"])


def test_without_stage_columns_the_stages_are_not_recorded_never_zero():
    cases = build_dataset(records(stages=False), pd.DataFrame(columns=["province_code", "start_date",
                                                                       "end_date"])).cases
    rows = by_stage(funnel.funnel(cases))
    assert rows["arrested"]["count"] == 9
    for stage in ("charged", "tried", "convicted"):
        assert rows[stage]["count"] is None and rows[stage]["share_of_previous"] is None
    assert rows["charged"]["not_recorded"] == 9
    keys = funnel.summary_keys(cases)
    assert keys["median_days_arrest_to_charge"] is None and "charged_within_90_days_share" not in keys


def test_time_to_charge_by_hand(cases):
    result = funnel.time_to_stage(cases, interval="arrest_to_charge")
    assert result["follow_up_end"] == END.isoformat()
    # events: 2, 10, 20, 1, 30 days; censored: case 4 at 305 days, case 5 at 20 days; 6 and 9 left out
    assert (result["cases"], result["events"], result["censored"], result["excluded"]) == (9, 5, 2, 2)
    assert result["excluded_by_reason"] == {"recorded as unknown": 1, "stage not recorded": 1}
    assert (result["p25_days"], result["median_days"], result["p75_days"]) == (2, 10, 20)
    curve = result["curve"].set_index("days")["still_waiting"]
    # S: day 1 6/7, day 2 5/7, day 10 4/7, day 20 (4 at risk, censored one still counted) 3/7, day 30 3/14
    assert curve.loc[[1, 2, 10, 20, 30, 305]].tolist() == pytest.approx([6 / 7, 5 / 7, 4 / 7, 3 / 7, 3 / 14, 3 / 14])
    assert result["km_median_days"] == 20
    assert result["within_90_days_share"] == pytest.approx(11 / 14)
    low, high = result["within_90_days_ci95"]
    assert low < 11 / 14 < high
    assert result["within_365_days_share"] is None  # no case followed that long without a charge


def test_time_to_outcome_by_hand(cases):
    result = funnel.time_to_stage(cases, interval="charge_to_outcome")
    decided = sorted([(date(2014, 6, 1) - date(2014, 1, 5)).days, (date(2014, 8, 1) - date(2014, 2, 11)).days,
                      (date(2014, 12, 31) - date(2014, 8, 31)).days])
    assert (result["events"], result["censored"], result["excluded"]) == (3, 2, 0)
    assert result["median_days"] == decided[1]
    assert result["p25_days"] == pytest.approx((decided[0] + decided[1]) / 2)


def test_kaplan_meier_time_to_charge_agrees_with_scipy(demo_dataset):
    from scipy import stats

    cases = demo_dataset.cases
    times = funnel.interval_times(cases, "arrest_to_charge", funnel.follow_up_end(cases))
    timed = times[times["excluded"] == ""]
    reference = stats.ecdf(stats.CensoredData(uncensored=timed.loc[timed["event"], "days"].to_numpy(),
                                              right=timed.loc[~timed["event"], "days"].to_numpy())).sf
    result = funnel.time_to_stage(cases, interval="arrest_to_charge")
    curve = result["curve"]
    assert len(curve) > 20 and result["censored"] > 10
    assert curve["still_waiting"].to_numpy() == pytest.approx(reference.evaluate(curve["days"].to_numpy()))
    assert result["within_90_days_share"] == pytest.approx(1 - float(reference.evaluate(90)))
    band = reference.confidence_interval(method="log-log")
    assert np.allclose(curve["ci_low"].to_numpy()[:-1], band.low.evaluate(curve["days"].to_numpy())[:-1],
                       atol=1e-6, equal_nan=True)


def test_demo_funnel_has_plausible_attrition(demo_dataset):
    counts = [r["count"] for r in funnel.funnel(demo_dataset.cases)]
    assert counts[:2] == [369, 317]
    assert counts[1] > counts[2] > counts[3] > counts[4] > 0
