"""The public map's look: ColorBrewer classes for shown counts, a hatch for hidden ones, grey for
not covered, white for no data, and a legend that names every state. Shared by the public
dashboard (folium), the static site (Leaflet) and the brief (SVG)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import _, fmt_int
from dashboard.publish.public_view import COUNT, NOT_COVERED, SUPPRESSED, UnitState
from dashboard.render.colours import HATCH, STATE_COLOURS, classify
from dashboard.render.maps import UnitStyle


@dataclass
class PublicMapStyle:
    styles: dict[str, UnitStyle]  # unit code -> fill (a colour or HATCH), status line, detail line
    legend: list[tuple[str, str]]  # (colour or HATCH, label), every state named


def hidden_label(k: int) -> str:
    return _("hidden: fewer than {k} cases, or hidden to protect such a count").format(k=fmt_int(k))


def public_styles(states: dict[str, UnitState], k: int) -> PublicMapStyle:
    counts = {u: s.cases for u, s in states.items() if s.state == COUNT}
    values = pd.Series(counts, dtype=float)
    classes = classify(values, pd.Series(True, index=values.index), "quantiles", fmt="{:,.0f}")
    styles: dict[str, UnitStyle] = {}
    for unit, st in states.items():
        if st.state == COUNT:
            cases = int(st.cases)
            status = _("no cases") if cases == 0 else _("{n} cases").format(n=fmt_int(cases))
            detail = "" if st.covered else _("not covered by the programme")
            styles[unit] = UnitStyle(classes.colours[unit], status, detail, value=float(cases))
        elif st.state == SUPPRESSED:
            styles[unit] = UnitStyle(HATCH, hidden_label(k), "")
        elif st.state == NOT_COVERED:
            styles[unit] = UnitStyle(STATE_COLOURS["not covered"], _("not covered"), _("no cases"), dashed=True)
        else:
            styles[unit] = UnitStyle(STATE_COLOURS["no data"], _("no data"), "", dashed=True)
    legend = [(c, _("no cases") if label == "no cases" else _("{range} cases").format(range=label))
              for c, label in classes.legend]
    legend += [(HATCH, hidden_label(k)), (STATE_COLOURS["not covered"], _("not covered")),
               (STATE_COLOURS["no data"], _("no data"))]
    return PublicMapStyle(styles, legend)


def legend_title(year: int, partial: dict | None = None) -> str:
    """'Cases in 2014'; 'Cases in 2015 (partial: to 31 Mar)' for a year the figures cover only in part."""
    from dashboard.publish.public_view import year_label

    return _("Cases in {year}").format(year=year_label(year, partial or {}))
