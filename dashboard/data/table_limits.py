"""How big a case or coverage table may be, checked with cheap bounded passes before any parser builds it.

The figures come from what the dashboard needs: a case file has 11 columns
(docs/data.md), and the app is measured with up to 1,000,000 cases
(benchmarks/). A few hundred columns or a few million cells is never a case
file; a file past these limits is refused with its own figure and the limit,
before pandas or openpyxl allocate anything for it.

* CSV: the header row's length and column count, and the number of data rows
  (``rows_allowed`` is passed to the parser as ``nrows``, so it never reads more).
* XLSX: every member's declared size (``zipfile`` never inflates a member
  past it), then the first sheet's XML is streamed once, counting the grid
  openpyxl would fill (the highest row times the highest column, whether the
  cells carry ``r`` attributes or not), stopping as soon as a limit is passed.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from dashboard.errors import DataFileError
from dashboard.i18n import _, fmt_int

#: Columns a table may have: the case file has 11; room for a spreadsheet's extra notes columns.
MAX_COLUMNS = 200
#: Data rows a table may have: the largest case load the dashboard is measured with.
MAX_ROWS = 1_000_000
#: Cells of a CSV table (rows x columns): 1,000,000 cases with 20 columns.
MAX_CSV_CELLS = 20_000_000
#: Cells of an XLSX sheet's grid: openpyxl builds each one, so this is far lower than for CSV.
MAX_XLSX_CELLS = 2_000_000
#: A header row longer than this is not a header (200 columns of 300 characters).
MAX_HEADER_CHARS = 60_000
#: Bytes an XLSX workbook may inflate to in all (sheet XML, shared strings, styles).
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
#: The small parts of a workbook (workbook.xml and its relations) are read only up to this size.
_MAX_SMALL_PART = 4 * 1024 * 1024
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _too_many(name: str, what: str, found: int, limit: int, hint: str) -> DataFileError:
    return DataFileError(
        _("'{name}' has {found} {what}; the dashboard reads at most {limit}.").format(
            name=name, found=fmt_int(found), what=what, limit=fmt_int(limit)), hint)


def _columns_hint() -> str:
    return _("Keep only the columns listed in docs/data.md (a case file needs 11) and upload again.")


def _rows_hint() -> str:
    return _("Split the file into several files of fewer rows and upload them one after the other.")


def check_csv(text: str, delimiter: str, name: str) -> int:
    """The number of data rows the parser may read; raise DataFileError for a header past the limits."""
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)]
    if len(first) > MAX_HEADER_CHARS:  # too long to be a header: say how many columns it would make
        columns = first.count(delimiter) + 1
        if columns > MAX_COLUMNS:
            raise _too_many(name, _("columns"), columns, MAX_COLUMNS, _columns_hint())
        raise DataFileError(
            _("The first row of '{name}' is longer than {limit} characters, so it is not a header row.").format(
                name=name, limit=fmt_int(MAX_HEADER_CHARS)), _columns_hint())
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    if len(header) > MAX_COLUMNS:
        raise _too_many(name, _("columns"), len(header), MAX_COLUMNS, _columns_hint())
    return min(MAX_ROWS, MAX_CSV_CELLS // max(1, len(header)))


def check_row_count(rows: int, allowed: int, name: str) -> None:
    """Raise when the parser stopped at ``allowed + 1`` rows: the file has more than allowed."""
    if rows > allowed:
        raise DataFileError(
            _("'{name}' has more than {limit} data rows (the limit for a file with this many columns).").format(
                name=name, limit=fmt_int(allowed)), _rows_hint())


def check_xlsx(data: bytes, name: str) -> None:
    """Raise DataFileError for a workbook that would inflate or grow past the limits (nothing is built)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl's own error names the problem
    declared = sum(i.file_size for i in infos)
    if declared > MAX_XLSX_UNCOMPRESSED or len(infos) > 10_000:
        mb = 1024 * 1024
        raise DataFileError(
            _("'{name}' unpacks to {size} MB; the dashboard reads workbooks up to {limit} MB.").format(
                name=name, size=fmt_int(declared // mb), limit=fmt_int(MAX_XLSX_UNCOMPRESSED // mb)),
            _("Save the sheet as CSV UTF-8 (or remove other sheets and images) and upload again."))
    sheet = _first_sheet(archive)
    if sheet is not None:
        _check_sheet_grid(archive, sheet, name)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The member name of the workbook's first sheet (the one pandas reads), or None if it cannot be found."""
    names = set(archive.namelist())
    try:
        workbook = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
        first = workbook.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
        rel_id = first.get(f"{_REL_NS}id") if first is not None else None
        for rel in rels.iter(f"{_RELS_NS}Relationship"):
            if rel.get("Id") == rel_id:
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                return path if path in names else None
    except (KeyError, ElementTree.ParseError, ValueError):
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def _small_xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    if archive.getinfo(member).file_size > _MAX_SMALL_PART:
        raise ValueError(member)
    return ElementTree.fromstring(archive.read(member))


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _check_sheet_grid(archive: zipfile.ZipFile, member: str, name: str) -> None:
    """Stream the sheet's XML once, as openpyxl numbers it, and refuse it as soon as its grid passes a limit.

    A row is numbered by its ``r`` attribute, else one after the previous row; a cell's column by its ``r``
    attribute, else one after the previous cell. pandas pads every row to the longest, so the grid is
    (highest row) x (highest column).
    """
    max_row = max_col = row = col = 0
    sheet_data = None
    with archive.open(member) as stream:
        try:
            for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
                tag = elem.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "row":
                        number = elem.get("r") or ""
                        row, col = (int(number) if number.isdigit() else row + 1), 0
                        max_row = max(max_row, row)
                        _check_grid(max_row, max_col, name)
                    elif tag == "sheetData":
                        sheet_data = elem
                    continue
                if tag == "c":
                    ref = _CELL_REF.match(elem.get("r") or "")
                    col = _column_number(ref[1]) if ref else col + 1
                    if col > max_col:
                        max_col = col
                        if max_col > MAX_COLUMNS:  # stop here: the rest of the row is not counted
                            raise DataFileError(
                                _("The first sheet of '{name}' has more than {limit} columns, the most the dashboard "
                                  "reads.").format(name=name, limit=fmt_int(MAX_COLUMNS)), _columns_hint())
                        _check_grid(max_row, max_col, name)
                elif tag == "row" and sheet_data is not None:
                    sheet_data.clear()  # keep memory flat: nothing of a finished row is needed
        except ElementTree.ParseError:
            return  # damaged XML: openpyxl's own error names the problem


def _check_grid(rows: int, columns: int, name: str) -> None:
    if rows * max(columns, 1) > MAX_XLSX_CELLS:
        raise DataFileError(
            _("The first sheet of '{name}' has more than {limit} cells (rows times columns, empty ones included); "
              "the dashboard reads at most {limit} from a workbook.").format(name=name, limit=fmt_int(MAX_XLSX_CELLS)),
            _("Save the sheet as CSV UTF-8, which is read up to {rows} rows, and upload that.").format(
                rows=fmt_int(MAX_ROWS)))
