"""The public donor dashboard: reads only the aggregated export, never the case database."""

from __future__ import annotations

import streamlit as st

from dashboard.access import modes
from dashboard.errors import UserFacingError
from dashboard.i18n import LANGUAGES, _, get_language
from dashboard.publish import history, public_map, public_view
from dashboard.publish.public_export import FILES, PublicData, read_export
from dashboard.render import charts, maps
from dashboard.render.markup import escape_markdown
from dashboard.ui import components as ui
from dashboard.ui import map_widget
from dashboard.ui.cache import boundaries
from dashboard.ui.views import releases


@st.cache_resource(show_spinner=False)
def _load(folder: str, stamp: float) -> PublicData:
    return read_export(folder)


def load() -> PublicData:
    folder = modes.public_dir()
    meta = folder / "metadata.json"
    return _load(str(folder), meta.stat().st_mtime if meta.exists() else 0.0)


@st.cache_data(show_spinner=False, max_entries=4)
def _brief(folder: str, stamp: float, lang: str) -> bytes:
    """The donor brief in ``lang``, rendered once per export (WeasyPrint, from the export files only)."""
    from dashboard.publish.brief import render_pdf

    return render_pdf(_load(folder, stamp), boundaries(), lang)


def render() -> None:
    try:
        if modes.app_mode() != "public":
            st.error(_("The public dashboard runs only with DASHBOARD_MODE=public."))
            st.stop()
        data = load()
    except UserFacingError as err:
        st.error(escape_markdown(err.message))
        return
    st.title(_("Child Protection Unit: public dashboard"))
    period = data.metadata.get("period", {})
    span = public_view.period_text(period["from"], period["to"]) if period.get("from") else ""
    st.caption(escape_markdown(_("Cases investigated with the Cambodian National Police, {period}.").format(period=span)
                               + " " + _("Aggregated figures only.") + " " + public_view.dates_text(data.metadata)))
    if data.metadata.get("synthetic"):
        from dashboard.publish.brief import synthetic_text

        st.warning(escape_markdown(synthetic_text()), icon=":material/science:")
    _cards(public_view.headline(data))
    _map(data)
    st.subheader(_("National cases by quarter"))
    ui.chart(charts.public_quarters(data.national_quarter, releases.revised_quarters()), key="public_quarters")
    st.dataframe(ui.localized_columns(public_view.quarter_table(data)), hide_index=True, width="stretch")
    releases.revision_note(history.NATIONAL)
    st.subheader(_("National totals"))
    st.dataframe(ui.localized_columns(public_view.totals_table(data)), hide_index=True, width="stretch")
    st.subheader(_("Province totals by year"))
    partial = public_view.partial_years(data)
    wide = public_view.province_year_wide(data).rename(
        columns={str(y): public_view.year_label(y, partial) for y in partial})
    st.dataframe(ui.localized_columns(wide), hide_index=True, width="stretch")
    releases.revision_note(history.PROVINCES)
    rates = public_view.allowed_arrest_rates(data)
    if len(rates):
        st.subheader(_("Arrest rates where they can be shown"))
        st.dataframe(ui.localized_columns(rates), hide_index=True, width="stretch")
    st.subheader(_("What is hidden, and why"))
    st.markdown(escape_markdown(public_view.suppression_note(data)))
    st.subheader(_("Method"))
    st.markdown(escape_markdown(public_view.method_text()))
    _downloads(data)


def _cards(cards: list[public_view.Card]) -> None:
    """Headline cards, each naming the period it covers."""
    ui.wrap_card_labels()
    cols = st.columns(max(len(cards), 1))
    for col, card in zip(cols, cards):
        with col.container(border=True):
            st.metric(card.label, card.value)
            st.caption(escape_markdown(card.detail))
            st.caption(escape_markdown(card.period))


def _map(data: PublicData) -> None:
    st.subheader(_("Where the programme works"))
    years = public_view.map_years(data)
    if not years:
        return
    default = public_view.map_year(data)
    year = st.segmented_control(_("year"), years, default=default, key="public_year", required=True) or default
    b = boundaries()
    states = public_view.unit_states(data, b, int(year))
    look = public_map.public_styles(states, data.k)
    title = public_map.legend_title(int(year), public_view.partial_years(data))
    map_widget.static_map(maps.build_map(b, look.styles, title, look.legend, b.map_note(),
                                 height=480), key="public_map", height=480)
    from dashboard.geo.boundaries import attribution

    st.caption(escape_markdown(" · ".join(t for t in (b.map_note(), attribution(b)) if t)))


def _downloads(data: PublicData) -> None:
    st.subheader(_("Download the data"))
    folder = modes.public_dir()
    cols = st.columns(len(FILES))
    for col, name in zip(cols, FILES):
        col.download_button(name, (folder / name).read_bytes(), file_name=name, key=f"public_dl_{name}")
    meta = folder / "metadata.json"
    stamp = meta.stat().st_mtime if meta.exists() else 0.0
    from dashboard.publish.brief import unavailable_reason

    reason = unavailable_reason()
    if reason:  # the server lacks Pango: say so instead of offering a download that would fail
        st.caption(escape_markdown(reason))
        return
    cols = st.columns(len(LANGUAGES))
    for col, (code, name) in zip(cols, LANGUAGES.items()):
        col.download_button(_("Summary for donors (PDF, {language})").format(language=name),
                            data=lambda code=code: _brief(str(folder), stamp, code),
                            file_name=f"brief_{code}.pdf", mime="application/pdf", key=f"public_brief_{code}",
                            on_click="ignore", icon=":material/picture_as_pdf:",
                            type="primary" if code == get_language() else "secondary")
