"""Plotly figures for the dashboard (no Streamlit here).

Every word a figure shows goes through gettext, and dates, months and quarters on axes and in
hover labels are written by Babel (:mod:`dashboard.i18n`): plotly's own date formats only know
English month names, so date axes get explicit tick texts and hover labels carry the formatted
date in ``customdata``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.data.schema import NOT_RECORDED, age_band_label, offence_label
from dashboard.i18n import _, fmt_date, fmt_int, fmt_month, fmt_percent, fmt_quarter, get_language
from dashboard.render import fonts

TEAL = "#0f6e84"
TEAL_LIGHT = "#8cc7c4"
GREY = "#9aa5ae"
ACCENT = "#d9822b"
# No plotly template: Streamlit's own chart theme styles the figures, and building
# a template costs ~20 ms a figure on every rerun. The font is set here because a layout's own font
# outranks the theme's (Streamlit writes its theme into layout.template), and the stack names the served Khmer font.
LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), font=dict(family=fonts.FONT_STACK, size=13),
              legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0), hovermode="x unified")


#: How every chart is shown (st.plotly_chart's ``config``): no plotly toolbar, which on a touch screen stays up and
#: covers the chart's title; each chart's table and CSV download are under its "Show data".
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def count_axis(values, title: str | None = None) -> dict:
    """A y (or x) axis for counts: whole numbers only, and for small counts a step of 1 (or 2, 5...), so a
    chart of 0–2 cases reads 0, 1, 2 and never 0, 1, 1, 2, 2."""
    numbers = [float(v) for v in values if v is not None and pd.notna(v)]
    top = max(numbers, default=0)
    axis: dict = dict(tickformat=",d", rangemode="tozero")
    if top <= 10:
        axis.update(dtick=1, range=[0, max(1.0, top) * 1.08])
    elif top <= 60:
        axis.update(dtick=next(step for step in (2, 5, 10) if top / step <= 8))
    if title is not None:
        axis["title"] = title
    return axis


#: At most this many month ticks on an axis: on a phone (390 px, a plot about 230 px wide between two value
#: axes) more labels than this are turned on end by plotly, and Khmer month names then read top to bottom.
MOST_MONTH_TICKS = 5


def _tick_step(n_months: int, most: int = MOST_MONTH_TICKS) -> int:
    """Months between labelled ticks: a quarter, half a year, a year or two, so at most ``most`` labels."""
    return next((step for step in (3, 6, 12, 24, 60) if n_months / step <= most), 120)


def month_axis(months: pd.Series) -> tuple[list[str], dict]:
    """Month labels in the interface language, and a category x axis labelled at quarter (or wider) steps.

    The labels are the x values themselves, so the unified hover header is the month in Babel's words.
    """
    stamps = [pd.Timestamp(m) for m in months]
    labels = [fmt_month(m.date()) for m in stamps]
    step = _tick_step(len(stamps))
    ticks = [label for m, label in zip(stamps, labels) if (m.year * 12 + m.month - 1) % step == 0] or labels[:1]
    return labels, dict(type="category", tickmode="array", tickvals=ticks, ticktext=[_two_lines(t) for t in ticks])


def _two_lines(tick: str) -> str:
    """A month tick on two lines (month above year), so that the ticks stay level on a phone: a one-line
    'Jul 2013' is twice as wide, and Khmer names (កក្កដា, វិច្ឆិកា) wider still."""
    if " " in tick:
        month, _space, year = tick.rpartition(" ")
        return f"{month}<br>{year}"
    return tick


def quarter_axis(quarters: list[pd.Period], labels: list[str]) -> dict:
    """A category x axis of quarters labelled at half-year (or year) steps, so that the labels stay level on a
    phone: at most four ('Q1 2014'), or three in Khmer, whose 'ត្រីមាសទី 1 ឆ្នាំ 2014' is three times as wide and
    goes on two lines."""
    most = 3 if get_language() == "km" else 4
    step = next((n for n in (1, 2, 4, 8) if len(quarters) / n <= most), 20)
    ticks = [label for q, label in zip(quarters, labels) if (q.year * 4 + q.quarter - 1) % step == 0] or labels[:1]
    return dict(type="category", tickmode="array", tickvals=ticks, ticktext=[wrapped(t, 12) for t in ticks])


def wrapped(label: str, width: int = 18) -> str:
    """``label`` on lines of at most about ``width`` characters (plotly's ``<br>``), broken after ' / ' first, then
    at spaces; a word longer than ``width`` keeps a line of its own. Long Khmer offence names otherwise take most of
    a phone's width from their bars."""
    parts = str(label).split(" / ")
    lines: list[str] = []
    for n, part in enumerate(parts):
        words = part.split(" ")
        line = words[0]
        for word in words[1:]:
            if len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line + (" /" if n < len(parts) - 1 else ""))
    return "<br>".join(lines)


