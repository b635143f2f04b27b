"""The shared sidebar filters, bound to the URL so a copied link reopens the view.

The period's two date boxes, then one multiselect per filter dimension the viewer's role may use
(``measures.filters.DIMENSIONS``): the widget's key is the dimension's URL key.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.access.scope import Scope
from dashboard.access.scope import names as scope_names
from dashboard.data.dataset import Dataset
from dashboard.i18n import _
from dashboard.measures.filters import DIMENSIONS, Dimension, Filters, from_query_params, make_filters
from dashboard.measures.metrics import period_end
from dashboard.ui import link_notices, params, url_state

#: The filters' URL and widget keys (declared in dashboard.ui.params, from measures.filters.DIMENSIONS).
KEY_FROM, KEY_TO = params.DATE_KEYS
KEY_PROVINCE, KEY_OFFENCE = params.PROVINCE.key, params.OFFENCE.key
FILTER_KEYS = params.FILTER_KEYS


def _check_url_once(role: str | None) -> None:
    """Explain URL parameters the widgets will drop; accept any spelling a dimension reads (any province's)."""
    if st.session_state.get(params.SESSION_URL_CHECKED):
        return
    st.session_state[params.SESSION_URL_CHECKED] = True
    raw = {k: url_state.keys_in_url(k) for k in FILTER_KEYS if k in st.query_params}  # labels back to keys
    if not raw:
        return
    parsed = from_query_params(raw, role)
    for problem in parsed.problems:
        link_notices.add(problem)
    # values the widget reads itself (its labels, which url_state.localize wrote) are left to it, so the address
    # keeps them; other spellings are put into the widget's state
    for dim in DIMENSIONS:
        chosen = getattr(parsed.filters, dim.field)
        if dim.key in raw and chosen and not url_state.all_labels(dim.key):
            st.session_state[dim.key] = [dim.link_value(v) for v in chosen]
    for key, value in ((KEY_FROM, parsed.filters.start), (KEY_TO, parsed.filters.end)):
        if key in raw and value:
            st.session_state[key] = value


def _reset(first: date, last: date) -> None:
    """Button callback: back to the whole period and every value of every dimension (the URL follows)."""
    st.session_state[KEY_FROM] = first
    st.session_state[KEY_TO] = last
    for dim in DIMENSIONS:
        st.session_state[dim.key] = []


def _selection(dim: Dimension, scope: Scope = None) -> list[str]:
    """The dimension's multiselect (its options are what links carry) and the values it selects.

    With a province ``scope``, the province filter still offers every province (its labels are what the address
    carries, so they stay the names), and says below which ones show only public figures."""
    by_link = {dim.link_value(v): v for v in dim.options()}
    scoped = scope is not None and dim.key == KEY_PROVINCE
    placeholder = (_("Your provinces: {names}").format(names=scope_names(scope)) if scoped
                   else _(dim.placeholder))
    help_text = _(dim.help) if dim.help else None
    if scoped:
        help_text = (help_text + " " if help_text else "") + _(
            "You see case data for your provinces only; other provinces show their public figures.")
    chosen = st.multiselect(_(dim.title), list(by_link), key=dim.key, bind="query-params",
                            format_func=lambda value: dim.label(by_link[value]), placeholder=placeholder,
                            help=help_text)
    if scoped:
        st.caption(_("Case data: {inside}. Every other province: public figures only.").format(
            inside=scope_names(scope)))
    return [by_link[v] for v in chosen if v in by_link]


def render(dataset: Dataset, role: str | None = None, scope: Scope = None) -> Filters:
    """Draw the filters ``role`` may use in the sidebar and return what they select (``scope``: the viewer's
    province scope, which only changes how the province filter names its options)."""
    _check_url_once(role)
    first = dataset.first_day
    last = period_end(Filters(), dataset.as_of)
    for key, default in ((KEY_FROM, first), (KEY_TO, last)):
        value = st.session_state.get(key)
        if isinstance(value, date) and not first <= value <= max(last, first):
            link_notices.add(_("The date {day} is outside the data ({first} to {last}); it was reset.").format(
                day=value.isoformat(), first=first.isoformat(), last=last.isoformat()))
            st.session_state[key] = default
    with st.sidebar:
        st.markdown("### " + _("Filters"))
        start = st.date_input(_("From"), value=first, min_value=first, max_value=last, key=KEY_FROM,
                              bind="query-params", format="YYYY-MM-DD")
        end = st.date_input(_("To"), value=last, min_value=first, max_value=last, key=KEY_TO,
                            bind="query-params", format="YYYY-MM-DD")
        # the province options (and the URL) stay English names, so a link works in either language
        selections = {dim.key: _selection(dim, scope) for dim in DIMENSIONS if dim.allowed(role)}
        st.button(_("Reset filters"), width="stretch", key=params.RESET_FILTERS, on_click=_reset, args=(first, last))
        st.caption(_("The page address holds these filters: copy it to share this view."))
    if start and end and start > end:
        st.warning(_("'From' is after 'To'; the two dates were swapped."), icon=":material/warning:")
        start, end = end, start
    filters = make_filters(start if start != first else None, end if end != last else None, selections)
    link_notices.keep_while(filters)  # what the link got wrong stays in view until a filter changes
    return filters
