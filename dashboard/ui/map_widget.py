"""Folium maps in the page: streamlit-folium's component, fed with maps rendered once and kept.

``st_folium`` renders a map to Leaflet script on every call; here a map from ``render.maps.build_map`` is
rendered once (on a private copy) and what it renders to is kept with the built map, in the one bounded cache
of built maps (``render.maps.kept``), so a map and its script are dropped together and never one without the
other. streamlit-folium's private parts are reached only through ``ui.adapters.folium_private``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import folium
import streamlit as st

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import _
from dashboard.render import leaflet_assets, maps
from dashboard.render.markup import escape_markdown
from dashboard.ui import params
from dashboard.ui.adapters import folium_private, streamlit_private
from dashboard.ui.downloads import audited

#: What a map click sends back: the clicked province, and a click counter, because the map stays mounted
#: across filter changes and a second click on the same province must still reach the server.
MAP_RETURNS = ["last_active_drawing", "last_object_clicked_count"]


def _on_map_click(state_key: str) -> None:
    code = maps.clicked_code(st.session_state.get(state_key))
    if not code:
        return
    current = st.session_state.get(params.PROVINCE.key, [])
    name = load_gazetteer()[code].name_en
    names = maps.toggle(list(current), name)
    st.session_state[params.PROVINCE.key] = names


@dataclass(frozen=True)
class RenderedMap:
    """What streamlit-folium sends to its component for one map: rendered once per built map, then reused.

    ``script`` draws the base map (the same for every map of a page); ``layer`` draws the data on it,
    sent as streamlit-folium's ``feature_group``: when only the layer changes, the browser keeps the map
    and swaps the layer instead of loading a new iframe.
    """

    script: str
    layer: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    defaults: dict


#: How many times a map was rendered to Leaflet script (tests count these to prove the cache works).
render_count = 0
_count_lock = threading.Lock()


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSS and JS files the map's elements ask for, in order, without repeats (as streamlit-folium does)."""
    css: list[str] = []
    js: list[str] = []
    pending = [fmap]
    while pending:
        element = pending.pop(0)
        css += [href for _name, href in getattr(element, "default_css", [])]
        js += [src for _name, src in getattr(element, "default_js", [])]
        pending[0:0] = list(getattr(element, "_children", {}).values())
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def render_map(fmap: folium.Map) -> RenderedMap:
    """The component arguments streamlit-folium's ``st_folium`` would compute for ``fmap``, kept with the map.

    Rendering a folium map to Leaflet script is the costly part of showing it;
    a map from ``maps.build_map`` is rendered once for every session and rerun,
    and the result lives exactly as long as the built map (``maps.kept``).
    Rendering works on a private copy: streamlit-folium renames the elements it
    renders, and a shared map rendered twice would reference layers that no
    longer exist under their old names.
    """
    return maps.kept(fmap, "component", lambda: _render(maps.private_copy(fmap)))


def _render(fmap: folium.Map) -> RenderedMap:
    """What ``render_map`` keeps, computed on ``fmap`` (a private copy: this changes it)."""
    global render_count
    fmap.get_root().render()
    html_text = folium_private.page_html(fmap)
    header = folium_private.header(fmap)  # with the layer's header entries (tooltip styles)
    layer = fmap.cpu_layer
    del fmap._children[layer.get_name()]
    try:
        script = folium_private.map_script(fmap)
    finally:
        fmap.add_child(layer)
    layer_script = folium_private.layer_script(layer, fmap)
    map_id = folium_private.map_id(fmap)
    south_west, north_east = fmap.get_bounds()
    css, js = _links(fmap)
    with _count_lock:
        render_count += 1
    bounds = {"_southWest": {"lat": south_west[0], "lng": south_west[1]},
              "_northEast": {"lat": north_east[0], "lng": north_east[1]}}
    return RenderedMap(script, layer_script, header, html_text, map_id, css, js,
                       {"last_active_drawing": None, "last_object_clicked_count": 0, "bounds": bounds,
                        "zoom": fmap.options.get("zoom")})


def _component_key(fmap: folium.Map, rendered: RenderedMap, key: str) -> str:
    """streamlit-folium's component key: a hash of the base map's script and the widget key (kept per map and key).

    The base map is the same for every map of a page, so the key, and with it the mounted map, survives
    a filter change; only the layer is replaced.
    """
    return maps.kept(fmap, ("component key", key),
                     lambda: folium_private.component_key(rendered.script, key))


def show_map(fmap: folium.Map, key: str, height: int, returned_objects: list[str], on_change=None):
    """``st_folium(base map, feature_group_to_add=the map's layer, key=key, height=height,
    returned_objects=..., on_change=...)``, with the rendering cached (see ``render_map``): the same
    arguments reach the same component."""
    leaflet_assets.ensure_installed()
    component = folium_private.component()
    streamlit_private.ensure_component_registered(component)  # the warm-up imports it outside any run
    rendered = render_map(fmap)
    hash_key = _component_key(fmap, rendered, key)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return component(
        script=rendered.script, header=rendered.header, html=rendered.html, id=rendered.map_id, key=hash_key,
        height=height, width=None, returned_objects=returned_objects,
        default={k: v for k, v in rendered.defaults.items() if k in returned_objects}, zoom=None, center=None,
        feature_group=rendered.layer, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(rendered.css_links), js_links=list(rendered.js_links), on_change=changed,
        wrap_longitude=False)


def province_map(fmap, key: str, name: str, height: int = 520) -> None:
    """Show a folium map; a click on a province toggles it in the province filter.

    Only clicks rerun the script: pan and zoom are not returned.
    """
    show_map(fmap, key, height, MAP_RETURNS, on_change=lambda: _on_map_click(key))
    text_summary(fmap)
    st.download_button(_("Download map (HTML)"), audited(lambda: maps.standalone_html(fmap).encode("utf-8"),
                                                      f"{name}.html", None),
                       file_name=f"{name}.html", mime="text/html", key=f"dl_map_{key}", on_click="ignore")


def static_map(fmap, key: str, height: int = 520) -> None:
    """A map with no click handling (public mode has no filters); still offline."""
    show_map(fmap, key, height, [])
    text_summary(fmap)


def text_summary(fmap) -> None:
    """The map's text alternative under it: highest and lowest provinces, how many hidden or not covered."""
    summary = getattr(fmap, "cpu_summary", "")
    if summary:
        st.caption(escape_markdown(summary))
