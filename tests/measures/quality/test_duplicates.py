"""Likely duplicates: same province, date, offence, age and sex under different ids; listed, never merged."""

from dashboard.measures.quality import duplicates
from tests.measures.quality.builders import PP, SR, build, record


def test_the_same_case_under_two_ids_is_listed():
    rows = [record("2014-05-02", PP, age=9), record("2014-05-02", PP, age=9), record("2014-05-02", SR, age=9)]
    data = build(rows)
    findings = duplicates.check(data.cases)
    assert [(f.province_code, f.case_ids) for f in findings] == [(PP, ("C-0", "C-1"))]
    assert len(data.cases) == 3  # nothing merged


def test_records_that_differ_in_age_sex_offence_or_date_are_not_duplicates():
    rows = [record("2014-05-02", PP, age=9), record("2014-05-02", PP, age=10), record("2014-05-02", PP, sex="M"),
            record("2014-05-02", PP, offence="homicide"), record("2014-05-03", PP)]
    assert duplicates.check(build(rows).cases) == []


def test_records_without_age_or_sex_are_not_matched_on_the_missing_value():
    rows = [record("2014-05-02", PP, age=None), record("2014-05-02", PP, age=None)]
    assert duplicates.check(build(rows).cases) == []