def heading(text: str) -> dict:
    """A chart's title, wrapped at about 40 characters: plotly never wraps a title itself, and on a phone a longer
    one ran off the chart's right edge. The title pushes the plot down by as many lines as it takes."""
    return dict(text=wrapped(text, 40), automargin=True, yref="paper", y=1, yanchor="bottom", pad=dict(b=12))


def category_ticks(labels) -> dict:
    """Axis settings that show each category label wrapped (:func:`wrapped`); hover labels keep the label whole."""
    values = [str(v) for v in labels]
    return dict(tickmode="array", tickvals=values, ticktext=[wrapped(v) for v in values])


def date_axis(dates: pd.Series) -> tuple[list[str], dict]:
    """Dates written per locale for hover labels, and tick positions and texts for a date x axis.

    Ticks fall on month starts (quarters, half years, years...) and read like 'Jan 2015' / 'មករា 2015';
    the axis's own hover format is ISO (language-neutral), the trace labels carry the formatted date.
    """
    stamps = [pd.Timestamp(d) for d in dates]
    texts = [fmt_date(d.date()) for d in stamps]
    if not stamps:
        return texts, {}
    first, last = min(stamps), max(stamps)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = _tick_step(span)
    start = first.to_period("M").to_timestamp()
    ticks = [t for t in pd.date_range(start, last, freq="MS") if (t.year * 12 + t.month - 1) % step == 0]
    texts_ticks = [fmt_date(t.date(), "y") if step >= 12 else _two_lines(fmt_month(t.date())) for t in ticks]
    return texts, dict(tickmode="array", tickvals=ticks, ticktext=texts_ticks, hoverformat="%Y-%m-%d")


_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def quarter_label(period: str) -> str:
    """A period key as the interface language writes it: '2014Q1' or '2014-Q1' -> 'Q1 2014' /
    'ត្រីមាសទី 1 ឆ្នាំ 2014'; a month '2014-03' -> 'Mar 2014' / 'មីនា 2014'; anything else unchanged."""
    text = str(period)
    if match := _QUARTER.fullmatch(text):
        return fmt_quarter(date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1))
    if (match := _MONTH.fullmatch(text)) and 1 <= int(match.group(2)) <= 12:
        return fmt_month(date(int(match.group(1)), int(match.group(2)), 1))
    return text


# ---------------------------------------------------------------- partial periods
# A month or quarter the data (or the filter) covers only in part is drawn hollow and dashed, and named
# "partial: to 29 Apr 2015" in the legend and the hover label: 22 cases in 29 days is no collapse.


def partial_label(first: date | None, last: date | None) -> str:
    """'partial: to 29 Apr 2015' (or 'partial: from ...' for a period cut at its start)."""
    if last is not None:
        return _("partial: to {day}").format(day=fmt_date(last, "d MMM y"))
    return _("partial: from {day}").format(day=fmt_date(first, "d MMM y")) if first else ""


def partial_periods(periods: list[pd.Period], span: tuple[date | None, date | None] | None) -> list[bool]:
    """Which periods ``span`` (first and last day of the data shown) covers only in part."""
    first, last = span or (None, None)
    return [bool((last is not None and p.end_time.date() > last) or (first is not None and p.start_time.date() < first))
            for p in periods]


def _span_label(flags: list[bool], periods: list[pd.Period], span) -> str:
    first, last = span or (None, None)
    cut_end = bool(flags) and flags[-1] and last is not None and periods[-1].end_time.date() > last
    return partial_label(None if cut_end else first, last if cut_end else None)


def _partial_bars(fig: go.Figure, labels: list[str], values: pd.Series, flags: list[bool], name: str,
                  colour: str, hover: str) -> None:
    """The partial periods' bars: outlined and hatched in the series colour, named in the legend."""
    xs = [x for x, f in zip(labels, flags) if f]
    if not xs:
        return
    fig.add_bar(x=xs, y=[v for v, f in zip(values, flags) if f], name=name, legendgroup="partial",
                marker=dict(color="rgba(255,255,255,0)", line=dict(color=colour, width=2),
                            pattern=dict(shape="/", fgcolor=colour, solidity=0.3)),
                hovertemplate="%{x}: %{y:,d} " + hover + f" ({name})<extra></extra>")


