"""After the arrest: the funnel, time to charge and to the court's decision, and the charge map (Arrests page).

A section module: :func:`render` draws it under the time to arrest, :func:`card` the Overview's small card.
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import N_, _, fmt_date, fmt_decimal, fmt_int, fmt_percent
from dashboard.measures import funnel, metrics
from dashboard.measures.metrics import MIN_CASES_TO_RANK
from dashboard.render import maps
from dashboard.render.funnel_chart import funnel_bars
from dashboard.ui import components as ui
from dashboard.ui import map_widget
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import Context

NOT_RECORDED_NOTE = N_("The data does not record this stage (no charged or court_outcome column, or every cell "
                       "blank): it is shown as not recorded, never as zero. See docs/data.md for the columns.")
#: What each interval's figures are called on the page.
INTERVAL_TITLES = {"arrest_to_charge": N_("Days from arrest to charge"),
                   "charge_to_outcome": N_("Days from charge to the court's decision")}
MAP_MEASURE = "charge rate"


def _days(value: float | None) -> str:
    return "–" if value is None else fmt_decimal(value, 0 if value % 1 == 0 else 1)


def _share(value: float | None, ci: list[float] | None) -> str:
    if value is None:
        return "–"
    return fmt_percent(value) + (f" ({fmt_percent(ci[0])}–{fmt_percent(ci[1])})" if ci else "")


def _follow_up(ctx: Context) -> str:
    end = funnel.follow_up_end(ctx.dataset.cases)
    return fmt_date(end.date()) if end is not None else "–"


def funnel_table(rows: list[dict]):
    """The funnel as a table for people and for the CSV download."""
    import pandas as pd

    return pd.DataFrame([{
        "stage": r["stage"], "count": r["count"], "share_of_previous": r["share_of_previous"],
        "ci_low_previous": (r["share_of_previous_ci95"] or [None, None])[0],
        "ci_high_previous": (r["share_of_previous_ci95"] or [None, None])[1],
        "share_of_all": r["share_of_all"], "still_open": r["still_open"], "not_reached": r["not_reached"],
        "unknown": r["unknown"], "not_recorded": r["not_recorded"]} for r in rows])


def render(ctx: Context) -> None:
    st.subheader(_("After the arrest: charge, trial and verdict"))
    rows = metric(ctx, funnel.funnel)
    recorded = funnel.recorded_stages(ctx.dataset.cases)
    if not recorded[funnel.CHARGED]:
        st.info(_(NOT_RECORDED_NOTE), icon=":material/info:")
    ui.chart(funnel_bars(rows, funnel.STAGE_LABELS), key="arrests_funnel")  # no toolbar, and its summary
    st.caption(_("Reported → arrested → charged (sent to the prosecutor or an investigating judge) → tried (a court "
                 "decision: convicted, acquitted or dismissed) → convicted. Each share is of the stage before, over "
                 "the cases where the stage is recorded, with its Wilson 95% interval. Still open: the next stage "
                 "has not happened yet and the time since the last one is short ({arrest} days for an arrest, "
                 "{charge} for a charge, {trial} for a decision), counted to the data's last day ({end}); open cases "
                 "are not failures.").format(arrest=fmt_int(funnel.OPEN_DAYS[funnel.ARRESTED]),
                                             charge=fmt_int(funnel.OPEN_DAYS[funnel.CHARGED]),
                                             trial=fmt_int(funnel.OPEN_DAYS[funnel.TRIED]), end=_follow_up(ctx)))
    ui.data_table(funnel_table(rows), "funnel", "arrests_funnel_data")
    if recorded[funnel.CHARGED]:
        _times(ctx, recorded)
        _charge_map(ctx)


def _times(ctx: Context, recorded: dict[str, bool]) -> None:
    charge = metric(ctx, funnel.time_to_stage, interval="arrest_to_charge")
    ui.kpi_row([
        (_("Charged within 90 days"), _share(charge["within_90_days_share"], charge["within_90_days_ci95"]),
         _("Share of arrests charged within 90 days (Kaplan–Meier, 95% interval).")),
        (_("Charged within a year"), _share(charge["within_365_days_share"], charge["within_365_days_ci95"]),
         _("Share of arrests charged within 365 days (Kaplan–Meier, 95% interval).")),
        (_("Median days arrest → charge"), _days(charge["median_days"]),
         _("25th–75th percentile: {low}–{high} days, over the charges with a date.").format(
             low=_days(charge["p25_days"]), high=_days(charge["p75_days"]))),
    ])
    lines = []
    for interval, title in INTERVAL_TITLES.items():
        if interval == "charge_to_outcome" and not recorded[funnel.TRIED]:
            lines.append(_("{title}: court outcomes are not recorded.").format(title=_(title)))
            continue
        result = charge if interval == "arrest_to_charge" else metric(ctx, funnel.time_to_stage, interval=interval)
        km = _days(result["km_median_days"]) if result["km_median_days"] is not None else _("not reached")
        text = _("{title}: median {median} (25th–75th percentile {low}–{high}) over {events} cases that reached the "
                 "stage; Kaplan–Meier median {km}, with {censored} cases still waiting censored at {end}.").format(
            title=_(title), median=_days(result["median_days"]), low=_days(result["p25_days"]),
            high=_days(result["p75_days"]), events=fmt_int(result["events"]), km=km,
            censored=fmt_int(result["censored"]), end=_follow_up(ctx))
        if result["excluded"]:
            text += " " + _("Left out, as they cannot be timed: {reasons}.").format(reasons="; ".join(
                f"{_(reason)} ({fmt_int(n)})" for reason, n in result["excluded_by_reason"].items()))
        lines.append(text)
    lines.append(_("Two medians: the first is over the cases that reached the stage only; the Kaplan–Meier median "
                   "also counts the cases still waiting, followed up to the data's last day, so it is the longer "
                   "one while many cases are open."))
    st.caption(" ".join(lines))


def _charge_map(ctx: Context) -> None:
    st.markdown("**" + _("Share of arrests that led to a charge, by province") + "**")
    per_province = metric(ctx, funnel.charge_share_by_province)
    b = boundaries()
    covered = coverage_metric(ctx, metrics.active_provinces, metrics.period_end(ctx.filters, ctx.dataset.as_of))
    styles, legend = maps.choropleth_styles(b, per_province, covered, MAP_MEASURE, "equal intervals",
                                            ctx.filters.provinces, scope=ctx.scope)
    fmap = maps.build_map(b, styles, _("Share of arrests charged"), legend, selected=ctx.filters.provinces,
                          height=420)
    map_widget.province_map(fmap, key="map_arrests_charged", name="charge_share_by_province", height=420)
    st.caption(_("Provinces with fewer than {n} arrests whose charge is recorded are flagged in the tooltip and not "
                 "ranked: their intervals are too wide for a fair comparison.").format(n=fmt_int(MIN_CASES_TO_RANK)))
    ui.data_table(per_province[per_province["arrests"].fillna(0) > 0], "charge_share_by_province",
                  "arrests_charge_map_data")


def card(ctx: Context) -> None:
    """The Overview's small card: how many cases were charged and convicted, or that the stages are not recorded."""
    rows = {r["stage"]: r for r in metric(ctx, funnel.funnel)}
    charged, convicted = rows[funnel.CHARGED], rows[funnel.CONVICTED]

    def value(row: dict) -> str:
        return _("not recorded") if row["count"] is None else fmt_int(row["count"])

    ui.kpi_row([
        (_("Charged"), value(charged),
         _("Arrests that led to a charge: {share} (95% interval).").format(
             share=_share(charged["share_of_previous"], charged["share_of_previous_ci95"]))
         if charged["count"] is not None else _(NOT_RECORDED_NOTE)),
        (_("Convicted"), value(convicted),
         _("Cases tried that ended in a conviction: {share} (95% interval); {open} charged cases still open.").format(
             share=_share(convicted["share_of_previous"], convicted["share_of_previous_ci95"]),
             open=fmt_int(rows[funnel.TRIED]["still_open"])) if convicted["count"] is not None
         else _(NOT_RECORDED_NOTE)),
    ])
