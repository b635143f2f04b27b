"""Speed without timing asserts (issue 12): each optimisation is checked by what it must not redo.

- the same map arguments build one folium map and render it to Leaflet script once;
- the cached rendering sends streamlit-folium's component exactly what ``st_folium`` would;
- only a click is returned by a province map, so pan and zoom never rerun the script;
- the start-up warm-up fills the caches the first Overview needs, so its first run builds no map;
- the served configuration turns off the per-run file watching and garbage collection the profile found.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
import streamlit_folium

from dashboard.geo.boundaries import load_boundaries
from dashboard.render import maps
from dashboard.ui import map_widget
from tests.apphelpers import in_own_process

ROOT = Path(__file__).resolve().parent.parent


def _server():
    """server.py, the production entry (imported by name: it is the project's own file, not a package)."""
    import importlib

    return importlib.import_module("server")


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries()


def _coverage_map(boundaries, demo_dataset, selected=(), day=date(2014, 6, 1)):
    styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, day)
    return maps.build_map(boundaries, styles, "Coverage", legend, selected=selected, height=380)


def test_same_arguments_build_one_map_and_render_it_once(boundaries, demo_dataset, monkeypatch):
    built = []
    real = maps._build_map
    monkeypatch.setattr(maps, "_build_map", lambda *a, **k: built.append(1) or real(*a, **k))
    maps._built.clear()
    first = _coverage_map(boundaries, demo_dataset)
    again = _coverage_map(boundaries, demo_dataset)
    assert again is first and len(built) == 1
    before = map_widget.render_count
    assert map_widget.render_map(first) is map_widget.render_map(again)
    assert map_widget.render_count - before == 1  # a new map (the cache was emptied): rendered once, then kept


def test_different_filters_or_boundaries_give_a_different_map(boundaries, demo_dataset):
    base = _coverage_map(boundaries, demo_dataset)
    assert _coverage_map(boundaries, demo_dataset, selected=("12",)) is not base
    assert _coverage_map(boundaries, demo_dataset, day=date(2015, 4, 1)) is not base
    other = load_boundaries()  # another boundaries object (even of the same file) never reuses this one's map
    styles, legend = maps.coverage_styles(other, demo_dataset.coverage, date(2014, 6, 1))
    assert maps.build_map(other, styles, "Coverage", legend, selected=(), height=380) is not base


def test_a_tile_setting_is_part_of_the_map_key(boundaries, demo_dataset, monkeypatch):
    plain = _coverage_map(boundaries, demo_dataset)
    monkeypatch.setenv("DASHBOARD_TILE_URL", "http://127.0.0.1:8080/{z}/{x}/{y}.png")
    assert _coverage_map(boundaries, demo_dataset) is not plain


def _capture(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: calls.append(kwargs))
    return calls


def _reference_call(boundaries, demo_dataset, selected=(), **kwargs) -> None:
    """st_folium's own path for the same map: the base map, with the data layer as ``feature_group_to_add``."""
    fresh = _fresh(boundaries, demo_dataset, selected=selected)
    layer = fresh.cpu_layer
    del fresh._children[layer.get_name()]
    streamlit_folium.st_folium(fresh, feature_group_to_add=layer, height=380, use_container_width=True, **kwargs)


def test_cached_rendering_sends_what_st_folium_would(boundaries, demo_dataset, monkeypatch):
    calls = _capture(monkeypatch)
    fmap = _coverage_map(boundaries, demo_dataset, selected=("17",))
    map_widget.show_map(fmap, "map_x", 380, map_widget.MAP_RETURNS)
    map_widget.show_map(fmap, "map_x", 380, map_widget.MAP_RETURNS)  # from the cache
    _reference_call(boundaries, demo_dataset, selected=("17",), key="map_x", returned_objects=map_widget.MAP_RETURNS)
    ours, cached, reference = calls
    for name in ("on_change", "script", "header", "html", "id", "key", "feature_group"):
        ours.pop(name), cached.pop(name), reference.pop(name)  # element ids differ between two folium builds
    # The one deliberate difference: the click counter starts at 0 as the browser's does, not None, so the
    # map's first draw does not send a value back (which would rerun the page).
    assert reference["default"] == {"last_active_drawing": None, "last_object_clicked_count": None}
    reference["default"]["last_object_clicked_count"] = 0
    assert ours == cached == reference


