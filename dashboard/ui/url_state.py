"""The parameter table (``dashboard.ui.params``) applied to the page address: links that work in every language,
warnings for the values a link gets wrong, and page settings that stay on their page.

Streamlit writes a bound widget's *label* into the address and accepts only a label from it, and a label
changes with the language ("compare two periods" / its Khmer). So before any widget is drawn, each run puts
such values into the labels of this run's language, whichever language (or English key) the link was
written in, and the checks that explain a bad value read the values back as keys. A link copied in Khmer
therefore opens in English too, and an English link opens in Khmer.

Streamlit also drops a URL value that a bound widget cannot take, silently: :func:`check` runs just before
such a widget is first drawn in a session and says what was ignored, as the sidebar does for the filters; the
warning is kept (``link_notices``) and drawn there on every run until the viewer moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.measures.filters import choice_problems
from dashboard.ui import link_notices, params
from dashboard.ui.params import Param


def keys_in_url(key: str) -> list[str]:
    """The link's values for ``key``, each read back to its option key."""
    return [params.to_key(key, v) for v in st.query_params.get_all(key)]


def all_labels(key: str) -> bool:
    """True when every value the link gives ``key`` is an option's label in this run's language."""
    current = {params.label(key, option) for option in params.options(key)}
    values = st.query_params.get_all(key)
    return bool(values) and all(v in current for v in values)


def _canonical(key: str, values: list[str]) -> list[str]:
    """The link's values for ``key`` as this run's widgets write them (values nothing stands for are kept)."""
    if key in params.DATE_KEYS:
        return [params.iso_date(v) for v in values]
    if key in params.LIST_KEYS:  # the filters also take comma-separated lists (measures.filters.from_query_params)
        values = [part.strip() for v in values for part in v.split(",") if part.strip()] or values
    known = set(params.options(key))
    return [params.label(key, option) if option in known else v
            for v, option in ((v, params.to_key(key, v)) for v in values)]


def localize() -> None:
    """Rewrite the link's values into what this run's widgets read (call before any widget is drawn).

    Translated settings become this language's labels, any province spelling its name, a date YYYY-MM-DD, so
    every value that is applied also stays in the address, in that form.
    """
    present = [key for key in (*params.TRANSLATED, *params.DATE_KEYS) if key in st.query_params]
    if not present:
        return
    changed = {}
    for key in present:
        values = st.query_params.get_all(key)
        wanted = _canonical(key, values)
        if wanted != values:
            try:
                st.query_params[key] = wanted if len(wanted) > 1 else wanted[0]
                changed[key] = tuple(wanted)
            except StreamlitAPIException:  # already bound to its widget in this session: the widget keeps it
                pass
    # Widgets read the address as it was when the run started: run again, once, so they read the labels.
    if changed and st.session_state.get(params.SESSION_URL_LOCALIZED) != changed:
        st.session_state[params.SESSION_URL_LOCALIZED] = changed
        st.rerun()


def keep_on_switch() -> None:
    """The language switch's callback: put the settings' labels into the new language (the widgets keep keys)."""
    for key in params.TRANSLATED:
        if key in st.session_state and st.session_state[key] not in (None, []):
            st.session_state[key] = st.session_state[key]


def _first_draw(key: str) -> bool:
    """True before the widget ``key`` has taken its value (from the URL) in this session."""
    return key not in st.session_state


def check(param: Param, allowed: Sequence[str] | None = None) -> None:
    """Warn if the link gives ``param`` a value its validator refuses (or, given, one not in ``allowed``)."""
    if _first_draw(param.key) and param.key in st.query_params:
        values = keys_in_url(param.key)  # a value in any language's label is read as its key
        if allowed is None:
            problems = param.validator(values)
        else:  # a page that offers only some of the options (the shared key ``view``)
            problems = choice_problems(param.key, [v for v in values if v not in allowed],
                                       [params.label(param.key, o) for o in allowed])
        for problem in problems:
            link_notices.add(problem, param.key)
    link_notices.show(param.key)  # kept, and drawn here, until the viewer moves on


def check_date_range(param: Param, first: date, last: date) -> None:
    """Warn if the link gives ``param`` anything but two dates from ``first`` to ``last``, in order."""
    if _first_draw(param.key) and param.key in st.query_params:
        for problem in params.date_range_problems(param.key, st.query_params.get_all(param.key), first, last):
            link_notices.add(problem, param.key)
    link_notices.show(param.key)


def day_from_link(param: Param, days: Sequence[date]) -> None:
    """Put the link's day for ``param`` (one of ``days``) into its slider before the slider is first drawn;
    warn about any other value."""
    if _first_draw(param.key) and param.key in st.query_params:
        values = st.query_params.get_all(param.key)
        problems = params.day_problems(param.key, values, days)
        if problems:
            link_notices.add(problems[0], param.key)
        else:
            st.session_state[param.key] = date.fromisoformat(params.iso_date(values[0]))
    link_notices.show(param.key)


def keep_day(param: Param, day: date, default: date) -> None:
    """Write the slider's ``day`` into the address (nothing for the default), so a copied link keeps it."""
    if day == default:
        if param.key in st.query_params:
            del st.query_params[param.key]
    elif st.query_params.get(param.key) != day.isoformat():
        st.query_params[param.key] = day.isoformat()


def forget_on_page_change(page: str) -> None:
    """A page's own settings never follow the viewer to another page (Cases and Arrests share the key ``view``).

    Streamlit keeps a keyed widget's value across pages and writes it back into the address of the next page
    with a widget of that key, so Cases' ``view=compare two periods`` appeared on Arrests. Called before any
    widget is drawn, when the page is known.
    """
    previous = st.session_state.get(params.SESSION_SETTINGS_PAGE)
    st.session_state[params.SESSION_SETTINGS_PAGE] = page
    if previous is None or previous == page:
        return
    for key in params.PAGE_SETTINGS:
        st.session_state.pop(key, None)
        st.session_state.pop(params.default_memory(key), None)  # compare_view's memory of a period's default
