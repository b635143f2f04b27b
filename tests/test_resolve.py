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


@pytest.mark.parametrize("text", ["Bangkok", "Hanoi", "Ho Chi Minh", "Vientiane", "Thailand", "Kampong", "", "26", "KH-0", "Preah"])
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
