"""Completeness: a province-month with a field missing in most records is flagged; full or unused fields are not."""

from dashboard.data.stages import STAGE_COLUMNS
from dashboard.measures.quality import completeness
from dashboard.measures.quality.findings import AMBER, RED
from tests.measures.quality.builders import PP, SR, build, record


def test_a_month_with_victim_age_missing_in_most_records_is_red_and_names_those_cases():
    rows = [record("2015-01-05", PP, age=None) for _ in range(4)] + [record("2015-01-06", PP) for _ in range(2)]
    rows += [record("2015-02-05", SR) for _ in range(6)]
    findings = completeness.check(build(rows).cases)
    assert [(f.severity, f.province_code, f.params["field"]) for f in findings] == [(RED, PP, "victim_age")]
    assert findings[0].case_ids == ("C-0", "C-1", "C-2", "C-3")
    assert findings[0].params["filled"] == 2 and findings[0].params["records"] == 6
    assert "2 of 6" in findings[0].explanation()


def test_amber_between_half_and_four_fifths_filled():
    rows = [record("2015-01-05", PP, sex=None) for _ in range(3)] + [record("2015-01-06", PP) for _ in range(5)]
    assert [f.severity for f in completeness.check(build(rows).cases)] == [AMBER]


def test_a_complete_file_has_no_findings():
    rows = [record("2015-01-05", PP, arrest="2015-01-09") for _ in range(6)] + [record("2015-01-07", PP)] * 3
    assert completeness.check(build(rows).cases) == []


def test_the_arrest_date_counts_only_for_cases_with_an_arrest():
    rows = [record("2015-01-05", PP) for _ in range(6)]  # no arrest, no arrest date: complete
    assert completeness.check(build(rows).cases) == []
    rows += [dict(record("2015-01-05", PP), arrest_made=True) for _ in range(6)]  # arrested, no date
    rows += [record("2015-02-05", PP, arrest="2015-02-07") for _ in range(6)]
    found = completeness.check(build(rows).cases)
    assert [(f.params["field"], f.params["records"]) for f in found] == [("arrest_date", 6)]


def test_a_field_the_dataset_never_records_is_a_note_not_a_finding_per_province():
    rows = [record("2015-01-05", PP, district=None) for _ in range(6)] + [record("2015-01-05", SR, district="")] * 6
    cases = build(rows).cases
    # the justice stages are columns of every dataset; a file without them has them "not recorded" too
    never = [name for name in completeness.not_recorded(cases) if name not in STAGE_COLUMNS]
    assert completeness.check(cases) == [] and never == ["district"]


def test_justice_stage_fields_are_checked_when_present():
    rows = [record("2015-01-05", PP, charged="yes", charge_date=None) for _ in range(5)]
    cases = build(rows).cases.assign(charged=["yes"] * 5, charge_date=[None, None, None, None, "2015-02-01"])
    fields = {f.params["field"]: f.severity for f in completeness.check(cases)}
    assert fields == {"charge_date": RED}
    assert completeness.check(cases.assign(charge_date="2015-02-01")) == []
