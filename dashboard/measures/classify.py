"""Class breaks for map values (mapclassify schemes), fixed across frames, and legend numbers.

Which colour a class is drawn in is presentation: :mod:`dashboard.render.colours`."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import N_, fmt_decimal

#: Scheme names (English keys, in URLs; the interface shows them through gettext) -> mapclassify classes.
SCHEMES = {N_("quantiles"): "Quantiles", N_("natural breaks"): "FisherJenks", N_("equal intervals"): "EqualInterval"}
_NUMBER_FORMAT = re.compile(r"\{:,\.(\d)f\}(.*)")


def format_value(fmt: str, value: float) -> str:
    """A legend bound in the interface language's number format.

    ``fmt`` is written as a Python format (``"{:,.1f}"``, ``"{:,.0f}%"``); grouped fixed-point
    formats go through Babel, anything else through ``str.format``.
    """
    match = _NUMBER_FORMAT.fullmatch(fmt)
    if match:
        return fmt_decimal(value, int(match.group(1))) + match.group(2)
    return fmt.format(value)



@dataclass(frozen=True)
class Breaks:
    """Class bounds fixed across frames (years, periods, playback steps): upper bounds and the lowest value."""

    bins: tuple[float, ...]
    lower: float


def scheme_bins(data: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of the classes, and each value's class, by a mapclassify scheme."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    k_eff = max(1, min(k, len(np.unique(data))))
    if k_eff == 1:
        return np.array([data.max()]), np.zeros(len(data), dtype=int)
    with warnings.catch_warnings():
        # "Numba not installed": the pure-Python path is fast enough for 25 units
        warnings.simplefilter("ignore")
        import mapclassify  # imported here: it pulls in scipy.stats (1.6 s), needed only by choropleths

        cls = getattr(mapclassify, SCHEMES[scheme])(data, k=k_eff)
    return np.asarray(cls.bins), np.asarray(cls.yb)


def fixed_breaks(frames: list[pd.Series], scheme: str = "quantiles", k: int = 5,
                 include_zero: bool = False) -> Breaks | None:
    """Breaks computed once over the values of every frame, so a colour means the same in each.

    Zeros are a state ("no cases"), not a class, unless ``include_zero`` (e.g. a 0% arrest rate).
    """
    pooled = [f.to_numpy(dtype=float) for f in frames]
    data = np.concatenate(pooled) if pooled else np.array([])
    data = data[~np.isnan(data) & ((data >= 0) if include_zero else (data > 0))]
    if not data.size:
        return None
    bins, _ = scheme_bins(data, scheme, k)
    return Breaks(tuple(float(b) for b in bins), float(data.min()))
