from dashboard.geo.gazetteer import load_gazetteer
from dashboard.geo.resolve import alias_index, normalise


def test_gazetteer_has_25_units_with_codes_01_to_25():
    gaz = load_gazetteer()
    assert list(gaz) == [f"{i:02d}" for i in range(1, 26)]
    assert {p.iso_3166_2 for p in gaz.values()} == {f"KH-{i}" for i in range(1, 26)}


def test_census_2008_sums_to_official_total():
    assert sum(p.pop_2008 for p in load_gazetteer().values()) == 13_395_682


def test_every_province_has_khmer_name_and_area():
    for p in load_gazetteer().values():
        assert p.name_km and any("\u1780" <= ch <= "\u17ff" for ch in p.name_km)
        assert p.area_km2 > 0
        assert p.pop_2019_status in {"final", "provisional", "unconfirmed", "not found"}
        assert (p.pop_2019 is None) == (p.pop_2019_status == "not found")


def test_no_alias_maps_to_two_provinces():
    index = alias_index()  # raises if any alias is ambiguous
    gaz = load_gazetteer()
    for code, p in gaz.items():
        for name in (p.name_en, p.name_km, *p.alt_names):
            assert index[normalise(name)] == code, name
