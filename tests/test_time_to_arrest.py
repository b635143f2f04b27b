"""Time to arrest: percentiles, within-N shares, exclusions and Kaplan–Meier, against hand-worked figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.measures import time_to_arrest as tta
from dashboard.measures.filters import Filters
from tests.measurehelpers import PP, SR, case, dataset

# Follow-up ends on 2015-03-21, the last report day (not the later arrest on 2015-03-31).
# Days to arrest: 0 (same day), 2, 10, 29, 40.
ROWS = [
    case("2015-01-01", PP, "2015-01-01"),  # same-day arrest: 0 days
    case("2015-01-01", PP, "2015-01-03"),  # 2
    case("2015-01-05", PP, "2015-01-15", offence="homicide"),  # 10
    case("2015-01-10", SR, "2015-02-19"),  # 40
    case("2015-02-01", SR),  # no arrest: censored at 48 days
    case("2015-03-01", SR, None, arrested=True),  # arrest without a date: excluded
    case("2015-01-20", SR, "2015-01-18"),  # arrest before the report (only if validation was bypassed): excluded
    case("2015-03-02", PP, "2015-03-31"),  # 29
    case("2015-03-21", PP),  # no arrest: censored at 0 days (reported on the last day), the same day as an arrest
]


@pytest.fixture(scope="module")
def times():
    return tta.times_of(dataset(ROWS, [(PP, "2013-07-01", None), (SR, "2013-07-01", None)]))


def test_percentiles_shares_and_exclusions(times):
    row = tta.headline(times)
    assert (row["cases"], row["arrests_timed"], row["no_arrest_yet"], row["excluded"]) == (9, 5, 2, 2)
    assert row["excluded_by_reason"] == {tta.NO_DATE: 1, tta.BEFORE_REPORT: 1}
    # sorted days 0, 2, 10, 29, 40
    assert (row["p25_days"], row["median_days"], row["p75_days"]) == (2, 10, 29)
    assert row["within_7_days_share"] == pytest.approx(2 / 5)
    assert row["within_30_days_share"] == pytest.approx(4 / 5)


def test_summary_keys(times):
    keys = tta.summary_keys(times)
    assert keys["median_days_to_arrest"] == 10
    assert keys["arrests_within_30_days_share"] == pytest.approx(0.8)
    assert keys["cases_excluded_from_time_to_arrest"] == 2
    assert tta.summary_keys(times, Filters(provinces=("01",)))["median_days_to_arrest"] is None


def test_by_province_interpolates_like_numpy(times):
    frame = tta.by_group(times, by="province").set_index("province")
    pp, sr = frame.loc[PP], frame.loc[SR]
    # Phnom Penh: 0, 2, 10, 29 -> positions 0.75, 1.5, 2.25
    assert (pp["p25_days"], pp["median_days"], pp["p75_days"]) == (1.5, 6.0, 14.75)
    assert pp["within_7_days_share"] == 0.5 and pp["no_arrest_yet"] == 1
    assert (sr["median_days"], sr["within_30_days_share"], sr["excluded"]) == (40, 0.0, 2)
    assert list(frame.index) == [PP, SR]


def test_by_offence_and_quarter(times):
    offences = tta.by_group(times, by="offence").set_index("offence")
    assert offences.loc["homicide", "median_days"] == 10
    assert offences.loc["child rape / sexual abuse", "arrests_timed"] == 4
    quarters = tta.by_group(times, by="quarter")
    assert list(quarters["quarter"]) == ["2015Q1"] and quarters["arrests_timed"].iloc[0] == 5
    with pytest.raises(ValueError):
        tta.by_group(times, by="district")


def test_filters_apply(times):
    assert tta.headline(times, Filters(provinces=(PP,)))["median_days"] == 6
    assert tta.headline(times, Filters(offences=("homicide",)))["arrests_timed"] == 1


def test_kaplan_meier_against_a_hand_worked_example(times):
    """Events at 0, 2, 10, 29, 40; censored at 0 and 48 (the excluded two left out).

    t=0: 7 at risk (the case censored at 0 is still at risk then), 1 arrest -> 6/7; t=2: 5 -> 24/35;
    t=10: 4 -> 18/35; t=29: 3 -> 12/35; t=40: 2 -> 6/35; then flat.
    """
    result = tta.survival(times)
    curve = result.curve.set_index("days")["still_without_arrest"]
    expected = {0: 6 / 7, 2: 24 / 35, 10: 18 / 35, 29: 12 / 35, 40: 6 / 35, 48: 6 / 35}
    assert dict(curve) == pytest.approx(expected)
    assert list(result.curve.set_index("days")["at_risk"]) == [7, 5, 4, 3, 2, 1]
    groups = result.groups.iloc[0]
    assert (groups["cases"], groups["arrests"], groups["censored"]) == (7, 5, 2)
    assert groups["median_days"] == 29  # the first day the share is at or below one half
    assert result.logrank_p is None
    assert (result.curve["ci_low"] <= result.curve["still_without_arrest"]).all()
    assert (result.curve["ci_high"] >= result.curve["still_without_arrest"]).all()


def test_kaplan_meier_province_against_the_rest(times):
    result = tta.survival(times, province=PP)
    pp = result.curve[result.curve["group"] == PP].set_index("days")["still_without_arrest"]
    # Phnom Penh: arrests at 0, 2, 10, 29, censored at 0: 4/5, 8/15, 4/15, 0
    assert dict(pp) == pytest.approx({0: 4 / 5, 2: 8 / 15, 10: 4 / 15, 29: 0.0})
    rest = result.curve[result.curve["group"] == "rest"].set_index("days")["still_without_arrest"]
    assert dict(rest) == pytest.approx({0: 1.0, 40: 1 / 2, 48: 1 / 2})
    assert list(result.groups["group"]) == [PP, "rest"]
    assert 0 < result.logrank_p <= 1 and not math.isnan(result.logrank_p)


def test_open_cases_are_censored_on_the_last_report_day_not_a_later_arrest_day():
    """Issue 20 item 9: the Arrests page said follow-up ran to Apr 30 beside "Data as of Apr 29"."""
    data = dataset(ROWS, [(PP, "2013-07-01", None), (SR, "2013-07-01", None)])
    assert tta.follow_up_end(data.cases).date() == data.as_of == pd.Timestamp("2015-03-21").date()
    open_cases = tta.times_of(data)[tta.times_of(data)["status"] == tta.NO_ARREST]
    assert sorted(open_cases["days"]) == [0, 48]


def test_no_cases_gives_empty_answers():
    times = tta.times_of(dataset([case("2015-01-01", PP)], [(PP, "2013-07-01", None)]))
    assert tta.headline(times)["arrests_timed"] == 0 and math.isnan(tta.headline(times)["median_days"])
    assert tta.survival(times, Filters(provinces=(SR,))).curve.empty


def test_kaplan_meier_and_logrank_agree_with_scipy(demo_dataset):
    """SciPy's estimator (raw observations) as the reference: the same curve, band and log-rank p on the demo."""
    from scipy import stats

    times = tta.times_of(demo_dataset)
    timed = times[~times["status"].isin(tta.EXCLUDED)]

    def sample(part):
        days = np.repeat(part["days"].to_numpy(), part["n"].to_numpy()).astype(float)
        event = np.repeat((part["status"] == tta.ARRESTED).to_numpy(), part["n"].to_numpy())
        return stats.CensoredData(uncensored=days[event], right=days[~event])

    reference = stats.ecdf(sample(timed)).sf
    band = reference.confidence_interval(method="log-log")
    ours = tta.survival(times).curve.set_index("days")
    expected = pd.Series(reference.probabilities, index=reference.quantiles.astype(int))
    assert np.allclose(ours["still_without_arrest"].reindex(expected.index), expected, atol=1e-12)
    inner = (expected > 0) & (expected < 1)
    assert np.allclose(ours["ci_low"].reindex(expected.index)[inner], band.low.probabilities[inner.to_numpy()])
    assert np.allclose(ours["ci_high"].reindex(expected.index)[inner], band.high.probabilities[inner.to_numpy()])
    inside = (timed["province_code"] == "12").to_numpy()
    scipy_p = stats.logrank(sample(timed[inside]), sample(timed[~inside])).pvalue
    assert tta.survival(times, province="12").logrank_p == pytest.approx(scipy_p, rel=1e-9)


