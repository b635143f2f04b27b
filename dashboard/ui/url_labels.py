"""Links that work in every language: the address values of bound widgets whose options are translated.

Streamlit writes a bound widget's *label* into the address and accepts only a label from it, and a label
changes with the language ("compare two periods" / its Khmer). So before any widget is drawn, each run puts
such values into the labels of this run's language, whichever language (or English key) the link was
written in, and the checks that explain a bad value read the values back as keys. A link copied in Khmer
therefore opens in English too, and an English link opens in Khmer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import i18n
from dashboard.measures.filters import DIMENSION_BY_KEY, DIMENSIONS, Dimension


@lru_cache(maxsize=1)
def _registry() -> dict[str, tuple[Sequence[str], Callable[[str], str]]]:
    """URL key -> (its option keys, the label of a key in the current language)."""
    from dashboard.measures.classify import SCHEMES
    from dashboard.ui.views import arrests, cases

    return {
        "view": ((*cases.VIEWS, *[v for v in arrests.VIEWS if v not in cases.VIEWS]), i18n._),
        "measure": (tuple(cases.MEASURES), i18n._),
        "classes": (tuple(SCHEMES), i18n._),
        "tta_by": (tuple(arrests.GROUPINGS), i18n._),
        **{dim.key: _dimension_entry(dim) for dim in DIMENSIONS},  # the filters: what their widgets' options are
    }


def _dimension_entry(dim: Dimension) -> tuple[Sequence[str], Callable[[str], str]]:
    """A filter dimension's widget options (what links carry: a province's English name) and their labels."""
    by_link = {dim.link_value(v): v for v in dim.options()}
    return tuple(by_link), lambda option: dim.label(by_link[option])


@lru_cache(maxsize=16)
def _lookup(key: str) -> dict[str, str]:
    """Every accepted spelling of ``key``'s options (the key itself, its label in each language) -> the key."""
    options, label = _registry()[key]
    found: dict[str, str] = {}
    for lang in i18n.LANGUAGES:
        with i18n.use_language(lang):
            found.update({label(option): option for option in options})
    found.update({option: option for option in options})
    return found


@lru_cache(maxsize=16)
def _folded(key: str) -> dict[str, str]:
    """``_lookup`` with case and surrounding spaces ignored."""
    return {spelling.casefold().strip(): option for spelling, option in _lookup(key).items()}


@lru_cache(maxsize=1024)
def _resolved(key: str, value: str) -> str | None:
    """The option a spelling that is no option's label stands for: case ignored, and any spelling a filter
    dimension reads (any province spelling, ``female`` for a girl)."""
    found = _folded(key).get(value.casefold().strip())
    if found is None and key in DIMENSION_BY_KEY:
        dim = DIMENSION_BY_KEY[key]
        values, _bad = dim.read([value])
        found = dim.link_value(values[0]) if values else None
    return found


def to_key(key: str, value: str) -> str:
    """The option key a link's ``value`` stands for (unknown values are returned as they are)."""
    if key not in KEYS:
        return value
    return _lookup(key).get(value) or _resolved(key, value[:200]) or value


def label(key: str, option: str) -> str:
    """How ``option`` of ``key`` is shown (and written in the address) in this run's language."""
    return _registry()[key][1](option) if key in KEYS else str(option)


def keys_in_url(key: str) -> list[str]:
    """The link's values for ``key``, each read back to its option key."""
    return [to_key(key, v) for v in st.query_params.get_all(key)]


def all_labels(key: str) -> bool:
    """True when every value the link gives ``key`` is an option's label in this run's language."""
    label = _registry()[key][1]
    current = {label(option) for option in _registry()[key][0]}
    values = st.query_params.get_all(key)
    return bool(values) and all(v in current for v in values)


def _iso_date(value: str) -> str:
    """A date a link may write in another ISO form (``20150101``) as the date box writes it, YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return value


def _canonical(key: str, values: list[str]) -> list[str]:
    """The link's values for ``key`` as this run's widgets write them (values nothing stands for are kept)."""
    if key in DATE_KEYS:
        return [_iso_date(v) for v in values]
    if key in LIST_KEYS:  # the filters also take comma-separated lists (measures.filters.from_query_params)
        values = [part.strip() for v in values for part in v.split(",") if part.strip()] or values
    options, label = _registry()[key]
    return [label(option) if option in options else v for v, option in ((v, to_key(key, v)) for v in values)]


def localize() -> None:
    """Rewrite the link's values into what this run's widgets read (call before any widget is drawn).

    Translated settings become this language's labels, any province spelling its name, a date YYYY-MM-DD, so
    every value that is applied also stays in the address, in that form.
    """
    present = [key for key in (*KEYS, *DATE_KEYS) if key in st.query_params]
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
    if changed and st.session_state.get(_DONE_KEY) != changed:
        st.session_state[_DONE_KEY] = changed
        st.rerun()


def keep_on_switch() -> None:
    """The language switch's callback: put the settings' labels into the new language (the widgets keep keys)."""
    for key in KEYS:
        if key in st.session_state and st.session_state[key] not in (None, []):
            st.session_state[key] = st.session_state[key]


_DONE_KEY = "_cpu_url_localized"
KEYS = ("view", "measure", "classes", "tta_by", *DIMENSION_BY_KEY)
#: The multiselects: one value per province, offence or other filter dimension's value.
LIST_KEYS = tuple(DIMENSION_BY_KEY)
#: The date boxes bound to the address: the sidebar's range.
DATE_KEYS = ("from", "to")
