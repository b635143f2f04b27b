"""The one-sentence text alternative of a chart, read off the plotly figure itself (issue 28).

Written under every chart, so that a screen reader gets what the chart shows without it: for each series, its
highest and lowest points and where they fall. Read from the figure the chart draws, so it cannot disagree with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import _, fmt_date, fmt_decimal, fmt_int, fmt_percent

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]|$)")


def _number(value: float, tickformat: str) -> str:
    if "%" in (tickformat or ""):
        return fmt_percent(value)
    if float(value).is_integer():
        return fmt_int(int(value))
    return fmt_decimal(value, 1 if abs(value) >= 10 else 2)


def _place(label, tick_names: dict) -> str:
    """A point's place on the other axis, as the chart's own tick text says it where it has one."""
    if label in tick_names:
        return tick_names[label]
    is_iso = isinstance(label, str) and ISO_DAY.match(label)
    if is_iso or isinstance(label, (pd.Timestamp, np.datetime64)) or hasattr(label, "isoformat"):
        try:
            return fmt_date(pd.Timestamp(label).date())  # plotly keeps dates as ISO text: say them as the axis does
        except (TypeError, ValueError):
            return str(label)
    return str(label).replace("<br>", " ")


def _ticks(axis) -> dict:
    values, texts = getattr(axis, "tickvals", None), getattr(axis, "ticktext", None)
    if values is None or texts is None:
        return {}
    return {v: str(t).replace("<br>", " ") for v, t in zip(values, texts)}


def _numeric(values) -> bool:
    """True when every entry is a number (a value axis), False for names, dates and periods (a place axis)."""
    if values is None or len(values) == 0:
        return False
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None)


def _points(trace, fig: go.Figure) -> tuple[list[float], list, str, dict]:
    """(values, places, value axis tick format, place tick names) of a bar or line trace."""
    horizontal = getattr(trace, "orientation", None) == "h" or (_numeric(trace.x) and not _numeric(trace.y))
    values, places = (trace.x, trace.y) if horizontal else (trace.y, trace.x)
    axes = (fig.layout.xaxis, fig.layout.yaxis)
    value_axis, place_axis = axes if horizontal else axes[::-1]
    return (list(values) if values is not None else [], list(places) if places is not None else [],
            getattr(value_axis, "tickformat", "") or "", _ticks(place_axis))


def series_sentence(name: str, values: Sequence, places: Sequence, tickformat: str, tick_names: dict) -> str | None:
    pairs = [(float(v), p) for v, p in zip(values, places)
             if v is not None and not isinstance(v, str) and not math.isnan(float(v))]
    if not pairs:
        return None
    high = max(pairs, key=lambda pair: pair[0])
    low = min(pairs, key=lambda pair: pair[0])
    text = {"high": _number(high[0], tickformat), "at_high": _place(high[1], tick_names),
            "low": _number(low[0], tickformat), "at_low": _place(low[1], tick_names), "n": fmt_int(len(pairs))}
    if len(pairs) == 1:
        sentence = f"{text['high']} ({text['at_high']})"  # one point: its value and place, in any language
    else:
        sentence = _("highest {high} ({at_high}), lowest {low} ({at_low}), over {n} points").format(**text)
    return f"{name}: {sentence}" if name else sentence


def summary(fig: go.Figure, title: str = "") -> str:
    """"Chart: {title}. {series}: highest … (…), lowest … (…), over N points; …"."""
    title = title or (fig.layout.title.text or "")
    sentences = []
    for trace in fig.data:
        if trace.type not in ("bar", "scatter") or trace.visible in (False, "legendonly"):
            continue
        if getattr(trace, "hoverinfo", None) == "skip":
            continue  # a decoration: an interval band, the outline of a partial period
        values, places, tickformat, ticks = _points(trace, fig)
        sentence = series_sentence(str(trace.name or "").replace("<br>", "; "), values, places, tickformat, ticks)
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    head = _("Chart: {title}.").format(title=title.replace("<br>", " ")) if title else _("Chart.")
    if not sentences:
        return head + " " + _("No figures to show.")
    return head + " " + "; ".join(sentences) + "."
