"""Data (admins): upload and ingest files, edit coverage, choose boundaries, read the ingest log."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.access import audit
from dashboard.data import guide
from dashboard.data.ingest import check_file, ingest_log_frame, ingest_report, refuse, write_records
from dashboard.data.validation import COVERAGE_START_RULE, DATE_HINT, listed_coverage, validate_coverage
from dashboard.errors import UserFacingError
from dashboard.geo.boundaries import (
    active_source,
    clear_active,
    join_boundaries,
    read_metadata,
    read_uploaded_boundary_file,
    save_active,
    shipped_layer,
)
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_, _, fmt_int
from dashboard.render.markup import escape_markdown
from dashboard.ui import audit_view, params, release_approval
from dashboard.ui import components as ui
from dashboard.ui.cache import current_engine
from dashboard.ui.context import context
from dashboard.ui.uploader import file_uploader


def render() -> None:
    ctx = context("data")
    ui.page_header(ctx, _("Data"), _("Upload case records and coverage, manage boundaries, and review the ingest log"))
    eng = current_engine()
    tab_upload, tab_coverage, tab_boundaries, tab_log, tab_audit, tab_releases = st.tabs(
        [_("Upload records"), _("Coverage table"), _("Boundaries"), _("Ingest log"), _("Audit trail"), _("Releases")])
    with tab_upload:
        _upload(eng, ctx)
    with tab_coverage:
        _coverage_editor(eng, ctx)
    with tab_boundaries:
        _boundaries(eng, ctx)
    with tab_log:
        _ingest_log(eng)
    with tab_audit:
        audit_view.render(eng)
    with tab_releases:
        release_approval.render(eng, ctx.username)


def _upload(eng, ctx) -> None:
    kind = st.radio(_("The file holds"), list(UPLOAD_KINDS), horizontal=True, key="upload_kind",
                    format_func=lambda k: _(UPLOAD_KINDS[k]))
    upload = file_uploader(_("CSV (UTF-8, UTF-16, Windows-1252) or XLSX"), ["csv", "txt", "xlsx"], "upload_file")
    st.caption(_("Nothing is written until the whole file is valid."))
    _file_guide(kind)
    if upload is None:
        return
    data = upload.getvalue()
    try:  # validated once; the report itself is what the ingest button writes
        report = check_file(eng, data, upload.name, kind)
    except UserFacingError as err:
        st.error(escape_markdown(err.message))
        return
    if not report.ok:
        _record_refusal_once(eng, ctx, upload.file_id, report, data)
        st.error(_("{problems} problem(s) in {rejected} row(s) of {rows}. Nothing was written. Fix these and upload "
                   "again.").format(problems=fmt_int(len(report.problems)), rejected=fmt_int(report.rejected_rows),
                                    rows=fmt_int(report.rows)))
        st.dataframe(ui.localized_columns(report.to_frame()), hide_index=True, width="stretch")
        return
    st.success(escape_markdown(_("{file}: {rows} valid rows ({how}).").format(
        file=upload.name, rows=fmt_int(report.rows), how=report.how_read)))
    if report.flags:
        st.warning(_("{n} case(s) are reported outside their province's coverage. They can be written, but they "
                     "are left out of rates per person-year: check their dates and provinces, or the coverage "
                     "table.").format(n=fmt_int(report.outside_coverage)), icon=":material/warning:")
        st.dataframe(ui.localized_columns(pd.DataFrame([f.__dict__ for f in report.flags])), hide_index=True,
                     width="stretch")
    if report.ignored_columns:
        st.caption(escape_markdown(report.ignored_columns_text()))
    if st.button(_("Ingest {n} rows").format(n=fmt_int(report.rows)), type="primary", key="ingest_button"):
        result = ingest_report(eng, report, data, actor=ctx.username, page="data")
        if result.written:
            st.success(escape_markdown(result.to_text()))
        else:
            st.error(escape_markdown(result.to_text()))


def _record_refusal_once(eng, ctx, file_id: str, report, data: bytes) -> None:
    """A refused file goes into the ingest log and the audit trail as a refused CLI ingest does, once per upload
    (the page reruns with the same file on every click)."""
    logged = st.session_state.setdefault(params.SESSION_REFUSALS_LOGGED, set())
    if (file_id, report.kind) not in logged:
        logged.add((file_id, report.kind))
        refuse(eng, report, data, actor=ctx.username, page="data")


def _file_guide(kind: str) -> None:
    """The columns, header names, date forms and offence labels a file may use (from what validation reads)."""
    with st.expander(_("What the file must hold")):
        st.dataframe(guide.column_guide(kind), hide_index=True, width="stretch")
        st.caption(_("Headers are matched ignoring capital letters, spaces and punctuation; other columns are "
                     "ignored and listed.") + " " + _(DATE_HINT))
        if kind == "cases":
            st.dataframe(guide.offence_guide(), hide_index=True, width="stretch")
        else:
            st.caption(_(COVERAGE_START_RULE))


#: Characters of a file's SHA-256 shown in the ingest log (enough to tell two files apart at a glance).
SHORT_HASH = 12


def _ingest_log(eng) -> None:
    """The ingest log: outcome, when, what and how many rows first; the file's hash shortened, last."""
    log = ingest_log_frame(eng)
    log["sha256"] = log["sha256"].str.slice(0, SHORT_HASH)
    st.dataframe(ui.localized_columns(log), hide_index=True, width="stretch")


