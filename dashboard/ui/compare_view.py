"""Compare mode (Cases and Arrests pages): two periods side by side, one shared legend, the change per province."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, _, fmt_date, fmt_decimal, fmt_int, fmt_percent
from dashboard.measures import compare, funnel, metrics, rollout
from dashboard.measures.compare import Period
from dashboard.measures.filters import Filters
from dashboard.render import maps
from dashboard.ui import components as ui
from dashboard.ui import map_widget, params, url_state
from dashboard.ui.cache import boundaries, coverage_metric, metric
from dashboard.ui.context import Context

KEY_EARLIER, KEY_LATER = params.PERIOD_A.key, params.PERIOD_B.key
METHODS = N_(
    "**Is the change more than chance?** Arrest rate: the 95% interval for the difference of two proportions "
    "(Newcombe's hybrid score method, built from the Wilson intervals used on every page); the change exceeds "
    "chance when the interval leaves out zero. Cases: an exact conditional test of two Poisson counts (binomial, "
    "given the total), allowing for the days each province was covered in each period; the change exceeds chance "
    "when p < 0.05. A province covered in only one of the periods is not tested. With 25 provinces, about one "
    "flag in twenty can still be chance.")


def data_span(ctx: Context) -> tuple[date, date]:
    """The data's first day (the first of its first case's month; the programme's start with no cases) and last day.

    The default periods are cut from this span, not from the programme's start: a real file whose first case
    is a year after July 2013 would otherwise get an earlier period with nothing in it.
    """
    cases = ctx.dataset.cases
    first = cases["date"].min().date().replace(day=1) if len(cases) else ctx.dataset.first_day
    return first, metrics.period_end(Filters(), ctx.dataset.as_of)


def _follow_default(key: str, default: tuple[date, date]) -> None:
    """Keep a period on its default (following the sidebar's dates) until someone changes it."""
    memory = params.default_memory(key)
    previous = st.session_state.get(memory)
    st.session_state[memory] = default
    if previous is not None and previous != default and tuple(st.session_state.get(key, ())) == previous:
        st.session_state[key] = default


def _period_input(column, label: str, key: str, default: Period, lowest: date, last: date) -> Period:
    url_state.check_date_range(params.BY_KEY[key], lowest, last)
    _follow_default(key, (default.start, default.end))
    chosen = column.date_input(label, value=(default.start, default.end), min_value=lowest, max_value=last, key=key,
                               bind="query-params", format="YYYY-MM-DD")
    if not isinstance(chosen, (tuple, list)) or len(chosen) != 2:  # a range being picked: one date so far
        return default
    start, end = sorted(chosen)
    return Period(start, end)


DEFAULT_RULES = {
    compare.BEFORE: N_("By default the later period is the sidebar's date range and the earlier one the same "
                       "number of days just before it."),
    compare.HALVES: N_("By default the sidebar's date range is split into two halves: the same number of days "
                       "before it would start before the data ({first}), where there is nothing to compare."),
    compare.NO_EARLIER: N_("The sidebar's date range starts on the data's first day ({first}), so no earlier "
                           "period has data: choose two periods above."),
}


def period_inputs(ctx: Context) -> tuple[Period, Period]:
    """The two periods (earlier, later), bound to the URL; by default two periods that both have data."""
    first, last = data_span(ctx)
    default = compare.default_periods(ctx.filters, first, last)
    lowest = min(ctx.dataset.first_day, default.earlier.start)
    left, right = st.columns(2)
    earlier = _period_input(left, _("Earlier period"), KEY_EARLIER, default.earlier, lowest, last)
    later = _period_input(right, _("Later period"), KEY_LATER, default.later, lowest, last)
    st.caption(_(DEFAULT_RULES[default.rule]).format(first=fmt_date(first)) + " " + _("Both are in the page address."))
    for name, period in ((_("earlier period"), earlier), (_("later period"), later)):
        if period.end < first:
            st.info(_("The {name} ends before the data start ({first}): it has no cases, so nothing can be "
                      "compared. Choose a later period.").format(name=name, first=fmt_date(first)))
    return earlier, later


def describe(period: Period) -> str:
    return _("{start} to {end} ({days} days)").format(start=fmt_date(period.start), end=fmt_date(period.end),
                                                     days=fmt_int(period.days))


def _maps(ctx: Context, periods: tuple[Period, Period], measure: str, scheme: str, census: str,
          title: str, page: str) -> None:
    """Two maps classed with the same breaks (computed over both periods) and one legend under them."""
    b = boundaries()
    frames = [metric(ctx, rollout.by_province, p.filters(ctx.filters), census=census) for p in periods]
    breaks = maps.frame_breaks(b, frames, measure, scheme, ctx.filters.provinces)
    entries: list[tuple[str, str]] = []
    for column, period, frame, name in zip(st.columns(2), periods, frames, ("earlier", "later")):
        covered = coverage_metric(ctx, metrics.active_provinces, period.end)
        styles, legend = maps.choropleth_styles(b, frame, covered, measure, scheme, ctx.filters.provinces, breaks,
                                                ctx.scope)
        entries += [entry for entry in legend if entry not in entries]
        with column:
            st.markdown(f"**{describe(period)}**")
            fmap = maps.build_map(b, styles, title, None, selected=ctx.filters.provinces, height=420)
            map_widget.province_map(fmap, key=f"map_{page}_{name}", name=f"{page}_{period.start}_{period.end}",
                                    height=420)
    st.html(maps.legend_html(title, order_legend(entries), _("One legend for both maps: the classes are computed "
                                                              "once over both periods.")))


def order_legend(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Classes first, then the states (no cases, no data, not covered, not selected)."""
    states = ("no cases", "no data", "not covered", "not selected")
    spelled = [(s, _(s)) for s in states]  # the legend may be in English or in the interface language
    is_state = {name for pair in spelled for name in pair}
    return [e for e in entries if e[1] not in is_state] + [e for pair in spelled for e in entries if e[1] in pair]


def _yes_no(value) -> str:
    return "–" if value is None or pd.isna(value) else (_("yes") if value else _("no"))


def _signed(value: float, places: int = 0) -> str:
    return "–" if pd.isna(value) else ("+" if value > 0 else "") + fmt_decimal(value, places)


def change_table(change: pd.DataFrame, selection: tuple[str, ...]) -> pd.DataFrame:
    """The change per province as shown: provinces in the filter, or with cases in either period."""
    rows = change[change["province_code"].isin(selection)] if selection else \
        change[(change["cases_earlier"] > 0) | (change["cases_later"] > 0)]
    return pd.DataFrame({
        _("province"): rows["province"],
        _("cases, earlier"): rows["cases_earlier"],
        _("cases, later"): rows["cases_later"],
        _("change in cases"): [_signed(v) for v in rows["cases_change"]],
        _("cases: beyond chance?"): [_yes_no(v) for v in rows["cases_exceeds_chance"]],
        _("arrest rate, earlier"): [fmt_percent(None if pd.isna(v) else v) for v in rows["arrest_rate_earlier"]],
        _("arrest rate, later"): [fmt_percent(None if pd.isna(v) else v) for v in rows["arrest_rate_later"]],
        _("change (points)"): [_signed(v) for v in rows["rate_change_pp"]],
        _("95% interval (points)"): ["–" if pd.isna(lo) else f"{_signed(lo)} … {_signed(hi)}"
                                     for lo, hi in zip(rows["rate_change_low_pp"], rows["rate_change_high_pp"])],
        _("arrest rate: beyond chance?"): [_yes_no(v) for v in rows["rate_exceeds_chance"]],
    })


def _share_text(value: float | None, ci: tuple[float, float] | list[float] | None, count: int | None) -> str:
    """A share with its Wilson 95% interval, "not recorded" when the data lacks the stage (never zero)."""
    if count is None:
        return _("not recorded")
    if value is None:
        return "–"
    return fmt_percent(value) + (f" ({fmt_percent(ci[0])}–{fmt_percent(ci[1])})" if ci else "")


def stage_share_table(earlier: list[dict], later: list[dict]) -> pd.DataFrame:
    """The funnel's stage shares (of the stage before and of all cases) for both periods, side by side."""
    rows = []
    for a, b in zip(earlier[1:], later[1:]):
        previous = funnel.STAGES[funnel.STAGES.index(a["stage"]) - 1]
        rows.append({
            _("stage"): _(funnel.STAGE_LABELS[a["stage"]]),
            _("share of"): _(funnel.STAGE_LABELS[previous]),
            _("earlier: share of the stage before"): _share_text(a["share_of_previous"], a["share_of_previous_ci95"],
                                                                a["count"]),
            _("later: share of the stage before"): _share_text(b["share_of_previous"], b["share_of_previous_ci95"],
                                                              b["count"]),
            _("earlier: share of all cases"): _share_text(a["share_of_all"], a["share_of_all_ci95"], a["count"]),
            _("later: share of all cases"): _share_text(b["share_of_all"], b["share_of_all_ci95"], b["count"]),
        })
    return pd.DataFrame(rows)


def _stage_shares(ctx: Context, earlier: Period, later: Period) -> None:
    """The funnel's shares for both periods, with Wilson 95% intervals (measures/funnel.py)."""
    st.subheader(_("After the arrest, per period"))
    rows = [metric(ctx, funnel.funnel, p.filters(ctx.filters)) for p in (earlier, later)]
    st.dataframe(stage_share_table(*rows), hide_index=True, width="stretch", key="compare_stage_shares")
    st.caption(_("Charged of arrested, tried of charged, convicted of tried, and each of all cases, with Wilson 95% "
                 "intervals, as on the funnel: open cases are not failures. A stage the data does "
                 "not record is shown as not recorded, never as zero."))


def render(ctx: Context, measure: str, scheme: str, census: str, title: str, page: str) -> None:
    """The compare view: period inputs, two maps with one legend, headline changes and the change table."""
    earlier, later = period_inputs(ctx)
    _maps(ctx, (earlier, later), measure, scheme, census, title, page)
    change = metric(ctx, compare.change_by_province, earlier=earlier, later=later)
    total = compare.totals(change[change["province_code"].isin(ctx.filters.provinces)] if ctx.filters.provinces
                           else change)
    ui.wrap_card_labels()
    cols = st.columns(3)
    cols[0].metric(_("Cases, later period"), fmt_int(total["cases_later"]), delta=_signed(total["cases_change"]),
                   help=_("Change from the earlier period ({n} cases).").format(n=fmt_int(total["cases_earlier"])),
                   border=True)
    cols[1].metric(_("Arrest rate, later period"), fmt_percent(total["arrest_rate_later"]),
                   delta=None if total["rate_change_pp"] is None else _("{change} points").format(
                       change=_signed(total["rate_change_pp"])), border=True,
                   help=_("Earlier period: {rate}.").format(rate=fmt_percent(total["arrest_rate_earlier"])))
    interval = "–" if total["rate_change_low_pp"] is None else _("{low} to {high} points").format(
        low=_signed(total["rate_change_low_pp"]), high=_signed(total["rate_change_high_pp"]))
    cols[2].metric(_("Arrest-rate change beyond chance?"), _yes_no(total["rate_exceeds_chance"]), border=True,
                   help=_("95% Newcombe interval for the change: {interval}.").format(interval=interval))
    st.subheader(_("Change per province"))
    st.dataframe(change_table(change, ctx.filters.provinces), hide_index=True, width="stretch")
    st.markdown(_(METHODS))
    _stage_shares(ctx, earlier, later)
    ui.data_table(change, f"{page}_change_{earlier.start}_{later.end}", f"{page}_change_data")
