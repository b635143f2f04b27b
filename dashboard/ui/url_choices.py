"""Page settings bound to the URL (map measure, classes, view, compare periods): warn about values a link gets wrong.

Streamlit drops a URL value that a bound widget cannot take, silently. These
checks run just before such a widget is first drawn in a session and say
what was ignored, as the sidebar does for the filters. Every echoed value is
escaped: the warning renders Markdown, and the value comes from a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from dashboard.i18n import _
from dashboard.measures.filters import MAX_URL_VALUE_LENGTH, choice_problems
from dashboard.render.markup import escape_markdown
from dashboard.ui import url_labels


def _first_draw(key: str) -> bool:
    """True before the widget ``key`` has taken its value (from the URL) in this session."""
    return key not in st.session_state


def _warn(message: str) -> None:
    st.warning(escape_markdown(message), icon=":material/warning:")


def check_choice(key: str, options: Sequence[str], expected: str | None = None) -> None:
    """Warn if the link gives ``key`` a value that is not one of ``options`` (``expected`` describes them)."""
    if not _first_draw(key) or key not in st.query_params:
        return
    values = url_labels.keys_in_url(key)  # a value in any language's label is read as its key
    if expected is None:
        bad = [v for v in values if v not in options]  # named to the reader in this language's labels
        for problem in choice_problems(key, bad, [url_labels.label(key, str(o)) for o in options]):
            _warn(problem)
        return
    for value in [v for v in values if v not in options][:3]:
        _warn(_("URL parameter '{key}={value}' is not {expected}. It was ignored.").format(
            key=key, value=value[:MAX_URL_VALUE_LENGTH], expected=expected))


def check_date_range(key: str, first: date, last: date) -> None:
    """Warn if the link gives ``key`` anything but two dates from ``first`` to ``last``, in order."""
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
    _warn(_("URL parameter '{key}={value}' {problem}. It was ignored.").format(key=key, value=shown, problem=problem))