def _coverage_editor(eng, ctx) -> None:
    gaz = load_gazetteer()
    cov = ctx.dataset.coverage.set_index("province_code")
    frame = pd.DataFrame({
        "province": [p.name_en for p in gaz.values()],
        "province_km": [p.name_km for p in gaz.values()],
        "start_date": [cov["start_date"].get(c).date() if c in cov.index else None for c in gaz],
        "end_date": [cov["end_date"].get(c).date() if c in cov.index and pd.notna(cov["end_date"].get(c)) else None
                     for c in gaz],
    })
    st.caption(_("A province with no dates is left out of the coverage table: the programme does not operate "
                 "there. Every province kept needs its start date, as in an uploaded coverage file."))
    shown = ui.localized_columns(frame)  # headers in the interface language; the columns are renamed back below
    names = dict(zip(frame.columns, shown.columns))
    edited = st.data_editor(shown, hide_index=True, width="stretch", disabled=[names["province"], names["province_km"]],
                            column_config={names["start_date"]: st.column_config.DateColumn(_("start date")),
                                           names["end_date"]: st.column_config.DateColumn(_("end date"))},
                            key="coverage_editor").rename(columns={v: k for k, v in names.items()})
    if st.button(_("Save coverage"), key="save_coverage"):
        rows = listed_coverage(edited)[["province", "start_date", "end_date"]]
        report = validate_coverage(rows.astype(object).where(rows.notna(), ""), "coverage editor", "editor")
        if not report.ok:
            st.error(escape_markdown(_("Not saved.") + " " + report.to_text()))
            return
        import hashlib

        digest = hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest()
        result = write_records(eng, report, digest, synthetic=False, replace=True, actor=ctx.username, page="data",
                               action=audit.COVERAGE_EDIT)
        if not result.written:  # the database refused the write (rolled back): say so, never "saved"
            st.error(escape_markdown(result.to_text()))
            return
        st.success(_("Coverage saved: {added} added, {updated} updated.").format(added=fmt_int(result.added),
                                                                                 updated=fmt_int(result.updated)))


#: What an uploaded file holds -> its label.
UPLOAD_KINDS = {"cases": N_("cases"), "coverage": N_("coverage")}

#: The layers an admin can choose; "upload" is a file of their own.
BOUNDARY_LAYERS = {
    "geoboundaries": N_("25 provinces: geoBoundaries, from OpenStreetMap (default)"),
    "naturalearth": N_("24 units: Natural Earth, before the 2013 split of Kampong Cham"),
    "upload": N_("A boundary file of your own"),
}


