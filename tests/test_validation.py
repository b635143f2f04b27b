"""Each validation rule, each with a failing file."""

from datetime import date

import pytest

from dashboard.cli import main
from dashboard.data.validation import ValidationOptions, validate_file

HEADER = "case_id,date_reported,province,offence,arrest_made,arrest_date\n"
GOOD = "C1,2014-03-05,Siem Reap,rape,yes,2014-03-09\n"
OPTS = ValidationOptions(today=date(2020, 1, 1))


def check(tmp_path, body, header=HEADER, name="f.csv"):
    p = tmp_path / name
    p.write_text(header + body, encoding="utf-8")
    return validate_file(p, options=OPTS)


def only_problem(report):
    assert not report.ok
    assert len(report.problems) == 1, report.to_text()
    return report.problems[0]


def test_good_file_is_valid_with_header_synonyms(tmp_path):
    rep = check(tmp_path, "C1,05/03/2014,Khett Siemréab,Murder,ចាស,\n",
                header="Case No,Date,Province/City,Offense,Arrested,Date of arrest\n")
    assert rep.ok, rep.to_text()
    rec = rep.records.iloc[0]
    assert rec.date_reported == date(2014, 3, 5)  # day first
    assert rec.province_code == "17" and rec.offence == "homicide" and rec.arrest_made


def test_unknown_province_with_suggestions(tmp_path):
    prob = only_problem(check(tmp_path, "C1,2014-03-05,Kampat,rape,no,\n"))
    assert (prob.row, prob.column, prob.value) == (2, "province", "Kampat")
    assert "Kampot" in prob.hint


def test_foreign_province_is_rejected(tmp_path):
    prob = only_problem(check(tmp_path, GOOD + "C2,2014-03-05,Bangkok,rape,no,\n"))
    assert (prob.row, prob.column) == (3, "province")


@pytest.mark.parametrize(("value", "fragment"), [("2014-13-01", "not a real date"), ("31/02/2014", "not a real date"),
                                                 ("yesterday", "not a real date"), ("2021-06-01", "in the future"),
                                                 ("2013-06-30", "before the programme began")])
def test_bad_dates(tmp_path, value, fragment):
    prob = only_problem(check(tmp_path, f"C1,{value},Kep,rape,no,\n"))
    assert prob.column == "date_reported" and fragment in prob.problem and prob.value == value


def test_earliest_date_is_configurable(tmp_path):
    p = tmp_path / "old.csv"
    p.write_text(HEADER + "C1,2012-01-01,Kep,rape,no,\n")
    assert not validate_file(p, options=OPTS).ok
    assert validate_file(p, options=ValidationOptions(earliest=date(2010, 1, 1), today=date(2020, 1, 1))).ok


def test_duplicate_case_id_names_first_row(tmp_path):
    prob = only_problem(check(tmp_path, GOOD + GOOD.replace("Siem Reap", "Kep")))
    assert (prob.row, prob.column) == (3, "case_id") and "row 2" in prob.problem


@pytest.mark.parametrize(("row", "column"), [(",2014-03-05,Kep,rape,no,", "case_id"),
                                             ("C1,,Kep,rape,no,", "date_reported"),
                                             ("C1,2014-03-05,,rape,no,", "province"),
                                             ("C1,2014-03-05,Kep,,no,", "offence"),
                                             ("C1,2014-03-05,Kep,rape,,", "arrest_made")])
def test_missing_required_field(tmp_path, row, column):
    prob = only_problem(check(tmp_path, row + "\n"))
    assert (prob.row, prob.column) == (2, column) and "missing" in prob.problem


def test_missing_required_column(tmp_path):
    rep = check(tmp_path, "C1,2014-03-05,Kep\n", header="case_id,date_reported,province\n")
    assert {p.column for p in rep.problems} == {"offence", "arrest_made"}
    assert all(p.row is None and "column is missing" in p.problem for p in rep.problems)


@pytest.mark.parametrize("value", ["maybe", "2", "oui"])
def test_bad_arrest_made(tmp_path, value):
    prob = only_problem(check(tmp_path, f"C1,2014-03-05,Kep,rape,{value},\n"))
    assert prob.column == "arrest_made" and prob.value == value


@pytest.mark.parametrize("value", ["yes", "No", "TRUE", "false", "1", "0", "បាទ", "ចាស", "ទេ"])
def test_accepted_arrest_values(tmp_path, value):
    assert check(tmp_path, f"C1,2014-03-05,Kep,rape,{value},\n").ok


