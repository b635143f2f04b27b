"""Static SVG figures for the static site and the brief: no JavaScript, no request, any viewer.

A map of units (filled per :class:`~dashboard.render.maps.UnitStyle`, hatched where hidden), bars
of national cases by quarter, and province totals by year. Text is passed in already translated.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection

import pandas as pd
import shapely
from shapely.geometry import shape

from dashboard.render.colours import HATCH, HATCH_COLOUR, PALETTE
from dashboard.render.maps import BORDER, HATCH_ID, HATCH_SVG, fill_value

INK = "#1d2b36"
MUTED = "#5b6770"
GRID = "#d9dee2"
CASES = PALETTE[1]
#: The colour of the mark on a figure revised since it was first published (the charts' accent).
REVISED = "#d9822b"
ARRESTS = PALETTE[3]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _defs() -> str:
    return f"<defs>{HATCH_SVG}</defs>"


# ---------------------------------------------------------------- map


def map_svg(geojson: dict, styles: dict, labels: dict[str, str], names: dict[str, str], width: int = 420,
            title: str = "") -> str:
    """Units drawn from ``geojson`` (WGS84) in a plate carrée scaled for Cambodia's latitude; ``labels`` are
    printed on the units, ``names`` head their tooltips."""
    geoms = {f["properties"]["code"]: shape(f["geometry"]) for f in geojson["features"]}
    minx, miny, maxx, maxy = shapely.union_all(list(geoms.values())).bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    pad = 6
    scale = (width - 2 * pad) / ((maxx - minx) * kx)
    height = int((maxy - miny) * scale + 2 * pad)

    def xy(x: float, y: float) -> str:
        return f"{(x - minx) * kx * scale + pad:.1f},{(maxy - y) * scale + pad:.1f}"

    def ring(coords) -> str:
        return "M" + "L".join(xy(x, y) for x, y in coords) + "Z"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{_esc(title)}">{_defs()}']
    for code, geom in geoms.items():
        style = styles.get(code)
        if style is None:
            continue
        polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        d = "".join(ring(p.exterior.coords) + "".join(ring(i.coords) for i in p.interiors) for p in polys)
        dash = ' stroke-dasharray="3 2"' if style.dashed else ""
        tip = " · ".join(t for t in (names.get(code, ""), style.status, style.detail) if t)
        parts.append(f'<path d="{d}" fill="{fill_value(style.fill)}" fill-rule="evenodd" stroke="{BORDER}" '
                     f'stroke-width="0.7"{dash} data-code="{_esc(code)}"><title>{_esc(tip)}</title></path>')
    for code, geom in geoms.items():
        style = styles.get(code)
        text = labels.get(code, "")
        if style is None or not text:
            continue
        point = geom.representative_point()
        x, y = xy(point.x, point.y).split(",")
        dark = style.fill in PALETTE[3:]
        parts.append(f'<text x="{x}" y="{y}" text-anchor="middle" dominant-baseline="middle" font-size="9" '
                     f'font-weight="600" fill="{"#ffffff" if dark else INK}">{_esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def swatch(colour: str, size: int = 12) -> str:
    """A legend swatch as inline SVG; the hatch is drawn as lines (no pattern id, so hidden legends work too)."""
    inner = ""
    fill = colour
    if colour == HATCH:
        fill = "#ffffff"
        inner = "".join(f'<line x1="{max(0, d - size)}" y1="{min(size, d)}" '
                        f'x2="{min(size, d)}" y2="{max(0, d - size)}" '
                        f'stroke="{HATCH_COLOUR}" stroke-width="1.6"/>' for d in range(3, 2 * size, 4))
    return (f'<svg class="swatch" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}"><rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="{fill}"/>'
            f'{inner}<rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="none" stroke="{BORDER}" '
            f'stroke-width="1"/></svg>')


def hatch_strip(width: int = 24, height: int = 5) -> str:
    """A small hatched bar (a hidden count in an HTML chart), drawn as lines so any renderer shows it."""
    lines = "".join(f'<line x1="{x}" y1="{height}" x2="{x + height}" y2="0" stroke="{HATCH_COLOUR}" stroke-width="1"/>'
                    for x in range(-height, width, 3))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
            f'width="100%" height="100%"><rect width="{width}" height="{height}" fill="#ffffff"/>{lines}'
            f'<rect x="0.25" y="0.25" width="{width - 0.5}" height="{height - 0.5}" fill="none" stroke="{BORDER}" '
            f'stroke-width="0.5"/></svg>')


def legend_html(title: str, entries: list[tuple[str, str]]) -> str:
    """The map legend as HTML (swatch and words for every state)."""
    rows = "".join(f"<li>{swatch(c)}<span>{_esc(label)}</span></li>" for c, label in entries)
    return f'<div class="legend"><strong>{_esc(title)}</strong><ul>{rows}</ul></div>'


# ---------------------------------------------------------------- charts


def _nice_max(value: float) -> tuple[float, float]:
    """An axis top at or above ``value`` and a tick step (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return math.ceil(value / step) * step, step


def _revised_mark(x: float, y: float, title: str, kind: str = "revised-mark") -> str:
    """A diamond centred at (x, y) on a figure revised since first published, its words as the tooltip."""
    return (f'<path class="{kind}" d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}'
            f'L{x - 4:.1f} {y:.1f}Z" fill="{REVISED}" stroke="#ffffff" stroke-width="0.8">'
            f"<title>{_esc(title)}</title></path>")


def _revised_legend(x: float, y: float, texts: tuple[str, ...]) -> tuple[list[str], float]:
    """Legend items for the revision marks ('◆ revised in release 2'), from ``x``; the parts and the next x."""
    parts = []
    for text in texts:
        parts.append(f'<g class="revised-legend">{_revised_mark(x + 5, y + 5, text, "revised-key")}'
                     f'<text x="{x + 14}" y="{y + 8}" font-size="10" fill="{INK}">'
                     f"{_esc(text)}</text></g>")
        x += 24 + 6.2 * len(text)
    return parts, x


def quarter_bars_svg(quarters: list[str], cases: list, arrests: list, labels: dict[str, str],
                     width: int = 560, height: int = 230, incomplete: Collection[str] = (),
                     marks: dict[int, str] | None = None, mark_legend: tuple[str, ...] = ()) -> str:
    """National cases by quarter (light bars) with published arrests inside them (dark); a hatched stub
    marks a hidden count. ``labels``: x tick texts per quarter and the legend words. A quarter in
    ``incomplete`` (late records probably still coming in) has a dashed outline, named in its tooltip and
    in the legend (``labels["incomplete"]``). ``marks``: the quarters (by position) revised since first
    published, each with its words, drawn as a diamond over the bar; ``mark_legend`` names the marks in the
    legend ('revised in release 2')."""
    marks = marks or {}
    left, right, top, bottom = 40, 8, 26, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    shown = [float(v) for v in cases if pd.notna(v)]
    top_value, step = _nice_max(max(shown) if shown else 0)
    n = max(len(quarters), 1)
    slot = plot_w / n
    bar = slot * 0.7
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{_esc(labels["title"])}">{_defs()}']
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = top + plot_h - tick / top_value * plot_h
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
                     f'font-size="9" fill="{MUTED}">{_esc(labels["tick"](tick))}</text>')
        tick += step
    stub = 6.0
    for i, q in enumerate(quarters):
        x = left + i * slot + (slot - bar) / 2
        c, a = cases[i], arrests[i]
        if pd.isna(c):
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - stub:.1f}" width="{bar:.1f}" height="{stub}" '
                         f'fill="url(#{HATCH_ID})" stroke="{BORDER}" stroke-width="0.5">'
                         f'<title>{_esc(labels["hidden"])}</title></rect>')
        else:
            h = float(c) / top_value * plot_h
            late = q in incomplete
            outline = f' stroke="{ARRESTS}" stroke-width="1.5" stroke-dasharray="4 2"' if late else ""
            tip = labels["cases_of"](q, c) + (f" ({labels['incomplete']})" if late else "")
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{CASES}"{outline} data-incomplete="{"yes" if late else ""}">'
                         f'<title>{_esc(tip)}</title></rect>')
            if pd.notna(a):
                ha = float(a) / top_value * plot_h
                parts.append(f'<rect x="{x + bar * 0.2:.1f}" y="{top + plot_h - ha:.1f}" width="{bar * 0.6:.1f}" '
                             f'height="{ha:.1f}" fill="{ARRESTS}">'
                             f'<title>{_esc(labels["arrests_of"](q, a))}</title></rect>')
            elif c:
                parts.append(f'<rect x="{x + bar * 0.2:.1f}" y="{top + plot_h - stub:.1f}" width="{bar * 0.6:.1f}" '
                             f'height="{stub}" fill="url(#{HATCH_ID})"><title>{_esc(labels["hidden"])}</title></rect>')
        if i in marks:
            high = top + plot_h - (stub if pd.isna(c) else float(c) / top_value * plot_h)
            parts.append(_revised_mark(x + bar / 2, max(high - 6, top - 2), marks[i]))
        first, _sep, second = str(labels["x"][i]).rpartition(" ")
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 12}" text-anchor="middle" font-size="8.5" '
                     f'fill="{MUTED}"><tspan x="{x + bar / 2:.1f}">{_esc(first or second)}</tspan>'
                     f'<tspan x="{x + bar / 2:.1f}" dy="10">{_esc(second if first else "")}</tspan></text>')
    lx = left
    for colour, text in ((CASES, labels["cases"]), (ARRESTS, labels["arrests"]), (HATCH, labels["hidden"])):
        fill = f"url(#{HATCH_ID})" if colour == HATCH else colour
        parts.append(f'<rect x="{lx}" y="6" width="10" height="10" fill="{fill}" stroke="{BORDER}" stroke-width="0.5"/>'
                     f'<text x="{lx + 14}" y="14" font-size="10" fill="{INK}">{_esc(text)}</text>')
        lx += 24 + 6.2 * len(text)
    if any(q in incomplete for q in quarters):
        text = labels["incomplete"]
        parts.append(f'<rect x="{lx}" y="6" width="10" height="10" fill="{CASES}" stroke="{ARRESTS}" '
                     f'stroke-width="1.5" stroke-dasharray="4 2"/>'
                     f'<text x="{lx + 14}" y="14" font-size="10" fill="{INK}">{_esc(text)}</text>')
        lx += 24 + 6.2 * len(text)
    parts += _revised_legend(lx, 6, mark_legend)[0]
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    parts.append("</svg>")
    return "".join(parts)


