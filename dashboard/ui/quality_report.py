"""The data-quality report of this run's data, computed once per data version, and the internal pages' banner."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.i18n import _, fmt_int
from dashboard.measures.quality.report import QualityReport, run
from dashboard.render.markup import escape_markdown
from dashboard.ui.context import Context


def current(ctx: Context) -> QualityReport:
    """Every check over the whole dataset, with each case's first ingest day from the database."""
    from dashboard.ui.cache import _cached, current_engine

    threshold = settings.current().quality_silence_p

    def compute() -> QualityReport:
        from dashboard.data.ingest_days import read_first_ingested

        cases = ctx.dataset.cases
        ingested = read_first_ingested(current_engine(), cases["case_id"]) if len(cases) else None
        coverage = ctx.dataset.coverage
        if ctx.scope is not None:  # a scoped viewer's cases are their provinces': check only those provinces
            coverage = coverage[coverage["province_code"].isin(ctx.scope)].reset_index(drop=True)
        return run(cases, coverage, ingested, threshold)

    return _cached("dashboard.ui.quality_report.current", ctx.data_key, (threshold,), (), compute)


def banner(ctx: Context) -> None:
    """One line when a red finding concerns the filtered view (its provinces and dates)."""
    if ctx.dataset.cases.empty:
        return
    reds = current(ctx).red_for_view(ctx.filters.start, ctx.filters.end, ctx.filters.provinces)
    if not reds:
        return
    where = _("see the Data quality page") if ctx.role in ("analyst", "admin") else _("an analyst can see them on "
                                                                                   "the Data quality page")
    text = _("Data quality: red findings concern this view ({n}), such as {first}; {where}.").format(
        n=fmt_int(len(reds)), first=reds[0].title(), where=where)
    st.markdown(":red[:material/report: " + escape_markdown(text) + "]")