def monthly_trend(monthly: pd.DataFrame, title: str | None = None,
                  span: tuple[date | None, date | None] | None = None, incomplete: Collection[date] = ()) -> go.Figure:
    """Bars of monthly cases with the cumulative count as a line on a second axis.

    ``span``: the first and last day of the data shown; a month it covers only in part is drawn hollow.
    ``incomplete``: first days of months data quality finds probably still incomplete (late records still
    coming in); drawn hollow too, and named so in the legend.
    """
    labels, xaxis = month_axis(monthly["month"])
    periods = [pd.Timestamp(m).to_period("M") for m in monthly["month"]]
    flags = partial_periods(periods, span)
    late_months = set(incomplete)
    late = [pd.Timestamp(m).date() in late_months for m in monthly["month"]]
    full_cases = [None if f or lt else v for v, f, lt in zip(monthly["cases"], flags, late)]
    fig = go.Figure()
    fig.add_bar(x=labels, y=full_cases, name=_("cases"), marker_color=TEAL_LIGHT)
    fig.add_bar(x=labels, y=monthly["arrests"], name=_("arrests"), marker_color=TEAL)  # overlaid: inside the cases bar
    fig.add_scatter(x=labels, y=[None if f or lt else v for v, f, lt in zip(monthly["cumulative"], flags, late)],
                    name=_("cumulative"),
                    mode="lines", line=dict(color=ACCENT, width=2.5), yaxis="y2")
    if any(flags):
        name = _span_label(flags, periods, span)
        if any(f and lt for f, lt in zip(flags, late)):
            name += "<br>" + _("probably incomplete")  # a line of its own: one long legend line is cut on a phone
        _partial_bars(fig, labels, monthly["cases"], flags, name, TEAL, _("cases"))
    only_late = [lt and not f for f, lt in zip(flags, late)]
    if any(only_late):
        _partial_bars(fig, labels, monthly["cases"], only_late, _("probably incomplete: late records still coming in"),
                      TEAL, _("cases"))
    if any(flags) or any(only_late):
        _dashed_segments(fig, labels, list(monthly["cumulative"]), [f or lt for f, lt in zip(flags, late)], ACCENT,
                         yaxis="y2")
    fig.update_layout(
        title=heading(title if title is not None else _("Cases per month")), barmode="overlay", **LAYOUT,
        yaxis=count_axis(monthly["cases"], _("cases per month")),
        yaxis2=dict(count_axis(monthly["cumulative"], _("cumulative")), overlaying="y", side="right", showgrid=False),
        xaxis=xaxis)
    return fig