def province_years_svg(names: list[str], years: list[int], values: dict[tuple[int, int], object],
                       labels: dict, width: int = 560, partial: set[int] = frozenset(),
                       marks: dict[tuple[int, int], str] | None = None, mark_legend: tuple[str, ...] = ()) -> str:
    """Province totals by year: one row per province, one bar per year (lighter = older), hatched where hidden.

    ``values[(row, year)]`` is the published count or NA. A year in ``partial`` (covered only in part) is
    drawn hollow with a dashed outline, and ``labels["year"]`` names it so in the legend. ``marks[(row, year)]``:
    the words of a bar revised since first published, drawn as a diamond after its count.
    """
    marks = marks or {}
    year_text = labels.get("year", str)
    left, right, top, row_h = 150, 40, 28, 8 + 9 * len(years)
    height = top + row_h * len(names) + 6
    plot_w = width - left - right
    shown = [float(v) for v in values.values() if pd.notna(v)]
    top_value, _step = _nice_max(max(shown) if shown else 0)
    shades = PALETTE[-len(years):] if len(years) <= len(PALETTE) else PALETTE
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{_esc(labels["title"])}">{_defs()}']
    lx = left
    for year, shade in zip(years, shades):
        text = year_text(year)
        parts.append(f'<rect x="{lx}" y="6" width="10" height="10" {_bar_paint(shade, year in partial)}/>'
                     f'<text x="{lx + 14}" y="15" font-size="10" fill="{INK}">{_esc(text)}</text>')
        lx += 24 + 6.2 * len(text)
    parts.append(f'<rect x="{lx}" y="6" width="10" height="10" fill="url(#{HATCH_ID})" stroke="{BORDER}" '
                 f'stroke-width="0.5"/><text x="{lx + 14}" y="15" font-size="10" fill="{INK}">'
                 f'{_esc(labels["hidden"])}</text>')
    parts += _revised_legend(lx + 24 + 6.2 * len(labels["hidden"]), 6, mark_legend)[0]
    for r, name in enumerate(names):
        y0 = top + r * row_h
        if r % 2 == 0:
            parts.append(f'<rect x="0" y="{y0}" width="{width}" height="{row_h}" fill="#f5f7f8"/>')
        parts.append(f'<text x="{left - 6}" y="{y0 + row_h / 2:.1f}" text-anchor="end" dominant-baseline="middle" '
                     f'font-size="10" fill="{INK}">{_esc(name)}</text>')
        for j, (year, shade) in enumerate(zip(years, shades)):
            y = y0 + 4 + j * 9
            v = values.get((r, year))
            if pd.isna(v):
                parts.append(f'<rect x="{left}" y="{y}" width="14" height="7" '
                             f'fill="url(#{HATCH_ID})" stroke="{BORDER}" '
                             f'stroke-width="0.4"><title>{_esc(name)} {year}: {_esc(labels["hidden"])}</title></rect>')
                continue
            w = float(v) / top_value * plot_w
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="7" {_bar_paint(shade, year in partial)}>'
                         f'<title>{_esc(name)} {_esc(year_text(year))}: {_esc(labels["count"](v))}</title></rect>'
                         f'<text x="{left + w + 3:.1f}" y="{y + 6}" font-size="7.5" fill="{MUTED}">'
                         f'{_esc(labels["count"](v))}</text>')
            if (r, year) in marks:
                count_w = 4.5 * len(str(labels["count"](v)))
                parts.append(_revised_mark(left + w + 9 + count_w, y + 3.5, marks[(r, year)]))
    parts.append("</svg>")
    return "".join(parts)


def _bar_paint(colour: str, partial: bool) -> str:
    """A bar's fill, or, for a period covered only in part, a hollow bar with a dashed outline."""
    if partial:
        return f'fill="#ffffff" stroke="{colour}" stroke-width="1.4" stroke-dasharray="3 2" data-partial="true"'
    return f'fill="{colour}"'
