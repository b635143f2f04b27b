"""Page settings bound to the URL (map measure, classes, view, compare periods): warn about values a link gets wrong.

Streamlit drops a URL value that a bound widget cannot take, silently. These
checks run just before such a widget is first drawn in a session and say
what was ignored, as the sidebar does for the filters; the warning is kept
(``link_notices``) and drawn there on every run until the viewer moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from dashboard.i18n import _
from dashboard.measures.filters import MAX_URL_VALUE_LENGTH, choice_problems
from dashboard.ui import link_notices, url_labels


def _first_draw(key: str) -> bool:
    """True before the widget ``key`` has taken its value (from the URL) in this session."""
    return key not in st.session_state


def check_choice(key: str, options: Sequence[str], expected: str | None = None) -> None:
    """Warn if the link gives ``key`` a value that is not one of ``options`` (``expected`` describes them)."""
    _check_choice(key, options, expected)
    link_notices.show(key)  # kept, and drawn here, until the viewer moves on


def _check_choice(key: str, options: Sequence[str], expected: str | None) -> None:
    if not _first_draw(key) or key not in st.query_params:
        return
    values = url_labels.keys_in_url(key)  # a value in any language's label is read as its key
    if expected is None:
        bad = [v for v in values if v not in options]  # named to the reader in this language's labels
        for problem in choice_problems(key, bad, [url_labels.label(key, str(o)) for o in options]):
            link_notices.add(problem, key)
        return
    for value in [v for v in values if v not in options][:3]:
        link_notices.add(_("URL parameter '{key}={value}' is not {expected}. It was ignored.").format(
            key=key, value=value[:MAX_URL_VALUE_LENGTH], expected=expected), key)


def check_date_range(key: str, first: date, last: date) -> None:
    """Warn if the link gives ``key`` anything but two dates from ``first`` to ``last``, in order."""
    _check_date_range(key, first, last)
    link_notices.show(key)


def _check_date_range(key: str, first: date, last: date) -> None:
    if not _first_draw(key) or key not in st.query_params:
        return
    values = st.query_params.get_all(key)
    try:
        days = [date.fromisoformat(v) for v in values]
    except ValueError:
        days = []
    shown = ",".join(v[:40] for v in values[:3])
    if len(days) != 2:
        problem = _("needs two dates, YYYY-MM-DD")
    elif not (first <= days[0] <= days[1] <= last):
        problem = _("must run forwards within {first} to {last}").format(first=first.isoformat(), last=last.isoformat())
    else:
        return
    link_notices.add(_("URL parameter '{key}={value}' {problem}. It was ignored.").format(
        key=key, value=shown, problem=problem), key)


#: The pages' own settings bound to the address; the filters and the language are shared by every page.
PAGE_SETTINGS = ("view", "measure", "classes", "census", "tta_by", "km_province", "period_a", "period_b")
_SETTINGS_PAGE = "_cpu_settings_page"


def forget_on_page_change(page: str) -> None:
    """A page's own settings never follow the viewer to another page (Cases and Arrests share the key ``view``).

    Streamlit keeps a keyed widget's value across pages and writes it back into the address of the next page
    with a widget of that key, so Cases' ``view=compare two periods`` appeared on Arrests. Called before any
    widget is drawn, when the page is known.
    """
    previous = st.session_state.get(_SETTINGS_PAGE)
    st.session_state[_SETTINGS_PAGE] = page
    if previous is None or previous == page:
        return
    for key in PAGE_SETTINGS:
        st.session_state.pop(key, None)
        st.session_state.pop(f"_cpu_default_{key}", None)  # compare_view's memory of a period's default
