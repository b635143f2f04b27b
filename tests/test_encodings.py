"""Every accepted encoding, and XLSX with real date cells."""

from datetime import date, datetime

import openpyxl
import pytest

from dashboard.data.validation import validate_file

ROWS = [("K1", "2014-03-05", "សៀមរាប", "rape", "បាទ"), ("K2", "06/03/2014", "Kâmpóng Spœ", "homicide", "no")]
HEADER = ("case_id", "date_reported", "province", "offence", "arrest_made")


def _csv_text(sep=","):
    return "\r\n".join(sep.join(r) for r in [HEADER, *ROWS]) + "\r\n"


@pytest.mark.parametrize(("encoding", "sep"), [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-16", ",")])
def test_unicode_encodings(tmp_path, encoding, sep):
    p = tmp_path / "cases.csv"
    p.write_bytes(_csv_text(sep).encode(encoding))
    rep = validate_file(p)
    assert rep.ok, rep.to_text()
    assert list(rep.records.province_code) == ["17", "05"]
    assert list(rep.records.date_reported) == [date(2014, 3, 5), date(2014, 3, 6)]


def test_windows_1252(tmp_path):
    p = tmp_path / "cases.csv"
    text = ("case_id;date_reported;province;offence;arrest_made\n"
            "W1;05/03/2014;Kratié;rape;yes\nW2;2014-03-06;Siemréab;other;no\n")
    p.write_bytes(text.encode("cp1252"))
    rep = validate_file(p)
    assert rep.ok, rep.to_text()
    assert "windows-1252" in rep.how_read
    assert list(rep.records.province_code) == ["10", "17"]


def test_xlsx_with_date_cells_and_serials(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case ID", "Date", "Province/City", "Offense", "Arrest"])
    ws.append(["X1", datetime(2014, 3, 5), "Kampot", "rape", "yes"])
    ws.append(["X2", 41704, "KH-12", "murder", 0])  # 41704 = 2014-03-06 as an Excel serial
    ws.append(["X3", "07/03/2014", "ភ្នំពេញ", "trafficking", True])
    p = tmp_path / "cases.xlsx"
    wb.save(p)
    rep = validate_file(p)
    assert rep.ok, rep.to_text()
    assert list(rep.records.date_reported) == [date(2014, 3, 5), date(2014, 3, 6), date(2014, 3, 7)]
    assert list(rep.records.arrest_made) == [True, False, True]
    assert list(rep.records.offence) == ["child rape / sexual abuse", "homicide", "sexual exploitation / trafficking"]


def test_xlsx_problems_report_spreadsheet_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(HEADER))
    ws.append(["X1", datetime(2014, 3, 5), "Kampot", "rape", "yes"])
    ws.append(["X2", "not a date", "Kampot", "rape", "yes"])
    p = tmp_path / "cases.xlsx"
    wb.save(p)
    rep = validate_file(p)
    assert [(x.row, x.column) for x in rep.problems] == [(3, "date_reported")]
