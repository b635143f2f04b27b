"""The audit trail as admins see it on the Data page: filter by user, action and date; download as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.access import audit
from dashboard.i18n import _, fmt_int
from dashboard.render.safe_csv import to_safe_csv
from dashboard.ui.components import localized_columns
from dashboard.ui.downloads import audited

#: Entries shown at most (newest first); the CLI reads the whole trail.
SHOWN = 5000


def render(engine) -> None:
    st.caption(_("Who signed in, downloaded, ingested or changed what. Entries are never edited or deleted, and "
                 "never hold case details or passwords."))
    users = audit.users_seen(engine)
    left, middle, right = st.columns([1, 2, 2])
    user = left.selectbox(_("User"), [None, *users], key="audit_user",
                          format_func=lambda u: _("Everyone") if u is None else u)
    actions = middle.multiselect(_("Actions"), audit.ACTIONS, key="audit_actions", placeholder=_("All actions"))
    period = right.date_input(_("Dates"), value=(), key="audit_dates", format="YYYY-MM-DD")
    since, until = (tuple(period) + (None, None))[:2] if isinstance(period, (tuple, list)) else (period, period)
    frame = audit.query(engine, since, until, user, actions, limit=SHOWN)
    # an entry without a row count (a sign-in, a sign-out) shows an empty cell, not the table's grey "None"
    shown = frame.assign(rows=[("" if pd.isna(n) else fmt_int(int(n))) for n in frame["rows"]])
    st.dataframe(localized_columns(shown), hide_index=True, width="stretch")
    if len(frame) == SHOWN:
        st.caption(_("Showing the newest {count} entries; narrow the filters, or use "
                     "`python -m dashboard audit`.").format(count=fmt_int(SHOWN)))
    st.download_button(_("Download CSV"), audited(lambda: to_safe_csv(frame), "audit_trail.csv", len(frame)),
                       file_name="audit_trail.csv", mime="text/csv", key="audit_download", on_click="ignore")