def coverage_over_time(timeline: pd.DataFrame, marker: pd.Timestamp | None = None) -> go.Figure:
    days, xaxis = date_axis(timeline["date"])
    fig = go.Figure()
    for column, name, line in (("population_share", _("share of population"), dict(color=TEAL, width=3, shape="hv")),
                               ("area_share", _("share of area"), dict(color=ACCENT, width=2, dash="dot", shape="hv"))):
        shares = [fmt_percent(v) for v in timeline[column]]
        fig.add_scatter(x=timeline["date"], y=timeline[column], name=name, mode="lines", line=line,
                        customdata=list(zip(days, shares)),
                        hovertemplate="%{customdata[0]}: %{customdata[1]}" + f"<extra>{name}</extra>")
    if marker is not None:
        fig.add_vline(x=marker, line=dict(color=GREY, dash="dash"))
    fig.update_layout(title=heading(_("Covered share of Cambodia")), **LAYOUT)
    fig.update_xaxes(**xaxis)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def offence_breakdown(by_offence: pd.DataFrame) -> go.Figure:
    data = by_offence.sort_values("cases")
    fig = go.Figure(go.Bar(x=data["cases"], y=[offence_label(o) for o in data["offence"]], orientation="h",
                           marker_color=TEAL,
                           text=[f"{fmt_int(c)} ({fmt_percent(s)})" for c, s in zip(data["cases"], data["share"])],
                           # inside the long bars, beside the short ones: 'auto' squeezed a short bar's label
                           # to a few pixels inside it on a phone
                           textposition=["inside" if c >= 0.6 * data["cases"].max() else "outside"
                                         for c in data["cases"]],
                           textangle=0, insidetextanchor="end", cliponaxis=False,
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(title=heading(_("Cases by offence")), **{**LAYOUT, "hovermode": "closest"},
                      uniformtext=dict(minsize=10))
    fig.update_xaxes(**count_axis(data["cases"], _("cases")))
    fig.update_yaxes(**category_ticks(offence_label(o) for o in data["offence"]))
    return fig


def arrest_rate_by_province(per_province: pd.DataFrame, national_rate: float | None) -> go.Figure:
    """Ranked provinces (10+ cases) with Wilson 95% error bars; smaller ones flagged, not ranked."""
    data = per_province[per_province["cases"] > 0].copy()
    ranked = data[data["ranked"]].sort_values("arrest_rate")
    flagged = data[~data["ranked"]].sort_values("province", ascending=False)
    fig = go.Figure()
    flagged_name = _("fewer than {n} cases (not ranked)").format(n=fmt_int(10))
    for frame, name, colour in ((flagged, flagged_name, GREY), (ranked, _("arrest rate"), TEAL)):
        if frame.empty:
            continue
        # one name on the axis (the reader's language), both in the hover label: two names squeezed the plot on a phone
        names = [k if _km() else p for p, k in zip(frame["province"], frame["province_km"])]
        fig.add_scatter(
            x=frame["arrest_rate"], y=names,
            mode="markers", name=name, marker=dict(color=colour, size=10),
            error_x=dict(type="data", symmetric=False, array=frame["ci_high"] - frame["arrest_rate"],
                         arrayminus=frame["arrest_rate"] - frame["ci_low"], color=colour),
            customdata=[[fmt_percent(r), fmt_int(a), fmt_int(c), o]
                        for r, a, c, o in zip(frame["arrest_rate"], frame["arrests"], frame["cases"],
                                              frame["province"] if _km() else frame["province_km"])],
            hovertemplate=_("{name}: {rate} ({arrests} of {cases})").format(
                name="%{y} (%{customdata[3]})", rate="%{customdata[0]}", arrests="%{customdata[1]}",
                cases="%{customdata[2]}") + "<extra></extra>")
    if national_rate is not None:
        fig.add_vline(x=national_rate, line=dict(color=ACCENT, dash="dash"),
                      annotation_text=_("all selected: {rate}").format(rate=fmt_percent(national_rate)),
                      # beside the line, on the side with room: centred on a high rate it ran off the chart
                      annotation_position="top left" if national_rate > 0.5 else "top right")
    fig.update_layout(title=heading(_("Arrest rate by province, with 95% intervals")),
                      height=max(320, 28 * len(data) + 120), **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(tickformat=".0%", range=[0, 1.05])
    return fig


def _dashed_segments(fig: go.Figure, labels: list[str], values: list, flags: list[bool], colour: str,
                     yaxis: str = "y", width: float = 2.5) -> None:
    """Join each partial period to its neighbour with a dashed line (the solid line skips it)."""
    for i, partial in enumerate(flags):
        if not partial:
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(flags)]
        xs = [labels[j] for j in sorted([i, *near])]
        ys = [values[j] for j in sorted([i, *near])]
        fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color=colour, width=width, dash="dash"), yaxis=yaxis,
                        legendgroup="partial", showlegend=False, hoverinfo="skip")


