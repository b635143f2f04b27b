"""Attacks on the cost of parsing uploads (issue 21 item 7): small files that took minutes of CPU or gigabytes.

Each hostile file is built in tmp. The tests assert a clear refusal (what limit, the file's figure, what to
do) and that the parse ran in a child process whose resources were limited: the limits themselves are
checked, never the time a parse took.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from dashboard import sandbox
from dashboard.data import parsing, table_limits
from dashboard.data.validation import validate_file
from dashboard.errors import BoundaryFileError, DataFileError
from dashboard.geo import boundary_files as boundaries

HEADER = "case_id,date_reported,province,district,offence,victim_age,arrest_made\n"
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                  'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _xlsx(path: Path, rows) -> Path:
    """A minimal workbook whose first sheet's <sheetData> is the concatenation of ``rows`` (XML strings)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _inline(text: str, ref: str = "") -> str:
    attribute = f' r="{ref}"' if ref else ""
    return f'<c{attribute} t="inlineStr"><is><t>{text}</t></is></c>'


def _refused(path: Path, *fragments: str) -> str:
    with pytest.raises(DataFileError) as info:
        validate_file(path)
    message = info.value.message
    assert "What to do:" in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_a_good_workbook_is_still_read_in_the_child(tmp_path):
    cells = HEADER.strip().split(",")
    head = "<row>" + "".join(_inline(c) for c in cells) + "</row>"
    row = "<row>" + "".join(_inline(v) for v in ["A1", "2014-01-02", "Kep", "", "rape", "10", "no"]) + "</row>"
    report = validate_file(_xlsx(tmp_path / "good.xlsx", [head, row]))
    assert report.ok and report.rows == 1 and report.how_read == "xlsx (first sheet)"


def test_an_xlsx_of_cells_without_references_is_refused_before_openpyxl(tmp_path):
    """The attack: 40,000,000 cells without 'r' attributes in a 2 MB workbook ran past a 240 s CPU cap."""
    row = "<row>" + "<c/>" * 10 + "</row>"
    path = _xlsx(tmp_path / "cells.xlsx", (row for _ in range(4_000_000)))
    assert path.stat().st_size < 3 * 1024 * 1024
    _refused(path, "cells", "2,000,000", "CSV UTF-8")


def test_an_xlsx_with_16384_columns_is_refused(tmp_path):
    """The attack: a 1 MB workbook whose rows run to column XFD (16,384 columns)."""
    row = "<row>" + "<c/>" * 16_383 + _inline("x", "XFD{n}") + "</row>"
    path = _xlsx(tmp_path / "wide.xlsx", (row.format(n=n) for n in range(1, 40)))
    _refused(path, "more than 200 columns")


def test_a_sheet_reference_far_down_is_counted_as_the_grid_pandas_would_build(tmp_path):
    rows = ["<row r=\"1\">" + _inline("case_id") + "</row>", f"<row r=\"1048576\">{_inline('x', 'K1048576')}</row>"]
    _refused(_xlsx(tmp_path / "far.xlsx", rows), "2,000,000")


def test_a_csv_with_a_million_columns_is_refused_with_a_short_message(tmp_path):
    """The attack: 9 MB, 1,000,000 columns: 3.8 GB and an 8.9 MB 'Ignored columns' message."""
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1," * 999_999 + "1\n")
    message = _refused(path, "1,000,000 columns", "at most 200")
    assert len(message) < 500


def test_a_csv_with_too_many_rows_is_refused_after_reading_no_more_than_the_limit():
    """The parser is given nrows = the limit + 1, so it never reads a row more than it needs to refuse the file."""
    text = HEADER + "A1,2014-01-02,Kep,,rape,10,no\n"
    assert table_limits.check_csv(text, ",", "cases.csv") == table_limits.MAX_ROWS
    wide = ",".join(f"c{i}" for i in range(200)) + "\n"
    assert table_limits.check_csv(wide, ",", "wide.csv") == table_limits.MAX_CSV_CELLS // 200
    with pytest.raises(DataFileError, match="more than 100,000 data rows"):
        table_limits.check_row_count(100_001, 100_000, "wide.csv")


