"""Charts read on any screen (issue 28): whole-number ticks that never repeat for small counts, bar labels
that are never turned on their side, no plotly toolbar over the title, short axis titles a phone can show."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.render import charts


def _ticks(fig: go.Figure, axis: str = "yaxis") -> list[str]:
    """The tick labels ``axis`` draws, from the figure's own range, step and format (as plotly lays them out).

    Small counts must set all three: with only ``tickformat=",d"`` plotly picks steps of 0.5 and writes
    0, 1, 1, 2, 2.
    """
    layout = fig.layout[axis]
    assert layout.range is not None and layout.dtick is not None, f"{axis}: no fixed range and step"
    start, stop = layout.range
    step = float(layout.dtick)
    values = np.arange(0, stop + 1e-9, step)
    assert step == int(step), f"{axis}: a step of {step} is not a whole number"
    return [format(int(round(v)), ",") if layout.tickformat == ",d" else f"{v:g}" for v in values if v >= start]


@pytest.mark.parametrize("top", [1, 2, 3, 5, 8])
def test_small_counts_get_whole_ticks_without_repeats(top):
    frame = pd.DataFrame({"quarter": ["2014Q1", "2014Q2", "2014Q3"], "cases": [0, top, 1], "arrests": [0, 1, 0]})
    fig = charts.public_quarters(frame)
    ticks = _ticks(fig)
    assert len(ticks) == len(set(ticks)), ticks  # 0, 1, 1, 2, 2 is what ",d" alone gives for 0–2
    assert fig.layout.yaxis.dtick == 1
    assert ticks[0] == "0" and int(ticks[-1]) >= top


def test_the_count_axis_keeps_a_few_ticks_for_larger_counts():
    assert charts.count_axis([0, 40])["dtick"] == 5
    assert "dtick" not in charts.count_axis([0, 400])  # plotly's own steps are whole numbers there


def test_monthly_trend_counts_are_whole_numbers():
    months = pd.date_range("2014-01-01", periods=6, freq="MS")
    monthly = pd.DataFrame({"month": months, "cases": [0, 1, 2, 1, 0, 2], "arrests": [0, 1, 1, 0, 0, 1]})
    monthly["cumulative"] = monthly["cases"].cumsum()
    fig = charts.monthly_trend(monthly)
    for axis in ("yaxis", "yaxis2"):
        ticks = _ticks(fig, axis)
        assert len(ticks) == len(set(ticks)), (axis, ticks)


def test_monthly_ticks_are_few_enough_for_a_phone():
    months = pd.date_range("2013-07-01", periods=22, freq="MS")
    _labels, axis = charts.month_axis(pd.Series(months))
    assert len(axis["tickvals"]) <= 8  # 22 months at quarter steps made 8+ labels that overlapped at 390 px


def test_bar_labels_are_never_rotated():
    offences = pd.DataFrame({"offence": ["rape", "homicide", "abuse"], "cases": [300, 2, 67], "share": [.81, .01, .18]})
    fig = charts.offence_breakdown(offences)
    bars = [t for t in fig.data if t.type == "bar" and t.text is not None]
    assert bars and all(t.textangle == 0 for t in bars)


def test_charts_are_shown_without_the_plotly_toolbar():
    assert charts.PLOTLY_CONFIG["displayModeBar"] is False


def test_the_survival_axis_title_is_short():
    curve = pd.DataFrame({"group": ["all"] * 3, "days": [0, 5, 10], "ci_high": [1, .8, .6], "ci_low": [1, .5, .3],
                          "still_without_arrest": [1, .7, .4], "at_risk": [10, 7, 4], "arrests": [0, 3, 3]})
    fig = charts.survival_curves(curve, {"all": "all"})
    assert len(fig.layout.xaxis.title.text) <= 30


# ---------------------------------------------------------------- months data quality finds incomplete
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
    assert any(t.name == "partial: to 20 Apr 2015<br>probably incomplete" for t in fig.data)  # two legend lines
    from dashboard.render.chart_summary import summary

    assert "partial: to 20 Apr 2015; probably incomplete" in summary(fig)
    plain = charts.monthly_trend(_monthly(), "t", (None, date(2015, 4, 30)))
    assert not any("incomplete" in (t.name or "") for t in plain.data)


def test_long_labels_wrap_after_a_slash_then_at_spaces():
    assert charts.wrapped("ការរំលោភសេពសន្ថវៈលើកុមារ / ការរំលោភបំពានផ្លូវភេទ") == (
        "ការរំលោភសេពសន្ថវៈលើកុមារ /<br>ការរំលោភបំពានផ្លូវភេទ")
    assert charts.wrapped("child rape / sexual abuse of a child") == "child rape /<br>sexual abuse of a<br>child"
    assert charts.wrapped("not recorded", 8) == "not<br>recorded"
    assert charts.wrapped("homicide") == "homicide"


def test_quarter_ticks_fall_on_half_years_or_years_at_most_four_or_three_in_khmer():
    import pandas as pd

    from dashboard.i18n import use_language

    quarters = list(pd.period_range("2013Q3", "2015Q2", freq="Q"))
    labels = [charts.quarter_label(str(q)) for q in quarters]
    axis = charts.quarter_axis(quarters, labels)
    assert axis["tickvals"] == ["Q3 2013", "Q1 2014", "Q3 2014", "Q1 2015"] and axis["ticktext"][1] == "Q1 2014"
    with use_language("km"):
        labels = [charts.quarter_label(str(q)) for q in quarters]
        axis = charts.quarter_axis(quarters, labels)
    assert len(axis["tickvals"]) == 2 and all("<br>" in t for t in axis["ticktext"])
