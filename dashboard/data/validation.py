"""Validate a case or coverage table before anything is written.

Every problem names its spreadsheet row (the header is row 1), its column,
the value found and how to fix it. Parsing works on each distinct value once,
so a million-row file with a few thousand distinct dates stays fast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.data.parsing import cell_text, parse_bool, read_table
from dashboard.data.schema import (
    CASE_COLUMNS,
    CASE_ID_MAX,
    CASE_REQUIRED,
    COVERAGE_COLUMNS,
    COVERAGE_REQUIRED,
    DISTRICT_MAX,
    OFFENCES,
    SEX_WORDS,
    canonical_header,
    offence_key,
)
from dashboard.data.validation_rules import (
    _CONTROL,
    FIRST_DATA_ROW,
    Problem,
    ValidationOptions,
    ValidationReport,
    _add,
    _blank_mask,
    _check_dates,
    _parse_unique,
)
from dashboard.data.validation_rules import (
    DATE_HINT as DATE_HINT,  # the Data page's guide reads it from here
)
from dashboard.geo.resolve import resolve
from dashboard.i18n import N_, _

MAX_CHILD_AGE = 17




def _map_headers(frame: pd.DataFrame, allowed: tuple[str, ...], report: ValidationReport) -> pd.DataFrame:
    rename: dict[str, str] = {}
    for original in frame.columns:
        canonical = canonical_header(original)
        if canonical is None or canonical not in allowed:
            report.ignored_columns.append(str(original))
            continue
        if canonical in rename.values():
            first = next(k for k, v in rename.items() if v == canonical)
            report.problems.append(Problem(None, str(original), "",
                                           _("Both '{first}' and '{second}' mean {column}.").format(
                                               first=first, second=original, column=canonical),
                                           _("Keep one of the two columns.")))
            continue
        rename[original] = canonical
    report.header_map = {str(k): v for k, v in rename.items()}
    return frame[list(rename)].rename(columns=rename)


def _require_columns(frame: pd.DataFrame, required: tuple[str, ...], report: ValidationReport) -> bool:
    missing = [c for c in required if c not in frame.columns]
    for column in missing:
        report.problems.append(Problem(None, column, "", _("This required column is missing."),
                                       _("Add a '{column}' column (see docs/data.md for accepted header names).")
                                       .format(column=column)))
    return not missing




def _suggest_province(raw: object) -> str:
    res = resolve(cell_text(raw))
    if res.suggestions:
        return _("Did you mean {names}?").format(names=_(" or ").join(s.name for s in res.suggestions))
    return _("Use a Cambodian province name (English or Khmer) or its code 01-25.")


def _start(kind: str, frame: pd.DataFrame, filename: str, how_read: str, columns: tuple[str, ...],
           required: tuple[str, ...]) -> tuple[ValidationReport, pd.DataFrame | None]:
    """A report, and the frame with canonical headers (None when the headers are unusable)."""
    report = ValidationReport(kind, filename, how_read, len(frame))
    if len(frame) == 0:
        report.problems.append(Problem(None, "file", "", _("The file has a header row but no data rows."),
                                       _("Add at least one row below the header; nothing was written.")))
        return report, None
    frame = _map_headers(frame, columns, report)
    if not _require_columns(frame, required, report) or report.problems:
        return report, None
    return report, frame.reset_index(drop=True)


def _check_provinces(report: ValidationReport, frame: pd.DataFrame) -> pd.Series:
    """Province codes per row (None where missing or unknown, each reported with suggestions)."""
    blank = _blank_mask(frame["province"])
    codes = _parse_unique(frame["province"], lambda v: resolve(cell_text(v)).code)
    _add(report, frame, blank, "province", _("The province is missing."), _("Enter the province name or code."))
    _add(report, frame, ~blank & codes.isna(), "province", _("This province is not recognised."), _suggest_province)
    return codes


def validate_cases(frame: pd.DataFrame, filename: str = "upload", how_read: str = "table",
                   options: ValidationOptions | None = None) -> ValidationReport:
    """Check every row of a case table; on success ``report.records`` holds clean records."""
    options = options or ValidationOptions()
    report, frame = _start("cases", frame, filename, how_read, CASE_COLUMNS, CASE_REQUIRED)
    if frame is None:
        return report

    ids = _parse_unique(frame["case_id"], cell_text)
    _add(report, frame, ids == "", "case_id", _("The case_id is missing."), _("Give every case a unique id."))
    _check_text(report, frame, ids, "case_id", CASE_ID_MAX)
    dup = (ids != "") & ids.duplicated(keep=False)
    first_row = {cid: int(i) + FIRST_DATA_ROW for i, cid in ids[dup].drop_duplicates().items()}
    later = (ids != "") & ids.duplicated(keep="first")
    _add(report, frame, later, "case_id",
         lambda raw: _("This case_id is already used in row {row}.").format(row=first_row[cell_text(raw)]),
         _("Give each case its own id, or remove the repeated row."))

    reported = _check_dates(report, frame, "date_reported", True, options)

    codes = _check_provinces(report, frame)

    off_blank = _blank_mask(frame["offence"])
    offences = _parse_unique(frame["offence"], lambda v: options.offence_map.get(offence_key(cell_text(v))))
    _add(report, frame, off_blank, "offence", _("The offence is missing."),
         _("Use one of: {options}.").format(options=", ".join(OFFENCES)))
    _add(report, frame, ~off_blank & offences.isna(), "offence", _("This offence label is not a known one."),
         _("Use one of: {options}; or add the label to the offence list in DASHBOARD_OFFENCE_MAP.")
         .format(options=", ".join(OFFENCES)))

    arrests = _parse_unique(frame["arrest_made"], parse_bool)
    arrest_blank = _blank_mask(frame["arrest_made"])
    _add(report, frame, arrest_blank, "arrest_made", _("arrest_made is missing."), _("Enter yes or no."))
    _add(report, frame, ~arrest_blank & arrests.isna(), "arrest_made", _("This is not a yes/no value."),
         _("Use yes/no, true/false, 1/0, or បាទ/ចាស/ទេ."))

    arrest_dates = pd.Series([None] * len(frame), dtype=object)
    if "arrest_date" in frame:
        arrest_dates = _check_dates(report, frame, "arrest_date", False, options)
        before = reported.notna() & arrest_dates.notna() & pd.Series(
            [a is not None and r is not None and a < r for a, r in zip(arrest_dates, reported)])
        _add(report, frame, before, "arrest_date", _("The arrest date is before the date the case was reported."),
             _("Check both dates; the arrest cannot come before the report."))
        no_arrest = arrest_dates.notna() & (arrests == False)  # noqa: E712 - element-wise
        _add(report, frame, no_arrest, "arrest_date", _("An arrest date is given but arrest_made is no."),
             _("Set arrest_made to yes, or clear the arrest date."))

    ages = pd.Series([None] * len(frame), dtype=object)
    if "victim_age" in frame:
        ages = _parse_unique(frame["victim_age"], _parse_age)
        bad_age = ~_blank_mask(frame["victim_age"]) & ages.isna()
        _add(report, frame, bad_age, "victim_age",
             _("The age must be a whole number from 0 to {max}.").format(max=MAX_CHILD_AGE),
             _("Enter the child's age in years, or leave it blank if unknown."))
    sexes = pd.Series([None] * len(frame), dtype=object)
    if "victim_sex" in frame:
        sexes = _parse_unique(frame["victim_sex"], lambda v: SEX_WORDS.get(cell_text(v).lower()))
        bad_sex = ~_blank_mask(frame["victim_sex"]) & sexes.isna()
        _add(report, frame, bad_sex, "victim_sex", _("This sex value is not recognised."),
             _("Use F, M, X (other) or U (unknown)."))

    districts = None
    if "district" in frame:
        districts = _parse_unique(frame["district"], cell_text)
        _check_text(report, frame, districts, "district", DISTRICT_MAX)
        districts = districts.replace("", None)

    from dashboard.data.stage_validation import check_stages

    stage_records = check_stages(report, frame, options, reported, arrests, arrest_dates)
    if options.coverage is not None:
        _flag_outside_coverage(report, frame, reported, codes, options.coverage)
    report.problems.sort(key=lambda p: (p.row or 0, CASE_COLUMNS.index(p.column) if p.column in CASE_COLUMNS else 99))
    if report.ok:
        report.records = pd.DataFrame({
            "case_id": ids,
            "date_reported": reported,
            "province_code": codes,
            "district": districts,
            "offence": offences,
            "victim_age": ages,
            "victim_sex": sexes,
            "arrest_made": arrests.astype(bool),
            "arrest_date": arrest_dates,
            **stage_records,
        })
    return report




def _check_text(report: ValidationReport, frame: pd.DataFrame, texts: pd.Series, column: str, limit: int) -> None:
    """Free text that is stored: at most ``limit`` characters, no control characters (same rule on every database)."""
    too_long = texts.map(len) > limit
    _add(report, frame, too_long, column, _("This is longer than {limit} characters.").format(limit=limit),
         _("Shorten it to {limit} characters or fewer.").format(limit=limit))
    control = ~too_long & texts.map(lambda t: bool(_CONTROL.search(t)))
    _add(report, frame, control, column,
         _("This contains a control character (for example a NUL byte or a line break)."),
         _("Remove the hidden character; re-type the value if unsure."))


def _flag_outside_coverage(report: ValidationReport, frame: pd.DataFrame, reported: pd.Series, codes: pd.Series,
                           coverage: pd.DataFrame) -> None:
    """Flag rows reported before their province's coverage start, after its end, or in a province never covered."""
    by_code = coverage.assign(province_code=coverage["province_code"].astype(str)).set_index("province_code")
    when = pd.to_datetime(reported.where(reported.notna(), None))
    start = pd.to_datetime(codes.map(by_code["start_date"]))
    end = pd.to_datetime(codes.map(by_code["end_date"]))
    known = (when.notna() & codes.notna()).to_numpy()  # rows without a date or province are problems already
    never = known & start.isna().to_numpy()
    before = known & ~never & (when < start).to_numpy()
    after = known & ~never & (when > end).to_numpy()
    reasons = {
        "never": lambda i: _("The programme never covered this province, so it has no coverage start."),
        "before": lambda i: _("The case is reported before the province's coverage start ({day}).").format(
            day=start.iat[i].date().isoformat()),
        "after": lambda i: _("The case is reported after the province's coverage ended ({day}).").format(
            day=end.iat[i].date().isoformat()),
    }
    for idx in np.flatnonzero(never | before | after):
        why = reasons["never" if never[idx] else "before" if before[idx] else "after"](idx)
        report.flags.append(Problem(int(idx) + FIRST_DATA_ROW, "date_reported",
                                    cell_text(frame["date_reported"].iat[idx]), why,
                                    _("Check the date and the province, or the coverage table's dates.")))


