"""A link to an address no page has: the viewer lands on the home page, told so in their own language.

Streamlit answers an address that no registered page has with its own "Page not found" dialog, in English
whatever the interface language, naming a ``pages/`` folder the viewer knows nothing about. Here such a run
is aimed at the home page before ``st.navigation`` resolves it (so Streamlit has nothing to report), and
:func:`navigation` then sends the viewer on, to a clean address, keeping the link's filters and language like a
refused link (``gate.refuse``):

- the address of a page in other capitals (``/Cases``) opens that page, with all of the link's settings;
- the home page's own name (``/overview``; its address is the root) opens it, without a word;
- any other address opens the home page with a one-line notice that names the nearest page, if one is close.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.i18n import _
from dashboard.ui import link_notices, params
from dashboard.ui.adapters import streamlit_private

#: How alike an address must be to a page's to be offered as the one meant (difflib's ratio).
NEAR_ENOUGH = 0.6


def navigation(pages: Sequence[st.Page], home_name: str):
    """``st.navigation(pages)``, with an address no page has sent on; ``home_name`` is the home page's name
    (its address is the root, so ``/<home_name>`` would otherwise be unknown)."""
    asked = streamlit_private.requested_page_path()
    unknown = bool(asked) and asked not in {page.url_path for page in pages}
    if unknown:
        streamlit_private.aim_at_home()
    chosen = st.navigation(list(pages))
    if unknown:
        _send_on(asked, pages, home_name)
    return chosen


def _send_on(asked: str, pages: Sequence[st.Page], home_name: str) -> None:
    home = next(page for page in pages if page.url_path == "")
    named = {page.url_path: page for page in pages if page.url_path}  # a refused page too: it says so itself
    named[home_name] = home
    exact = next((page for name, page in named.items() if name.casefold() == asked.casefold()), None)
    if exact is not None:  # the link's every setting goes along: they are that page's
        _switch(exact, tuple(st.query_params))
    offered = [name for name, page in named.items() if page.visibility == "visible"]  # the home page too
    nearest = difflib.get_close_matches(asked.casefold(), offered, n=1, cutoff=NEAR_ENOUGH)
    if nearest and named[nearest[0]] is not home:  # nearest to the home page: the viewer is on it already
        text = _("There is no page at “/{asked}”, so you are on {home}. Did you mean {page} (/{address})?").format(
            asked=asked, home=home.title, page=named[nearest[0]].title, address=nearest[0])
    else:
        text = _("There is no page at “/{asked}”, so you are on {home}.").format(asked=asked, home=home.title)
    link_notices.add(text, page=home.url_path)
    _switch(home, params.KEPT_ON_REFUSAL)


def _switch(page: st.Page, keys: Sequence[str]) -> None:
    kept = {key: st.query_params.get_all(key) for key in keys if key in st.query_params}
    try:
        st.switch_page(page, query_params=kept)
    except StreamlitAPIException:  # a filter already bound in this session: its widget state carries it over
        st.switch_page(page, query_params={})
