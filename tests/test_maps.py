"""Maps render offline, stay small, and classify values into distinct states."""

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.geo.boundaries import join_boundaries, load_boundaries
from dashboard.measures.metrics import active_provinces, by_province
from dashboard.render import leaflet_assets, maps
from dashboard.render.colours import STATE_COLOURS, classify


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries()


def _maps(boundaries, demo_dataset):
    cov_styles, cov_legend = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2014, 6, 1))
    per = by_province(demo_dataset.cases)
    covered = active_provinces(demo_dataset.coverage, date(2015, 4, 30))
    case_styles, case_legend = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles")
    return [maps.build_map(boundaries, cov_styles, "Coverage", cov_legend, boundaries.vintage_note()),
            maps.build_map(boundaries, case_styles, "Cases", case_legend)]


def test_map_html_has_no_internet_urls_and_loads_local_leaflet(boundaries, demo_dataset):
    for fmap in _maps(boundaries, demo_dataset):
        page = fmap.get_root().render()
        assert not re.findall(r"https?://", page), re.findall(r"https?://[^\"' ]+", page)[:5]
        assert leaflet_assets.js_url() in page and leaflet_assets.css_url() in page


def test_a_base_path_prefixes_the_maps_leaflet_and_font(boundaries, demo_dataset, monkeypatch):
    """Behind https://host/dash/ (server.baseUrlPath), Streamlit serves static files at /dash/app/static/."""
    from dashboard.render import served

    monkeypatch.setitem(served._state, "root", "")
    plain = _maps(boundaries, demo_dataset)[0]
    served.set_base_path("/dash/")
    assert served.static_url("vendor/x.js") == "/dash/app/static/vendor/x.js"
    prefixed = _maps(boundaries, demo_dataset)[0]
    assert prefixed is not plain  # the prefix is part of the map's cache key
    page = prefixed.get_root().render()
    assert 'src="/dash/app/static/vendor/leaflet/leaflet.js"' in page
    assert "url('/dash/app/static/vendor/fonts/NotoSansKhmer.ttf')" in page
    assert '"/app/static/' not in page and "'/app/static/" not in page
    standalone = maps.standalone_html(prefixed)
    assert "/app/static/" not in standalone and "Leaflet 1.9.4" in standalone  # inlined, whatever the prefix
    served.set_base_path("")
    assert served.static_url("vendor/x.js") == "/app/static/vendor/x.js"


def test_map_payload_is_small(boundaries, demo_dataset):
    for fmap in _maps(boundaries, demo_dataset):
        assert maps.payload_bytes(fmap) <= 150_000


def test_standalone_html_inlines_leaflet(boundaries, demo_dataset):
    page = maps.standalone_html(_maps(boundaries, demo_dataset)[0])
    assert leaflet_assets.js_url() not in page, page[page.find(leaflet_assets.js_url()) - 200:][:300]
    assert "Leaflet 1.9.4" in page and ".leaflet-container" in page


def test_leaflet_is_copied_from_installed_package(tmp_path):
    target = leaflet_assets.ensure_installed(tmp_path / "leaflet")
    assert (target / "leaflet.js").stat().st_size > 100_000 and (target / "leaflet.css").exists()
    assert "1.9.4" in (target / "leaflet.js").read_text()[:300]


def test_one_feature_per_unit_with_names_and_codes(boundaries):
    data = maps.unit_geojson(boundaries)
    assert len(data["features"]) == 25
    props = data["features"][0]["properties"]
    assert set(props) >= {"code", "name_en", "name_km"}


def test_map_credits_the_boundaries_in_leaflets_attribution_control(boundaries, demo_dataset):
    for fmap in _maps(boundaries, demo_dataset):
        page = fmap.get_root().render()
        assert '"attribution": "\\u00a9 OpenStreetMap contributors, ODbL 1.0; geoBoundaries"' in page


def test_coverage_states_on_25_units(boundaries, demo_dataset):
    styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2015, 4, 1))
    assert styles["12"].status == "covered" and "since 2013-07-01" in styles["12"].detail
    assert styles["16"].status == "not covered" and styles["16"].dashed
    assert styles["25"].status == "covered" and styles["25"].detail == "since 2015-03-01"
    assert "Tboung Khmum" not in styles["03"].detail
    early, _ = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2013, 8, 1))
    assert early["02"].status == "not yet covered" and "from 2013-10-01" in early["02"].detail


def test_coverage_on_the_24_unit_vintage_puts_tboung_khmum_in_kampong_cham(demo_dataset):
    from dashboard.geo.boundaries import shipped_layer

    styles, _ = maps.coverage_styles(shipped_layer("naturalearth"), demo_dataset.coverage, date(2015, 4, 1))
    assert "25" not in styles and "Tboung Khmum: since 2015-03-01" in styles["03"].detail


