"""Case-level views leave a trace: who saw case rows, on which page, with which filters, and how many rows.

Never the rows themselves. Debounced per browser session by
:class:`dashboard.access.audit.ViewDebounce`. Views of the SYNTHETIC demo are
not recorded: no real case is shown.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.access import audit
from dashboard.ui import params
from dashboard.ui.context import current
from dashboard.ui.downloads import scope_detail

_DEBOUNCE_KEY = params.SESSION_VIEW_DEBOUNCE


def record_case_view(rows: int) -> None:
    """Call where a page shows case rows; writes a ``view`` entry when this session has not just recorded it."""
    ctx, page = current()
    if ctx is None or ctx.dataset.synthetic:
        return
    filters = ctx.filters.describe()
    debounce = st.session_state.setdefault(_DEBOUNCE_KEY, audit.ViewDebounce())
    if debounce.due(page, filters, time.monotonic()):
        audit.record(ctx.engine, ctx.username, audit.VIEW, page=page, rows=rows,
                     detail={"filters": filters, **scope_detail(ctx.scope)})
