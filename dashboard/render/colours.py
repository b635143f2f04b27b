"""The maps' colours (ColorBrewer classes, map states, the public map's hatch) and the colouring of map values.

The breaks themselves are a measure (:mod:`dashboard.measures.classify`); which colour each class and state is
drawn in is decided here, and only here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.measures.classify import SCHEMES, Breaks, format_value, scheme_bins

#: ColorBrewer YlGnBu (6 classes, the lightest kept for "no cases"): sequential, colour-blind safe, prints in grey.
PALETTE = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"]
#: Map states outside the classes, told apart by lightness as well as hue (and by outline or pattern on the map).
#: The keys are English and stay so (views compare by them); maps translate them where drawn.
STATE_COLOURS = {N_("not covered"): "#bdbdbd", N_("no cases"): "#ffffcc", N_("no data"): "#ffffff"}
#: The hatch drawn over units whose count is suppressed on the public map, and its stripe colour.
HATCH = "hatch"
HATCH_COLOUR = "#2c7fb8"
#: Coverage map states, from the same ColorBrewer scheme.
COVERAGE_COLOURS = {N_("covered"): "#2c7fb8", N_("not yet covered"): "#a1dab4", N_("ended"): "#ffffcc",
                    N_("not covered"): "#bdbdbd"}


@dataclass
class Classes:
    """Per-unit class index (or state), with legend entries."""

    labels: pd.Series  # unit code -> legend label
    colours: pd.Series  # unit code -> fill colour
    legend: list[tuple[str, str]]  # (colour, label), in legend order


def classify(values: pd.Series, covered: pd.Series, scheme: str = "quantiles", k: int = 5,
             fmt: str = "{:,.0f}", breaks: Breaks | None = None, no_cases: pd.Series | None = None) -> Classes:
    """Colour each unit: a class for positive values, or 'not covered', 'no cases', 'no data'.

    ``values`` is NaN where there is no data (e.g. no census figure); ``covered``
    is True where the programme operates. With ``breaks`` (see
    :func:`fixed_breaks`) the classes are those, and the legend lists them
    all, used or not. With ``no_cases`` (True where a unit has no cases), a
    zero value is a class like any other (e.g. a 0% arrest rate).
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    labels = pd.Series("", index=values.index, dtype=object)
    colours = pd.Series("", index=values.index, dtype=object)
    legend: list[tuple[str, str]] = []
    not_covered = ~covered.reindex(values.index, fill_value=False)
    if no_cases is None:
        zero = ~not_covered & values.notna() & (values == 0)
    else:
        zero = ~not_covered & no_cases.reindex(values.index, fill_value=False)
    no_data = ~not_covered & ~zero & values.isna()
    positive = ~not_covered & ~no_data & ~zero & (values >= 0)
    if positive.any():
        data = values[positive].to_numpy(dtype=float)
        if breaks is None:
            bins, yb = scheme_bins(data, scheme, k)
            lower = data.min()
        else:
            bins, lower = np.asarray(breaks.bins), breaks.lower
            yb = np.minimum(np.searchsorted(bins, data, side="left"), len(bins) - 1)
        palette = PALETTE[-len(bins):] if len(bins) < len(PALETTE) else PALETTE
        class_labels = []
        for i, upper in enumerate(bins):
            lo = lower if i == 0 else bins[i - 1]
            class_labels.append(format_value(fmt, lo) if i == 0 and lo == upper else
                                f"{format_value(fmt, lo)} – {format_value(fmt, upper)}" if i == 0 else
                                f"> {format_value(fmt, lo)} – {format_value(fmt, upper)}")
        idx = values.index[positive]
        labels[idx] = [class_labels[c] for c in yb]
        colours[idx] = [palette[c] for c in yb]
        legend += [(palette[i], class_labels[i]) for i in range(len(bins)) if breaks is not None or (yb == i).any()]
    for state, mask in (("no cases", zero), ("no data", no_data), ("not covered", not_covered)):
        labels[mask] = state
        colours[mask] = STATE_COLOURS[state]
        if mask.any():
            legend.append((STATE_COLOURS[state], state))
    return Classes(labels, colours, legend)
