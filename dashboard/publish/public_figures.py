"""The public figures as static SVG, in the language in use: coverage map with legend, national
cases by quarter, province totals by year. Built from the public export only (site and brief)."""

from __future__ import annotations

import pandas as pd

from dashboard.geo.boundary_layer import Boundaries
from dashboard.i18n import _, fmt_int
from dashboard.publish import public_map, public_view
from dashboard.publish.public_export import PublicData
from dashboard.render import svg
from dashboard.render.maps import text_summary


def unit_labels(states: dict[str, public_view.UnitState]) -> dict[str, str]:
    """The count printed on each unit (shown counts only)."""
    return {u: fmt_int(s.cases) for u, s in states.items() if s.state == public_view.COUNT and s.cases}


def map_figure(data: PublicData, boundaries: Boundaries, year: int, width: int = 420) -> tuple[str, str]:
    """(map SVG, legend HTML) for ``year``."""
    states = public_view.unit_states(data, boundaries, year)
    look = public_map.public_styles(states, data.k)
    names = {u: public_view.province_name(u) for u in boundaries.unit_codes}
    title = public_map.legend_title(year, public_view.partial_years(data))
    body = svg.map_svg(boundaries.map_geojson, look.styles, unit_labels(states), names, width=width, title=title)
    return body, svg.legend_html(title, look.legend)


def map_summary(data: PublicData, boundaries: Boundaries, year: int) -> str:
    """The map's text alternative for ``year`` (highest and lowest provinces, how many hidden or not covered):
    the sentence the public dashboard writes under its map, for the static site's."""
    look = public_map.public_styles(public_view.unit_states(data, boundaries, year), data.k)
    return text_summary(boundaries, look.styles, public_map.legend_title(year, public_view.partial_years(data)))


def _legend(revised: dict) -> tuple[str, ...]:
    from dashboard.publish.history import mark_text

    return tuple(mark_text(n) for n in sorted(set(revised.values())))


def quarter_figure(data: PublicData, width: int = 560, height: int = 230,
                   revised: dict[tuple[str, int], int] | None = None) -> str:
    """National cases by quarter; ``revised`` ((quarter, year) → release, see :func:`history.revised`) marks the
    quarters the latest release revised."""
    from dashboard.publish.changes import revision_text

    nq = data.national_quarter
    revised = revised or {}
    marks = {i: revision_text("national_quarter", q, int(q[:4]), revised[(q, int(q[:4]))])
             for i, q in enumerate(nq["quarter"]) if (q, int(q[:4])) in revised}
    labels = {
        "title": _("National cases by quarter"),
        "cases": _("cases"), "arrests": _("arrests (where shown)"), "hidden": _("hidden"),
        "tick": lambda v: fmt_int(v),
        "x": [public_view.fmt_quarter(q) for q in nq["quarter"]],
        "cases_of": lambda q, v: _("{q}: {n} cases").format(q=public_view.fmt_quarter(q), n=fmt_int(v)),
        "arrests_of": lambda q, v: _("{q}: {n} arrests").format(q=public_view.fmt_quarter(q), n=fmt_int(v)),
        "incomplete": public_view.incomplete_text(),
    }
    return svg.quarter_bars_svg(list(nq["quarter"]), list(nq["cases"]), list(nq["arrests"]), labels, width, height,
                                incomplete=public_view.incomplete_quarters(data), marks=marks,
                                mark_legend=_legend({k: v for k, v in revised.items() if k[0] in set(nq["quarter"])}))


def province_figure(data: PublicData, width: int = 560, revised: dict[tuple[str, int], int] | None = None) -> str:
    """Province totals by year; ``revised`` ((province code, year) → release) marks the bars the latest release
    revised."""
    from dashboard.publish.changes import revision_text

    py = data.province_year
    revised = revised or {}
    codes = list(dict.fromkeys(py["province_code"]))
    years = sorted({int(y) for y in py["year"]})
    index = {c: i for i, c in enumerate(codes)}
    values = {(index[c], int(y)): v for c, y, v in zip(py["province_code"], py["year"], py["cases"])}
    partial = public_view.partial_years(data)
    labels = {"title": _("Province totals by year"), "hidden": _("hidden"), "count": lambda v: fmt_int(v),
              "year": lambda y: public_view.year_label(y, partial)}
    marks = {(index[c], y): revision_text("province_year", c, y, n) for (c, y), n in revised.items()
             if c in index and y in years}
    return svg.province_years_svg([public_view.province_name(c) for c in codes], years,
                                  {key: (pd.NA if pd.isna(v) else v) for key, v in values.items()}, labels, width,
                                  partial=set(partial), marks=marks,
                                  mark_legend=_legend({k: v for k, v in revised.items() if k[0] in index}))
