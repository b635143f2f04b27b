"""Folium maps of provinces: coverage and case choropleths, readable offline.

Leaflet loads from the app (``/app/static/vendor/leaflet``), never a CDN, and
no tile layer is added unless ``DASHBOARD_TILE_URL`` names one: polygons,
legend and labels carry all the information.
"""

from __future__ import annotations

import copy
import hashlib
import html
import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import astuple, dataclass
from typing import TypeVar

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard import settings
from dashboard.caching import BoundedCache
from dashboard.geo.boundary_layer import Boundaries
from dashboard.i18n import N_, _, fmt_date, fmt_decimal, fmt_int, fmt_percent, get_language
from dashboard.measures.classify import Breaks
from dashboard.render import fonts, leaflet_assets, map_summary, served
from dashboard.render.colours import COVERAGE_COLOURS, HATCH, HATCH_COLOUR
from dashboard.render.map_summary import MapUnit, is_hatched

CAMBODIA_BOUNDS = [[10.3, 102.3], [14.7, 107.7]]  # the first view; each layer then fits its own provinces
BORDER = "#51606b"
NOT_SELECTED = "#eef0f2"
#: The states of a unit the province filter leaves out, and of one outside a scoped viewer's scope (issue 25).
UNSELECTED, OUTSIDE_SCOPE = N_("not selected"), N_("outside your provinces")


@dataclass
class UnitStyle:
    """What one map unit shows: fill colour and tooltip lines."""

    fill: str
    status: str
    detail: str
    dashed: bool = False
    value: float | None = None  # the measure, where the unit is ranked by one (the map's text summary uses it)


def unit_geojson(boundaries: Boundaries) -> dict:
    """A fresh copy of the boundary layer's compact GeoJSON, safe to add properties to."""
    return copy.deepcopy(boundaries.map_geojson)


class _InMap(MacroElement):
    """An element whose script needs the folium map it sits in, wherever its parent is (the map's layer)."""

    @property
    def map_name(self) -> str:
        """The map's JavaScript name."""
        element = self._parent
        while not isinstance(element, folium.Map):
            element = element._parent
        return element.get_name()


