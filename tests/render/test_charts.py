"""The monthly trend marks the months data quality finds probably still incomplete."""

from datetime import date

import pandas as pd

from dashboard.render import charts


def _monthly() -> pd.DataFrame:
    months = pd.date_range("2015-01-01", periods=4, freq="MS")
    return pd.DataFrame({"month": months, "cases": [10, 12, 11, 4], "arrests": [8, 9, 9, 2],
                         "cumulative": [10, 22, 33, 37]})


def test_a_probably_incomplete_month_is_drawn_hollow_and_named_in_the_legend():
    fig = charts.monthly_trend(_monthly(), "t", (None, date(2015, 4, 30)), incomplete=[date(2015, 3, 1)])
    names = [t.name for t in fig.data]
    assert "probably incomplete: late records still coming in" in names
    solid = next(t for t in fig.data if t.name == "cases")
    assert list(solid.y) == [10, 12, None, 4]


def test_a_month_both_partial_and_incomplete_says_both_and_none_without_findings():
    fig = charts.monthly_trend(_monthly(), "t", (None, date(2015, 4, 20)), incomplete=[date(2015, 4, 1)])
    assert any(t.name == "partial: to 20 Apr 2015; probably incomplete" for t in fig.data)
    plain = charts.monthly_trend(_monthly(), "t", (None, date(2015, 4, 30)))
    assert not any("incomplete" in (t.name or "") for t in plain.data)
