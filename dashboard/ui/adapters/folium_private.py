"""Every use of streamlit-folium's private API, in one place, checked against the tested version.

``st_folium`` renders a folium map to Leaflet script on every call, which is the costly part of showing a map;
``dashboard.ui.map_widget`` renders each built map once and calls the component itself with the same
arguments. These are the pieces of ``st_folium`` it needs.
"""

from __future__ import annotations

import folium

from dashboard.compat import require

TESTED = "0.27.4"
require("streamlit-folium", TESTED, __name__)

import streamlit_folium  # noqa: E402 (after the version check, on purpose)


def page_html(fmap: folium.Map) -> str:
    """The map's HTML part (``st_folium``'s ``html`` argument); the map must have been rendered."""
    return streamlit_folium._get_html(fmap)


def header(fmap: folium.Map) -> str:
    """The map's header entries (tooltip styles...), ``st_folium``'s ``header`` argument."""
    return streamlit_folium._get_header(fmap)


def map_script(fmap: folium.Map) -> str:
    """The script that draws the map itself (``st_folium``'s ``script`` argument)."""
    return streamlit_folium._get_map_string(fmap)


def layer_script(layer, fmap: folium.Map) -> str:
    """The script that draws ``layer`` on ``fmap``, sent as ``feature_group`` (swapped without a new iframe)."""
    return streamlit_folium._get_feature_group_string(layer, fmap, 0)


def map_id(fmap: folium.Map) -> str:
    return streamlit_folium.get_full_id(fmap)


def component_key(script: str, key: str) -> str:
    """The component key ``st_folium`` derives from the map's script and the widget key."""
    return streamlit_folium.generate_js_hash(script, key, False)


def component():
    """streamlit-folium's declared component (called with ``st_folium``'s arguments)."""
    return streamlit_folium._component_func
