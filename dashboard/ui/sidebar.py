"""The shared sidebar filters, bound to the URL so a copied link reopens the view."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.measures.filters import Filters, from_query_params
from dashboard.measures.metrics import period_end
from dashboard.geo.gazetteer import display_name, load_gazetteer
from dashboard.i18n import _
from dashboard.data.schema import OFFENCES, offence_label
from dashboard.data.dataset import Dataset
from dashboard.ui import link_notices, params, url_state

#: The filters' URL and widget keys (declared in dashboard.ui.params).
KEY_FROM, KEY_TO, KEY_PROVINCE, KEY_OFFENCE = params.FILTER_KEYS
FILTER_KEYS = params.FILTER_KEYS


def _names_to_codes(names: list[str]) -> tuple[str, ...]:
    by_name = {p.name_en: c for c, p in load_gazetteer().items()}
    return tuple(by_name[n] for n in names if n in by_name)


def _check_url_once() -> None:
    """Explain URL parameters the widgets will drop; accept any province spelling."""
    if st.session_state.get(params.SESSION_URL_CHECKED):
        return
    st.session_state[params.SESSION_URL_CHECKED] = True
    raw = {k: url_state.keys_in_url(k) for k in FILTER_KEYS if k in st.query_params}  # labels back to keys
    if not raw:
        return
    parsed = from_query_params(raw)
    for problem in parsed.problems:
        link_notices.add(problem)
    gaz = load_gazetteer()
    # values the widget reads itself (its labels, which url_state.localize wrote) are left to it, so the address
    # keeps them; other spellings are put into the widget's state
    if KEY_PROVINCE in raw and parsed.filters.provinces and not url_state.all_labels(KEY_PROVINCE):
        st.session_state[KEY_PROVINCE] = [gaz[c].name_en for c in parsed.filters.provinces]
    if KEY_OFFENCE in raw and parsed.filters.offences and not url_state.all_labels(KEY_OFFENCE):
        st.session_state[KEY_OFFENCE] = list(parsed.filters.offences)
    for key, value in ((KEY_FROM, parsed.filters.start), (KEY_TO, parsed.filters.end)):
        if key in raw and value:
            st.session_state[key] = value


def _reset(first: date, last: date) -> None:
    """Button callback: back to the whole period, all provinces and offences (the URL follows)."""
    st.session_state[KEY_FROM] = first
    st.session_state[KEY_TO] = last
    st.session_state[KEY_PROVINCE] = []
    st.session_state[KEY_OFFENCE] = []


def render(dataset: Dataset) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    _check_url_once()
    gaz = load_gazetteer()
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
        # the options (and the URL) stay English names, so a link works in either language
        by_name = {p.name_en: p.code for p in gaz.values()}
        names = st.multiselect(_("Provinces"), list(by_name), key=KEY_PROVINCE, bind="query-params",
                               format_func=lambda name: display_name(by_name[name]),
                               placeholder=_("All provinces"), help=_("Click a province on any map to add or remove it."))
        offences = st.multiselect(_("Offences"), list(OFFENCES), key=KEY_OFFENCE, bind="query-params",
                                  format_func=offence_label, placeholder=_("All offences"))
        st.button(_("Reset filters"), width="stretch", key=params.RESET_FILTERS, on_click=_reset, args=(first, last))
        st.caption(_("The page address holds these filters: copy it to share this view."))
    if start and end and start > end:
        st.warning(_("'From' is after 'To'; the two dates were swapped."), icon=":material/warning:")
        start, end = end, start
    filters = Filters(start if start != first else None, end if end != last else None,
                      _names_to_codes(names), tuple(o for o in OFFENCES if o in offences))
    link_notices.keep_while(filters)  # what the link got wrong stays in view until a filter changes
    return filters
