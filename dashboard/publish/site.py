"""The static public site: ``index.html`` (English) and ``km/index.html`` (Khmer), self-contained.

Everything the pages use ships in the folder: Leaflet, the boundaries, a subset of the Noto Sans
Khmer font, the figures as SVG, the export's CSV files and metadata.json, and the brief in both
languages. The pages request nothing outside the folder, and hold nothing the export does not:
each page carries its figures as JSON (``<script id="cpu-data">``), which a test checks against
the CSV files. Any web server, object store or CDN can host the folder as it is.
"""

from __future__ import annotations

import html
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.geo.boundary_layer import Boundaries, attribution
from dashboard.i18n import LANGUAGES, _, get_language, use_language
from dashboard.publish import brief, public_figures, public_map, public_view, stage_cells
from dashboard.publish.public_export import FILES, PublicData, read_export
from dashboard.render import fonts, leaflet_assets
from dashboard.render.colours import STATE_COLOURS
from dashboard.render.maps import HATCH_ID, HATCH_SVG
from dashboard.render.markup import scroll_region

ASSETS = Path(__file__).resolve().parent / "site_assets"
FONT_NAME = "NotoSansKhmer-subset.woff2"
#: Characters always kept in the font subset besides the pages' own text (digits, signs, Khmer digits).
BASE_CHARS = "0123456789០១២៣៤៥៦៧៨៩%–—·.,:;!?()[]/+-<>≤≥“”‘’'\" "
SIZE_LIMIT = 2 * 1024 * 1024


@dataclass
class SiteReport:
    index: Path
    files: int
    total_bytes: int


def page_prefix(lang: str) -> str:
    """Where a page lives relative to the site root, and so how it reaches the shared folders."""
    return "" if lang == "en" else "../"


def page_path(site: Path, lang: str) -> Path:
    return site / "index.html" if lang == "en" else site / lang / "index.html"


def _none(value) -> int | None:
    """A published count for JSON: None where it is hidden."""
    return None if pd.isna(value) else int(value)


def site_data(data: PublicData, boundaries: Boundaries) -> dict:
    """The figures one page shows, as JSON-ready data, in the language in use."""
    units = {}
    for year in public_view.map_years(data):
        states = public_view.unit_states(data, boundaries, year)
        look = public_map.public_styles(states, data.k)
        units[str(year)] = {code: {"fill": s.fill, "status": s.status, "detail": s.detail, "dashed": s.dashed,
                                   "state": states[code].state, "cases": states[code].cases}
                            for code, s in look.styles.items()}
    rate = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
    return {
        "lang": get_language(),
        "k": data.k,
        "period": data.metadata.get("period", {}),
        "synthetic": bool(data.metadata.get("synthetic")),
        "attribution": attribution(boundaries),
        "hatch": {"id": HATCH_ID, "svg": HATCH_SVG},
        "map": {"year": public_view.map_year(data), "no_data_fill": STATE_COLOURS["no data"], "units": units},
        "national_totals": [{"period": r["period"], "from": r["from"], "to": r["to"], "cases": _none(r["cases"]),
                             "arrests": _none(r["arrests"]), "arrest_rate": rate(r["arrest_rate"]),
                             "ci_low": rate(r["ci_low"]), "ci_high": rate(r["ci_high"]),
                             "arrest_rate_band": r["arrest_rate_band"]} for _i, r in data.national_totals.iterrows()],
        "national_quarter": [{"quarter": r["quarter"], "cases": _none(r["cases"]), "arrests": _none(r["arrests"]),
                              "arrest_rate_band": r["arrest_rate_band"]} for _i, r in data.national_quarter.iterrows()],
        "province_year": [{"province_code": r["province_code"], "year": int(r["year"]), "cases": _none(r["cases"]),
                           "arrests": _none(r["arrests"]), "arrest_rate_band": r["arrest_rate_band"]}
                          for _i, r in data.province_year.iterrows()],
    }


def _table(frame: pd.DataFrame, label: str) -> str:
    return scroll_region(frame.to_html(index=False, escape=True, border=0, na_rep="–"), label)