def test_summary_json_has_the_time_to_arrest_keys(tmp_path, capsys, demo_dir):
    """The CLI adds the two keys from case rows; on a hand-made folder they are the hand-worked figures."""
    import json

    from dashboard.cli import main

    folder = tmp_path / "data"
    folder.mkdir()
    rows = [r for group in ROWS if group[0]["arrest_date"] is None or
            group[0]["arrest_date"] >= group[0]["date_reported"] for r in group]  # validation refuses the other
    pd.DataFrame({"case_id": [f"C{i}" for i in range(len(rows))],
                  "date_reported": [r["date_reported"].isoformat() for r in rows],
                  "province": [r["province_code"] for r in rows], "offence": [r["offence"] for r in rows],
                  "arrest_made": ["yes" if r["arrest_made"] else "no" for r in rows],
                  "arrest_date": [r["arrest_date"].isoformat() if r["arrest_date"] else "" for r in rows]}
                 ).to_csv(folder / "cases.csv", index=False)
    capsys.readouterr()
    assert main(["summary", "--data", str(folder), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["median_days_to_arrest"] == 10 and out["arrests_within_30_days_share"] == pytest.approx(0.8)
    assert out["cases_excluded_from_time_to_arrest"] == 1  # the arrest without a date
    assert main(["summary", "--data", str(folder), "--json", "--province", "Siem Reap"]) == 0
    assert json.loads(capsys.readouterr().out)["median_days_to_arrest"] == 40
    assert main(["summary", "--data", str(demo_dir), "--json"]) == 0
    demo = json.loads(capsys.readouterr().out)
    assert demo["median_days_to_arrest"] == 5 and 0.9 < demo["arrests_within_30_days_share"] <= 1
