"""Arrests: arrest rate by province with 95% intervals and over time; time to arrest; compare two periods."""

from __future__ import annotations

import streamlit as st

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_, _, fmt_date, fmt_decimal, fmt_int, fmt_percent
from dashboard.measures import metrics
from dashboard.measures import time_to_arrest as tta
from dashboard.measures.metrics import MIN_CASES_TO_RANK
from dashboard.render import charts
from dashboard.ui import compare_view, params, url_state
from dashboard.ui import components as ui
from dashboard.ui.cache import metric
from dashboard.ui.context import Context, context
from dashboard.ui.views import justice_funnel

VIEWS, GROUPINGS = params.ARRESTS_VIEWS, params.GROUPINGS
KEY_KM_PROVINCE = params.KM_PROVINCE.key
#: Why an arrest cannot be timed (time_to_arrest.NO_DATE, BEFORE_REPORT), shown through _().
EXCLUSION_REASONS = (N_("arrest without a date"), N_("arrest dated before the report"))


def render() -> None:
    ctx = context("arrests")
    ui.page_header(ctx, _("Arrests"), _("Share of cases in which an arrest was made, and how soon"))
    url_state.check(params.VIEW, VIEWS)
    view = st.segmented_control(_("View"), list(VIEWS), default=VIEWS[0], key=params.VIEW.key, bind="query-params",
                                format_func=params.VIEW.label) or VIEWS[0]
    if view == VIEWS[1]:
        compare_view.render(ctx, "arrest rate", "equal intervals", params.CENSUS.default, _("Arrest rate"), "arrests")
        return
    if ui.no_cases(metric(ctx, metrics.summary)):
        return
    s = metric(ctx, metrics.summary)
    per_province = metric(ctx, metrics.by_province)
    ui.chart(charts.arrest_rate_by_province(per_province, s["arrest_rate"]), key="arrests_by_province")
    st.caption(_("Provinces with fewer than {n} cases are shown in grey and not ranked: their intervals are too "
                 "wide for a fair comparison. Bars are Wilson 95% score intervals.").format(
                     n=fmt_int(MIN_CASES_TO_RANK)))
    ui.data_table(per_province[per_province["cases"] > 0][
        ["province_code", "province", "province_km", "cases", "arrests", "arrest_rate", "ci_low", "ci_high", "ranked"]],
        "arrest_rate_by_province", "arrests_province_data")
    quarterly = metric(ctx, metrics.arrest_rate_over_time)
    ui.chart(charts.arrest_rate_over_time(quarterly, metrics.shown_span(ctx.filters, ctx.dataset.as_of)),
             key="arrests_over_time")
    ui.data_table(quarterly, "arrest_rate_by_quarter", "arrests_quarter_data")
    _time_to_arrest(ctx)
    justice_funnel.render(ctx)


def _time_to_arrest(ctx: Context) -> None:
    st.subheader(_("Time to arrest"))
    head = metric(ctx, tta.headline)
    reasons = "; ".join(f"{_(reason)}: {fmt_int(n)}" for reason, n in head["excluded_by_reason"].items())
    if head["arrests_timed"]:
        median = _days(head["median_days"])
        spread = f"{_days(head['p25_days'])}–{_days(head['p75_days'])}"
    else:
        median = spread = "–"
    ui.kpi_row([
        (_("Median days"), median, _("Median days from report to arrest, over arrests with a date.")),
        (_("Middle half (days)"), spread, _("25th to 75th percentile: half of the arrests took this many days.")),
        (_("Within 7 days"), fmt_percent(_none(head["within_7_days_share"])), _("Share of arrests made within 7 days "
                                                                                "of the report.")),
        (_("Within 30 days"), fmt_percent(_none(head["within_30_days_share"])), _("Share of arrests made within 30 "
                                                                                  "days of the report.")),
        (_("Cases left out"), fmt_int(head["excluded"]),
         _("Arrests that cannot be timed ({reasons}). Validation refuses an arrest dated before its report; an "
           "arrest without a date cannot be timed.").format(reasons=reasons)),
    ])
    st.caption(_two_medians(ctx, median))
    _survival(ctx)
    _by_group(ctx)


