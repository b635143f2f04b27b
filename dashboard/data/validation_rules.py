"""The rules every cell check shares: the problem and report records, and the helpers that find and list
the problems of one column (parse each distinct value once; quote the cell; check a date column).

Used by :mod:`dashboard.data.validation` and :mod:`dashboard.data.stage_validation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dashboard.data.parsing import cell_text, is_blank, parse_date
from dashboard.data.schema import PROGRAMME_START, load_offence_map
from dashboard.i18n import N_, _, fmt_int

FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
#: Control characters (C0, DEL, C1): never part of an id or a place name; NUL breaks PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row; None for the whole file
    column: str
    value: str
    problem: str
    hint: str

    def to_text(self) -> str:
        where = _("row {row}").format(row=self.row) if self.row else _("file")
        value = " " + _("value {value}").format(value=repr(self.value)) if self.value else ""
        return _("{where}, column {column}:{value} {problem} Fix: {hint}").format(
            where=where, column=self.column, value=value, problem=self.problem, hint=self.hint)


@dataclass
class ValidationOptions:
    earliest: date = PROGRAMME_START
    today: date = field(default_factory=date.today)
    offence_map: dict[str, str] = field(default_factory=load_offence_map)
    #: The coverage table (province_code, start_date, end_date); when given, cases reported outside
    #: their province's coverage are flagged (not rejected).
    coverage: pd.DataFrame | None = None


@dataclass
class ValidationReport:
    kind: str  # "cases" or "coverage"
    filename: str
    how_read: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    header_map: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    records: pd.DataFrame | None = None
    #: Data problems that do not stop the file: cases reported outside their province's coverage.
    flags: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def outside_coverage(self) -> int:
        """Cases reported before their province's coverage start, after its end, or where it never was."""
        return len(self.flags)

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.row})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=["row", "column", "value", "problem", "hint"])

    def ignored_columns_text(self, shown: int = 10) -> str:
        """The "Ignored columns: a, b, … and N more" line: at most ``shown`` names of at most 40 characters each."""
        names = [_shown(name, 40) for name in self.ignored_columns[:shown]]
        text = _("Ignored columns: {columns}").format(columns=", ".join(names))
        if len(self.ignored_columns) > shown:
            text += " " + _("… and {count} more").format(count=fmt_int(len(self.ignored_columns) - shown))
        return text

    def to_text(self, limit: int = 200) -> str:
        head = _("{name}: {rows} rows, read as {how}.").format(name=self.filename, rows=self.rows, how=self.how_read)
        if self.ignored_columns:
            head += " " + self.ignored_columns_text() + "."
        flagged = self.flags_text(limit)
        if self.ok:
            return "\n".join([head + " " + _("Valid: no problems found."), *flagged])
        lines = [head, _("{problems} problem(s) in {rows} row(s); nothing was written.").format(
            problems=len(self.problems), rows=self.rejected_rows)]
        lines += [p.to_text() for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(_("... and {count} more.").format(count=len(self.problems) - limit))
        return "\n".join(lines + flagged)

    def flags_text(self, limit: int) -> list[str]:
        if not self.flags:
            return []
        lines = [_("{count} case(s) reported outside their province's coverage (flagged, not rejected: they are "
                   "written, and left out of rates per person-year):").format(count=self.outside_coverage)]
        lines += [p.to_text() for p in self.flags[:limit]]
        if len(self.flags) > limit:
            lines.append(_("... and {count} more.").format(count=len(self.flags) - limit))
        return lines


def _shown(text: str, limit: int = 80) -> str:
    """A cell as it is quoted in a problem: control characters made visible, long values cut."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: How a date may be written (parsing.parse_date), for the report and the Data page's guide.
DATE_HINT = N_("Write dates as YYYY-MM-DD or day first as DD/MM/YYYY (e.g. 31/12/2014).")


def _parse_unique(series: pd.Series, parse: Callable[[object], object]) -> pd.Series:
    """Apply ``parse`` once per distinct value (a million rows hold a few thousand distinct dates)."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (rare, from odd workbooks): compare them as text
        codes, uniques = pd.factorize(series.map(str), use_na_sentinel=True)
    parsed = np.empty(len(uniques) + 1, dtype=object)
    parsed[:-1] = [parse(u) for u in uniques]
    parsed[-1] = parse(None)  # code -1: a missing cell
    return pd.Series(parsed[codes], index=series.index, dtype=object)


def _blank_mask(series: pd.Series) -> pd.Series:
    return _parse_unique(series, is_blank).astype(bool)


def _add(report: ValidationReport, frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str,
         problem: str | Callable[[object], str], hint: str | Callable[[object], str]) -> None:
    for idx in np.flatnonzero(np.asarray(mask)):
        raw = frame[column].iat[idx]
        report.problems.append(Problem(int(idx) + FIRST_DATA_ROW, column, _shown(cell_text(raw)),
                                       problem(raw) if callable(problem) else problem,
                                       hint(raw) if callable(hint) else hint))


def _check_dates(report: ValidationReport, frame: pd.DataFrame, column: str, required: bool,
                 options: ValidationOptions, missing_hint: str | None = None) -> pd.Series:
    blank = _blank_mask(frame[column])
    parsed = _parse_unique(frame[column], parse_date)
    if required:
        _add(report, frame, blank, column, _("The date is missing."),
             missing_hint or _("Enter the date as YYYY-MM-DD or DD/MM/YYYY."))
    _add(report, frame, ~blank & parsed.isna(), column, _("This is not a real date."), _(DATE_HINT))
    ok = parsed.notna()
    future = ok & parsed.map(lambda d: d is not None and d > options.today)
    early = ok & parsed.map(lambda d: d is not None and d < options.earliest)
    _add(report, frame, future, column,
         _("The date is in the future (after {day}).").format(day=options.today.isoformat()),
         _("Check the year, and that the date is day first (DD/MM/YYYY)."))
    _add(report, frame, early, column,
         _("The date is before the programme began ({day}).").format(day=options.earliest.isoformat()),
         _("Check the year, or set a different earliest date if the records are older."))
    return parsed
