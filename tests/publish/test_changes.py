"""The change report and the revisions, in data and in words (English and Khmer)."""

from __future__ import annotations

from dashboard.i18n import use_language
from dashboard.publish import changes


def cell(table, key, year, cases, arrests=None, band=None):
    return {"table": table, "key": key, "year": year, "cases": cases, "arrests": arrests, "band": band}


BEFORE = [cell("national_total", "all", 0, 347, 297), cell("province_year", "17", 2014, 34, 20),
          cell("province_year", "12", 2014, 12, None), cell("province_year", "01", 2014, None, None)]
AFTER = [cell("national_total", "all", 0, 360, 297), cell("province_year", "17", 2014, 36, 20),
         cell("province_year", "12", 2014, None, None), cell("province_year", "01", 2014, 14, None),
         cell("province_year", "17", 2015, 11, None), cell("province_year", "02", 2015, 0, 0)]


def test_every_kind_of_change_is_found_and_nothing_else():
    found = changes.compare(BEFORE, AFTER)
    assert [(c.kind, c.key, c.year, c.measure, c.before, c.after) for c in found] == [
        ("changed", "all", 0, "cases", 347, 360),
        ("shown", "01", 2014, "cases", None, 14),
        ("hidden", "12", 2014, "cases", 12, None),
        ("changed", "17", 2014, "cases", 34, 36),
        ("new", "17", 2015, "cases", None, 11),
    ]  # the new cell of zeros is not a line; unchanged arrests are not either
    assert changes.compare(None, AFTER) == []


def test_the_report_reads_in_english_and_khmer():
    report = changes.report(BEFORE, AFTER)
    with use_language("en"):
        lines = changes.report_lines(report)
    assert lines[0] == "Whole period: 347 → 360 cases, 297 → 297 arrests (arrest rate 86% → 82%)."
    assert "Siem Reap 2014: 34 → 36 cases" in lines
    assert "Phnom Penh 2014: cases now hidden (published as 12 before)" in lines
    assert "Siem Reap 2015: new, 11 cases" in lines
    with use_language("km"):
        km = changes.report_lines(report)
    assert "សៀមរាប 2014៖ ករណី 34 → 36" in km
    assert all(line != en for line, en in zip(km, lines))  # every line translated
    with use_language("en"):
        assert changes.report_lines(changes.report(None, AFTER))[1] == \
            "The first release: no earlier figures to compare with."
        assert changes.report_lines(changes.report(AFTER, AFTER))[1] == "No published figure changed."


def test_revisions_name_the_last_release_that_changed_a_published_count():
    third = [cell("national_total", "all", 0, 360, 297), cell("province_year", "17", 2014, 36, 21),
             cell("province_year", "12", 2014, 13, None), cell("province_year", "01", 2014, 14, None)]
    revised = changes.revisions([BEFORE, AFTER, third])
    # 17/2014 changed in 2 (cases) and 3 (arrests); 12/2014 was hidden in 2 and shown again, changed, in 3;
    # 01/2014 was first shown in 2 (not a revision)
    assert revised == {("national_total", "all", 0): 2, ("province_year", "17", 2014): 3,
                       ("province_year", "12", 2014): 3}
    with use_language("en"):
        assert changes.revision_text("province_year", "17", 2014, 3) == "Siem Reap 2014: revised in release 3"
