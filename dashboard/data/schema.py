"""The case record and coverage table: columns, header synonyms and offence categories."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.data.stages import STAGE_COLUMNS, STAGE_SYNONYMS
from dashboard.i18n import N_, _, fmt_int

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


#: A victim attribute left blank in the case file: counted, filtered and shown under this value, never dropped.
NOT_RECORDED = N_("not recorded")

#: Victim sex as stored (validation reads the words of SEX_WORDS into these codes) -> how it is shown.
SEXES: dict[str, str] = {"F": N_("girl"), "M": N_("boy"), "X": N_("other"), "U": N_("unknown")}
#: The words a case file, a link or the command line may write for each code (any case).
SEX_WORDS = {"f": "F", "female": "F", "girl": "F", "ស្រី": "F", "m": "M", "male": "M", "boy": "M", "ប្រុស": "M",
             "other": "X", "x": "X", "unknown": "U", "u": "U"}
#: Victim age bands in years, both ends included: under 6, primary-school age, 12 to 14, and 15 to 17 (15 is the
#: age of consent in Cambodian law). Together they hold every age validation accepts (0 to 17).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (("0-5", 0, 5), ("6-11", 6, 11), ("12-14", 12, 14), ("15-17", 15, 17))


def sex_label(key: str) -> str:
    """A victim sex code (or ``NOT_RECORDED``) in the interface language."""
    return _(SEXES.get(key, key))


def age_band_label(key: str) -> str:
    """An age band (``12-14``, or ``NOT_RECORDED``) in the interface language and its digits."""
    bounds = {name: (low, high) for name, low, high in AGE_BANDS}
    if key not in bounds:
        return _(key)
    low, high = bounds[key]
    return f"{fmt_int(low)}-{fmt_int(high)}"


def sex_keys(sexes: pd.Series) -> pd.Categorical:
    """Each case's victim sex code, ``NOT_RECORDED`` where the file left it blank."""
    options = [*SEXES, NOT_RECORDED]
    stored = sexes.array if isinstance(sexes.dtype, pd.CategoricalDtype) else pd.Categorical(sexes.astype(object))
    position = [options.index(c) if c in SEXES else len(SEXES) for c in stored.categories]
    lookup = np.array([*position, len(SEXES)], dtype="int8")  # a blank's code, -1, takes the last: NOT_RECORDED
    return pd.Categorical.from_codes(lookup[stored.codes], categories=options)


def age_band_keys(ages: pd.Series) -> pd.Categorical:
    """Each case's age band (AGE_BANDS), ``NOT_RECORDED`` where the file left the age blank."""
    values = ages.to_numpy(dtype="float64", na_value=np.nan)
    codes = np.full(len(values), len(AGE_BANDS), dtype="int8")  # NOT_RECORDED unless a band holds the age
    for position, (_name, low, high) in enumerate(AGE_BANDS):
        codes[(values >= low) & (values <= high)] = position
    return pd.Categorical.from_codes(codes, categories=[*(name for name, _low, _high in AGE_BANDS), NOT_RECORDED])

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
            raise DataFileError(_("The offence-label file '{path}' (DASHBOARD_OFFENCE_MAP) "
                                  "could not be read ({error}).").format(path=path, error=exc),
                                _("Give a JSON object such as {example}.").format(
                                    example='{"indecent act": "child rape / sexual abuse"}')) from None
        bad = {k: v for k, v in extra.items() if v not in OFFENCES}
        if bad:
            raise DataFileError(_("The offence-label file '{path}' (DASHBOARD_OFFENCE_MAP) "
                                  "names unknown categories: {bad}.").format(path=path, bad=bad),
                                _("Use one of: {options}.").format(options=", ".join(OFFENCES)))
        mapping.update({offence_key(k): v for k, v in extra.items()})
    return mapping
