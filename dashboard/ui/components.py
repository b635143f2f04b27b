"""Reusable Streamlit pieces: banners, headline cards, data tables (maps: ``dashboard.ui.map_widget``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import DEFAULT_LANGUAGE, N_, _, fmt_date, fmt_percent, get_language
from dashboard.render.markup import escape_markdown
from dashboard.render.safe_csv import to_safe_csv
from dashboard.ui.context import Context
from dashboard.ui.downloads import audited


def synthetic_banner(ctx: Context) -> None:
    if ctx.dataset.synthetic:
        st.warning(_("**SYNTHETIC demo data.** These are invented records that reproduce the programme's published "
                     "figures (369 cases, 84 in 2015, 86% arrests). They are not real cases.") + " "
                   + _("The charges, court outcomes and sentences are invented too: no published figure exists "
                       "for them."),
                   icon=":material/science:")


def page_header(ctx: Context, title: str, subtitle: str = "") -> None:
    st.title(title)
    as_of = ctx.dataset.as_of
    line = _("Data as of **{day}**").format(day=fmt_date(as_of)) if as_of else _("No case data loaded")
    line += f" · {ctx.filters.describe()}"
    if subtitle:
        st.caption(subtitle)
    st.caption(line)
    synthetic_banner(ctx)
    missing_data_notice(ctx)
    from dashboard.ui import quality_report  # the red data-quality line, the same on every internal page

    quality_report.banner(ctx)


def missing_data_notice(ctx: Context) -> None:
    """What the database lacks (case records, the coverage table), what that means on screen, and how to load it.

    A real deployment starts empty, and the first real ingest on the demo database removes the demo's coverage
    table with its cases: neither is an error, but every figure and map depends on them.
    """
    no_cases, no_coverage = ctx.dataset.cases.empty, ctx.dataset.coverage.empty
    if not (no_cases or no_coverage):
        return
    if no_cases and no_coverage:
        what = _("**No case data is loaded yet, and no coverage table.** Every figure is 0 and every map is grey "
                 "until both are loaded.")
    elif no_cases:
        what = _("**No case data is loaded yet.** Every figure is 0 until the case file is loaded; the coverage "
                 "table is in place.")
    else:
        what = _("**No coverage table is loaded.** Every province shows as not covered, provinces and population "
                 "covered are 0, and rates per 100,000 person-years under coverage cannot be worked out.")
    how = []
    if no_cases:
        how.append(_("the case file: Data page, Upload records (or `python -m dashboard ingest FILE`)"))
    if no_coverage:
        how.append(_("the coverage table (province, start date, end date): Data page, Upload records as "
                     "'{coverage}', or the Coverage table tab (or `python -m dashboard ingest FILE --kind coverage`)"
                     ).format(coverage=_("coverage")))
    if ctx.role == "admin":
        todo = _("To load {what}.").format(what=_("; and ").join(how))
    else:
        todo = _("An admin can load {what}.").format(what=_("; and ").join(how))
    st.info(f"{what} {todo}", icon=":material/database:")


def no_cases(summary: dict) -> bool:
    """Show the empty state and return True when the filters match nothing (``summary``: metrics.summary)."""
    if summary["cases"] == 0:
        st.info(_("No cases match these filters. Widen the date range or clear the province and offence filters."),
                icon=":material/search_off:")
        return True
    return False


def data_table(frame: pd.DataFrame, name: str, key: str, label: str | None = None) -> None:
    """An expander with the table behind a chart, and a formula-safe CSV download.

    The table's headers are shown in the interface language; the CSV keeps the documented English keys.
    """
    with st.expander(label or _("Show data")):
        st.dataframe(localized_columns(frame), hide_index=True, width="stretch")
        st.download_button(_("Download CSV"), audited(lambda: to_safe_csv(frame), f"{name}.csv", len(frame)),
                           file_name=f"{name}.csv", mime="text/csv", key=f"dl_{key}", on_click="ignore")


def with_names(frame: pd.DataFrame, code_column: str = "province_code") -> pd.DataFrame:
    gaz = load_gazetteer()
    out = frame.copy()
    out.insert(1, "province_km", [gaz[c].name_km for c in out[code_column]])
    out.insert(1, "province", [gaz[c].name_en for c in out[code_column]])
    return out


#: Card labels wrap instead of being cut with "…": Streamlit keeps a metric's label on one line, and a Khmer
#: label is wider than its English one (e.g. ចន្លោះ 50% កណ្ដាល (ថ្ងៃ) in a quarter of the page at 1400 px).
CARD_LABEL_CSS = ('<style>[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * '
                  '{white-space: normal !important; overflow: visible !important; text-overflow: clip !important; '
                  'height: auto !important;}</style>')


def wrap_card_labels() -> None:
    """Let the cards drawn after this in the run wrap their labels (see ``CARD_LABEL_CSS``)."""
    st.html(CARD_LABEL_CSS)


def kpi_row(items: list[tuple[str, str, str | None] | tuple[str, str, str | None, str]]) -> None:
    """Headline cards: (label, value, help), or (label, value, help, note) with a grey note under the value
    (for instance the day a figure is for)."""
    wrap_card_labels()
    cols = st.columns(len(items))
    for col, (label, value, helptext, *note) in zip(cols, items):
        if note:
            col.metric(label, value, delta=note[0], delta_color="off", delta_arrow="off", help=helptext, border=True)
        else:
            col.metric(label, value, help=helptext, border=True)


def fmt_share(value: float | None) -> str:
    return fmt_percent(value)


#: Headers for the columns of the tables shown here that the measures' own labels (measures.labels) do not
#: cover: records, compare-mode changes, the survival curve, the Data page's logs and reports. The screen shows these
#: labels in every language; the CSV downloads keep the keys (their documented names).
COLUMN_LABELS: dict[str, str] = {
    # the justice funnel's tables (dashboard/measures/funnel.py)
    "stage": N_("stage"), "share_of_previous": N_("share of the previous stage"),
    "ci_low_previous": N_("95% interval, lower end (previous stage)"),
    "ci_high_previous": N_("95% interval, upper end (previous stage)"), "share_of_all": N_("share of all cases"),
    "still_open": N_("still open"), "not_reached": N_("not reached"), "not_recorded": N_("not recorded"),
    "known": N_("recorded"), "charge_share": N_("share of arrests charged"),
    "year": N_("year"), "cumulative_cases": N_("cumulative cases"), "offence_km": N_("offence (Khmer)"),
    "covered": N_("covered"), "case_id": N_("case ID"), "district": N_("district"), "victim_age": N_("victim age"),
    "victim_sex": N_("victim sex"), "arrest": N_("arrest"), "arrest_date": N_("arrest date"), "group": N_("group"),
    "days": N_("days"), "still_without_arrest": N_("share still without arrest"), "at_risk": N_("at risk"),
    "censored": N_("censored"), "cases_earlier": N_("cases, earlier"), "cases_later": N_("cases, later"),
    "cases_change": N_("change in cases"), "cases_p_value": N_("cases: p-value"),
    "cases_exceeds_chance": N_("cases: beyond chance?"), "arrests_earlier": N_("arrests, earlier"),
    "arrests_later": N_("arrests, later"), "arrest_rate_earlier": N_("arrest rate, earlier"),
    "arrest_rate_later": N_("arrest rate, later"), "rate_change_pp": N_("change (points)"),
    "rate_change_low_pp": N_("change, 95% interval low (points)"),
    "rate_change_high_pp": N_("change, 95% interval high (points)"),
    "rate_exceeds_chance": N_("arrest rate: beyond chance?"), "covered_days_earlier": N_("days covered, earlier"),
    "covered_days_later": N_("days covered, later"), "id": N_("number"), "at": N_("time"), "kind": N_("kind"),
    "file_name": N_("file name"), "sha256": N_("SHA-256 checksum"), "rows_added": N_("rows added"),
    "rows_updated": N_("rows updated"), "rows_rejected": N_("rows rejected"), "status": N_("status"),
    "synthetic": N_("synthetic data"), "note": N_("note"), "user": N_("user"), "action": N_("action"),
    "page": N_("page"), "rows": N_("rows"), "detail": N_("detail"), "row": N_("row"), "column": N_("column"),
    "value": N_("value"), "problem": N_("problem"), "hint": N_("how to fix"),
    # the justice funnel's tables (arrests page)
    "charged": N_("charged"), "count": N_("count"), "unknown": N_("unknown"),
}


def header(column: str) -> str:
    """A column's header in the interface language: the measures' label, else this module's, else the key."""
    from dashboard.measures import labels

    if column in labels.COLUMN_LABELS:
        return labels.column_label(column)
    return _(COLUMN_LABELS[column]) if column in COLUMN_LABELS else str(column)