def test_ignored_columns_are_listed_briefly(tmp_path):
    extra = [f"note_{i}_" + "x" * 250 for i in range(150)]
    path = tmp_path / "notes.csv"
    path.write_text(HEADER.strip() + "," + ",".join(extra) + "\nA1,2014-01-02,Kep,,rape,10,no" + ",n" * 150 + "\n")
    report = validate_file(path)
    assert report.ok and len(report.ignored_columns) == 150
    text = report.ignored_columns_text()
    assert len(text) < 2_000 and "and 140 more" in text
    assert len(report.to_text()) < 3_000


def _big_csv(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        fh.write(HEADER)
        for i in range(rows):
            fh.write(f"CASE-{i:08d},2014-01-02,Kampong Cham,District {i % 97},sexual abuse,{i % 17},no\n")
    return path


def test_the_parse_runs_in_a_child_that_sets_its_own_cpu_and_memory_limits():
    limits = sandbox.Limits(cpu_seconds=7, memory_bytes=1024**3, wall_seconds=60)
    body = sandbox.run("limits", {}, b"", limits, DataFileError, "probe")
    assert json.loads(body) == {"cpu": [7, 8], "memory": [1024**3, 1024**3]}
    production = parsing.TABLE_LIMITS
    assert production.memory_bytes <= 3 * 1024**3 and production.cpu_seconds <= 120


def test_a_parse_past_its_memory_limit_is_refused_naming_the_limit(tmp_path, monkeypatch):
    """A valid file inside the table limits, parsed under a memory limit too small for it: refused, not swapped."""
    path = _big_csv(tmp_path, 400_000)
    monkeypatch.setattr(parsing, "TABLE_LIMITS", sandbox.Limits(cpu_seconds=60, memory_bytes=700 * 1024**2,
                                                                wall_seconds=120))
    message = _refused(path, "700 MB of memory")
    assert "big.csv" in message
    # no ru_maxrss check here: Linux counts the parent's resident memory at fork (before exec) in the child's
    # peak, so a large test process makes that figure meaningless; the refusal above is the limit at work


def test_a_parse_past_its_cpu_limit_is_refused_naming_the_limit(tmp_path, monkeypatch):
    path = _big_csv(tmp_path, 400_000)
    monkeypatch.setattr(parsing, "TABLE_LIMITS", sandbox.Limits(cpu_seconds=1, memory_bytes=3 * 1024**3,
                                                                wall_seconds=120))
    _refused(path, "1 seconds of processor time")
    assert sandbox.last_usage["table"].cpu_seconds < 3  # stopped at the limit (SIGXCPU, then SIGKILL at +1 s)


def test_a_boundary_zip_that_inflates_to_hundreds_of_megabytes_is_refused(tmp_path):
    """The attack: a 1.4 MB zip whose GeoJSON member inflates to 360 MB (under the old 512 MB cap) took 2.3 GB."""
    zpath = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("layer.geojson", "w", force_zip64=True) as member:
            member.write(b'{"type": "FeatureCollection", "features": [')
            for _ in range(360):
                member.write(b" " * (1024 * 1024))
            member.write(b"]}")
    assert zpath.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(BoundaryFileError) as info:
        boundaries.read_uploaded_boundary_file(zpath)
    assert "unpacks to more than 64 MB" in info.value.message


def test_an_uploaded_boundary_file_is_read_in_the_child(default_gdf, tmp_path):
    path = tmp_path / "adm1.geojson"
    default_gdf.to_file(path, driver="GeoJSON")
    gdf = boundaries.read_uploaded_boundary_file(path)
    assert len(gdf) == 25 and gdf.crs.to_epsg() == 4326
    assert sandbox.last_usage["boundary"].max_rss_bytes < boundaries.BOUNDARY_LIMITS.memory_bytes


def test_the_child_gets_no_proxy_exceptions_and_no_unrelated_environment(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("SOME_HUGE_VARIABLE", "x" * 200_000)  # e.g. pytest's own PYTEST_CURRENT_TEST
    env = sandbox._child_env()
    assert "NO_PROXY" not in env and "no_proxy" not in env and "SOME_HUGE_VARIABLE" not in env
    assert json.loads(sandbox.run("limits", {}, b"", parsing.TABLE_LIMITS, DataFileError, "probe"))["cpu"][0] == 120
