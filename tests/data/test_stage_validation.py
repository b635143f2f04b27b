"""The stage columns: each value check and each consistency rule, with the row and column named."""

from datetime import date

import pandas as pd
import pytest

from dashboard.data.validation import ValidationOptions, validate_cases, validate_file

OPTS = ValidationOptions(today=date(2020, 1, 1))
BASE = {"case_id": "C1", "date_reported": "2014-03-05", "province": "Siem Reap", "offence": "rape",
        "arrest_made": "yes", "arrest_date": "2014-03-09"}


def check(*rows: dict):
    """Validate rows (each BASE with changes; case ids numbered) as a table of strings."""
    frame = pd.DataFrame([{**BASE, "case_id": f"C{i}", **row} for i, row in enumerate(rows, 1)]).fillna("")
    return validate_cases(frame, "f.csv", "test", OPTS)


def only_problem(report):
    assert not report.ok
    assert len(report.problems) == 1, report.to_text()
    return report.problems[0]


def test_a_full_valid_record_keeps_every_stage():
    report = check({"charged": "yes", "charge_date": "2014-03-10", "court_outcome": "Convicted",
                    "outcome_date": "2014-09-01", "sentence_years": "12"},
                   {"charged": "no"}, {"charged": "", "court_outcome": ""})
    assert report.ok, report.to_text()
    first = report.records.iloc[0]
    assert (first.charged, first.charge_date, first.court_outcome, first.outcome_date, first.sentence_years) == \
        ("yes", date(2014, 3, 10), "convicted", date(2014, 9, 1), 12.0)
    assert report.records.iloc[1].charged == "no"
    assert report.records.iloc[2].charged is None and report.records.iloc[2].court_outcome is None  # not recorded


def test_a_file_without_stage_columns_has_no_stage_records():
    report = check({})
    assert report.ok
    assert not {"charged", "charge_date", "court_outcome", "outcome_date", "sentence_years"} & set(report.records)


def test_khmer_and_english_header_synonyms(tmp_path):
    path = tmp_path / "stages.csv"
    path.write_text("case_id,date_reported,province,offence,arrest_made,arrest_date,ចោទប្រកាន់,Date charged,"
                    "Verdict,ថ្ងៃសាលក្រម,Sentence\n"
                    "C1,2014-03-05,Siem Reap,rape,yes,2014-03-09,បាទ,2014-03-12,guilty,2014-10-01,8\n",
                    encoding="utf-8")
    report = validate_file(path, options=OPTS)
    assert report.ok, report.to_text()
    assert report.header_map["ចោទប្រកាន់"] == "charged" and report.header_map["Verdict"] == "court_outcome"
    assert report.records.iloc[0].court_outcome == "convicted" and report.records.iloc[0].sentence_years == 8.0


@pytest.mark.parametrize("row, column, value, words", [
    ({"charged": "maybe"}, "charged", "maybe", "not yes, no or unknown"),
    ({"charged": "yes", "court_outcome": "won"}, "court_outcome", "won", "not recognised"),
    ({"charged": "yes", "court_outcome": "convicted", "sentence_years": "ten"}, "sentence_years", "ten", "number"),
    ({"charged": "yes", "charge_date": "31/02/2014"}, "charge_date", "31/02/2014", "not a real date"),
])
def test_bad_values_are_named(row, column, value, words):
    problem = only_problem(check(row))
    assert (problem.row, problem.column, problem.value) == (2, column, value)
    assert words in problem.problem and problem.hint


@pytest.mark.parametrize("row, column, words", [
    # no charge without an arrest
    ({"arrest_made": "no", "arrest_date": "", "charged": "yes"}, "charged", "arrest_made is no"),
    # no outcome without a charge
    ({"charged": "no", "court_outcome": "acquitted"}, "court_outcome", "charged is not yes"),
    ({"court_outcome": "pending"}, "court_outcome", "charged is not yes"),
    ({"charged": "no", "charge_date": "2014-03-10"}, "charge_date", "charged is not yes"),
    # report <= arrest <= charge <= outcome
    ({"charged": "yes", "charge_date": "2014-03-08"}, "charge_date", "before the arrest date"),
    ({"arrest_date": "", "charged": "yes", "charge_date": "2014-03-01"}, "charge_date", "before the date the case"),
    ({"charged": "yes", "charge_date": "2014-03-10", "court_outcome": "convicted", "outcome_date": "2014-03-09"},
     "outcome_date", "before the charge"),
    # no outcome date on a pending case (nor without an outcome)
    ({"charged": "yes", "court_outcome": "pending", "outcome_date": "2014-06-01"}, "outcome_date", "pending case"),
    ({"charged": "yes", "court_outcome": "unknown", "outcome_date": "2014-06-01"}, "outcome_date", "blank or unknown"),
    # a sentence only with a conviction
    ({"charged": "yes", "court_outcome": "acquitted", "sentence_years": "3"}, "sentence_years", "not convicted"),
])
def test_each_consistency_rule_is_an_error_naming_row_and_column(row, column, words):
    report = check({}, row)  # the second data row: spreadsheet row 3
    problem = only_problem(report)
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.problem, problem.problem
    assert problem.hint
    assert report.records is None  # nothing is kept for writing
    assert f"row 3, column {column}" in problem.to_text()
