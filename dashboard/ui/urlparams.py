"""URL parameters bound to widgets: warn about values a widget would silently drop."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.measures.filters import choice_problems
from dashboard.render.markup import escape_markdown


def check_choices(choices: dict[str, Sequence[str]]) -> None:
    """Before the widgets are drawn: warn about unknown values of these keys and drop them from the URL."""
    for key, options in choices.items():
        if key not in st.query_params:
            continue
        problems = choice_problems(key, st.query_params.get_all(key), [str(o) for o in options])
        if problems:
            for problem in problems:
                st.warning(escape_markdown(problem), icon=":material/warning:")
            del st.query_params[key]  # the widget then starts from its default
