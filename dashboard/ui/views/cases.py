"""Cases: choropleth of counts or rates (per person-year under coverage by default), one map per year, compare
two periods; monthly trend, "since the unit arrived", offences and a province table."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import N_, _, fmt_int, fmt_quarter
from dashboard.measures import metrics, rollout
from dashboard.render import charts, maps
from dashboard.ui import compare_view, map_widget, params, playback, quality_report, url_state
from dashboard.ui import components as ui
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import Context, context

PROVINCE_COLUMNS = ["province_code", "province", "province_km", "cases", "arrests", "arrest_rate", "population",
                    "per_100k", "cases_in_coverage", "covered_days", "person_years", "per_100k_person_years"]
TITLES = {"person-time": N_("Cases per 100,000 person-years under coverage"),
          "rate": N_("Cases per 100,000 people"), "count": N_("Cases")}
MEASURES, VIEWS, CENSUSES = params.MEASURES, params.CASES_VIEWS, params.CENSUSES
ONE_MAP, PER_YEAR, PLAY, COMPARE = params.ONE_MAP, params.PER_YEAR, params.PLAY, params.COMPARE
FRAME_KEY = params.CASES_QUARTER


def _settings() -> tuple[str, str, str, str]:
    """Measure, classes, census and view, bound to the URL (a shared link reopens the same map)."""
    for param in (params.MEASURE, params.CLASSES, params.CENSUS):
        url_state.check(param)
    url_state.check(params.VIEW, VIEWS)
    view = st.segmented_control(_("View"), list(VIEWS), default=VIEWS[0], key=params.VIEW.key, bind="query-params",
                                format_func=params.VIEW.label) or VIEWS[0]
    c1, c2, c3 = st.columns([5, 2, 1])
    measure = c1.segmented_control(_("Show"), params.options("measure"), default=params.MEASURE.default,
                                   key=params.MEASURE.key, bind="query-params",
                                   format_func=params.MEASURE.label) or params.MEASURE.default
    scheme = c2.selectbox(_("Classes"), params.options("classes"), key=params.CLASSES.key, bind="query-params",
                          format_func=params.CLASSES.label,
                          help=_("How values are grouped into the legend's colours (mapclassify)."))
    census = c3.selectbox(_("Census"), params.options("census"), key=params.CENSUS.key, bind="query-params",
                          help=_("2008 is complete and nearest the programme's start; 2019 lacks Preah Sihanouk."))
    return MEASURES[measure], scheme, census, view


def render() -> None:
    ctx = context("cases")
    ui.page_header(ctx, _("Cases"), _("Serious cases of child abuse, child rape and homicide investigated"))
    measure, scheme, census, view = _settings()
    if view == COMPARE:
        compare_view.render(ctx, measure, scheme, census, _(TITLES[measure]), "cases")
        return
    per_province = metric(ctx, rollout.by_province, census=census)
    if view == PER_YEAR:
        _per_year(ctx, measure, scheme, census)
    elif view == PLAY:
        _play(ctx, measure, scheme, census)
    else:
        _one_map(ctx, per_province, measure, scheme)
    _rate_note(ctx, measure, census)
    ui.data_table(per_province[PROVINCE_COLUMNS], "cases_by_province", "cases_map_data")
    if ui.no_cases(metric(ctx, metrics.summary)):
        return
    monthly = metric(ctx, metrics.monthly)
    ui.chart(charts.monthly_trend(monthly, _("Cases per month"),
                                             metrics.shown_span(ctx.filters, ctx.dataset.as_of),
                                                 quality_report.current(ctx).incomplete_months), key="cases_trend")
    ui.data_table(monthly, "monthly_cases", "cases_monthly")
    _since_arrival(ctx, census)
    left, right = st.columns(2)
    with left:
        offences = metric(ctx, metrics.by_offence)
        ui.chart(charts.offence_breakdown(offences), key="cases_offences")
        ui.data_table(offences, "cases_by_offence", "cases_offence_data")
    with right:
        st.subheader(_("By province"))
        table = per_province[per_province["cases"] > 0][PROVINCE_COLUMNS].sort_values("cases", ascending=False)
        st.dataframe(ui.localized_columns(table), hide_index=True, width="stretch", column_config=ui.localized_config({
            "arrest_rate": st.column_config.NumberColumn(_("arrest rate"), format="percent"),
            "per_100k": st.column_config.NumberColumn(_("per 100,000"), format="%.2f"),
            "per_100k_person_years": st.column_config.NumberColumn(_("per 100,000 person-years"), format="%.2f"),
            "person_years": st.column_config.NumberColumn(_("person-years"), format="localized"),
            "population": st.column_config.NumberColumn(_("population ({census})").format(census=census),
                                                        format="localized"),
        }))
        st.caption(_("Rates per 100,000 use the {census}.").format(census=_(metrics.CENSUS_NOTE[census])))


def _one_map(ctx: Context, per_province, measure: str, scheme: str) -> None:
    covered = coverage_metric(ctx, metrics.active_provinces, metrics.period_end(ctx.filters, ctx.dataset.as_of))
    b = boundaries()
    styles, legend = maps.choropleth_styles(b, per_province, covered, measure, scheme, ctx.filters.provinces,
                                            scope=ctx.scope)
    fmap = maps.build_map(b, styles, _(TITLES[measure]), legend, b.map_note(), selected=ctx.filters.provinces)
    map_widget.province_map(fmap, key="map_cases", name="cases_map")
    if b.map_note():
        st.caption(b.map_note())
    unmapped = maps.cases_without_polygon(b, per_province)
    if unmapped:
        provinces = ", ".join(f"{name} ({fmt_int(n)})" for name, n in unmapped)
        st.warning(_("Cases in provinces these boundaries have no polygon for (counted in every total and table, "
                     "not drawn): {provinces}").format(provinces=provinces), icon=":material/warning:")


def _frame_styles(ctx: Context, measure: str, scheme: str, census: str, freq: str):
    """Frames (label, last day, per province, styles, legend), all classed with the same breaks."""
    frames = metric(ctx, rollout.by_province_frames, census=census, freq=freq)
    b = boundaries()
    breaks = maps.frame_breaks(b, [frame for _label, _end, frame in frames], measure, scheme, ctx.filters.provinces)
    styled = []
    for label, end, frame in frames:
        covered = coverage_metric(ctx, metrics.active_provinces, end)
        styles, legend = maps.choropleth_styles(b, frame, covered, measure, scheme, ctx.filters.provinces, breaks,
                                                ctx.scope)
        styled.append((label, end, frame, styles, legend))
    return styled


def _per_year(ctx: Context, measure: str, scheme: str, census: str) -> None:
    """Small multiples: one map per calendar year, all classed with breaks computed once over every year."""
    b = boundaries()
    entries: list[tuple[str, str]] = []
    columns = st.columns(3)
    for i, (label, _end, frame, styles, legend) in enumerate(_frame_styles(ctx, measure, scheme, census, "year")):
        entries += [entry for entry in legend if entry not in entries]
        with columns[i % 3]:
            st.markdown(f"**{label}** · " + _("{n} cases").format(n=fmt_int(frame["cases"].sum())))
            fmap = maps.build_map(b, styles, label, None, selected=ctx.filters.provinces, height=300)
            map_widget.static_map(fmap, key=f"map_cases_{label}", height=300)
    st.html(maps.legend_html(_(TITLES[measure]), compare_view.order_legend(entries),
                             _("Every year uses the same classes, computed once over all years, so a colour "
                               "means the same in each.")))
    if b.map_note():
        st.caption(b.map_note())


def _play(ctx: Context, measure: str, scheme: str, census: str) -> None:
    """One map stepping through the quarters, with classes fixed over all of them (the legend never changes).

    The frame's quarter is written above the map, not in the legend: the legend is the same for every frame,
    so it cannot show another frame than the map while the map frame catches up.
    """
    frames = {label: (end, frame, styles, legend) for label, end, frame, styles, legend in
              _frame_styles(ctx, measure, scheme, census, "quarter")}
    b = boundaries()

    def quarter(label: str) -> str:
        return fmt_quarter(frames[label][0])

    def draw(label: str) -> None:
        _end, frame, styles, legend = frames[label]
        fmap = maps.build_map(b, styles, _(TITLES[measure]), legend, b.map_note(), selected=ctx.filters.provinces)
        st.markdown(f"**{quarter(label)}** · " + _("{n} cases").format(n=fmt_int(frame["cases"].sum())))
        map_widget.province_map(fmap, key="map_cases_play", name=f"cases_{label}")

    playback.player(FRAME_KEY, list(frames), draw, _("Quarter"), _("Play quarters"), format_func=quarter,
                    help=_("Step through the quarters; the classes are computed once over all of them."))


def _rate_note(ctx: Context, measure: str, census: str) -> None:
    if measure != "person-time":
        return
    outside = metric(ctx, rollout.outside_coverage)
    note = _("Rates per 100,000 person-years divide the cases reported while a province was covered by its "
             "population ({census}) times the years it was covered within the selected period, so a province "
             "reached late is not diluted by months before the unit arrived.").format(census=census)
    if outside["cases"]:
        note += " " + _("{n} case(s) reported outside their province's coverage ({before} before its start, {after} "
                        "after its end, {never} where it never was) are left out of these rates; validation flags "
                        "them.").format(n=fmt_int(outside["cases"]), before=fmt_int(outside["before_start"]),
                                        after=fmt_int(outside["after_end"]), never=fmt_int(outside["never_covered"]))
    st.caption(note)


def _since_arrival(ctx: Context, census: str) -> None:
    st.subheader(_("Since the unit arrived"))
    frame = metric(ctx, rollout.since_arrival, census=census)
    if frame.empty:
        st.info(_("No province was covered in the selected period."), icon=":material/map:")
        return
    ui.chart(charts.since_arrival(frame), key="cases_since_arrival")
    st.caption(_("Month 0 is each province's first month of coverage. Every province adds its person-time only for "
                 "the months it was covered within the selected period, so the later months rest on fewer, earlier "
                 "provinces (see the 'provinces' column). Arrest rates have Wilson 95% intervals in the table."))
    ui.data_table(frame, "cases_since_arrival", "cases_since_arrival_data")
