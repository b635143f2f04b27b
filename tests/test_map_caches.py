"""The shared caches: one bounded LRU class, and maps that keep drawing however many distinct maps pass through.

Issue 20, item 1: after about 64 distinct maps the Overview map went blank for every user. The rendered-map
cache evicted first-in-first-out while the built-map cache evicted least-recently-used, so a popular map kept
its built folium object but lost its rendered script, and was rendered again from an object the first
rendering had renamed: its layer script then referenced a ``geo_json_<id>`` that no longer existed.
"""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest

from dashboard.caching import BoundedCache
from dashboard.geo.boundaries import load_boundaries
from dashboard.render import maps
from dashboard.ui import map_widget

# ---------------------------------------------------------------- the cache class


def test_the_least_recently_used_entry_goes_first_and_a_read_counts_as_a_use():
    cache: BoundedCache[str, int] = BoundedCache(3)
    for name, value in (("a", 1), ("b", 2), ("c", 3)):
        cache.put(name, value)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("d", 4)
    assert cache.keys() == ["c", "a", "d"] and "b" not in cache
    assert len(cache) == 3


def test_put_keeps_the_first_value_so_everyone_shares_one_object():
    cache: BoundedCache[str, list] = BoundedCache(2)
    first = cache.put("k", [1])
    assert cache.put("k", [2]) is first and cache.get("k") is first


def test_get_or_create_builds_once_and_a_miss_returns_the_default():
    cache: BoundedCache[str, object] = BoundedCache(2)
    made = []
    value = cache.get_or_create("k", lambda: made.append(1) or object())
    assert cache.get_or_create("k", lambda: made.append(1) or object()) is value and made == [1]
    assert cache.get("other", "none") == "none"
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_callable_size_is_read_at_every_insert():
    size = {"n": 4}
    cache: BoundedCache[int, int] = BoundedCache(lambda: size["n"])
    for i in range(4):
        cache.put(i, i)
    size["n"] = 2
    cache.put(9, 9)
    assert cache.keys() == [3, 9]
    size["n"] = 0  # never below one entry
    cache.put(10, 10)
    assert cache.keys() == [10]


def test_discard_and_clear():
    cache: BoundedCache[str, int] = BoundedCache(4)
    cache.put("a", 1), cache.put("b", 2)
    cache.discard("a"), cache.discard("missing")
    assert cache.keys() == ["b"]
    cache.clear()
    assert len(cache) == 0


def _together(count: int, work) -> None:
    start = threading.Barrier(count)

    def run() -> None:
        start.wait()
        work()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_threads_building_one_key_at_once_all_get_the_stored_value():
    cache: BoundedCache[str, object] = BoundedCache(8)
    got: list[object] = []
    lock = threading.Lock()

    def work() -> None:
        value = cache.get_or_create("map", object)
        with lock:
            got.append(value)

    _together(16, work)
    assert len(got) == 16 and all(value is cache.get("map") for value in got)


def test_many_threads_never_push_the_cache_past_its_limit():
    cache: BoundedCache[int, int] = BoundedCache(8)
    sizes: list[int] = []

    def work() -> None:
        for key in range(200):
            cache.get_or_create(key % 37, lambda key=key: key)
            sizes.append(len(cache))

    _together(16, work)
    assert max(sizes) <= 8 and len(cache) == 8 and len(set(cache.keys())) == 8