def arrest_rate_over_time(quarterly: pd.DataFrame, span: tuple[date | None, date | None] | None = None) -> go.Figure:
    """Arrest rate by quarter with its 95% band; a quarter ``span`` covers only in part is dashed and hollow."""
    periods = [quarter_label(p) for p in quarterly["period"]]
    quarters = [pd.Period(str(p), freq="Q") for p in quarterly["period"]]
    flags = partial_periods(quarters, span)
    fig = go.Figure()
    fig.add_scatter(x=periods, y=quarterly["ci_high"], mode="lines", line=dict(width=0),
                    showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=periods, y=quarterly["ci_low"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(15,110,132,0.15)", name=_("95% confidence interval"), hoverinfo="skip")
    custom = [[fmt_percent(r), fmt_int(a), fmt_int(c)]
              for r, a, c in zip(quarterly["arrest_rate"], quarterly["arrests"], quarterly["cases"])]
    hover = _("{name}: {rate} ({arrests} of {cases})").format(
        name="%{x}", rate="%{customdata[0]}", arrests="%{customdata[1]}", cases="%{customdata[2]}")
    fig.add_scatter(x=periods, y=[None if f else v for v, f in zip(quarterly["arrest_rate"], flags)],
                    mode="lines+markers", name=_("arrest rate"), line=dict(color=TEAL, width=3),
                    customdata=custom, hovertemplate=hover + "<extra></extra>")
    if any(flags):
        name = _span_label(flags, quarters, span)
        rates = list(quarterly["arrest_rate"])
        _dashed_segments(fig, periods, rates, flags, TEAL, width=3)
        fig.add_scatter(x=[p for p, f in zip(periods, flags) if f], y=[r for r, f in zip(rates, flags) if f],
                        mode="markers", name=name, legendgroup="partial",
                        marker=dict(symbol="circle-open", size=11, color=TEAL, line=dict(width=2.5)),
                        customdata=[c for c, f in zip(custom, flags) if f],
                        hovertemplate=hover + f" ({name})<extra></extra>")
    fig.update_layout(title=heading(_("Arrest rate by quarter")), **LAYOUT)
    fig.update_xaxes(**quarter_axis(quarters, periods))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return fig


def victims(by_victim: pd.DataFrame) -> go.Figure:
    """Cases by victim age band and sex (analysts only)."""
    colours = {"F": TEAL, "M": ACCENT, "X": GREY, "U": "#c9d1d8"}
    labels = {"F": _("girls"), "M": _("boys"), "X": _("other"), "U": _("unknown"), NOT_RECORDED: _(NOT_RECORDED)}
    fig = go.Figure()
    for sex, part in by_victim.groupby("sex", observed=True):
        fig.add_bar(x=[age_band_label(str(b)) for b in part["age_band"]], y=part["cases"], name=labels.get(sex, sex),
                    marker_color=colours.get(sex, GREY))
    fig.update_layout(title=heading(_("Victims by age band and sex")), barmode="group",
                      **{**LAYOUT, "hovermode": "closest"})
    bands = list(dict.fromkeys(age_band_label(str(b)) for b in by_victim["age_band"]))
    fig.update_xaxes(title_text=_("age band (years)"), tickmode="array", tickvals=bands,
                     ticktext=[wrapped(b, 8) for b in bands])  # 'not recorded' on two lines keeps the ticks level
    fig.update_yaxes(**count_axis(by_victim["cases"], _("cases")))
    return fig


def public_quarters(national_quarter: pd.DataFrame, revised: dict[str, str] | None = None) -> go.Figure:
    """National cases and (where published) arrests by quarter; suppressed bars are simply absent.

    ``revised`` (quarter → its words, 'revised in release 2') puts a diamond over each quarter the latest release
    revised, one legend entry per wording, the quarter and the words in its hover text."""
    quarters = [quarter_label(q) for q in national_quarter["quarter"]]
    fig = go.Figure()
    fig.add_bar(x=quarters, y=national_quarter["cases"], name=_("cases"), marker_color=TEAL_LIGHT)
    fig.add_bar(x=quarters, y=national_quarter["arrests"], name=_("arrests (where shown)"),
                marker_color=TEAL)
    revised = revised or {}
    for text in sorted(set(revised.values())):
        rows = [(label, cases) for q, label, cases in zip(national_quarter["quarter"], quarters,
                                                          national_quarter["cases"]) if revised.get(q) == text]
        fig.add_scatter(x=[label for label, _c in rows], y=[0 if pd.isna(c) else c for _l, c in rows],
                        mode="markers", name=text, meta="revised", marker=dict(symbol="diamond", size=11,
                                                                               color=ACCENT,
                                                                               line=dict(color="#ffffff", width=1)),
                        hovertemplate="%{x}: " + text + "<extra></extra>")
    fig.update_layout(barmode="overlay", **LAYOUT)
    fig.update_xaxes(**quarter_axis([pd.Period(str(q), freq="Q") for q in national_quarter["quarter"]], quarters))
    fig.update_yaxes(**count_axis(national_quarter["cases"], _("cases")))
    return fig


def survival_curves(curve: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Kaplan–Meier steps of the share still without arrest, with 95% bands; ``names`` labels each group."""
    fig = go.Figure()
    colours = [TEAL, ACCENT, GREY]
    for i, (group, part) in enumerate(curve.groupby("group", sort=False)):
        colour = colours[i % len(colours)]
        name = names.get(group, group)
        fig.add_scatter(x=part["days"], y=part["ci_high"], mode="lines", line=dict(width=0, shape="hv"),
                        showlegend=False, hoverinfo="skip")
        fig.add_scatter(x=part["days"], y=part["ci_low"], mode="lines", line=dict(width=0, shape="hv"),
                        fill="tonexty", fillcolor=_rgba(colour, 0.15), showlegend=False, hoverinfo="skip")
        fig.add_scatter(x=part["days"], y=part["still_without_arrest"], mode="lines", name=name,
                        line=dict(color=colour, width=3, shape="hv"), customdata=part[["at_risk"]].to_numpy(),
                        hovertemplate=_("day %{x}: %{y:.0%} still without arrest (%{customdata[0]} at risk)")
                        + f"<extra>{name}</extra>")
    fig.add_hline(y=0.5, line=dict(color=GREY, dash="dot"))
    fig.update_layout(title=heading(_("Share of cases still without an arrest, by days since the report")),
                      **{**LAYOUT, "hovermode": "closest"})
    # the curves are flat after the last arrest (only cases without one remain): show up to a little past it
    last_arrest = curve.loc[curve["arrests"] > 0, "days"].max() if (curve["arrests"] > 0).any() else curve["days"].max()
    # a short title, which a phone does not clip; the curve is flat after the last arrest (the table runs on)
    fig.update_xaxes(title_text=_("days since the report"), range=[0, max(7, last_arrest * 1.15 + 1)])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def _km() -> bool:
    return get_language() == "km"


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def group_labels(frame: pd.DataFrame, column: str) -> list[str]:
    """Group names as the reader's language writes them: provinces (by code, when the frame has it),
    offence categories, quarters and months; anything else as it is."""
    if column in ("province", "province_name") and "province" in frame:
        from dashboard.geo.gazetteer import display_name, load_gazetteer

        gaz = load_gazetteer()
        return [display_name(c) if c in gaz else str(n) for c, n in zip(frame["province"], frame[column])]
    if column == "offence":
        return [offence_label(v) for v in frame[column]]
    if column in ("quarter", "period"):
        return [quarter_label(v) for v in frame[column]]
    return frame[column].astype(str).tolist()


def days_to_arrest(frame: pd.DataFrame, label_column: str, title: str) -> go.Figure:
    """Median days to arrest per group (dot) with the 25th–75th percentile range (bar)."""
    data = frame[frame["arrests_timed"] > 0]
    fig = go.Figure(go.Scatter(
        x=data["median_days"], y=group_labels(data, label_column), mode="markers", marker=dict(color=TEAL, size=10),
        name=_("median"), error_x=dict(type="data", symmetric=False, array=data["p75_days"] - data["median_days"],
                                       arrayminus=data["median_days"] - data["p25_days"], color=TEAL_LIGHT),
        customdata=data[["p25_days", "p75_days", "arrests_timed"]].to_numpy(),
        hovertemplate=_("%{y}: median %{x} days (25th–75th percentile %{customdata[0]}–%{customdata[1]}; "
                        "%{customdata[2]} arrests)") + "<extra></extra>"))
    fig.update_layout(title=heading(title), height=max(300, 26 * len(data) + 120), **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(title_text=_("days from report to arrest"), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


def since_arrival(frame: pd.DataFrame) -> go.Figure:
    """Cases per 100,000 person-years (bars) and arrest rate (line) by months since coverage started."""
    fig = go.Figure()
    fig.add_bar(x=frame["months_since_start"], y=frame["per_100k_person_years"],
                name=_("cases per 100,000 person-years"),
                marker_color=TEAL_LIGHT, customdata=frame[["cases", "provinces"]].to_numpy(),
                hovertemplate=_("month %{x}: %{y:.2f} per 100,000 person-years (%{customdata[0]} cases, "
                                "%{customdata[1]} provinces)") + "<extra></extra>")
    fig.add_scatter(x=frame["months_since_start"], y=frame["arrest_rate"], name=_("arrest rate"), yaxis="y2",
                    mode="lines+markers", line=dict(color=ACCENT, width=2.5),
                    hovertemplate=_("month %{x}: %{y:.0%} arrested") + "<extra></extra>")
    fig.update_layout(title=heading(_("Since the unit arrived: all provinces pooled by months since their coverage "
                                      "start")),
                      **LAYOUT,
                      yaxis=dict(title=_("per 100,000 person-years"), rangemode="tozero"),
                      yaxis2=dict(title=_("arrest rate"), tickformat=".0%", range=[0, 1.05], dtick=0.2, overlaying="y",
                                  side="right", showgrid=False))
    fig.update_xaxes(title_text=_("months since the unit arrived (0 = first month)"))
    return fig
