import pytest

from dashboard.cli import main
from dashboard.geo.resolve import resolve

VARIANTS = [
    ("Siem Reap", "17"), ("SIEM REAP", "17"), ("siem-reap", "17"), ("Siem  Reap.", "17"),
    ("Siemréab", "17"), ("Siemreap", "17"), ("Khett Siem Reap", "17"), ("Siem Reap Province", "17"),
    ("Kâmpóng Spœ", "05"), ("Kampong Speu", "05"), ("Kompong Speu", "05"),
    ("Batdâmbâng", "02"), ("Battambang", "02"), ("Bătdâmbâng", "02"),
    ("Phnom Penh", "12"), ("Phnom Penh Capital", "12"), ("Phnom Penh Municipality", "12"), ("Phnum Pénh", "12"),
    ("ភ្នំពេញ", "12"), ("រាជធានីភ្នំពេញ", "12"), ("ខេត្តសៀមរាប", "17"), ("សៀម\u200bរាប", "17"),
    ("ខេត្ត សៀមរាប", "17"), ("ក្រុងកែប", "23"), ("ត្បូងឃ្មុំ", "25"),
    ("KH-17", "17"), ("kh-7", "07"), ("17", "17"), ("07", "07"), ("7", "07"), ("25", "25"),
    ("Kampong Som", "18"), ("Kompong Som", "18"), ("Sihanoukville", "18"), ("Krong Preah Sihanouk", "18"),
    ("Tbong Khmum", "25"), ("Tboung Khmum", "25"), ("Pouthisat", "15"), ("Krâchéh", "10"), ("Kratié", "10"),
    ("Môndól Kiri", "11"), ("Mondulkiri", "11"), ("Rôtânôkiri", "16"), ("Ratanak Kiri", "16"),
    ("Otdar Mean Chey", "22"), ("Oddar Meanchey", "22"), ("Krong Pailin", "24"), ("Krong Kep", "23"),
    ("Kaôh Kong", "09"), ("Stœng Trêng", "19"), ("Takêv", "21"), ("Banteay-Mean-Chey", "01"),
]


@pytest.mark.parametrize(("text", "code"), VARIANTS)
def test_spelling_variants_resolve(text, code):
    assert resolve(text).code == code


@pytest.mark.parametrize(("text", "code"), [("Siem Reep", "17"), ("Battambong", "02"), ("Rattanakiri", "16"),
                                             ("Oddor Meanchey", "22"), ("Kampong Chhnnang", "04")])
def test_small_typos_resolve_fuzzily(text, code):
    res = resolve(text)
    assert res.code == code and res.method == "fuzzy"


@pytest.mark.parametrize("text", ["Bangkok", "Hanoi", "Ho Chi Minh", "Vientiane", "Thailand", "Kampong", "", "26",
                                  "KH-0", "Preah"])
def test_foreign_or_ambiguous_names_stay_unresolved(text):
    assert resolve(text).code is None


def test_unresolved_comes_with_suggestions():
    res = resolve("Kampat")
    assert res.code is None
    assert res.suggestions[0].name == "Kampot"


def test_cli_resolve_prints_codes_and_exits_1_on_unknown(capsys):
    assert main(["provinces", "resolve", "Siem Reap", "KH-2"]) == 0
    assert capsys.readouterr().out.splitlines() == ["17\tSiem Reap", "02\tBattambang"]
    assert main(["provinces", "resolve", "Kampat", "Pursat"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("?\tKampat\tKampot")
    assert lines[1] == "15\tPursat"


# ---------------------------------------------------------------- issue 20 item 8


@pytest.mark.parametrize(("text", "code"), [
    ("កណ្តាល", "08"), ("ខេត្តកណ្តាល", "08"), ("ឧត្តរមានជ័យ", "22"),  # coeng TA where the gazetteer has coeng DA
    ("កណ្ដាល", "08"), ("ខេត្ដកណ្ដាល", "08"),  # and coeng DA where a prefix has coeng TA
])
def test_khmer_look_alike_coengs_resolve_both_ways(text, code):
    res = resolve(text)
    assert (res.code, res.method) == (code, "exact")


def test_khmer_look_alike_folding_is_in_the_normalisation_not_per_name():
    from dashboard.geo.resolve import normalise

    assert normalise("ក\u17d2\u178fា") == normalise("ក\u17d2\u178aា")
    assert normalise("\u17a3ក") == normalise("\u17a2ក") and normalise("ក\u17b4") == normalise("ក")


@pytest.mark.parametrize(("text", "code"), [
    ("Kg. Cham", "03"), ("Kg Thom", "06"), ("KG. SPEU", "05"), ("Kg.Chhnang", "04"), ("Kg Som", "18"),
    ("PP", "12"), ("pp", "12"), ("PNH", "12"), ("Btb", "02"), ("BTB", "02"),
])
def test_usual_abbreviations_resolve(text, code):
    res = resolve(text)
    assert (res.code, res.method) == (code, "exact")


@pytest.mark.parametrize("text", ["PPP", "P", "Bt", "Btbx", "Kg", "Kg.", "Kg Chom", "Kg Chnag Som", "PP Siem", "BB"])
def test_near_misses_of_abbreviations_are_not_matched(text):
    assert resolve(text).code is None


def test_every_alias_row_names_its_source():
    from dashboard.geo.gazetteer import load_aliases

    assert all(a.source for a in load_aliases())


@pytest.mark.parametrize("text", ["Kampong Chom", "Kampong", "Kg Chom"])
def test_kampong_suggestions_are_kampong_provinces_not_a_former_name(text):
    res = resolve(text)
    assert res.code is None and res.suggestions
    assert all(s.name.startswith("Kampong") for s in res.suggestions), res.suggestions


def test_a_suggestion_from_a_former_name_shows_the_canonical_name_and_the_spelling():
    res = resolve("Kompong Sam")
    assert res.code is None
    assert (res.suggestions[0].name, res.suggestions[0].matched) == ("Preah Sihanouk", "Kompong Saom")
