"""Compare mode: the change table against hand-computed values; fixed class breaks across frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.measures import compare, rollout
from dashboard.measures.classify import fixed_breaks
from dashboard.measures.filters import Filters, counts_for
from dashboard.measures.stats import newcombe_difference
from dashboard.render.colours import classify
from tests.measurehelpers import PP, PS, SR, case, dataset

KD = "08"  # Kandal
SELECTED = Filters(date(2014, 7, 1), date(2014, 12, 31))
# The same-length range before it: 184 days ending 2014-06-30.
EARLIER = compare.Period(date(2013, 12, 29), date(2014, 6, 30))
LATER = compare.Period(date(2014, 7, 1), date(2014, 12, 31))
COVERAGE = [(PP, "2013-07-01", None), (SR, "2014-07-01", None), (PS, "2013-07-01", None), (KD, "2014-04-01", None)]
ROWS = [
    case("2014-02-01", PP, "2014-02-03", times=10), case("2014-02-01", PP, times=10),  # earlier: 20 cases, 10 arrests
    case("2014-09-01", PP, "2014-09-02", times=27), case("2014-09-01", PP, times=3),  # later: 30 cases, 27 arrests
    case("2014-08-01", SR, "2014-08-02", times=5),  # covered only in the later range
    case("2014-03-01", PS, times=2), case("2014-10-01", PS, "2014-10-05", times=15),  # 2 -> 15
    case("2014-05-01", KD, times=3), case("2014-11-01", KD, times=6),  # covered 91 days, then 184
    case("2015-01-15", PP),  # outside both ranges
]


@pytest.fixture(scope="module")
def data():
    return dataset(ROWS, COVERAGE)


def test_default_periods_are_the_selection_and_the_same_length_before():
    earlier, later, rule = compare.default_periods(SELECTED, date(2013, 7, 1), date(2015, 1, 15))
    assert (earlier, later, rule) == (EARLIER, LATER, compare.BEFORE) and earlier.days == later.days == 184


def test_default_periods_split_a_selection_with_no_data_before_it():
    """Issue 20 item 6: all the data selected, the same length before is before the data: two halves."""
    earlier, later, rule = compare.default_periods(Filters(), date(2014, 1, 1), date(2014, 1, 10))
    assert (earlier, later, rule) == (compare.Period(date(2014, 1, 1), date(2014, 1, 5)),
                                      compare.Period(date(2014, 1, 6), date(2014, 1, 10)), compare.HALVES)
    earlier, later, rule = compare.default_periods(Filters(None, date(2014, 1, 4)), date(2014, 1, 1),
                                                   date(2014, 1, 10))  # 4 days, not 8 before them
    assert (earlier.days, later.days, earlier.start, later.end, rule) == (2, 2, date(2014, 1, 1), date(2014, 1, 4),
                                                                          compare.HALVES)
    assert compare.default_periods(Filters(None, date(2014, 1, 1)), date(2014, 1, 1), date(2014, 1, 10)).rule == \
        compare.NO_EARLIER


def test_newcombe_interval_matches_the_published_examples():
    """Newcombe (1998), Table II, method 10."""
    for (k1, n1, k2, n2), (low, high) in {(56, 70, 48, 80): (0.0524, 0.3339), (9, 10, 3, 10): (0.1705, 0.8090),
                                          (6, 7, 2, 7): (0.0582, 0.8062), (5, 56, 0, 29): (-0.0381, 0.1926),
                                          (0, 10, 0, 20): (-0.1611, 0.2775), (10, 10, 0, 20): (0.6791, 1.0)}.items():
        assert newcombe_difference(k1, n1, k2, n2) == pytest.approx((low, high), abs=5e-5)
    assert newcombe_difference(1, 0, 1, 2) is None


def test_change_table_against_hand_computed_values(data):
    table = compare.change_by_province(counts_for(data), data.coverage, Filters(), earlier=EARLIER, later=LATER)
    row = table.set_index("province_code")
    pp = row.loc[PP]
    assert (pp["cases_earlier"], pp["cases_later"], pp["cases_change"]) == (20, 30, 10)
    assert (pp["covered_days_earlier"], pp["covered_days_later"]) == (184, 184)
    # equal covered days: 30 of 50 is Binomial(50, 1/2); two-sided P = 2 P(X >= 30) = 0.2026
    assert pp["cases_p_value"] == pytest.approx(0.20263, abs=1e-5) and pp["cases_exceeds_chance"] is False
    # arrest rate 10/20 = 50% -> 27/30 = 90%: +40 points; Newcombe 95% interval from the two Wilson intervals
    assert pp["rate_change_pp"] == pytest.approx(40.0)
    low, high = newcombe_difference(27, 30, 10, 20)
    assert (pp["rate_change_low_pp"], pp["rate_change_high_pp"]) == pytest.approx((low * 100, high * 100))
    assert low > 0 and pp["rate_exceeds_chance"] is True
    ps = row.loc[PS]
    # 2 -> 15 with equal days: P = 2 (C(17,15) + C(17,16) + 1) / 2^17 = 308 / 131072
    assert ps["cases_p_value"] == pytest.approx(308 / 131072) and ps["cases_exceeds_chance"] is True
    assert ps["rate_exceeds_chance"] is True  # 0 of 2 -> 15 of 15
    sr = row.loc[SR]
    assert sr["covered_days_earlier"] == 0 and sr["cases_exceeds_chance"] is None  # not covered in both
    assert np.isnan(sr["rate_change_pp"]) and sr["rate_exceeds_chance"] is None  # no cases earlier
    kd = row.loc[KD]
    assert (kd["covered_days_earlier"], kd["covered_days_later"]) == (91, 184)
    from scipy import stats
    assert kd["cases_p_value"] == pytest.approx(stats.binomtest(6, 9, 184 / 275).pvalue)
    assert kd["cases_exceeds_chance"] is False


def test_totals(data):
    table = compare.change_by_province(counts_for(data), data.coverage, Filters(), earlier=EARLIER, later=LATER)
    total = compare.totals(table)
    assert (total["cases_earlier"], total["cases_later"]) == (25, 56)
    assert total["rate_change_pp"] == pytest.approx((47 / 56 - 10 / 25) * 100)


def test_fixed_breaks_give_identical_bins_in_every_frame(demo_dataset):
    frames = rollout.by_province_frames(counts_for(demo_dataset), demo_dataset.coverage)
    assert [label for label, _end, _frame in frames] == ["2013", "2014", "2015"]
    values = [f.set_index("province_code")["per_100k_person_years"] for _label, _end, f in frames]
    breaks = fixed_breaks(values, "quantiles")
    legends, seen = [], set()
    for frame_values in values:
        covered = frame_values.notna()
        classes = classify(frame_values, covered, "quantiles", fmt="{:,.2f}", breaks=breaks)
        legends.append([entry for entry in classes.legend if entry[1] not in ("no cases", "no data", "not covered")])
        for code, value in frame_values[covered & (frame_values > 0)].items():
            k = int(np.searchsorted(breaks.bins, value, side="left"))
            assert classes.colours[code] == legends[-1][k][0]  # the class the global breaks give
            seen.add(k)
    assert legends[0] == legends[1] == legends[2] and len(legends[0]) == len(breaks.bins) == 5
    assert len(seen) > 1
    # per-frame classes would not be the same: this is what fixed breaks prevent
    own = [classify(v, v.notna(), "quantiles", fmt="{:,.2f}").legend for v in values]
    assert own[0] != own[1]


def test_fixed_breaks_can_keep_zero_as_a_class():
    breaks = fixed_breaks([pd.Series([0.0, 0.5]), pd.Series([1.0, np.nan])], "equal intervals", k=2, include_zero=True)
    assert breaks.lower == 0.0 and breaks.bins[-1] == 1.0
    classes = classify(pd.Series({"a": 0.0, "b": 1.0, "c": np.nan}), pd.Series({"a": True, "b": True, "c": True}),
                       "equal intervals", breaks=breaks, no_cases=pd.Series({"a": False, "b": False, "c": True}))
    assert classes.labels["c"] == "no cases" and classes.labels["a"] != "no cases"
    assert fixed_breaks([pd.Series([0.0])]) is None


def test_quarter_frames_cover_the_period_once(demo_dataset):
    frames = rollout.by_province_frames(counts_for(demo_dataset), demo_dataset.coverage, Filters(date(2014, 2, 15)),
                                        freq="quarter")
    assert [label for label, _end, _frame in frames][:2] == ["2014Q1", "2014Q2"] and frames[-1][0] == "2015Q2"
    assert frames[0][1] == date(2014, 3, 31) and frames[-1][1] == date(2015, 4, 29)
    total = sum(int(frame["cases"].sum()) for _label, _end, frame in frames)
    assert total == int(counts_for(demo_dataset)[counts_for(demo_dataset)["date"] >= "2014-02-15"]["n"].sum())
    with pytest.raises(ValueError):
        rollout.by_province_frames(counts_for(demo_dataset), demo_dataset.coverage, freq="week")
