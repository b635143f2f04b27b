"""Overview: headline figures, a small coverage map and the monthly trend (leadership)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.i18n import N_, _, fmt_date, fmt_int, fmt_percent
from dashboard.measures import metrics
from dashboard.render import charts, maps
from dashboard.ui import components as ui
from dashboard.ui import map_widget, quality_report
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import context
from dashboard.ui.views import justice_funnel

#: Why the coverage cards can differ from a figure published for another day.
ANOTHER_DAY = N_("Coverage is counted on one day, the end of the selected period; a figure published for another "
                 "day (such as 1 January 2015) can differ. Set the sidebar's end date to that day to see it.")


def headline(ctx) -> dict:
    s = metric(ctx, metrics.summary)
    ci = s["arrest_rate_ci95"]
    day = fmt_date(date.fromisoformat(s["period_end"]))
    on_day = _("on {day}").format(day=day)  # coverage changes over time: the card says which day it is for
    ui.kpi_row([
        (_("Cases"), fmt_int(s["cases"]), _("Cases reported in the selected period, provinces and offences.")),
        (_("Cases in {year}").format(year=s["year"]), fmt_int(s["cases_this_year"]),
         _("Cases in the calendar year of the period's end.")),
        (_("Arrests"), fmt_int(s["arrests"]), _("Cases in which an arrest was made.")),
    ])
    ui.kpi_row([
        (_("Arrest rate"), fmt_percent(s["arrest_rate"]),
         _("95% confidence interval (Wilson): {low} to {high}").format(low=fmt_percent(ci[0]), high=fmt_percent(ci[1]))
         if ci else _("No cases.")),
        (_("Provinces covered"), _("{covered} of {total}").format(covered=fmt_int(s["provinces_covered"]),
                                                                  total=fmt_int(s["provinces_total"])),
         _("Provinces where the programme operated on {day}.").format(day=day) + " " + _(ANOTHER_DAY), on_day),
        (_("Population covered"), fmt_percent(s["population_covered_share"]),
         _("Share of people living in covered provinces ({census}).").format(census=_(s["census"])) + " " +
         _(ANOTHER_DAY), on_day),
    ])
    if ci:
        st.caption(_("Arrest rate {rate}, 95% confidence interval {low} to {high} (Wilson score).").format(
            rate=fmt_percent(s["arrest_rate"], 1), low=fmt_percent(ci[0], 1), high=fmt_percent(ci[1], 1)))
    return s


def render() -> None:
    ctx = context("overview")
    ui.page_header(ctx, _("Overview"),
                   _("Child Protection Unit (J646): cases investigated with the Cambodian National Police"))
    s = headline(ctx)
    left, right = st.columns([2, 3])
    with left:
        st.subheader(_("Where the programme operates"))
        b = boundaries()
        day = metrics.period_end(ctx.filters, ctx.dataset.as_of)
        styles, legend = maps.coverage_styles(b, ctx.dataset.coverage, day)
        fmap = maps.build_map(b, styles, _("Coverage on {day}").format(day=fmt_date(day)), legend,
                              selected=ctx.filters.provinces, height=380)
        map_widget.province_map(fmap, key="map_overview", name="coverage_overview", height=380)
        ui.data_table(coverage_metric(ctx, metrics.coverage_table, day), f"coverage_{day.isoformat()}",
                      "overview_coverage")
    with right:
        if s["cases"] == 0:
            ui.no_cases(metric(ctx, metrics.summary))
        else:
            monthly = metric(ctx, metrics.monthly)
            ui.chart(charts.monthly_trend(monthly, _("Cases per month"),
                                                 metrics.shown_span(ctx.filters, ctx.dataset.as_of),
                                                 quality_report.current(ctx).incomplete_months), key="overview_trend")
            ui.data_table(monthly, "monthly_cases", "overview_monthly")
            st.subheader(_("After the arrest"))
            justice_funnel.card(ctx)