def test_choropleth_distinguishes_no_cases_not_covered_and_no_data(boundaries, demo_dataset):
    per = by_province(demo_dataset.cases, census="2019")
    covered = active_provinces(demo_dataset.coverage, date(2015, 4, 30))
    styles, legend = maps.choropleth_styles(boundaries, per, covered, "rate", "natural breaks")
    assert styles["18"].status == "no data"  # Preah Sihanouk has no 2019 census figure
    assert styles["16"].status == "not covered"
    statuses = {s.status for s in styles.values()}
    colours = {s.fill for s in styles.values() if s.status in STATE_COLOURS}
    assert {"no data", "not covered"} <= statuses and len(colours) == len({s for s in statuses if s in STATE_COLOURS})
    assert {label for _, label in legend} >= {"no data", "not covered"}


def test_choropleth_on_25_units_draws_tboung_khmum(boundaries, demo_dataset):
    per = by_province(demo_dataset.cases)
    styles, _ = maps.choropleth_styles(boundaries, per, active_provinces(demo_dataset.coverage, date(2015, 4, 30)),
                                       "count", "equal intervals")
    assert "25" in styles and len(styles) == 25


def test_choropleth_on_24_units_adds_tboung_khmum_to_kampong_cham(demo_dataset):
    from dashboard.geo.boundaries import shipped_layer

    per = by_province(demo_dataset.cases).set_index("province_code")
    styles, _ = maps.choropleth_styles(shipped_layer("naturalearth"), per.reset_index(),
                                       active_provinces(demo_dataset.coverage, date(2015, 4, 30)), "count", "quantiles")
    assert len(styles) == 24 and "25" not in styles
    both = int(per.loc["03", "cases"] + per.loc["25", "cases"])
    assert styles["03"].detail == f"{both:,} case{'s' if both != 1 else ''}"


@pytest.mark.parametrize("scheme", ["quantiles", "natural breaks", "equal intervals"])
def test_classify_schemes(scheme):
    values = pd.Series([0, 1, 5, 9, 20, np.nan, 3, 100], index=list("abcdefgh"), dtype=float)
    covered = pd.Series(True, index=values.index)
    covered["h"] = False
    result = classify(values, covered, scheme, k=4)
    assert result.labels["a"] == "no cases" and result.labels["f"] == "no data" and result.labels["h"] == "not covered"
    classes = [label for _, label in result.legend if label not in STATE_COLOURS]
    assert 2 <= len(classes) <= 4
    order = [c for c, _ in result.legend]
    assert result.colours["e"] == order[len(classes) - 1]  # the largest value gets the darkest class


def test_classify_rejects_unknown_scheme():
    with pytest.raises(ValueError):
        classify(pd.Series([1.0]), pd.Series([True]), "random")


def test_cases_without_polygon_are_reported(default_gdf, demo_dataset):
    partial = join_boundaries(default_gdf[default_gdf["code"] != "12"], "no-phnom-penh")
    per = by_province(demo_dataset.cases)
    missing = dict(maps.cases_without_polygon(partial, per))
    assert missing == {"Phnom Penh": int(per.set_index("province_code").loc["12", "cases"])}
    assert maps.cases_without_polygon(load_boundaries(), per) == []

    from dashboard.geo.boundaries import shipped_layer

    assert maps.cases_without_polygon(shipped_layer("naturalearth"), per) == []  # Tboung Khmum goes into Kampong Cham


def test_map_click_toggles_province():
    from dashboard.render.maps import clicked_code, toggle

    state = {"last_active_drawing": {"type": "Feature", "properties": {"code": "17", "name_en": "Siem Reap"}}}
    assert clicked_code(state) == "17"
    assert clicked_code({"last_active_drawing": None}) is None and clicked_code(None) is None
    # the value comes from the browser: a forged or malformed one is no click, never an error
    for forged in (["x"], {"last_active_drawing": "x"}, {"last_active_drawing": {"properties": ["17"]}},
                   {"last_active_drawing": {"properties": {"code": "99"}}},
                   {"last_active_drawing": {"properties": {"code": 17}}}):
        assert clicked_code(forged) is None, forged
    assert toggle(["Kep"], "Siem Reap") == ["Kep", "Siem Reap"]
    assert toggle(["Kep", "Siem Reap"], "Siem Reap") == ["Kep"]


def test_an_uploaded_layers_credit_is_escaped_in_the_map(demo_dataset):
    from dashboard.geo.boundaries import Boundaries

    b = load_boundaries()
    evil = Boundaries(b.gdf, b.report, {"attribution": '<img src=x onerror="alert(1)">'})
    page = maps.build_map(evil, {}, "Cases", []).get_root().render()
    assert "<img src=x" not in page  # Leaflet sets the credit as HTML: it must arrive escaped
    assert "\\u0026lt;img src=x onerror=\\u0026quot;" in page