def _parse_age(value: object) -> int | None:
    text = cell_text(value)
    if not (text.isascii() and text.isdecimal()):  # "²" and "٣" pass isdigit() but are not ages
        return None
    age = int(text)
    return age if 0 <= age <= MAX_CHILD_AGE else None


#: The one rule for a coverage table's start dates, for an uploaded file and the Data page's editor alike.
COVERAGE_START_RULE = N_("Every province in a coverage table needs its start date (YYYY-MM-DD or DD/MM/YYYY). Leave "
                         "out the provinces where the programme does not operate.")


def listed_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows that are in the coverage table: those with a date. A province with neither date is left
    out (not covered), as it is left out of a file; one with an end date but no start is kept, and refused."""
    return frame[frame["start_date"].notna() | frame["end_date"].notna()]


def validate_coverage(frame: pd.DataFrame, filename: str = "upload", how_read: str = "table",
                      options: ValidationOptions | None = None) -> ValidationReport:
    """Check a coverage table: province -> start date, optional end date."""
    options = options or ValidationOptions()
    report, frame = _start("coverage", frame, filename, how_read, COVERAGE_COLUMNS, COVERAGE_REQUIRED)
    if frame is None:
        return report
    codes = _check_provinces(report, frame)
    later = codes.notna() & codes.duplicated(keep="first")
    _add(report, frame, later, "province", _("This province is listed twice."), _("Keep one row per province."))
    starts = _check_dates(report, frame, "start_date", True, options, _(COVERAGE_START_RULE))
    ends = pd.Series([None] * len(frame), dtype=object)
    if "end_date" in frame:
        ends = _check_dates(report, frame, "end_date", False, options)
        bad = pd.Series([e is not None and s is not None and e < s for s, e in zip(starts, ends)])
        _add(report, frame, bad, "end_date", _("The end date is before the start date."), _("Check both dates."))
    report.problems.sort(key=lambda p: (p.row or 0,
                                        COVERAGE_COLUMNS.index(p.column) if p.column in COVERAGE_COLUMNS else 99))
    if report.ok:
        report.records = pd.DataFrame({"province_code": codes, "start_date": starts, "end_date": ends})
    return report


def validate_file(source: Path | str | bytes, filename: str | None = None, kind: str = "cases",
                  options: ValidationOptions | None = None) -> ValidationReport:
    """Read and validate a file without writing anything."""
    frame, how = read_table(source, filename)
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    validate = validate_cases if kind == "cases" else validate_coverage
    return validate(frame, name, how, options)
