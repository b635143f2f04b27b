"""The case record and coverage table: columns, header synonyms and offence categories."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from dashboard.data.stages import STAGE_COLUMNS, STAGE_SYNONYMS
from dashboard.i18n import N_, _

PROGRAMME_START = date(2013, 7, 1)

#: Offence categories: stored and exported in English; shown through offence_label().
OFFENCES: tuple[str, ...] = (
    N_("child rape / sexual abuse"),
    N_("physical abuse"),
    N_("homicide"),
    N_("sexual exploitation / trafficking"),
    N_("other"),
)


def offence_label(category: str) -> str:
    """An offence category in the interface language."""
    return _(category)

CASE_REQUIRED = ("case_id", "date_reported", "province", "offence", "arrest_made")
CASE_OPTIONAL = ("district", "victim_age", "victim_sex", "arrest_date") + STAGE_COLUMNS
CASE_COLUMNS = CASE_REQUIRED + CASE_OPTIONAL

#: Longest stored text, the same for SQLite and PostgreSQL (validation enforces them; db.py uses them).
CASE_ID_MAX = 64
DISTRICT_MAX = 120

COVERAGE_REQUIRED = ("province", "start_date")
COVERAGE_COLUMNS = COVERAGE_REQUIRED + ("end_date",)

_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_id": ("id", "case", "case_no", "case_number", "caseid", "case_ref", "reference", "ref", "file_no"),
    "date_reported": ("date", "reported", "report_date", "reported_on", "date_of_report", "reported_date",
                      "date_received", "case_date"),
    "province": ("province_city", "provincecity", "province_name", "khett", "khet", "location", "city_province",
                 "capital_province", "ខេត្ត"),
    "district": ("district_name", "srok", "khan"),
    "offence": ("offense", "offence_type", "offense_type", "crime", "crime_type", "category", "case_type", "type"),
    "victim_age": ("age", "age_of_victim", "victim_age_years", "child_age"),
    "victim_sex": ("sex", "gender", "victim_gender", "sex_of_victim", "child_sex"),
    "arrest_made": ("arrest", "arrested", "arrest_yn", "suspect_arrested", "perpetrator_arrested", "arrests"),
    "arrest_date": ("date_of_arrest", "arrested_on", "arrest_on"),
    "start_date": ("start", "started", "since", "date_started", "operating_since", "coverage_start"),
    "end_date": ("end", "ended", "until", "date_ended", "coverage_end"),
    **STAGE_SYNONYMS,
}

_DEFAULT_OFFENCE_LABELS: dict[str, str] = {
    "child rape / sexual abuse": "child rape / sexual abuse",
    "child rape": "child rape / sexual abuse", "rape": "child rape / sexual abuse",
    "sexual abuse": "child rape / sexual abuse", "sexual assault": "child rape / sexual abuse",
    "indecent assault": "child rape / sexual abuse", "attempted rape": "child rape / sexual abuse",
    "defilement": "child rape / sexual abuse", "molestation": "child rape / sexual abuse",
    "physical abuse": "physical abuse", "assault": "physical abuse", "battery": "physical abuse",
    "violence": "physical abuse", "domestic violence": "physical abuse", "neglect": "other",
    "homicide": "homicide", "murder": "homicide", "manslaughter": "homicide", "killing": "homicide",
    "sexual exploitation / trafficking": "sexual exploitation / trafficking",
    "sexual exploitation": "sexual exploitation / trafficking", "trafficking": "sexual exploitation / trafficking",
    "human trafficking": "sexual exploitation / trafficking", "child trafficking": "sexual exploitation / trafficking",
    "commercial sexual exploitation": "sexual exploitation / trafficking",
    "prostitution": "sexual exploitation / trafficking", "csec": "sexual exploitation / trafficking",
    "other": "other", "abduction": "other", "kidnapping": "other",
    "រំលោភ": "child rape / sexual abuse", "ឃាតកម្ម": "homicide", "ជួញដូរ": "sexual exploitation / trafficking",
}


def header_key(text: str) -> str:
    """Header text folded to lower_snake_case for synonym lookup."""
    return re.sub(r"[^0-9a-z\u1780-\u17ff]+", "_", str(text).strip().lower()).strip("_")


def header_synonyms(column: str) -> tuple[str, ...]:
    """The other headers read as ``column`` (after header_key folding)."""
    return _HEADER_SYNONYMS.get(column, ())


def canonical_header(text: str) -> str | None:
    key = header_key(text)
    for column, synonyms in _HEADER_SYNONYMS.items():
        if key == column or key in synonyms:
            return column
    return None


def offence_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-]+", " ", str(text).strip().lower()))


def load_offence_map(path: Path | str | None = None) -> dict[str, str]:
    """Label -> category. Extra labels come from a JSON file (``DASHBOARD_OFFENCE_MAP``).

    The file is a JSON object of ``{"label": "category"}``; every category must
    be one of :data:`OFFENCES`.
    """
    mapping = {offence_key(k): v for k, v in _DEFAULT_OFFENCE_LABELS.items()}
    if path is None:
        from dashboard import settings

        path = settings.current().offence_map
    if path:
        from dashboard.errors import DataFileError

        try:
            extra = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataFileError(_("The offence-label file '{path}' (DASHBOARD_OFFENCE_MAP) could not be read ({error}).").format(path=path, error=exc),
                                _("Give a JSON object such as {example}.").format(
                                    example='{"indecent act": "child rape / sexual abuse"}')) from None
        bad = {k: v for k, v in extra.items() if v not in OFFENCES}
        if bad:
            raise DataFileError(_("The offence-label file '{path}' (DASHBOARD_OFFENCE_MAP) names unknown categories: {bad}.").format(path=path, bad=bad),
                                _("Use one of: {options}.").format(options=", ".join(OFFENCES)))
        mapping.update({offence_key(k): v for k, v in extra.items()})
    return mapping
