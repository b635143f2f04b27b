"""What a link got wrong, or where it was sent instead: notices kept until the viewer moves on.

A link's first run is often followed at once by reruns nobody asked for (a map reporting its first value,
the rewrite of the address into canonical values), so a warning drawn in one run only vanished before it
could be read. The notices are kept in the session and drawn on every run while the viewer stays on the
page the link opened, in its language, with the filters it set; opening another page, switching the
language or changing a filter ends them. Every text is escaped here: notices quote values from a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from dashboard.i18n import get_language as current_language
from dashboard.render.markup import escape_markdown
from dashboard.ui.params import SESSION_LINK_NOTICES as _KEY
from dashboard.ui.params import SESSION_LINK_PAGE as _PAGE_KEY

#: The slot drawn above the page; a page setting's notices use the setting's URL key as their slot.
TOP = "top"
WARNING, REFUSED = "warning", "refused"


@dataclass
class _Landing:
    page: str
    language: str
    filters: object | None = None  # the filters when the notices were first drawn
    notices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # slot -> [(kind, text)]


def start_run(page: str) -> None:
    """app.py, once the page is known: forget the notices of another page or language."""
    st.session_state[_PAGE_KEY] = page
    landing = st.session_state.get(_KEY)
    if landing is not None and (landing.page != page or landing.language != current_language()):
        del st.session_state[_KEY]


def add(text: str, slot: str = TOP, kind: str = WARNING, page: str | None = None) -> None:
    """Keep ``text`` for this run's page (or for ``page``, where the viewer is being sent)."""
    page = st.session_state.get(_PAGE_KEY, "") if page is None else page
    landing = st.session_state.get(_KEY)
    if landing is None or landing.page != page:
        landing = st.session_state[_KEY] = _Landing(page, current_language())
    if (kind, text) not in landing.notices.setdefault(slot, []):
        landing.notices[slot].append((kind, text))


def keep_while(filters: object) -> None:
    """The sidebar, with this run's filters: the notices end when the viewer changes a filter."""
    landing = st.session_state.get(_KEY)
    if landing is None:
        return
    if landing.filters is None:
        landing.filters = filters
    elif landing.filters != filters:
        del st.session_state[_KEY]


def texts(slot: str = TOP) -> list[str]:
    """The notices kept for ``slot`` on this page (unescaped)."""
    landing = st.session_state.get(_KEY)
    return [text for _kind, text in landing.notices.get(slot, [])] if landing else []


def show(slot: str = TOP) -> None:
    """Draw the notices kept for ``slot``: a refused page as a one-line notice, bad values as warnings."""
    landing = st.session_state.get(_KEY)
    for kind, text in (landing.notices.get(slot, []) if landing else []):
        if kind == REFUSED:
            st.info(escape_markdown(text), icon=":material/block:")
        else:
            st.warning(escape_markdown(text), icon=":material/warning:")