def _fresh(boundaries, demo_dataset, selected=()):
    """The same map as _coverage_map, built anew without the cache (st_folium's own path)."""
    styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2014, 6, 1))
    return maps._build_map(boundaries, styles, "Coverage", legend, selected=selected, height=380)


def test_cached_script_equals_st_folium_script_up_to_element_ids(boundaries, demo_dataset, monkeypatch):
    calls = _capture(monkeypatch)
    fmap = _coverage_map(boundaries, demo_dataset)
    map_widget.show_map(fmap, "map_y", 380, [])
    _reference_call(boundaries, demo_dataset, key="map_y", returned_objects=[])
    ours, reference = calls
    ids = r"_[0-9a-f]{32}"
    import re

    for name in ("script", "html", "feature_group"):
        assert re.sub(ids, "", ours[name]) == re.sub(ids, "", reference[name]), name
    # The header is st_folium's plus the layer's own entries (the tooltips' table style), which st_folium
    # leaves out for a feature group: it reads the header before the group is added.
    extra = ours["header"][len(reference["header"].rstrip()):]
    assert ours["header"].startswith(reference["header"].rstrip()) and ".foliumtooltip" in extra
    assert "geo_json" in ours["feature_group"] and "geo_json" not in ours["script"]  # the data is in the layer
    # the legend control is created in the layer; the map's fit script only measures it (by its selector)
    legend = 'L.DomUtil.create("div", "cpu-legend")'
    assert legend in ours["feature_group"] and legend not in ours["script"]


def test_pan_and_zoom_are_not_returned_so_they_do_not_rerun(boundaries, demo_dataset, monkeypatch):
    calls = _capture(monkeypatch)
    fmap = _coverage_map(boundaries, demo_dataset)
    map_widget.show_map(fmap, "map_z", 380, map_widget.MAP_RETURNS)
    map_widget.show_map(fmap, "map_w", 380, [])
    clickable, static = calls
    assert clickable["returned_objects"] == ["last_active_drawing", "last_object_clicked_count"]
    assert clickable["default"] == {"last_active_drawing": None, "last_object_clicked_count": 0}
    assert static["returned_objects"] == [] and static["default"] == {}
    for call in calls:
        assert not {"bounds", "zoom", "center"} & set(call["returned_objects"])


def test_a_filter_change_keeps_the_component_key_and_sends_a_new_layer(boundaries, demo_dataset, monkeypatch):
    """The base map is the same for every map of a page, so its component key, and with it the map mounted in
    the browser, survives a change of colours, selection or legend; only the layer is new."""
    calls = _capture(monkeypatch)
    fmap = _coverage_map(boundaries, demo_dataset)
    map_widget.show_map(fmap, "map_k", 380, [])
    map_widget.show_map(_coverage_map(boundaries, demo_dataset), "map_k", 380, [])
    map_widget.show_map(_coverage_map(boundaries, demo_dataset, selected=("12",)), "map_k", 380, [])
    map_widget.show_map(_coverage_map(boundaries, demo_dataset, day=date(2015, 4, 1)), "map_k", 380, [])
    assert len({call["key"] for call in calls}) == 1
    assert calls[0]["feature_group"] == calls[1]["feature_group"]
    assert len({call["feature_group"] for call in calls[1:]}) == 3
    map_widget.show_map(fmap, "map_other", 380, [])  # another widget: another component
    assert calls[-1]["key"] != calls[0]["key"]


