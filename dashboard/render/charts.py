"""Plotly figures for the dashboard (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import _

TEAL = "#0f6e84"
TEAL_LIGHT = "#8cc7c4"
GREY = "#9aa5ae"
ACCENT = "#d9822b"
# No plotly template: Streamlit's own chart theme styles the figures, and building
# a template costs ~20 ms a figure on every rerun.
LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), font=dict(family="sans-serif", size=13),
              legend=dict(orientation="h", yanchor="top", y=-0.12, x=0), hovermode="x unified")


def monthly_trend(monthly: pd.DataFrame, title: str = "Cases per month") -> go.Figure:
    """Bars of monthly cases with the cumulative count as a line on a second axis."""
    fig = go.Figure()
    fig.add_bar(x=monthly["month"], y=monthly["cases"], name="cases", marker_color=TEAL_LIGHT)
    fig.add_bar(x=monthly["month"], y=monthly["arrests"], name="arrests", marker_color=TEAL, visible="legendonly")
    fig.add_scatter(x=monthly["month"], y=monthly["cumulative"], name="cumulative", mode="lines",
                    line=dict(color=ACCENT, width=2.5), yaxis="y2")
    fig.update_layout(
        title=title, barmode="overlay", **LAYOUT,
        yaxis=dict(title="cases per month", rangemode="tozero", tickformat=",d"),
        yaxis2=dict(title="cumulative", rangemode="tozero", tickformat=",d", overlaying="y", side="right",
                    showgrid=False),
        xaxis=dict(dtick="M3", tickformat="%b %Y"))
    return fig


def coverage_over_time(timeline: pd.DataFrame, marker: pd.Timestamp | None = None) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=timeline["date"], y=timeline["population_share"], name="share of population", mode="lines",
                    line=dict(color=TEAL, width=3, shape="hv"))
    fig.add_scatter(x=timeline["date"], y=timeline["area_share"], name="share of area", mode="lines",
                    line=dict(color=ACCENT, width=2, dash="dot", shape="hv"))
    if marker is not None:
        fig.add_vline(x=marker, line=dict(color=GREY, dash="dash"))
    fig.update_layout(title="Covered share of Cambodia", **LAYOUT)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def offence_breakdown(by_offence: pd.DataFrame) -> go.Figure:
    data = by_offence.sort_values("cases")
    fig = go.Figure(go.Bar(x=data["cases"], y=data["offence"], orientation="h", marker_color=TEAL,
                           text=[f"{c:,} ({s:.0%})" for c, s in zip(data["cases"], data["share"])],
                           textposition="auto"))
    fig.update_layout(title="Cases by offence", **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(title_text="cases")
    return fig


def arrest_rate_by_province(per_province: pd.DataFrame, national_rate: float | None) -> go.Figure:
    """Ranked provinces (10+ cases) with Wilson 95% error bars; smaller ones flagged, not ranked."""
    data = per_province[per_province["cases"] > 0].copy()
    ranked = data[data["ranked"]].sort_values("arrest_rate")
    flagged = data[~data["ranked"]].sort_values("province", ascending=False)
    fig = go.Figure()
    for frame, name, colour in ((flagged, "fewer than 10 cases (not ranked)", GREY), (ranked, "arrest rate", TEAL)):
        if frame.empty:
            continue
        fig.add_scatter(
            x=frame["arrest_rate"], y=[f"{p} ({k})" for p, k in zip(frame["province"], frame["province_km"])],
            mode="markers", name=name, marker=dict(color=colour, size=10),
            error_x=dict(type="data", symmetric=False, array=frame["ci_high"] - frame["arrest_rate"],
                         arrayminus=frame["arrest_rate"] - frame["ci_low"], color=colour),
            customdata=frame[["arrests", "cases"]].to_numpy(),
            hovertemplate="%{y}: %{x:.0%} (%{customdata[0]} of %{customdata[1]})<extra></extra>")
    if national_rate is not None:
        fig.add_vline(x=national_rate, line=dict(color=ACCENT, dash="dash"),
                      annotation_text=f"all selected: {national_rate:.0%}", annotation_position="top")
    fig.update_layout(title="Arrest rate by province, with 95% intervals",
                      height=max(320, 28 * len(data) + 120), **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(tickformat=".0%", range=[0, 1.05])
    return fig


def arrest_rate_over_time(quarterly: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=quarterly["period"], y=quarterly["ci_high"], mode="lines", line=dict(width=0),
                    showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=quarterly["period"], y=quarterly["ci_low"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(15,110,132,0.15)", name="95% interval", hoverinfo="skip")
    fig.add_scatter(x=quarterly["period"], y=quarterly["arrest_rate"], mode="lines+markers", name="arrest rate",
                    line=dict(color=TEAL, width=3), customdata=quarterly[["arrests", "cases"]].to_numpy(),
                    hovertemplate="%{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra></extra>")
    fig.update_layout(title="Arrest rate by quarter", **LAYOUT)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return fig


def victims(by_victim: pd.DataFrame) -> go.Figure:
    """Cases by victim age band and sex (analysts only)."""
    colours = {"F": TEAL, "M": ACCENT, "X": GREY, "U": "#c9d1d8"}
    labels = {"F": "girls", "M": "boys", "X": "other", "U": "unknown"}
    fig = go.Figure()
    for sex, part in by_victim.groupby("sex", observed=True):
        fig.add_bar(x=part["age_band"].astype(str), y=part["cases"], name=labels.get(sex, sex),
                    marker_color=colours.get(sex, GREY))
    fig.update_layout(title="Victims by age band and sex", barmode="group", **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(title_text="age band (years)")
    return fig


def public_quarters(national_quarter: pd.DataFrame) -> go.Figure:
    """National cases and (where published) arrests by quarter; suppressed bars are simply absent."""
    fig = go.Figure()
    fig.add_bar(x=national_quarter["quarter"], y=national_quarter["cases"], name="cases", marker_color=TEAL_LIGHT)
    fig.add_bar(x=national_quarter["quarter"], y=national_quarter["arrests"], name="arrests (where shown)",
                marker_color=TEAL)
    fig.update_layout(barmode="overlay", **LAYOUT)
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
    fig.update_layout(title=_("Share of cases still without an arrest, by days since the report"),
                      **{**LAYOUT, "hovermode": "closest"})
    # the curves are flat after the last arrest (only cases without one remain): show up to a little past it
    last_arrest = curve.loc[curve["arrests"] > 0, "days"].max() if (curve["arrests"] > 0).any() else curve["days"].max()
    fig.update_xaxes(title_text=_("days since the report (flat after the last arrest; the data table runs "
                                  "to the end)"), range=[0, max(7, last_arrest * 1.15 + 1)])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def days_to_arrest(frame: pd.DataFrame, label_column: str, title: str) -> go.Figure:
    """Median days to arrest per group (dot) with the 25th–75th percentile range (bar)."""
    data = frame[frame["arrests_timed"] > 0]
    fig = go.Figure(go.Scatter(
        x=data["median_days"], y=data[label_column].astype(str), mode="markers", marker=dict(color=TEAL, size=10),
        name=_("median"), error_x=dict(type="data", symmetric=False, array=data["p75_days"] - data["median_days"],
                                       arrayminus=data["median_days"] - data["p25_days"], color=TEAL_LIGHT),
        customdata=data[["p25_days", "p75_days", "arrests_timed"]].to_numpy(),
        hovertemplate=_("%{y}: median %{x} days (25th–75th percentile %{customdata[0]}–%{customdata[1]}; "
                        "%{customdata[2]} arrests)") + "<extra></extra>"))
    fig.update_layout(title=title, height=max(300, 26 * len(data) + 120), **{**LAYOUT, "hovermode": "closest"})
    fig.update_xaxes(title_text=_("days from report to arrest"), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


def since_arrival(frame: pd.DataFrame) -> go.Figure:
    """Cases per 100,000 person-years (bars) and arrest rate (line) by months since coverage started."""
    fig = go.Figure()
    fig.add_bar(x=frame["months_since_start"], y=frame["per_100k_person_years"], name=_("cases per 100,000 person-years"),
                marker_color=TEAL_LIGHT, customdata=frame[["cases", "provinces"]].to_numpy(),
                hovertemplate=_("month %{x}: %{y:.2f} per 100,000 person-years (%{customdata[0]} cases, "
                                "%{customdata[1]} provinces)") + "<extra></extra>")
    fig.add_scatter(x=frame["months_since_start"], y=frame["arrest_rate"], name=_("arrest rate"), yaxis="y2",
                    mode="lines+markers", line=dict(color=ACCENT, width=2.5),
                    hovertemplate=_("month %{x}: %{y:.0%} arrested") + "<extra></extra>")
    fig.update_layout(title=_("Since the unit arrived: all provinces pooled by months since their coverage start"),
                      **LAYOUT,
                      yaxis=dict(title=_("per 100,000 person-years"), rangemode="tozero"),
                      yaxis2=dict(title=_("arrest rate"), tickformat=".0%", range=[0, 1.05], dtick=0.2, overlaying="y",
                                  side="right", showgrid=False))
    fig.update_xaxes(title_text=_("months since the unit arrived (0 = first month)"))
    return fig