def test_the_app_keeps_no_hand_made_cache_beside_this_class():
    """Every shared cache of the app's own is a BoundedCache (Streamlit's and functools' caches are libraries)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "dashboard"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "caching.py" and "OrderedDict" in p.read_text(encoding="utf-8")]
    assert offenders == []
    assert isinstance(maps._built, BoundedCache) and isinstance(maps._styled, BoundedCache)
    assert isinstance(maps._standalone, BoundedCache)


# ---------------------------------------------------------------- maps through small caches

#: Names folium gives the elements it writes as script: a kind, then an id (32 hex digits, or the stable names
#: streamlit-folium gives them, ``div`` and ``feature_group_0_0``...).
_ELEMENT = re.compile(r"(?<![\w$\"'#.-])(?:map|geo_json|feature_group|tile_layer|tooltip|macro_element|element)_"
                      r"(?:[0-9a-f]{32}|div|feature_group_\d+(?:_\d+)*)\b")
_DECLARED = re.compile(r"\b(?:var|let|const|function)\s+([A-Za-z_$][\w$]*)")
#: Defined by streamlit-folium's component page before the scripts run.
_COMPONENT_GLOBALS = {"map_div"}


def undefined_elements(script: str, known: set[str] = frozenset()) -> list[str]:
    """Element variables that ``script`` uses but never declares (a name just inside quotes, such as the map's
    div id in ``L.map("map_...")``, is a string, not a variable)."""
    declared = set(_DECLARED.findall(script)) | set(known)
    return sorted(set(_ELEMENT.findall(script)) - declared)


def page_scripts(page: str) -> str:
    return "\n".join(re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL))


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries()


@pytest.fixture()
def small_caches(monkeypatch):
    """A real, documented setting: DASHBOARD_MAP_CACHE_SIZE (built and rendered maps per process)."""
    monkeypatch.setenv("DASHBOARD_MAP_CACHE_SIZE", "3")
    maps._built.clear(), maps._styled.clear(), maps._standalone.clear()
    assert maps.map_cache_size() == 3
    yield 3
    maps._built.clear(), maps._styled.clear(), maps._standalone.clear()


def _overview_map(boundaries, demo_dataset, day=date(2015, 4, 29)):
    styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, day)
    return maps.build_map(boundaries, styles, f"Coverage on {day}", legend, height=380)


def _cases_map(boundaries, demo_dataset, day):
    from dashboard.measures.filters import Filters
    from dashboard.measures.metrics import active_provinces, by_province

    per = by_province(demo_dataset.cases, Filters(end=day))
    covered = active_provinces(demo_dataset.coverage, day)
    styles, legend = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles")
    return maps.build_map(boundaries, styles, "Cases", legend, f"to {day}")


def test_the_checker_sees_a_layer_that_references_a_renamed_element():
    good = "var geo_json_" + "a" * 32 + " = L.geoJson(null);\ngeo_json_" + "a" * 32 + ".addTo(map_div);"
    assert undefined_elements(good, _COMPONENT_GLOBALS) == []
    bad = "var geo_json_feature_group_0_0 = L.geoJson(null);\ngeo_json_" + "b" * 32 + ".addTo(map_div);"
    assert undefined_elements(bad, _COMPONENT_GLOBALS) == ["geo_json_" + "b" * 32]
    assert undefined_elements('L.map("map_' + "c" * 32 + '", {});') == []  # a div id in a string is no variable


def test_more_distinct_maps_than_every_cache_holds_all_still_draw(boundaries, demo_dataset, small_caches):
    """The issue's path, scaled to a cache of 3: many distinct Cases maps, back to the Overview every few.

    Every map's component script and layer declare every element they use, and the Overview, rendered again
    after it left the caches, is rendered exactly as the first time.
    """
    first_overview = map_widget.render_map(_overview_map(boundaries, demo_dataset))
    assert undefined_elements(first_overview.script + first_overview.layer, _COMPONENT_GLOBALS) == []
    overview_renders = 1
    days = [date(2014, 6, 1) + timedelta(days=3 * i) for i in range(5 * small_caches)]
    for i, day in enumerate(days):
        rendered = map_widget.render_map(_cases_map(boundaries, demo_dataset, day))
        assert undefined_elements(rendered.script + rendered.layer, _COMPONENT_GLOBALS) == [], day
        if i % 2 == 1:  # the popular map: visited often enough to stay the most recently built
            before = map_widget.render_count
            overview = map_widget.render_map(_overview_map(boundaries, demo_dataset))
            overview_renders += map_widget.render_count - before
            assert undefined_elements(overview.script + overview.layer, _COMPONENT_GLOBALS) == []
            assert (overview.script, overview.layer, overview.header, overview.html) == (
                first_overview.script, first_overview.layer, first_overview.header, first_overview.html)
    assert len(maps._built) <= small_caches
    assert len({_cases_map(boundaries, demo_dataset, d).cpu_key for d in days}) > 2 * small_caches  # distinct maps
    assert overview_renders >= 1


def test_a_built_map_is_never_changed_by_rendering_it(boundaries, demo_dataset, small_caches):
    fmap = _overview_map(boundaries, demo_dataset)
    names = sorted(child.get_name() for child in fmap.cpu_layer._children.values())
    page_before = maps.payload_bytes(fmap)
    first = map_widget.render_map(fmap)
    maps.standalone_html(fmap)
    fmap.cpu_kept.values.clear()  # the old failure: the same shared map rendered a second time
    again = map_widget.render_map(fmap)
    assert again is not first and again == first
    assert undefined_elements(again.script + again.layer, _COMPONENT_GLOBALS) == []
    assert sorted(child.get_name() for child in fmap.cpu_layer._children.values()) == names
    assert fmap.get_name().startswith("map_") and fmap.get_name() != "map_div"
    assert maps.payload_bytes(fmap) == page_before


def test_standalone_downloads_through_a_full_cache_still_draw(boundaries, demo_dataset, small_caches):
    """The HTML download of the popular map, after the component rendering and more than 8 other downloads."""
    fmap = _overview_map(boundaries, demo_dataset)
    map_widget.render_map(fmap)
    for i in range(10):
        day = date(2014, 9, 1) + timedelta(days=5 * i)
        page = maps.standalone_html(_cases_map(boundaries, demo_dataset, day))
        assert undefined_elements(page_scripts(page)) == []
    again = _overview_map(boundaries, demo_dataset)
    page = maps.standalone_html(again)
    assert undefined_elements(page_scripts(page)) == []
    assert page.count("L.geoJson(") == 1


def test_the_map_cache_size_is_a_checked_setting(monkeypatch):
    from dashboard import settings
    from dashboard.errors import UserFacingError

    assert settings.current().map_cache_size == 64
    with pytest.raises(UserFacingError, match="DASHBOARD_MAP_CACHE_SIZE"):
        settings.load({"DASHBOARD_MAP_CACHE_SIZE": "0"})
    with pytest.raises(UserFacingError, match="whole number"):
        settings.load({"DASHBOARD_MAP_CACHE_SIZE": "many"})