def _two_medians(ctx: Context, median: str) -> str:
    """Why "Median days" and the Kaplan–Meier median below it differ."""
    overall = metric(ctx, tta.survival, province=None).groups
    km = overall["median_days"].iloc[0] if len(overall) else float("nan")
    km_text = fmt_int(km) if km == km else _("not reached")
    return _("Two medians: \"Median days\" ({median}) is over the arrests with a date only. The Kaplan–Meier "
             "median below ({km}) also counts the cases still without an arrest, followed up to the data's last day "
             "({end}), so it is the longer one while many cases are open.").format(
        median=median, km=km_text, end=_follow_up(ctx))


def _days(value: float) -> str:
    return fmt_decimal(value, 0 if value % 1 == 0 else 1)


def _none(value: float) -> float | None:
    return None if value != value else value  # NaN -> None


def _survival(ctx: Context) -> None:
    gaz = load_gazetteer()
    choices = [""] + [p.name_en for p in gaz.values()]
    url_state.check(params.KM_PROVINCE)
    name = st.selectbox(_("Compare a province with the rest"), choices, key=KEY_KM_PROVINCE, bind="query-params",
                        format_func=lambda n: n or _("(all selected cases)"))
    code = next((c for c, p in gaz.items() if p.name_en == name), None)
    result = metric(ctx, tta.survival, province=code)
    if result.curve.empty:
        st.info(_("No case can be timed in this selection."), icon=":material/search_off:")
        return
    names = {"all": _("All selected cases"), "rest": _("Other provinces")}
    if code:
        names[code] = name
    ui.chart(charts.survival_curves(result.curve, names), key="arrests_survival")
    lines = [_("Kaplan–Meier estimate: a case without an arrest counts as 'no arrest yet' up to the data's last day "
               "({end}) and is censored there, not dropped. Shaded: 95% interval (log-log).").format(
        end=_follow_up(ctx))]
    for row in result.groups.itertuples():
        median = _("median {days} days").format(days=fmt_int(row.median_days)) if row.median_days == row.median_days \
            else _("median not reached")
        lines.append(_("{group}: {cases} cases, {arrests} arrests, {censored} without arrest yet; {median}.").format(
            group=names.get(row.group, row.group), cases=fmt_int(row.cases), arrests=fmt_int(row.arrests),
            censored=fmt_int(row.censored), median=median))
    head = metric(ctx, tta.headline)
    if head["excluded"]:
        lines.append(_("Left out, as they cannot be timed: {reasons}.").format(reasons="; ".join(
            f"{_(reason)} ({fmt_int(n)})" for reason, n in head["excluded_by_reason"].items() if n)))
    if result.logrank_p is not None:
        lines.append(_("Log-rank test, {name} against the other provinces: p = {p}.").format(
            name=name, p=fmt_decimal(result.logrank_p, 3)))
    st.caption(" ".join(lines))
    ui.data_table(result.curve, "still_without_arrest", "arrests_survival_data")


def _follow_up(ctx: Context) -> str:
    """The data's last day: the "data as of" day, where open cases are censored."""
    end = ctx.dataset.as_of
    return fmt_date(end) if end is not None else "–"


def _by_group(ctx: Context) -> None:
    url_state.check(params.TTA_BY)
    label = st.segmented_control(_("Days to arrest by"), params.options("tta_by"), default=params.TTA_BY.default,
                                 key=params.TTA_BY.key, bind="query-params",
                                 format_func=params.TTA_BY.label) or params.TTA_BY.default
    by = GROUPINGS[label]
    frame = metric(ctx, tta.by_group, by=by)
    column = "province_name" if by == "province" else by
    title = _("Days from report to arrest: median and 25th–75th percentile, by {by}").format(by=_(label))
    ui.chart(charts.days_to_arrest(frame, column, title), key="arrests_days_by_group")
    ui.data_table(frame, f"days_to_arrest_by_{by}", "arrests_days_data")
