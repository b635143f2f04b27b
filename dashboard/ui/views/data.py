"""Data (admins): upload and ingest files, edit coverage, choose boundaries, read the ingest log."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.geo.boundaries import active_source, clear_active, join_boundaries, read_boundary_file, save_active
from dashboard.errors import UserFacingError
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.data.ingest import ingest_file, ingest_log_frame, write_records
from dashboard.data.validation import validate_file
from dashboard.ui import components as ui
from dashboard.ui.cache import current_engine
from dashboard.ui.context import context
from dashboard.data.validation import ValidationOptions, validate_coverage
from dashboard.i18n import _, fmt_int


def render() -> None:
    ctx = context("data")
    ui.page_header(ctx, "Data", "Upload case records and coverage, manage boundaries, and review the ingest log")
    eng = current_engine()
    tab_upload, tab_coverage, tab_boundaries, tab_log = st.tabs(["Upload records", "Coverage table", "Boundaries", "Ingest log"])
    with tab_upload:
        _upload(eng, ctx)
    with tab_coverage:
        _coverage_editor(eng, ctx)
    with tab_boundaries:
        _boundaries()
    with tab_log:
        st.dataframe(ingest_log_frame(eng), hide_index=True, width="stretch")


def _upload(eng, ctx) -> None:
    kind = st.radio("The file holds", ["cases", "coverage"], horizontal=True, key="upload_kind")
    upload = st.file_uploader("CSV (UTF-8, UTF-16, Windows-1252) or XLSX", type=["csv", "txt", "xlsx"], key="upload_file")
    st.caption("See docs/data.md for the columns. Nothing is written until the whole file is valid.")
    if upload is None:
        return
    data = upload.getvalue()
    coverage = ctx.dataset.coverage  # real coverage only: the demo's is removed by the first real ingest
    options = ValidationOptions(coverage=coverage) if kind == "cases" and len(coverage) and \
        not ctx.dataset.synthetic else None
    try:
        report = validate_file(data, upload.name, kind, options)
    except UserFacingError as err:
        st.error(err.message)
        return
    if not report.ok:
        st.error(f"{len(report.problems)} problem(s) in {report.rejected_rows} row(s) of {report.rows}. "
                 "Nothing was written. Fix these and upload again.")
        st.dataframe(report.to_frame(), hide_index=True, width="stretch")
        return
    st.success(f"{upload.name}: {report.rows} valid rows ({report.how_read}).")
    if report.flags:
        st.warning(_("{n} case(s) are reported outside their province's coverage. They can be written, but they "
                     "are left out of rates per person-year: check their dates and provinces, or the coverage "
                     "table.").format(n=fmt_int(report.outside_coverage)), icon=":material/warning:")
        st.dataframe(pd.DataFrame([f.__dict__ for f in report.flags]), hide_index=True, width="stretch")
    if report.ignored_columns:
        st.caption(f"Ignored columns: {', '.join(report.ignored_columns)}")
    if st.button(f"Ingest {report.rows} rows", type="primary", key="ingest_button"):
        result = ingest_file(eng, data, upload.name, kind)
        if result.written:
            st.success(result.to_text())
        else:
            st.error(result.to_text())


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
    st.caption("Leave the start date empty where the programme does not operate.")
    edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["province", "province_km"],
                            column_config={"start_date": st.column_config.DateColumn("start date"),
                                           "end_date": st.column_config.DateColumn("end date")},
                            key="coverage_editor")
    if st.button("Save coverage", key="save_coverage"):
        rows = edited[edited["start_date"].notna()][["province", "start_date", "end_date"]]
        report = validate_coverage(rows.astype(object).where(rows.notna(), ""), "coverage editor", "editor")
        if not report.ok:
            st.error("Not saved. " + report.to_text())
            return
        import hashlib

        digest = hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest()
        result = write_records(eng, report, digest, synthetic=False, replace=True)
        st.success(f"Coverage saved: {result.added} added, {result.updated} updated.")


def _boundaries() -> None:
    current, _ = active_source()
    st.write(f"In use: **{current.name if current else 'the shipped default'}**")
    upload = st.file_uploader("Boundary file: zipped shapefile, GeoJSON or GeoPackage", type=["zip", "geojson", "json", "gpkg"],
                              key="boundary_file")
    if current and st.button("Go back to the default boundaries", key="boundary_default"):
        clear_active()
        st.rerun()
    if upload is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            gdf = read_boundary_file(path)
            columns = [c for c in gdf.columns if c != gdf.geometry.name]
            choice = st.selectbox("Join column", ["(detect automatically)", *columns], key="boundary_column")
            joined = join_boundaries(gdf, upload.name, None if choice.startswith("(") else choice)
        except UserFacingError as err:
            st.error(err.message)
            return
        st.code(joined.report.to_text(), language=None)
        st.info(joined.vintage_note())
        if not joined.report.all_matched:
            st.warning("Some polygons match no province (listed above). They will not be drawn.")
        if st.button("Use these boundaries", type="primary", key="boundary_use"):
            save_active(joined)  # the joined layer (province codes attached), so every later load is exact
            st.success("Boundaries saved; every map now uses them.")