def test_arrest_date_before_report(tmp_path):
    prob = only_problem(check(tmp_path, "C1,2014-03-05,Kep,rape,yes,2014-03-01\n"))
    assert (prob.column, prob.value) == ("arrest_date", "2014-03-01") and "before" in prob.problem


def test_unknown_offence_and_configurable_map(tmp_path):
    prob = only_problem(check(tmp_path, "C1,2014-03-05,Kep,indecent act,no,\n"))
    assert prob.column == "offence"
    mapping = tmp_path / "map.json"
    mapping.write_text('{"indecent act": "child rape / sexual abuse"}')
    p = tmp_path / "f.csv"
    assert main(["validate", str(p), "--offence-map", str(mapping)]) == 0


def test_bad_victim_fields(tmp_path):
    rep = check(tmp_path, "C1,2014-03-05,Kep,rape,no,,34,Q\n",
                header="case_id,date_reported,province,offence,arrest_made,arrest_date,victim_age,victim_sex\n")
    assert {p.column for p in rep.problems} == {"victim_age", "victim_sex"}


def test_formula_cells_are_kept_as_text(tmp_path):
    rep = check(tmp_path, "=HYPERLINK(1),2014-03-05,Kep,rape,no,\n")
    assert rep.ok and rep.records.iloc[0].case_id == "=HYPERLINK(1)"


def test_cli_validate_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD)
    assert main(["validate", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "C1,2014-03-05,Atlantis,rape,no,\n")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "row 2, column province: value 'Atlantis'" in out


def test_unreadable_file_gets_message_not_traceback(tmp_path, capsys):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "could not be read as an Excel workbook" in err and "Traceback" not in err


def test_coverage_validation(tmp_path):
    p = tmp_path / "cov.csv"
    p.write_text("province,start_date,end_date\nKep,2014-01-01,\nKep,2014-02-01,\nNowhere,2014-01-01,\nPursat,2014-05-01,2014-04-01\n")
    rep = validate_file(p, kind="coverage", options=OPTS)
    assert [(x.row, x.column) for x in rep.problems] == [(3, "province"), (4, "province"), (5, "end_date")]


def test_cases_outside_coverage_are_flagged_and_counted_not_rejected(tmp_path):
    import pandas as pd

    coverage = pd.DataFrame({"province_code": ["17", "12"], "start_date": [date(2014, 3, 1), date(2013, 7, 1)],
                             "end_date": [None, date(2014, 6, 30)]})
    body = ("C1,2014-02-28,Siem Reap,rape,no,\n"   # the day before Siem Reap's start
            "C2,2014-03-01,Siem Reap,rape,no,\n"   # its first day: fine
            "C3,2014-07-01,Phnom Penh,rape,no,\n"  # the day after Phnom Penh's end
            "C4,2014-05-01,Kandal,rape,no,\n"      # never covered
            "C5,2014-05-01,Phnom Penh,rape,no,\n")
    p = tmp_path / "f.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    report = validate_file(p, options=ValidationOptions(today=date(2020, 1, 1), coverage=coverage))
    assert report.ok and len(report.records) == 5
    assert report.outside_coverage == 3
    assert [(f.row, f.column) for f in report.flags] == [(2, "date_reported"), (4, "date_reported"),
                                                          (5, "date_reported")]
    assert "before the province's coverage start (2014-03-01)" in report.flags[0].problem
    assert "after the province's coverage ended (2014-06-30)" in report.flags[1].problem
    assert "never covered" in report.flags[2].problem
    assert "3 case(s) reported outside their province's coverage" in report.to_text()
    assert validate_file(p, options=OPTS).outside_coverage == 0  # no coverage table given: nothing to check


def test_cli_validate_with_a_coverage_file_counts_cases_outside_it(tmp_path, capsys):
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "C1,2014-02-28,Siem Reap,rape,no,\nC2,2014-03-02,Siem Reap,rape,no,\n", encoding="utf-8")
    cov = tmp_path / "coverage.csv"
    cov.write_text("province,start_date\nSiem Reap,2014-03-01\n", encoding="utf-8")
    assert main(["validate", str(cases), "--coverage", str(cov)]) == 0
    out = capsys.readouterr().out
    assert "1 case(s) reported outside their province's coverage" in out and "row 2" in out
    cov.write_text("province,start_date\nAtlantis,2014-03-01\n", encoding="utf-8")
    assert main(["validate", str(cases), "--coverage", str(cov)]) == 2
    assert "coverage file" in capsys.readouterr().err