class _Legend(_InMap):
    """A Leaflet control holding the legend, so it sits inside the map (and its HTML download).

    It belongs to the map's layer (see ``LAYER_ID``): when the layer is swapped for another, the legend
    goes with it.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "cpu-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this.map_name }});
            var box = legend.getContainer();
            box.setAttribute("role", "group");
            box.setAttribute("aria-label", {{ this.label|tojson }});
            {{ this._parent.get_name() }}.on("remove", function() { legend.remove(); });
            {{ this.map_name }}.getContainer().style.background = "#eef3f6";
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str, label: str = "") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.label = label


#: The script that keeps the country clear of the map's controls (see ``_FitCountry``); defined once per map
#: frame, by the base map's script (streamlit-folium does not run scripts in the header), so a swapped layer
#: calls the same function.
FIT_SCRIPT = """
window.cpuFitCountry = function (map, bounds) {
  if (!bounds || !bounds.isValid() || map._cpuFitting) { return; }
  map._cpuBounds = bounds;
  if (!map._cpuResizeHooked) {
    map._cpuResizeHooked = true;
    map.on("resize", function () { window.cpuFitCountry(map, map._cpuBounds); });
    // the component may set its first view again after this fit: until the viewer moves the map, keep the fit
    var touched = function () { map._cpuTouched = true; };
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, touched, {passive: true});
    });
    map.on("moveend", function () {
      var fitted = map._cpuFitted;
      if (map._cpuTouched || !fitted) { return; }
      var c = map.getCenter();
      if (map.getZoom() !== fitted.zoom || Math.abs(c.lat - fitted.lat) > 1e-6 || Math.abs(c.lng - fitted.lng) > 1e-6) {
        map._cpuFitKey = null;
        window.cpuFitCountry(map, map._cpuBounds);
      }
    });
  }
  var size = map.getSize();
  if (!size.x || !size.y) { return; }  // a frame not laid out yet: the resize handler fits it later
  function box(selector) {
    var el = map.getContainer().querySelector(selector);
    return el && el.offsetWidth ? {w: el.offsetWidth, h: el.offsetHeight} : {w: 0, h: 0};
  }
  var legend = box(".cpu-legend"), credit = box(".leaflet-control-attribution"),
      scale = box(".leaflet-control-scale"), gap = 8;
  var top = credit.h ? credit.h + gap : 0, bottom = scale.h ? scale.h + gap : 0;
  // the legend sits in the bottom-left corner: keep the country to its right, or above it, whichever is larger
  var side = {tl: L.point(legend.w ? legend.w + 2 * gap : 0, top), br: L.point(0, bottom)};
  var below = {tl: L.point(0, top), br: L.point(0, Math.max(bottom, legend.h ? legend.h + 2 * gap : 0))};
  var plain = {tl: L.point(0, top), br: L.point(0, bottom)};
  // Leaflet's zoom for padding wider or taller than the map is Infinity: a room under 40 px cannot hold the country
  var zoom = function (p) {
    var room = size.subtract(p.tl.add(p.br));
    return room.x < 40 || room.y < 40 ? -Infinity : map.getBoundsZoom(bounds, false, p.tl.add(p.br));
  };
  var pick = !legend.w ? plain : zoom(side) >= zoom(below) ? side : below;
  if (zoom(pick) === -Infinity) { pick = plain; }  // a legend as large as the map: the country under it, whole
  var key = [size.x, size.y, pick.tl.x, pick.tl.y, pick.br.x, pick.br.y].join(",");
  if (map._cpuFitKey === key) { return; }  // the same room as before: keep the viewer's pan and zoom
  map._cpuFitKey = key;
  // fitBounds fires "moveend" before it returns; the handler above must not fit again from inside this fit
  // (it recursed until the stack ran out: "Maximum call stack size exceeded" on an empty database's maps)
  map._cpuFitting = true;
  try {
    map.fitBounds(bounds, {paddingTopLeft: pick.tl, paddingBottomRight: pick.br, animate: false});
  } finally {
    map._cpuFitting = false;
  }
  var centre = map.getCenter();
  map._cpuFitted = {zoom: map.getZoom(), lat: centre.lat, lng: centre.lng};
};
window.cpuKeyboardUnits = function (group) {
  group.eachLayer(function (layer) {
    var path = layer._path;
    if (!path || path.getAttribute("tabindex") === "0") { return; }
    var p = layer.feature ? layer.feature.properties : {};
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", [p.name_en, p.name_km, p.status, p.detail].filter(Boolean).join(", "));
    path.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        layer.fire("click", {latlng: layer.getBounds().getCenter(), originalEvent: event}, true);
      }
    });
    path.addEventListener("focus", function () {
      try { group.openTooltip(layer, layer.getBounds().getCenter()); } catch (e) {}
    });
    path.addEventListener("blur", function () { try { group.closeTooltip(); } catch (e) {} });
  });
};
"""

#: One line of credit at the top right (it never wraps over the map or the scale bar): cut with "…" where the map
#: is narrower than the text, whole again on hover or keyboard focus. Provinces show a visible keyboard focus.
CONTROLS_CSS = """<style>
.leaflet-top.leaflet-right { max-width: calc(100% - 56px); }
.leaflet-control-attribution { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%;
  box-sizing: border-box; color: #333; }
.leaflet-control-attribution:hover, .leaflet-control-attribution:focus-within { white-space: normal; }
.leaflet-container a { color: #0b5566; }
path.leaflet-interactive:focus { outline: none; stroke: #000; stroke-width: 4px; }
path.leaflet-interactive:focus-visible { outline: none; stroke: #000; stroke-width: 4px; }
</style>"""


class _FitCountry(_InMap):
    """Fits the map to its provinces in the room the legend, the credit and the scale bar leave (a layer element).

    The legend (bottom left) never covers a province: the country goes beside it or above it, whichever draws
    it larger. Also makes each province a keyboard control (Tab to it, Enter to choose it) with a spoken label.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }}, map = {{ this.map_name }};
            map.getContainer().setAttribute("role", "region");
            map.getContainer().setAttribute("aria-label", {{ this.label|tojson }});
            function ready() {
                window.cpuFitCountry(map, group.getBounds());
                group.eachLayer(function (child) {
                    if (child.eachLayer) { window.cpuKeyboardUnits(child); }
                });
            }
            function soon() {  // and again once the frame has its final size and fonts (until the viewer moves it)
                [0, 300, 1200].forEach(function (ms) {
                    setTimeout(function () { if (!map._cpuTouched) { map._cpuFitKey = null; ready(); } }, ms);
                });
            }
            group.on("add", soon);
            if (map.hasLayer(group)) { soon(); }
            // a legend or credit that changes size later (a web font arrives, a label is translated) changes the room
            if (window.ResizeObserver) {
                var watched = new ResizeObserver(function () { if (!map._cpuTouched) { ready(); } });
                [".cpu-legend", ".leaflet-control-attribution"].forEach(function (selector) {
                    var el = map.getContainer().querySelector(selector);
                    if (el) { watched.observe(el); }
                });
            }
            if (document.fonts && document.fonts.ready) { document.fonts.ready.then(soon); }
        })();
        {% endmacro %}
    """)

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "FitCountry"
        self.label = label


class _MapFrame(MacroElement):
    """The map frame's own page: its language, the credit moved to the top right, the scale bar at the bottom right."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.fit_script }}
        document.documentElement.lang = {{ this.lang|tojson }};
        (function() {  // folium's page forbids zooming the page on a phone; a reader who needs it must be able to
            var meta = document.querySelector('meta[name="viewport"]');
            if (meta) { meta.setAttribute("content", "width=device-width, initial-scale=1.0"); }
        })();
        {{ this._parent.get_name() }}.attributionControl.setPosition("topright");
        if (!{{ this._parent.get_name() }}._cpuBounds) {  // the first view, until the layer fits its provinces
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }});
        }
        L.control.scale({position: "bottomright"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MapFrame"
        self.lang = lang
        self.fit_script = FIT_SCRIPT
        self.bounds = CAMBODIA_BOUNDS


HATCH_ID = "cpu-hatch"
#: CSS for a legend swatch of the hatch pattern (the map itself uses an SVG pattern, below).
HATCH_CSS = f"repeating-linear-gradient(45deg,{HATCH_COLOUR} 0 2px,#ffffff 2px 6px)"
#: The SVG pattern suppressed units are filled with.
HATCH_SVG = (f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" '
             f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
             f'<rect width="2" height="6" fill="{HATCH_COLOUR}"/></pattern>')


def swatch_background(colour: str) -> str:
    """CSS background of a legend swatch: the colour, or the hatch for suppressed units."""
    return HATCH_CSS if colour == HATCH else colour


def fill_value(colour: str) -> str:
    """A path's fill: the colour, or a reference to the hatch pattern."""
    return f"url(#{HATCH_ID})" if colour == HATCH else colour


class _HatchPattern(_InMap):
    """Puts the hatch pattern into the map's SVG, so paths can be filled with url(#cpu-hatch).

    It sits in the map's layer, whose script runs before the layer is added to the map: the SVG it needs
    may exist only once the layer's paths are drawn, hence the ``add`` handler.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            function ensurePattern() {
                var svg = {{ this.map_name }}.getPanes().overlayPane.querySelector("svg");
                if (svg && !svg.querySelector("#{{ this.pattern_id }}")) {
                    var defs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
                    defs.innerHTML = {{ this.pattern|tojson }};
                    svg.insertBefore(defs, svg.firstChild);
                }
            }
            ensurePattern();  // the map already has its SVG (a layer drawn before this one)
            {{ this._parent.get_name() }}.on("add", ensurePattern);  // else once this layer's paths made it
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "HatchPattern"
        self.pattern_id = HATCH_ID
        self.pattern = HATCH_SVG


def state_text(label: str) -> str:
    """A legend label or tooltip status in the interface language.

    Map states ('not covered', 'no data', ...) travel as English keys, which the views compare and
    order by; they are translated here, where they are drawn. Class ranges and already translated
    texts come back unchanged.
    """
    return _(label) if label else label


def _legend_html(title: str, entries: list[tuple[str, str]], note: str = "") -> str:
    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span style="width:14px;height:14px;background:{swatch_background(c)};border:1px solid {BORDER};'
        f'display:inline-block"></span>'
        f"<span>{html.escape(state_text(label))}</span></div>" for c, label in entries)
    note_html = f'<div style="margin-top:4px;max-width:220px;color:#44515c">{html.escape(note)}</div>' if note else ""
    return (f'<div style="background:rgba(255,255,255,.92);'
            f'padding:8px 10px;border:1px solid #c9d1d8;border-radius:6px;'
            f'font:12px/1.3 {fonts.FONT_STACK};color:#1d2b36">'
            f"<b>{html.escape(title)}</b>{rows}{note_html}</div>")


def legend_html(title: str, entries: list[tuple[str, str]], note: str = "") -> str:
    """The legend box as HTML, for a legend that several maps share (shown once, outside them)."""
    return f'<div class="cpu-shared-legend" style="display:inline-block">{_legend_html(title, entries, note)}</div>'


def map_cache_size() -> int:
    """How many distinct maps a process keeps built and rendered (``DASHBOARD_MAP_CACHE_SIZE``)."""
    return settings.current().map_cache_size


#: Built maps kept, shared by every session: a map depends only on its arguments, so the same filters
#: give the same map, built once (issue 12: rebuilding folium maps on every rerun was the largest app cost).
#: What a map renders to is kept on the map itself (see ``kept``), so the two live and go together.
_built: BoundedCache[str, folium.Map] = BoundedCache(map_cache_size, "built maps")

T = TypeVar("T")


class _Kept:
    """What was worked out from one built map (its rendered script, component keys), with its own lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.values: dict[Hashable, object] = {}

    def __deepcopy__(self, memo: dict) -> _Kept:
        return _Kept()  # a private copy starts with nothing kept (and a lock cannot be copied)


def map_key(boundaries: Boundaries, styles: dict[str, UnitStyle], legend_title: str,
            legend: list[tuple[str, str]] | None, note: str = "", selected: tuple[str, ...] = (),
            height: int = 520) -> str:
    """A digest of everything a map shows; equal keys mean equal maps (for the same boundaries object)."""
    config = settings.current()
    parts = (id(boundaries), sorted((code, astuple(style)) for code, style in styles.items()), legend_title,
             None if legend is None else [tuple(entry) for entry in legend], note, tuple(selected), height,
             config.tile_url, config.tile_attribution, get_language(), config.khmer_digits, served.base_root())
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def build_map(boundaries: Boundaries, styles: dict[str, UnitStyle], legend_title: str,
              legend: list[tuple[str, str]] | None, note: str = "", selected: tuple[str, ...] = (),
              height: int = 520) -> folium.Map:
    """A province map: one clickable path per unit, tooltips in English and Khmer.

    With ``legend`` None the map has no legend of its own (maps that share one).
    Built once per distinct set of arguments and shared: treat the result as
    read-only. Nothing in the app renders it: rendering works on a private copy
    (``private_copy``), and what it renders to is kept with it (``kept``).
    """
    key = map_key(boundaries, styles, legend_title, legend, note, selected, height)
    fmap = _built.get(key)
    if fmap is not None:
        if fmap.cpu_boundaries() is boundaries:
            return fmap
        _built.discard(key)  # another boundaries object that happened to get the same id()
    fmap = _build_map(boundaries, styles, legend_title, legend, note, selected, height)
    fmap.cpu_key = key
    fmap.cpu_boundaries = weakref.ref(boundaries)
    fmap.cpu_kept = _Kept()
    return _built.put(key, fmap)


def private_copy(fmap: folium.Map) -> folium.Map:
    """A deep copy of ``fmap`` to render: rendering changes a folium map (streamlit-folium renames every
    element it turns into script), and a built map is shared by every session, so it is never rendered itself.
    """
    return copy.deepcopy(fmap)


def kept(fmap: folium.Map, what: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, worked out once per built map and ``what`` and kept on the map.

    A built map and everything rendered from it are cached, and dropped, together: there is one cache
    (``_built``), so a map can never be found without its script or its script without its map. A map
    that ``build_map`` did not make is computed each time.
    """
    store = getattr(fmap, "cpu_kept", None)
    if store is None:
        return compute()
    with store.lock:
        if what not in store.values:
            store.values[what] = compute()
        return store.values[what]  # type: ignore[return-value]


#: The id of the layer that holds everything a map's data decides (polygons and their colours, tooltips,
#: hatch pattern, legend). The rest of the map (Leaflet, the view, tiles, font) is the same for every map
#: of a page, so the browser keeps it and only this layer is replaced when the filters change.
LAYER_ID = "feature_group_0"


def _build_map(boundaries: Boundaries, styles: dict[str, UnitStyle], legend_title: str,
               legend: list[tuple[str, str]] | None, note: str = "", selected: tuple[str, ...] = (),
               height: int = 520) -> folium.Map:
    config = settings.current()
    tile_url = config.tile_url
    fmap = folium.Map(location=[12.6, 104.9], zoom_start=7, tiles=None, control_scale=False,
                      prefer_canvas=False, zoom_snap=0.25, height=height)
    fmap.default_js = [("leaflet", leaflet_assets.js_url())]
    fmap.default_css = [("leaflet_css", leaflet_assets.css_url())]
    # The component iframe does not get the theme's font: the map declares the served Khmer font itself.
    fmap.get_root().header.add_child(folium.Element(f"<style>{fonts.map_css()}</style>"), name="cpu_font")
    fmap.get_root().header.add_child(folium.Element(CONTROLS_CSS), name="cpu_controls")
    if tile_url:
        folium.TileLayer(tile_url, attr=config.tile_attribution, name="basemap",
                         opacity=0.6).add_to(fmap)
    layer = folium.FeatureGroup(name="cpu-layer", control=False)
    layer._id = LAYER_ID  # a stable name: the component swaps this layer by name (ui.map_widget.show_map)
    data = unit_geojson(boundaries)
    units: list[MapUnit] = []
    for feature in data["features"]:
        props = feature["properties"]
        style = styles.get(props["code"], UnitStyle("#ffffff", N_("no data"), ""))
        props.update({"status": state_text(style.status), "detail": style.detail, "fill": style.fill,
                      "dashed": style.dashed, "selected": props["code"] in selected})
        units.append(_map_unit(props, style))
    folium.GeoJson(
        data,
        name="provinces",
        attribution=html.escape(boundaries.attribution),  # the licence's credit, in Leaflet's attribution control
        style_function=_style,
        highlight_function=lambda f: {"weight": 3, "color": "#0b3d45", "fillOpacity": 0.95},
        tooltip=folium.GeoJsonTooltip(fields=["name_en", "name_km", "status", "detail"],
                                      aliases=["", "", "", ""], labels=False, sticky=True),
    ).add_to(layer)
    if any(style.fill == HATCH for style in styles.values()):
        _HatchPattern().add_to(layer)
    if legend is not None:
        _Legend(_legend_html(legend_title, legend, note), _("Legend: {title}").format(title=legend_title)).add_to(layer)
    _FitCountry(_("Map: {title}").format(title=legend_title)).add_to(layer)
    _MapFrame(get_language()).add_to(fmap)
    layer.add_to(fmap)
    fmap.cpu_layer = layer
    fmap.cpu_summary = map_summary.summary(legend_title, units)  # the map's text alternative, drawn under it
    return fmap


def _map_unit(props: dict, style: UnitStyle) -> MapUnit:
    return MapUnit(props["name_en"], props.get("name_km", ""), style.status, style.detail, style.value,
                   is_hatched(style.fill))


def text_summary(boundaries: Boundaries, styles: dict[str, UnitStyle], legend_title: str) -> str:
    """The sentence :func:`build_map` writes under its map, for a map drawn elsewhere (the static site's)."""
    units = [_map_unit(f["properties"], styles.get(f["properties"]["code"], UnitStyle("#ffffff", N_("no data"), "")))
             for f in unit_geojson(boundaries)["features"]]
    return map_summary.summary(legend_title, units)


def _style(feature: dict) -> dict:
    props = feature["properties"]
    return {
        "fillColor": fill_value(props["fill"]),
        "color": "#0b3d45" if props["selected"] else BORDER,
        "weight": 3 if props["selected"] else 1,
        "dashArray": "4 3" if props["dashed"] else None,
        "fillOpacity": 0.9,
    }


#: Standalone pages of maps (a download is rare; each page is ~300 KB, so only a few are kept). Keyed by the
#: map's digest and rendered from a private copy, so a page always shows the map of its key.
_standalone: BoundedCache[str, str] = BoundedCache(8, "standalone map pages")


def standalone_html(fmap: folium.Map) -> str:
    """The map as one HTML file with Leaflet and the Khmer font (subset to its text) inlined: opens offline, anywhere
    (kept for a map built before)."""
    key = getattr(fmap, "cpu_key", None)
    if key is None:
        return _standalone_page(fmap)
    return _standalone.get_or_create(key, lambda: _standalone_page(fmap))


def _standalone_page(fmap: folium.Map) -> str:
    js, css = leaflet_assets.inline_assets()
    page = private_copy(fmap).get_root().render()
    page = page.replace(fonts.font_face_css(), fonts.embedded_font_face_css(page))
    page = page.replace(f'<script src="{leaflet_assets.js_url()}"></script>', f"<script>{js}</script>")
    return page.replace(f'<link rel="stylesheet" href="{leaflet_assets.css_url()}"/>', f"<style>{css}</style>")


def payload_bytes(fmap: folium.Map) -> int:
    """Size of the HTML and JSON the browser receives for this map (without Leaflet itself)."""
    return len(private_copy(fmap).get_root().render().encode("utf-8"))


def clicked_code(map_state: dict | None) -> str | None:
    """The province code of the feature a st_folium click returned, if any.

    The value comes from the browser, so anything but a known province code (a forged message, another shape)
    means no click.
    """
    from dashboard.geo.gazetteer import load_gazetteer

    feature = map_state.get("last_active_drawing") if isinstance(map_state, dict) else None
    properties = feature.get("properties") if isinstance(feature, dict) else None
    code = properties.get("code") if isinstance(properties, dict) else None
    return code if isinstance(code, str) and code in load_gazetteer() else None


def toggle(selected: list[str], code: str) -> list[str]:
    """Add a province to the selection, or remove it if it was there."""
    return [c for c in selected if c != code] if code in selected else [*selected, code]


# ---------------------------------------------------------------- the two kinds of map


def coverage_styles(boundaries: Boundaries, coverage: pd.DataFrame, day) -> tuple[dict[str, UnitStyle], list]:
    """Covered / not yet covered / never covered on ``day``, with start dates in tooltips."""
    from dashboard.geo.gazetteer import display_name, load_gazetteer

    ts = pd.Timestamp(day)
    starts = dict(zip(coverage["province_code"], coverage["start_date"]))
    ends = dict(zip(coverage["province_code"], coverage["end_date"]))
    gaz = load_gazetteer()
    styles: dict[str, UnitStyle] = {}
    colours = COVERAGE_COLOURS
    for unit in boundaries.unit_codes:
        members = [c for c in gaz if boundaries.unit_for(c) == unit]
        parts, states = [], []
        for code in members:
            start, end = starts.get(code), ends.get(code)
            if start is None or pd.isna(start):
                state, text = "not covered", _("not covered")
            elif start > ts:
                state, text = "not yet covered", _("from {date}").format(date=_iso_day(start))
            elif end is not None and not pd.isna(end) and end < ts:
                state, text = "ended", _("{start} to {end}").format(start=_iso_day(start), end=_iso_day(end))
            else:
                state, text = "covered", _("since {date}").format(date=_iso_day(start))
            states.append(state)
            parts.append(f"{display_name(code)}: {text}" if len(members) > 1 else text)
        state = next(s for s in ("covered", "not yet covered", "ended", "not covered") if s in states)
        styles[unit] = UnitStyle(colours[state], state, "; ".join(parts), dashed=state == "not covered")
    used = {s.status for s in styles.values()}
    legend = [(c, s) for s, c in colours.items() if s in used]
    return styles, legend


def _iso_day(stamp: pd.Timestamp) -> str:
    """A day as 2013-10-01 in either language (Khmer numerals with DASHBOARD_KHMER_DIGITS)."""
    return fmt_date(stamp.date(), "y-MM-dd")


#: Choropleth measures: (numerator column, denominator column or None, scale, legend number format).
MEASURES = {
    N_("count"): ("cases", None, 1, "{:,.0f}"),
    N_("rate"): ("cases", "population", 100_000, "{:,.1f}"),
    N_("person-time"): ("cases_in_coverage", "person_years", 100_000, "{:,.1f}"),
    N_("arrest rate"): ("arrests", "cases", 100, "{:,.0f}%"),
    # the share of arrests that led to a charge, over the arrests whose charge is recorded (measures/funnel.py)
    N_("charge rate"): ("charged", "known", 100, "{:,.0f}%"),
}


@dataclass
class UnitValues:
    """A measure summed to map units (Tboung Khmum inside Kampong Cham on 24-unit boundaries)."""

    sums: pd.DataFrame  # per unit: the per-province columns summed, and pop_missing
    values: pd.Series  # per unit: the measure (NaN where it cannot be computed)
    outside: list[str]  # units outside the province selection


def unit_values(boundaries: Boundaries, per_province: pd.DataFrame, measure: str,
                selection: tuple[str, ...] = ()) -> UnitValues:
    """The measure per unit: numerators and denominators are summed over a unit's provinces first."""
    if measure not in MEASURES:
        raise ValueError(f"unknown map measure {measure!r}; use one of {', '.join(MEASURES)}")
    numerator, denominator, scale, _fmt = MEASURES[measure]
    frame = per_province.assign(unit=[boundaries.unit_for(c) for c in per_province["province_code"]])
    frame = frame[frame["unit"].notna()]
    selected_units = {boundaries.unit_for(c) for c in selection} - {None}
    outside = [u for u in boundaries.unit_codes if selected_units and u not in selected_units]
    frame = frame[~frame["unit"].isin(outside)]
    columns = [c for c in ("cases", "arrests", "population", "person_years", "cases_in_coverage", "covered_days",
                           "charged", "known") if c in frame]
    sums = frame.groupby("unit")[columns].sum(min_count=1)
    sums["pop_missing"] = frame.groupby("unit")["population"].agg(lambda s: s.isna().any()) \
        if "population" in frame else False
    values = sums[numerator].astype(float) * scale
    if denominator:
        values = values / sums[denominator].where(sums[denominator] > 0)
    if denominator in ("population", "person_years"):
        values[sums["pop_missing"]] = float("nan")
    return UnitValues(sums, values, outside)


def _detail(measure: str, row: pd.Series, value: float) -> str:
    cases = int(row["cases"])
    detail = (_("{n} case") if cases == 1 else _("{n} cases")).format(n=fmt_int(cases))
    if measure == "rate":
        detail += (_("; {rate} per 100,000").format(rate=fmt_decimal(value, 2)) if pd.notna(value)
                   else _("; no census figure"))
    elif measure == "person-time":
        if row["covered_days"] == 0:
            detail += _("; not covered in this period")
        elif pd.isna(value):
            detail += _("; no census figure")
        else:
            detail = _("{cases} while covered; {rate} per 100,000 person-years ({years} person-years)").format(
                cases=fmt_int(row["cases_in_coverage"]), rate=fmt_decimal(value, 2),
                years=fmt_int(row["person_years"]))
    elif measure == "charge rate":
        from dashboard.measures.metrics import MIN_CASES_TO_RANK

        known = int(row["known"]) if pd.notna(row["known"]) else 0
        detail = _("{charged} of {known} arrests led to a charge").format(
            charged=fmt_int(row["charged"] if pd.notna(row["charged"]) else 0), known=fmt_int(known))
        detail += f" ({fmt_percent(value / 100)})" if pd.notna(value) else ""
        if 0 < known < MIN_CASES_TO_RANK:
            detail += "; " + _("fewer than {n} arrests: not ranked").format(n=fmt_int(MIN_CASES_TO_RANK))
    elif measure == "arrest rate" and cases:
        detail = _("{arrests} of {cases} cases led to an arrest ({rate})").format(
            arrests=fmt_int(row["arrests"]), cases=fmt_int(cases), rate=fmt_percent(value / 100))
    return detail


def _ranked_value(measure: str, row: pd.Series, value: float) -> float | None:
    """The value the map's text summary ranks a unit by: none where the map says "not ranked" (a charge share
    from fewer than ``MIN_CASES_TO_RANK`` arrests), as the tooltip does."""
    from dashboard.measures.metrics import MIN_CASES_TO_RANK

    if pd.isna(value):
        return None
    if measure == "charge rate" and (pd.isna(row["known"]) or row["known"] < MIN_CASES_TO_RANK):
        return None
    return float(value)


#: Styles already worked out, by a digest of their inputs: formatting 25 tooltips in the viewer's locale (Babel)
#: was the largest cost of a Cases page rerun after the map itself (py-spy, issue 12).
_styled: BoundedCache[str, tuple[dict[str, UnitStyle], list]] = BoundedCache(lambda: 4 * map_cache_size(),
                                                                              "map styles")


def _styles_key(boundaries: Boundaries, per_province: pd.DataFrame, *args) -> str:
    from dashboard.i18n import get_language

    rows = pd.util.hash_pandas_object(per_province, index=True).to_numpy().tobytes()
    parts = (id(boundaries), list(per_province.columns), get_language(), settings.current().khmer_digits, args)
    return hashlib.sha256(rows + repr(parts).encode("utf-8")).hexdigest()


def choropleth_styles(boundaries: Boundaries, per_province: pd.DataFrame, covered_codes: list[str],
                      measure: str, scheme: str, selection: tuple[str, ...] = (),
                      breaks: Breaks | None = None, scope: tuple[str, ...] | None = None,
                      ) -> tuple[dict[str, UnitStyle], list]:
    """Styles and legend of a choropleth (see ``_choropleth_styles``), kept for inputs seen before."""
    key = _styles_key(boundaries, per_province, list(covered_codes), measure, scheme, tuple(selection), repr(breaks),
                      scope)
    found = _styled.get_or_create(key, lambda: _choropleth_styles(boundaries, per_province, covered_codes, measure,
                                                                  scheme, selection, breaks, scope))
    return dict(found[0]), list(found[1])


def _choropleth_styles(boundaries: Boundaries, per_province: pd.DataFrame, covered_codes: list[str],
                       measure: str, scheme: str, selection: tuple[str, ...] = (),
                       breaks: Breaks | None = None, scope: tuple[str, ...] | None = None,
                       ) -> tuple[dict[str, UnitStyle], list]:
    """Case counts, rates per 100,000 (people or person-years) or arrest rates by unit, classed with mapclassify.

    With a province ``selection``, other units are drawn as 'not selected' and
    left out of the classes; for a province-scoped viewer (``scope``), the units
    with no province in the scope say "outside your provinces" instead. With
    ``breaks`` (classify.fixed_breaks over every frame), the classes are the same
    in every frame. A person-time map counts a unit as covered when it had
    covered time in the period.
    """
    from dashboard.render.colours import classify

    units = unit_values(boundaries, per_province, measure, selection)
    sums, values = units.sums, units.values
    if measure == "person-time":
        covered = sums["covered_days"] > 0
    else:
        covered_units = {boundaries.unit_for(c) for c in covered_codes} - {None}
        covered = pd.Series({u: u in covered_units or sums.loc[u, "cases"] > 0 for u in sums.index}, dtype=bool)
    no_cases = sums["cases"] == 0 if measure == "arrest rate" else sums["known"].fillna(0) == 0 \
        if measure == "charge rate" else None
    classes = classify(values, covered, scheme, fmt=MEASURES[measure][3], breaks=breaks, no_cases=no_cases)
    styles = {}
    for unit in sums.index:
        styles[unit] = UnitStyle(classes.colours[unit], classes.labels[unit],
                                 _detail(measure, sums.loc[unit], values[unit]),
                                 dashed=classes.labels[unit] == "not covered",
                                 value=_ranked_value(measure, sums.loc[unit], values[unit]))
    legend = list(classes.legend)
    in_scope = None if scope is None else {boundaries.unit_for(code) for code in scope}
    for unit in units.outside:
        styles[unit] = _left_out_style(in_scope is None or unit in in_scope)
    legend += [(NOT_SELECTED, state) for state in (UNSELECTED, OUTSIDE_SCOPE)
               if any(styles[unit].status == state for unit in units.outside)]
    return styles, legend


def _left_out_style(in_scope: bool) -> UnitStyle:
    """A unit the province filter leaves out: merely not selected, or outside a scoped viewer's provinces."""
    if in_scope:
        return UnitStyle(NOT_SELECTED, UNSELECTED, _("outside the province filter"))
    return UnitStyle(NOT_SELECTED, OUTSIDE_SCOPE,
                     _("case data only for your provinces: this province's public figures are under the page"))


def frame_breaks(boundaries: Boundaries, frames: list[pd.DataFrame], measure: str, scheme: str,
                 selection: tuple[str, ...] = ()) -> Breaks | None:
    """Class breaks computed once over every frame (years, periods), for maps that must share one legend."""
    from dashboard.measures.classify import fixed_breaks

    values = [unit_values(boundaries, f, measure, selection).values for f in frames]
    return fixed_breaks(values, scheme, include_zero=measure == "arrest rate")


def cases_without_polygon(boundaries: Boundaries, per_province: pd.DataFrame) -> list[tuple[str, int]]:
    """Provinces with cases but no polygon on these boundaries: (name, cases). Never dropped silently."""
    no_unit = per_province["province_code"].map(lambda c: boundaries.unit_for(c) is None)
    missing = per_province[(per_province["cases"] > 0) & no_unit]
    return list(zip(missing["province"], missing["cases"].astype(int)))
