"""The language switch (English | ខ្មែរ): bound to the URL (``lang=km``), so a shared link opens in the
sender's language, and kept for the session while the user moves between pages."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _
from dashboard.ui import link_notices, url_state
from dashboard.ui.params import LANG, SESSION_LANG_PROBLEM

KEY = LANG.key
_PROBLEM_KEY = SESSION_LANG_PROBLEM


def apply() -> str:
    """Set this run's language before anything is drawn: the switch's state, else ``lang=`` in the URL.

    The switch is not bound to the URL by Streamlit (a bound widget would write its label, ``lang=ខ្មែរ``, and
    drop ``lang=km`` as unknown): the address is kept in step here instead, with the code, on every run, so it
    survives moving between pages and a copied link opens in the same language.
    """
    chosen = st.session_state.get(KEY)
    if chosen is None and KEY in st.query_params:
        raw = st.query_params.get(KEY)
        chosen = i18n.normalise_language(raw)
        if chosen is None:
            st.session_state[_PROBLEM_KEY] = raw
    lang = i18n.normalise_language(chosen) or i18n.DEFAULT_LANGUAGE
    st.session_state[KEY] = lang  # the switch starts from the link's language
    i18n.set_language(lang)
    if lang == i18n.DEFAULT_LANGUAGE:
        if KEY in st.query_params:
            del st.query_params[KEY]  # English is the default: a clean address, as for the other settings
    elif st.query_params.get(KEY) != lang:
        st.query_params[KEY] = lang
    return lang


def restore() -> str:
    """Set the language the session's last full run chose (a fragment rerun starts without it); see ui.fragments."""
    lang = i18n.normalise_language(st.session_state.get(KEY)) or i18n.DEFAULT_LANGUAGE
    i18n.set_language(lang)
    return lang


def _switched() -> None:
    url_state.keep_on_switch()


def switch() -> None:
    """Draw the switch in the sidebar (app.py calls this first, so it sits at the top)."""
    with st.sidebar:
        st.segmented_control(_("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key=KEY,
                             required=True, label_visibility="collapsed", on_change=_switched)


def report_bad_link() -> None:
    """Keep a warning about a link's unknown ``lang=`` with the link's other notices (once the page is known)."""
    bad = st.session_state.pop(_PROBLEM_KEY, None)
    if bad is not None:
        link_notices.add(_("URL parameter 'lang={value}' is not a language here; use en or km. English is "
                           "shown.").format(value=str(bad)[:40]))