def _boundaries(eng, ctx) -> None:
    from dashboard import settings
    from dashboard.ui.cache import boundaries

    in_use = boundaries()
    st.text(_("In use: {title}").format(title=in_use.title))  # plain text: titles come from files
    if in_use.attribution:
        st.text(_("Credit shown on every map: {credit}").format(credit=in_use.attribution))
    configured = settings.current().boundaries
    if configured:
        st.info(_("DASHBOARD_BOUNDARIES is set ({path}), so it is used whatever is chosen here.").format(
            path=configured))
    current = _current_layer()
    choice = st.radio(_("Boundaries"), list(BOUNDARY_LAYERS), index=list(BOUNDARY_LAYERS).index(current),
                      format_func=lambda key: _(BOUNDARY_LAYERS[key]), key="boundary_layer")
    if choice == "naturalearth":
        st.caption(_("For data that predates 31 December 2013: Tboung Khmum is drawn inside Kampong Cham, and "
                     "every map says so. Records keep the province written in them; nothing is reassigned."))
    if choice != "upload":
        if choice != current and st.button(_("Use this layer"), type="primary", key="boundary_switch"):
            if choice == "geoboundaries":
                clear_active()
            else:
                save_active(shipped_layer(choice))
            audit.record(eng, ctx.username, audit.BOUNDARIES_CHANGE, page="data", detail={"to": choice})
            st.rerun()
        return
    _boundary_upload(eng, ctx)


def _current_layer() -> str:
    """Which of BOUNDARY_LAYERS the Data page's saved choice is."""
    path, _column = active_source()
    if path is None:
        return "geoboundaries"
    layer = read_metadata(path).get("layer")
    return layer if layer in BOUNDARY_LAYERS else "upload"


def _read_boundary_upload(path: Path, data: bytes):
    """The upload's polygons, read once per file in a sandboxed child; reruns of the page (choosing the join
    column, typing the credit) reuse them instead of starting another child."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    cached = st.session_state.get(params.SESSION_BOUNDARY_READ)
    if cached and cached[0] == digest:
        return cached[1]
    gdf = read_uploaded_boundary_file(path)
    st.session_state[params.SESSION_BOUNDARY_READ] = (digest, gdf)
    return gdf


def _boundary_upload(eng, ctx) -> None:
    upload = file_uploader(_("Boundary file: zipped shapefile, GeoJSON or GeoPackage"),
                           ["zip", "geojson", "json", "gpkg"], "boundary_file")
    credit = st.text_input(_("Credit the file's licence requires, shown on every map (e.g. © OpenStreetMap "
                             "contributors, ODbL 1.0)"), max_chars=300, key="boundary_attribution")
    if upload is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            gdf = _read_boundary_upload(path, upload.getvalue())
            columns = [c for c in gdf.columns if c != gdf.geometry.name]
            choice = st.selectbox(_("Join column"), [None, *columns], key="boundary_column",
                                  format_func=lambda c: _("(detect automatically)") if c is None else c)
            joined = join_boundaries(gdf, upload.name, choice)
        except UserFacingError as err:
            st.error(escape_markdown(err.message))
            return
        st.code(joined.report.to_text(), language=None)
        st.info(joined.vintage_note())
        if not joined.report.all_matched:
            st.warning(_("Some polygons match no province (listed above). They will not be drawn."))
        if st.button(_("Use these boundaries"), type="primary", key="boundary_use"):
            joined.metadata = {"title": upload.name, "layer": "upload", "attribution": credit.strip()}
            save_active(joined)  # the joined layer (province codes attached), so every later load is exact
            audit.record(eng, ctx.username, audit.BOUNDARIES_CHANGE, page="data", rows=joined.report.unit_count,
                         detail={"to": upload.name, "all_matched": joined.report.all_matched})
            st.success(_("Boundaries saved; every map now uses them."))