def localized_config(config: dict) -> dict:
    """A ``column_config`` keyed by column keys, re-keyed to the headers :func:`localized_columns` shows."""
    return {screen_header(k): v for k, v in config.items()}


def screen_header(column: str) -> str:
    """A column's header on screen: its label in the interface language, starting with a capital in English."""
    label = header(column)
    return label[:1].upper() + label[1:] if get_language() == DEFAULT_LANGUAGE else label


def _screen_values(series: pd.Series) -> pd.Series:
    """Dates without a time of day where none is recorded, and an empty cell for a missing text value.

    Dates become ISO text (which sorts as the dates do), so that a column with gaps is all text: date objects
    beside "" made Arrow refuse the column and Streamlit log a traceback before converting it itself."""
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        whole_days = (stamps.dropna() == stamps.dropna().dt.normalize()).all()
        return stamps.dt.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M").where(stamps.notna(), "")
    text = series.dropna()
    categorical = isinstance(series.dtype, pd.CategoricalDtype)
    textual = categorical or series.dtype == object or pd.api.types.is_string_dtype(series)
    if textual and len(text) and text.astype(object).map(lambda v: isinstance(v, str)).all():
        plain = series.astype(object) if categorical else series  # a categorical takes no new value ("")
        return plain.where(plain.notna(), "")  # text only: a date or number column keeps its type
    return series


def localized_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for the screen: readable headers in the interface language (measures.labels and this module's),
    offence, sex and age values in that language, dates without times and empty cells for missing text (issue 28).

    The CSV downloads keep the documented English keys. Headers stay unique.
    """
    from dashboard.measures import labels

    shown = labels.display_table(frame)  # values in the interface language; its headers are replaced below
    shown = pd.DataFrame({i: _screen_values(shown.iloc[:, i]) for i in range(shown.shape[1])}, index=shown.index)
    names: list[str] = []
    for column in frame.columns:
        label = screen_header(column)
        names.append(label if label not in names else f"{label} ({column})")
    return shown.set_axis(names, axis=1)


def chart(fig, key: str) -> None:
    """A plotly chart as every page shows it (no toolbar: see ``charts.PLOTLY_CONFIG``), with its one-sentence
    text alternative under it (highest and lowest of each series, read off the figure)."""
    from dashboard.render import chart_summary, charts

    st.plotly_chart(fig, width="stretch", config=charts.PLOTLY_CONFIG, key=key)
    st.caption(escape_markdown(chart_summary.summary(fig)))
