"""About: methodology, definitions, sources, licences and privacy."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import _, localized_file
from dashboard.paths import PROJECT_ROOT
from dashboard.ui.cache import boundaries


def render() -> None:
    st.title(_("About"))
    st.markdown(localized_file(PROJECT_ROOT / "docs" / "about.md").read_text(encoding="utf-8"))
    in_use = boundaries()
    credit = _("Boundaries in use: {title}.").format(title=in_use.title)
    if in_use.attribution:
        credit += " " + _("Credit: {attribution}").format(attribution=in_use.attribution)
    st.text(credit)  # plain text: an uploaded layer's title and credit are never read as Markdown
    notice = PROJECT_ROOT / "geodata" / "NOTICE"
    if notice.exists():
        with st.expander(_("Data licences (geodata/NOTICE)")):
            st.code(notice.read_text(encoding="utf-8"), language=None)