def page_html(data: PublicData, boundaries: Boundaries, releases: dict | None = None) -> str:
    """One page of the site in the language in use (``releases``: its release number and revisions, see
    :mod:`dashboard.publish.release_site`)."""
    from dashboard.publish import history, release_marks
    esc = html.escape
    h = public_view.headings()
    lang = get_language()
    up = page_prefix(lang)
    payload = json.dumps(site_data(data, boundaries), ensure_ascii=False).replace("</", "<\\/")
    cards = "".join(
        f'<div class="card" data-card="{esc(c.key)}"><div class="label">{esc(c.label)}</div>'
        f'<div class="value">{esc(c.value)}</div><div class="detail">{esc(c.detail)}</div>'
        f'<div class="period">{esc(c.period)}</div></div>' for c in public_view.headline(data))
    years = public_view.map_years(data)
    default_year = public_view.map_year(data)
    buttons = "".join(f'<button type="button" data-year-button="{y}" aria-pressed="{str(y == default_year).lower()}">'
                      f"{y}</button>" for y in years)
    legends = "".join(f'<div data-legend-year="{y}"{"" if y == default_year else " hidden"}>'
                      f"{public_figures.map_figure(data, boundaries, y)[1]}"
                      f'<p class="map-summary">{esc(public_figures.map_summary(data, boundaries, y))}</p></div>'
                      for y in years)
    other = "km" if lang == "en" else "en"
    other_href = "km/index.html" if lang == "en" else "../index.html"
    synthetic = f'<div class="synthetic">{esc(brief.synthetic_text())}</div>' if data.metadata.get("synthetic") else ""
    period = data.metadata.get("period", {})
    span = public_view.period_text(period["from"], period["to"]) if period.get("from") else ""
    as_of_text = public_view.dates_text(data.metadata)
    names = FILES + ((stage_cells.FILE,) if data.funnel is not None else ())
    files = "".join(f'<li><a href="{up}data/{name}">{esc(name)}</a></li>' for name in names)
    briefs = "".join(f'<li><a href="{up}brief_{code}.pdf">{esc(h["brief_link"].format(language=name))}</a></li>'
                     for code, name in LANGUAGES.items())
    note = boundaries.map_note()
    note_text = _(note) if note else ""
    credits = " · ".join([
        attribution(boundaries),
        _("Map drawn with Leaflet (BSD 2-Clause licence)"),
        _("Font: {family} ({licence})").format(family=fonts.FAMILY, licence=fonts.LICENCE),
    ])
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(h["title"])}</title>
<link rel="stylesheet" href="{up}assets/leaflet.css">
<style>{fonts.font_face_css(f"{up}assets/fonts/{FONT_NAME}").replace("format('truetype')", "format('woff2')")}</style>
<link rel="stylesheet" href="{up}assets/site.css">
</head>
<body>
<header>
<div class="lang"><a href="{other_href}" hreflang="{other}">{esc(LANGUAGES[other])}</a></div>
<h1>{esc(h["title"])}</h1>
<p class="sub">{esc(h["subtitle_period"].format(period=span))} {esc(as_of_text)}</p>
{synthetic}
{release_marks.header_html(releases)}
</header>
<main>
<div class="cards">{cards}</div>

<h2>{esc(h["map"])}</h2>
<div class="years" role="group" aria-label="{esc(h["year"])}">{buttons}</div>
<div class="mapbox"><div id="map" role="region" aria-label="{esc(h["map_label"])}"></div>
<div>{legends}<p class="note">{esc(note_text)}</p></div></div>

<h2>{esc(h["quarters"])}</h2>
<figure>{public_figures.quarter_figure(data, width=960, height=270,
                                      revised=history.revised(releases, "national_quarter"))}</figure>
{release_marks.revisions_html(releases, history.NATIONAL)}
{_table(public_view.quarter_table(data), h["quarters"])}

<h2>{esc(h["totals"])}</h2>
{_table(public_view.totals_table(data), h["totals"])}

<h2>{esc(h["provinces"])}</h2>
<figure>{public_figures.province_figure(data, width=960, revised=history.revised(releases, "province_year"))}</figure>
{release_marks.revisions_html(releases, history.PROVINCES)}

{stage_cells.funnel_html(data.funnel)}
<h2>{esc(h["hidden"])}</h2>
<p>{esc(public_view.suppression_note(data))}</p>
<h2>{esc(h["method"])}</h2>
<p>{esc(public_view.method_text())}</p>

<h2>{esc(h["download"])}</h2>
<ul class="files">{files}{briefs}</ul>
</main>
<footer>{esc(credits)} · <a href="{up}assets/fonts/OFL.txt">OFL</a></footer>
<script type="application/json" id="cpu-data">{payload}</script>
<script src="{up}assets/leaflet.js"></script>
<script src="{up}assets/boundaries.js"></script>
<script src="{up}assets/site.js"></script>
</body>
</html>
"""


def _subset_font(text: str, target: Path) -> None:
    """Noto Sans Khmer cut down to the characters the pages use (shaping features kept), as WOFF2."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(fonts.font_file()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + BASE_CHARS)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    target.write_bytes(buffer.getvalue())


def write_site(export_dir: Path | str, site_dir: Path | str, boundaries: Boundaries | None = None,
               releases: dict | None = None) -> SiteReport:
    """Build the site from the export in ``export_dir`` (it may be ``site_dir/data`` itself)."""
    from dashboard.geo.active_layer import active_boundaries

    export_dir, site = Path(export_dir), Path(site_dir)
    data = read_export(export_dir)
    boundaries = boundaries or active_boundaries()
    for folder in ("assets/fonts", "data", "km"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    if export_dir.resolve() != (site / "data").resolve():
        for name in FILES:
            shutil.copyfile(export_dir / name, site / "data" / name)
    leaflet_dir = leaflet_assets.package_dir()
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(leaflet_dir / name, site / "assets" / name)
    for name in ("site.js", "site.css"):
        shutil.copyfile(ASSETS / name, site / "assets" / name)
    (site / "assets" / "boundaries.js").write_text(
        "window.CPU_BOUNDARIES = "
        + json.dumps(boundaries.map_geojson, ensure_ascii=False, separators=(",", ":")) + ";\n",
        encoding="utf-8")
    shutil.copyfile(fonts.licence_file(), site / "assets" / "fonts" / "OFL.txt")
    text = ""
    for lang in LANGUAGES:
        with use_language(lang):
            page = page_html(data, boundaries, releases)
        target = page_path(site, lang)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(target)
        text += page
        (site / f"brief_{lang}.pdf").write_bytes(brief.render_pdf(data, boundaries, lang))
    _subset_font(text + json.dumps(boundaries.map_geojson, ensure_ascii=False), site / "assets" / "fonts" / FONT_NAME)
    paths = [p for p in site.rglob("*") if p.is_file()]
    return SiteReport(page_path(site, "en"), len(paths), sum(p.stat().st_size for p in paths))
