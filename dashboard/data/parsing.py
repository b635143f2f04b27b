"""Reading tables (CSV in any common encoding, XLSX) and parsing cell values."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard import sandbox
from dashboard.data import table_codec, table_limits
from dashboard.errors import DataFileError
from dashboard.i18n import _, fmt_int
from dashboard.sandbox import Limits

_EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: A well-formed multi-byte UTF-8 sequence; plain Windows-1252 text practically never contains one.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

TRUE_WORDS = {"yes", "y", "true", "t", "1", "1.0", "បាទ", "ចាស", "មាន"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "0.0", "ទេ", "គ្មាន", "អត់"}


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16, or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if _UTF8_MULTIBYTE.search(data):  # real UTF-8 text with some Windows-1252 bytes: refuse, never guess
        line = data[:bad_at].count(b"\n") + 1
        raise DataFileError(
            _("Line {line} is not valid UTF-8, but other parts of the file are: it mixes two text encodings.")
            .format(line=line),
            _("Open it in a spreadsheet program and save it again as 'CSV UTF-8' (or as .xlsx), then upload again."))
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise DataFileError(_("The file is not text in UTF-8, UTF-16 or Windows-1252."),
                            _("Save it from Excel as 'CSV UTF-8' or as .xlsx and upload again.")) from None


def _sniff_delimiter(text: str) -> str:
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


#: What one table parse may use in its child process (dashboard/sandbox.py). A 1,000,000-row, 11-column case
#: CSV (118 MB), the largest the dashboard is measured with, took the child 4.9 s of CPU and 1.24 GB at its
#: peak; files past the table limits (dashboard/data/table_limits.py) are refused before parsing, and these
#: limits stop whatever slips through.
TABLE_LIMITS = Limits(cpu_seconds=120, memory_bytes=3 * 1024**3, wall_seconds=240)
#: Bytes a table file may have (the Data page's upload limit is 200 MB).
MAX_TABLE_BYTES = 200 * 1024 * 1024


def read_table(source: Path | str | bytes, filename: str | None = None) -> tuple[pd.DataFrame, str]:
    """A table of raw cells (strings, or Excel's own types) and a note on how it was read.

    Every value keeps its original text: nothing is coerced here, so
    validation can report the exact cell. The parse runs in a child process
    with CPU, memory and time limits (:mod:`dashboard.sandbox`), after the
    bounded checks of :mod:`dashboard.data.table_limits`; the Data page and
    the ``validate``/``ingest`` commands all come through here.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        try:
            size = path.stat().st_size
            if size > MAX_TABLE_BYTES:
                raise _too_large(filename, size)
            data = path.read_bytes()
        except OSError as exc:
            raise DataFileError(_("'{path}' could not be opened ({reason}).").format(path=path, reason=exc.strerror),
                                _("Check the path.")) from None
    else:
        data = source
    filename = filename or "upload"
    if len(data) > MAX_TABLE_BYTES:
        raise _too_large(filename, len(data))
    if not data.strip():
        raise DataFileError(_("'{name}' is empty.").format(name=filename),
                            _("Upload a file with a header row and at least one case."))
    body = sandbox.run("table", {"filename": filename}, data, TABLE_LIMITS, DataFileError, filename)
    return table_codec.decode(body)


def _too_large(name: str, size: int) -> DataFileError:
    mb = 1024 * 1024
    return DataFileError(_("'{name}' is {size} MB; the dashboard reads files up to {limit} MB.").format(
        name=name, size=fmt_int(size // mb), limit=fmt_int(MAX_TABLE_BYTES // mb)),
        _("Split the file into several smaller files and upload them one after the other."))


def parse_table(data: bytes, filename: str) -> tuple[pd.DataFrame, str]:
    """Parse a table's bytes in this process, within the table limits (run by the sandboxed child)."""
    name = filename.lower()
    if not data.strip():
        raise DataFileError(_("'{name}' is empty.").format(name=filename),
                            _("Upload a file with a header row and at least one case."))
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        table_limits.check_xlsx(data, filename)
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        except MemoryError:
            raise
        except Exception as exc:  # openpyxl raises many types for damaged workbooks
            raise DataFileError(_("'{name}' could not be read as an Excel workbook ({reason}).")
                                .format(name=filename, reason=type(exc).__name__),
                                _("Open it in Excel, save as .xlsx or CSV UTF-8, and upload again.")) from None
        how = _("xlsx (first sheet)")
    elif name.endswith(".xls"):
        raise DataFileError(_("'{name}' is an old Excel .xls file.").format(name=filename),
                            _("Save it as .xlsx or CSV UTF-8 and upload again."))
    else:
        text, encoding = decode_csv_bytes(data)
        del data
        delimiter = _sniff_delimiter(text)
        allowed = table_limits.check_csv(text, delimiter, filename)
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter,
                                skip_blank_lines=True, nrows=allowed + 1)
        except (pd.errors.ParserError, csv.Error) as exc:
            raise DataFileError(_("'{name}' is not a readable CSV table ({reason}).")
                                .format(name=filename, reason=str(exc).splitlines()[0][:200]),
                                _("Check that every row has the same number of columns.")) from None
        table_limits.check_row_count(len(frame), allowed, filename)
        how = _("csv ({encoding}, delimiter {delimiter})").format(encoding=encoding, delimiter=repr(delimiter))
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.dropna(how="all")
    return frame.reset_index(drop=True), how


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) \
        or (isinstance(value, str) and not value.strip()) or value is pd.NaT


def parse_date(value: object) -> date | None:
    """A date from ISO text, day-first D/M/Y text, an Excel serial or an Excel date cell.

    Returns None when the value cannot be read as a real date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = str(value).strip()
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    if _SERIAL.match(text):
        return _from_serial(float(text))
    return None


def _from_serial(serial: float) -> date | None:
    if not 20000 <= serial <= 80000:  # 1954..2119: anything else is not a plausible date cell
        return None
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def cell_text(value: object) -> str:
    """A raw cell as text, for messages and for text columns."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()
