"""The attrition funnel as a Plotly figure: one bar per stage reached, with the cases still open beside it."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.i18n import _, fmt_int, fmt_percent
from dashboard.render.charts import LAYOUT, TEAL, TEAL_LIGHT, heading


def funnel_bars(rows: list[dict], labels: dict[str, str]) -> go.Figure:
    """Horizontal bars, first stage on top: each stage's count, its share of the previous stage (95% interval)
    in the bar's text, and the cases still open for it stacked after it. Stages not recorded get no bar."""
    shown = [r for r in rows if r["count"] is not None]
    names = [_(labels[r["stage"]]) for r in shown]
    texts = []
    for r in shown:
        text = fmt_int(r["count"])
        if r["share_of_previous"] is not None:
            low, high = r["share_of_previous_ci95"]
            text += " · " + _("{share} of previous ({low}–{high})").format(
                share=fmt_percent(r["share_of_previous"]), low=fmt_percent(low), high=fmt_percent(high))
        texts.append(text)
    fig = go.Figure()
    fig.add_bar(y=names, x=[r["count"] for r in shown], orientation="h", name=_("reached the stage"),
                marker_color=TEAL, text=texts, textposition="auto", hoverinfo="y+x")
    fig.add_bar(y=names, x=[r["still_open"] for r in shown], orientation="h", name=_("still open"),
                marker_color=TEAL_LIGHT, hoverinfo="y+x")
    layout = {**LAYOUT, "hovermode": "closest"}
    fig.update_layout(**layout, barmode="stack", title=heading(_("Cases at each stage")), height=320,
                      yaxis=dict(autorange="reversed"), xaxis=dict(title=_("cases")))
    return fig
