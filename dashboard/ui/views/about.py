"""About: methodology, definitions, sources, licences and privacy."""

from __future__ import annotations

import streamlit as st

from dashboard.paths import PROJECT_ROOT
from dashboard.ui.context import ensure_shell


def render() -> None:
    ensure_shell()
    st.title("About")
    st.markdown((PROJECT_ROOT / "docs" / "about.md").read_text(encoding="utf-8"))
    notice = PROJECT_ROOT / "geodata" / "NOTICE"
    if notice.exists():
        with st.expander("Data licences (geodata/NOTICE)"):
            st.code(notice.read_text(encoding="utf-8"), language=None)
