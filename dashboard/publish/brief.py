"""The donor brief: one A4 page, rendered server-side with WeasyPrint (Pango and HarfBuzz shape Khmer),
from the public export only, never from case data.

It holds the headline figures with their intervals, the map with its legend, the quarterly trend,
what is hidden and why, the data-as-of date, the SYNTHETIC label where it applies, and the credits.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from dashboard.errors import UserFacingError
from dashboard.geo.boundary_layer import Boundaries, attribution
from dashboard.i18n import _, use_language
from dashboard.publish import public_figures, public_view, stage_cells
from dashboard.publish.public_export import PublicData, read_export
from dashboard.render import fonts

PAGE_CSS = """
@page { size: A4; margin: 11mm 12mm 10mm 12mm; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans Khmer', sans-serif; color: #1d2b36; font-size: 8.6pt; line-height: 1.4; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 1mm 0; color: #253494; }
h2 { font-size: 10pt; margin: 3mm 0 1.2mm 0; color: #253494; }
p { margin: 0 0 1.5mm 0; }
.sub { color: #5b6770; margin-bottom: 2mm; }
.synthetic { border: 1.2pt solid #b35806; color: #7f3b08; padding: 1.2mm 2.5mm; margin: 1.5mm 0 2mm 0;
             font-weight: 700; }
.cards { display: flex; gap: 3mm; margin: 2mm 0 1mm 0; }
.card { flex: 1; border: 0.8pt solid #c9d1d8; border-radius: 2mm; padding: 2mm 3mm; }
.card .label { color: #5b6770; font-size: 8pt; }
.card .value { font-size: 19pt; font-weight: 700; color: #253494; line-height: 1.4; padding-bottom: 0.3em; }
.card .detail { font-size: 7.6pt; }
.card .period { font-size: 7.6pt; color: #5b6770; }
.row { display: flex; gap: 4mm; }
.map { flex: 0 0 96mm; }
.map svg { width: 96mm; height: auto; }
.side { flex: 1; }
.side svg { width: 100%; height: auto; }
.legend ul { list-style: none; padding: 0; margin: 1mm 0 0 0; }
.legend li { display: flex; align-items: center; gap: 1.5mm; margin: 0.5mm 0; font-size: 7.6pt; }
.legend .swatch { width: 3.2mm; height: 3.2mm; flex: none; }
table.provinces { width: 100%; border-collapse: collapse; font-size: 7.4pt; }
table.provinces th { text-align: right; color: #5b6770; font-weight: 600; border-bottom: 0.5pt solid #c9d1d8; }
table.provinces th:first-child, table.provinces td:first-child { text-align: left; }
table.provinces td { text-align: right; padding: 0.1mm 1mm; line-height: 1.25; }
table.provinces tr:nth-child(even) td { background: #f5f7f8; }
.cols { display: flex; gap: 4mm; }
.cols > div { flex: 1; }
.note { font-size: 7.8pt; }
.qlegend { font-size: 7.4pt; display: flex; gap: 3mm; margin-bottom: 1mm; }
.qlegend .swatch { width: 2.8mm; height: 2.8mm; vertical-align: -0.4mm; }
.qchart { display: flex; gap: 1.5mm; align-items: flex-end; border-bottom: 0.6pt solid #5b6770; }
.qchart .q { flex: 1; text-align: center; }
.qchart .bars { height: 34mm; display: flex; align-items: flex-end; justify-content: center; }
.qchart .cas { width: 80%; background: #7fcdbb; display: flex; align-items: flex-end; justify-content: center; }
.qchart .arr { width: 60%; background: #2c7fb8; }
.qchart .stub { width: 60%; height: 1.8mm; }
.qchart .stub svg { display: block; }
.qchart .n { font-size: 6.8pt; color: #5b6770; }
.qchart .x { font-size: 6.6pt; color: #5b6770; line-height: 1.2; height: 0; overflow: visible; }
.qwrap { padding-bottom: 7mm; }
.foot { position: absolute; bottom: 0; left: 0; right: 0; font-size: 6.8pt; color: #5b6770;
        border-top: 0.5pt solid #c9d1d8; padding-top: 1mm; }
"""


def brief_html(data: PublicData, boundaries: Boundaries, font_url: str) -> str:
    """The brief as HTML, in the language in use (wrap the call in ``i18n.use_language``)."""
    esc = html.escape
    h = public_view.headings()
    cards = public_view.headline(data)
    year = public_view.map_year(data)
    map_svg, legend = public_figures.map_figure(data, boundaries, year, width=420) if year else ("", "")
    trend = quarter_bars_html(data)
    cards_html = "".join(
        f'<div class="card"><div class="label">{esc(c.label)}</div><div class="value">{esc(c.value)}</div>'
        f'<div class="detail">{esc(c.detail)}</div><div class="period">{esc(c.period)}</div></div>' for c in cards)
    synthetic = (f'<div class="synthetic">{esc(synthetic_text())}</div>' if data.metadata.get("synthetic") else "")
    as_of_text = public_view.dates_text(data.metadata)
    generated = str(data.metadata.get("generated", ""))[:10]
    credits = " · ".join([
        attribution(boundaries),
        _("Font: {family} ({licence})").format(family=fonts.FAMILY, licence=fonts.LICENCE),
        _("Published {date}").format(date=generated),
    ])
    funnel_line = stage_cells.funnel_line(data.funnel)  # one line, only when the data records the stages
    funnel_note = f'<p class="note">{esc(funnel_line)}</p>' if funnel_line else ""
    return f"""<!doctype html>
<html lang="{esc(_lang())}"><head><meta charset="utf-8"><title>{esc(title())}</title>
<style>{fonts.font_face_css(font_url).replace("font-weight:100 900;", "")}{PAGE_CSS}</style></head>
<body>
<h1>{esc(title())}</h1>
<div class="sub">{esc(h["subtitle"])} · {esc(as_of_text)}</div>
{synthetic}
<div class="cards">{cards_html}</div>
<div class="row">
  <div class="map"><h2>{esc(h["map"])}</h2>{map_svg}{legend}{map_note(boundaries)}</div>
  <div class="side">
    <h2>{esc(h["quarters"])}</h2><div class="qwrap">{trend}</div>
    {funnel_note}
    <h2>{esc(h["hidden"])}</h2><p class="note">{esc(public_view.suppression_note(data))}</p>
    <h2>{esc(h["method"])}</h2><p class="note">{esc(public_view.method_text())}</p>
  </div>
</div>
<h2>{esc(h["by_province"])}</h2>
{province_tables(data)}
<div class="foot">{esc(credits)}</div>
</body></html>"""


def quarter_bars_html(data: PublicData) -> str:
    """National cases by quarter as HTML bars: WeasyPrint shapes Khmer in HTML text, not in SVG text."""
    from dashboard.i18n import fmt_int
    from dashboard.render import svg
    from dashboard.render.colours import HATCH

    esc = html.escape
    nq = data.national_quarter
    shown = [int(v) for v in nq["cases"].dropna()]
    top = max(shown) if shown else 1
    late = public_view.incomplete_quarters(data)
    cols = []
    for q, c, a in zip(nq["quarter"], nq["cases"], nq["arrests"]):
        quarter, _sep, year = public_view.fmt_quarter(q).rpartition(" ")
        mark = " §" if q in late else ""  # the brief's font has no dagger
        if c is pd.NA or pd.isna(c):
            bar = f'<div class="stub">{svg.hatch_strip()}</div>'
            value = public_view.hidden_text()
        else:
            inner = (f'<div class="arr" style="height:{100 * int(a) / top:.1f}%"></div>' if pd.notna(a)
                     else f'<div class="stub">{svg.hatch_strip()}</div>' if int(c) else "")
            outline = ";outline:1.5px dashed #0f4c5c" if q in late else ""  # the site chart's dashed outline
            bar = f'<div class="cas" style="height:{100 * int(c) / top:.1f}%{outline}">{inner}</div>'
            value = fmt_int(c)
        cols.append(f'<div class="q"><div class="n">{esc(value + mark)}</div><div class="bars">{bar}</div>'
                    f'<div class="x">{esc(quarter)}<br>{esc(year)}</div></div>')
    legend = "".join(f'<span>{svg.swatch(colour, 10)} {esc(text)}</span>' for colour, text in (
        (svg.CASES, _("cases")), (svg.ARRESTS, _("arrests (where shown)")), (HATCH, _("hidden"))))
    if late:  # named once, as the partial year is under the tables
        legend += f'<span>§ {esc(public_view.incomplete_text())}</span>'
    return f'<div class="qlegend">{legend}</div><div class="qchart">{"".join(cols)}</div>'


def map_note(boundaries: Boundaries) -> str:
    note = boundaries.map_note()
    return f'<p class="note">{html.escape(_(note))}</p>' if note else ""


def province_tables(data: PublicData, columns: int = 2) -> str:
    """Province counts by year as two side-by-side tables; names in the page's language and in Khmer."""
    esc = html.escape
    rows = public_view.province_rows(data)
    years = public_view.map_years(data)
    partial = public_view.partial_years(data)
    # a partial year is marked with * in the header and named once under the tables, so the header stays one line
    head = (f"<tr><th>{esc(public_view.headings()['province'])}</th>"
            + "".join(f"<th>{y}{'*' if y in partial else ''}</th>" for y in years) + "</tr>")
    per = -(-len(rows) // columns)
    out = []
    for start in range(0, len(rows), per):
        body = "".join(f"<tr><td>{esc(r.name)}</td>" + "".join(f"<td>{esc(r.counts[y])}</td>" for y in years) + "</tr>"
                       for r in rows[start:start + per])
        out.append(f'<div><table class="provinces">{head}{body}</table></div>')
    notes = "".join(f'<p class="note">* {esc(public_view.year_label(y, partial))}</p>' for y in years if y in partial)
    return f'<div class="cols">{"".join(out)}</div>{notes}'



def synthetic_text() -> str:
    return _("SYNTHETIC demo data: invented records that reproduce the programme’s published figures. Not real cases.")


def title() -> str:
    return public_view.headings()["brief_title"]


def _lang() -> str:
    from dashboard.i18n import get_language

    return get_language()


def _with_actual_text() -> None:
    """Make Khmer text in WeasyPrint's PDFs extract as written (search, copy, screen readers, pdftotext).

    WeasyPrint maps each glyph to text once per font, but a shaped Khmer cluster reorders and
    combines glyphs, so that mapping alone reads back garbled. PDF's remedy is ActualText: each
    text run that holds Khmer is wrapped in a marked-content span carrying its logical text.
    Installed once, around WeasyPrint's own text drawing function.
    """
    import pydyf
    from weasyprint import draw

    if getattr(draw.draw_text, "actual_text", False):
        return
    original = draw.draw_text

    def draw_text(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "")
        if not any("\u1780" <= ch <= "\u17ff" for ch in text):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.actual_text = True
    draw.draw_text = draw_text


def _weasyprint_html():
    """WeasyPrint's HTML class, or a clear message when the system's Pango library is missing."""
    try:
        from weasyprint import HTML
    except OSError:  # WeasyPrint loads Pango (a system library) when imported
        raise UserFacingError(_("The donor brief needs the Pango text library, which is not installed here."),
                              _("Install it (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
                                "then try again.")) from None
    return HTML


def unavailable_reason() -> str | None:
    """Why the brief cannot be rendered on this machine (no Pango), or None when it can."""
    try:
        _weasyprint_html()
    except UserFacingError as err:
        return err.message
    return None


def render_pdf(data: PublicData, boundaries: Boundaries, lang: str) -> bytes:
    """The one-page PDF in ``lang``."""
    HTML = _weasyprint_html()  # noqa: N806 - WeasyPrint's class
    _with_actual_text()
    with use_language(lang):
        page = brief_html(data, boundaries, fonts.font_file().as_uri())
    # Tagged PDF/UA-1: a structure tree in reading order (headings, paragraphs, the map as a figure with its
    # text), the document's title shown in the window and its language, for screen readers (issue 28)
    return HTML(string=page, base_url=str(fonts.font_file().parent)).write_pdf(pdf_variant="pdf/ua-1")


def write_brief(public_dir: Path | str, out: Path | str, lang: str, boundaries: Boundaries | None = None) -> Path:
    """Read the export in ``public_dir`` and write the brief to ``out`` (temporary name, then moved)."""
    from dashboard.geo.active_layer import active_boundaries

    data = read_export(public_dir)
    pdf = render_pdf(data, boundaries or active_boundaries(), lang)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(out)
    return out
