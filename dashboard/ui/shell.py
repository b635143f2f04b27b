"""The page shell: Streamlit pages built from the page table, and the page modules' one call, :func:`show`.

Each row of :data:`dashboard.page_table.PAGES` becomes an ``st.Page`` of its file ``pages/<name>.py`` (the
thin page modules the design card names); that file calls :func:`show`, which draws the row's view inside
the run app.py is routing. The rows name their view as ``"module:function"``; it is imported here when the page
is drawn, so the page table stays plain data that the access layer can read too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

import streamlit as st

from dashboard.i18n import _
from dashboard.page_table import BY_NAME, INTERNAL, PUBLIC, Page
from dashboard.ui.adapters import streamlit_private
from dashboard.ui.context import current_run

__all__ = ["INTERNAL", "PUBLIC", "render_of", "show", "st_page"]


@cache
def render_of(page: Page) -> Callable[[], None]:
    """The view function a row names (``"module:function"``)."""
    module, _sep, function = page.render.partition(":")
    return getattr(importlib.import_module(module), function)


def st_page(page: Page, default: bool = False) -> st.Page:
    """The row as a Streamlit page (its file, translated title and icon; its address is its name)."""
    return st.Page(page.file, title=_(page.title), icon=page.icon, default=default)


def show(name: str) -> None:
    """Draw page ``name``: what ``pages/<name>.py`` does.

    Outside a run app.py is routing, Streamlit started the file by itself: its pages-directory mode was still
    on when this process's first session began (``streamlit run app.py``, and a deep link as the first
    request). Then the mode is turned off and the same address run again, now through app.py, its navigation
    and its gate; nothing of the page is drawn first.
    """
    if current_run() is None:
        streamlit_private.navigation_only()
        st.rerun()
    render_of(BY_NAME[name])()