def test_warm_up_fills_the_caches_the_first_overview_needs(app_db, monkeypatch):
    """After the start-up warm-up, the first Overview run builds and renders no map of its own."""
    from dashboard.ui import cache
    from tests.apphelpers import app, no_errors

    maps._built.clear()
    steps = cache.warm()
    assert {"dataset", "boundaries", "overview metrics", "overview map"} <= set(steps)
    assert len(maps._built) == 1
    built, rendered = [], map_widget.render_count
    real = maps._build_map
    monkeypatch.setattr(maps, "_build_map", lambda *a, **k: built.append(1) or real(*a, **k))
    at = app()  # the Overview, in demo mode
    no_errors(at)
    assert at.title[0].value == "Overview"
    assert built == [] and map_widget.render_count == rendered


def test_server_warms_up_in_its_lifespan():
    out = in_own_process("""
        import asyncio, importlib
        from dashboard.ui import cache
        ran = []
        cache.warm = lambda: ran.append(1) or {"dataset": 0.0}
        server = importlib.import_module("server")
        async def start():
            async with server.lifespan(None):
                assert ran == [1]  # before the app serves anything
        asyncio.run(start())
        print("lifespan-ok")
    """)
    assert "lifespan-ok" in out


def test_the_warm_up_does_not_log_missing_script_run_context_warnings():
    """The warm-up runs outside any script run on purpose: Streamlit's warning about it is dropped for the warm-up
    thread only, and still logged for any other thread."""
    out = in_own_process("""
        import importlib, logging, threading
        logging.basicConfig(level=logging.INFO)
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        from dashboard.ui import cache
        cache.warm = lambda: get_script_run_ctx() or {"dataset": 0.0}
        server = importlib.import_module("server")
        threading.Thread(target=server.warm_up, name="warm-up-thread").start()
        threading.Thread(target=get_script_run_ctx, name="other-thread").start()
        print("done")
    """)
    assert "warm-up done" in out
    assert "Thread 'warm-up-thread': missing ScriptRunContext" not in out
    assert "Thread 'other-thread': missing ScriptRunContext" in out


def test_a_failing_warm_up_is_logged_not_fatal():
    out = in_own_process("""
        import importlib, logging
        logging.basicConfig(level=logging.INFO)
        from dashboard.ui import cache
        def boom():
            raise RuntimeError("database down")
        cache.warm = boom
        importlib.import_module("server").warm_up()
        print("survived")
    """)
    assert "warm-up skipped" in out and "survived" in out


def test_served_config_turns_off_file_watching_and_per_run_gc():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False


def test_server_serves_static_files_in_large_chunks():
    out = in_own_process("""
        import importlib
        from starlette.responses import FileResponse
        importlib.import_module("server")  # importing it sets the chunk size
        print("chunk", FileResponse.chunk_size)
    """)
    size = int(out.split("chunk ")[1].split()[0])
    assert size >= 1024 * 1024


def test_choropleth_styles_are_worked_out_once_per_inputs_and_language(boundaries, demo_dataset, monkeypatch):
    from dashboard.i18n import use_language
    from dashboard.measures.metrics import active_provinces, by_province

    calls = []
    real = maps._choropleth_styles
    monkeypatch.setattr(maps, "_choropleth_styles", lambda *a, **k: calls.append(1) or real(*a, **k))
    maps._styled.clear()
    per = by_province(demo_dataset.cases)
    covered = active_provinces(demo_dataset.coverage, date(2015, 4, 30))
    first = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles")
    again = maps.choropleth_styles(boundaries, per.copy(), list(covered), "count", "quantiles")
    assert again == first and len(calls) == 1
    with use_language("km"):  # tooltips are in the viewer's language
        khmer = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles")
    assert len(calls) == 2 and khmer is not first  # worked out again for the other language
    changed = per.assign(cases=per["cases"] + 1)
    maps.choropleth_styles(boundaries, changed, covered, "count", "quantiles")
    maps.choropleth_styles(boundaries, per, covered, "count", "quantiles", selection=("12",))
    assert len(calls) == 4


@pytest.fixture(autouse=True)
def _leave_no_warm_caches_behind():
    """The warm-up fills process-wide caches for this module's database; later test modules start clean."""
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
