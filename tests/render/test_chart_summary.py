"""The chart's one-sentence text alternative (issue 28), read off the plotly figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import use_language
from dashboard.measures import metrics
from dashboard.render import charts
from dashboard.render.chart_summary import summary


def test_each_series_gets_its_highest_and_lowest_point():
    fig = go.Figure()
    fig.add_bar(x=["Q1", "Q2", "Q3"], y=[4, 9, 1], name="cases")
    fig.add_scatter(x=["Q1", "Q2", "Q3"], y=[0.5, 0.8, None], name="rate")
    fig.update_layout(title="By quarter")
    assert summary(fig) == ("Chart: By quarter. cases: highest 9 (Q2), lowest 1 (Q3), over 3 points; "
                            "rate: highest 0.80 (Q2), lowest 0.50 (Q1), over 2 points.")


def test_bands_are_skipped_and_horizontal_charts_read_their_values_across():
    fig = go.Figure()
    fig.add_scatter(x=[0.9, 0.6], y=["Kep", "Kandal"], name="arrest rate")
    fig.add_scatter(x=[0.0, 1.0], y=["Kep", "Kandal"], name="band", hoverinfo="skip")
    fig.update_xaxes(tickformat=".0%")
    assert summary(fig, "Rates") == "Chart: Rates. arrest rate: highest 90% (Kep), lowest 60% (Kandal), over 2 points."


def test_an_empty_chart_says_so():
    assert summary(go.Figure(), "Nothing") == "Chart: Nothing. No figures to show."


def test_the_monthly_trend_names_months_as_its_axis_does(demo_dataset):
    monthly = metrics.monthly(demo_dataset.cases)
    peak = monthly.loc[monthly["cases"].idxmax()]
    for lang, month_word in (("en", None), ("km", "km")):
        with use_language(lang):
            text = summary(charts.monthly_trend(monthly, "Cases per month"))
            assert f"highest {int(peak['cases'])} (" in text or f"ខ្ពស់បំផុត {int(peak['cases'])} (" in text
            assert ("<br>" not in text) and ("00:00" not in text)
            if month_word is None:
                assert pd.Timestamp(peak["month"]).strftime("%b %Y") in text


def test_dates_plotly_keeps_as_iso_text_are_said_as_dates():
    fig = go.Figure()
    fig.add_scatter(x=["2013-07-01T00:00:00", "2014-01-01T00:00:00"], y=[1, 5], name="covered")
    with use_language("km"):
        text = summary(fig, "t")
    assert "T00" not in text and "2014" in text
