"""Partial periods on the trend charts (issue 20, item 7): the demo ends on 29 April 2015, so April and
Q2 2015 hold 29 days of a month and of a quarter. Drawn like full periods, their 22 cases read as a
collapse; they are drawn hollow and dashed, and named "partial: to 29 Apr 2015"."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.i18n import use_language
from dashboard.measures import metrics
from dashboard.measures.filters import Filters
from dashboard.render import charts
from tests.apphelpers import app, no_errors

PARTIAL = "partial: to 29 Apr 2015"


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_the_last_month_is_drawn_hollow_and_named_partial(demo_dataset):
    span = metrics.shown_span(Filters(), demo_dataset.as_of)
    assert span == (None, date(2015, 4, 29))
    fig = charts.monthly_trend(metrics.monthly(demo_dataset.cases), "Cases per month", span)
    cases = _trace(fig, "cases")
    assert list(cases.x)[-1] == "Apr 2015" and cases.y[-1] is None and cases.y[-2] == 24  # the solid bars stop
    partial = _trace(fig, PARTIAL)
    assert list(partial.x) == ["Apr 2015"] and list(partial.y) == [22]
    assert partial.marker.pattern.shape == "/" and partial.marker.color == "rgba(255,255,255,0)"
    assert PARTIAL in partial.hovertemplate
    dashed = [t for t in fig.data if t.type == "scatter" and t.line.dash == "dash"]
    assert len(dashed) == 1 and list(dashed[0].x) == ["Mar 2015", "Apr 2015"] and list(dashed[0].y) == [347, 369]
    assert _trace(fig, "cumulative").y[-1] is None


def test_the_last_quarter_of_the_arrest_rate_is_dashed_and_hollow(demo_dataset):
    span = metrics.shown_span(Filters(), demo_dataset.as_of)
    fig = charts.arrest_rate_over_time(metrics.arrest_rate_over_time(demo_dataset.cases), span)
    assert _trace(fig, "arrest rate").y[-1] is None
    marker = _trace(fig, PARTIAL)
    assert list(marker.x) == ["Q2 2015"] and marker.marker.symbol == "circle-open"
    assert any(t.line.dash == "dash" and list(t.x) == ["Q1 2015", "Q2 2015"] for t in fig.data if t.type == "scatter")


def test_whole_periods_are_not_marked(demo_dataset):
    """A filter that ends on a month's (and a quarter's) last day leaves nothing partial."""
    filters = Filters(date(2014, 1, 1), date(2014, 6, 30))
    span = metrics.shown_span(filters, demo_dataset.as_of)
    fig = charts.monthly_trend(metrics.monthly(demo_dataset.cases, filters), "x", span)
    assert not [t for t in fig.data if t.name and t.name.startswith("partial")]
    fig = charts.arrest_rate_over_time(metrics.arrest_rate_over_time(demo_dataset.cases, filters), span)
    assert not [t for t in fig.data if t.name and t.name.startswith("partial")]


def test_a_filter_that_cuts_a_month_marks_it_at_either_end(demo_dataset):
    filters = Filters(date(2014, 1, 10), date(2014, 6, 15))
    span = metrics.shown_span(filters, demo_dataset.as_of)
    fig = charts.monthly_trend(metrics.monthly(demo_dataset.cases, filters), "x", span)
    partial = _trace(fig, "partial: to 15 Jun 2014")
    assert list(partial.x) == ["Jan 2014", "Jun 2014"]  # both cut months are hollow; the legend names the end


def test_the_partial_label_is_translated(demo_dataset):
    span = metrics.shown_span(Filters(), demo_dataset.as_of)
    with use_language("km"):
        fig = charts.monthly_trend(metrics.monthly(demo_dataset.cases), "x", span)
    names = [t.name for t in fig.data if t.name]
    assert any(n.startswith("មិនពេញលេញ") and "មេសា" in n for n in names), names


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/cases.py", "pages/arrests.py"])
def test_every_internal_trend_chart_marks_the_partial_period(page):
    at = app(page)
    no_errors(at)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    trends = [s for s in specs if any(str(t.get("name", "")).startswith("partial") for t in s["data"])]
    assert trends, [s["layout"].get("title") for s in specs]
    # "; probably incomplete"
    assert all(any(str(t.get("name", "")).startswith(PARTIAL) for t in s["data"]) for s in trends)
