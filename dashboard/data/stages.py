"""The later stages of a case in the record: charge, court outcome, sentence (all optional columns).

A file without these columns ingests as before and its stages are *not
recorded* (stored as NULL), never "no". The values are stored in English:

- ``charged``: yes, no or unknown; the suspect was charged (the case was sent
  to the prosecutor or an investigating judge). ``charge_date``: when.
- ``court_outcome``: convicted, acquitted, dismissed, pending or unknown;
  ``outcome_date``: when the court decided (never on a pending case).
- ``sentence_years``: a number of years, only with a conviction.

This module holds the vocabulary and the header synonyms; the consistency
rules are checked in :mod:`dashboard.data.stage_validation`.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import N_

STAGE_COLUMNS = ("charged", "charge_date", "court_outcome", "outcome_date", "sentence_years")
STAGE_DATE_COLUMNS = ("charge_date", "outcome_date")

YES, NO, UNKNOWN = "yes", "no", "unknown"
CHARGED_VALUES = (YES, NO, UNKNOWN)
CONVICTED, ACQUITTED, DISMISSED, PENDING = "convicted", "acquitted", "dismissed", "pending"
OUTCOMES = (CONVICTED, ACQUITTED, DISMISSED, PENDING, UNKNOWN)
#: Outcomes that end a trial: a case with one of these was tried.
DECIDED = (CONVICTED, ACQUITTED, DISMISSED)
#: How the interface names the values (gettext); the stored values above stay English.
VALUE_LABELS = {YES: N_("yes"), NO: N_("no"), UNKNOWN: N_("unknown"), CONVICTED: N_("convicted"),
                ACQUITTED: N_("acquitted"), DISMISSED: N_("dismissed"), PENDING: N_("pending")}
#: Longest sentence accepted (years): Cambodia's longest fixed term is 30 years; life is written as 99.
MAX_SENTENCE_YEARS = 99.0

STAGE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "charged": ("charge", "charged_yn", "suspect_charged", "sent_to_court", "sent_to_prosecutor", "prosecuted",
                "ចោទប្រកាន់", "បានចោទប្រកាន់"),
    "charge_date": ("date_charged", "charged_on", "date_of_charge", "prosecution_date", "ថ្ងៃចោទប្រកាន់"),
    "court_outcome": ("outcome", "verdict", "court_result", "judgment", "judgement", "case_outcome", "សាលក្រម",
                      "លទ្ធផលតុលាការ"),
    "outcome_date": ("verdict_date", "date_of_verdict", "judgment_date", "judgement_date", "decided_on",
                     "ថ្ងៃសាលក្រម"),
    "sentence_years": ("sentence", "sentence_length", "years_sentenced", "prison_years", "ទោស", "ឆ្នាំទោស"),
}

#: Cell words -> stored value. English and Khmer; yes/no words as arrest_made takes them.
_CHARGED_WORDS = {
    "yes": YES, "y": YES, "true": YES, "t": YES, "1": YES, "1.0": YES, "charged": YES, "បាទ": YES, "ចាស": YES,
    "មាន": YES, "no": NO, "n": NO, "false": NO, "f": NO, "0": NO, "0.0": NO, "not charged": NO, "ទេ": NO,
    "គ្មាន": NO, "អត់": NO, "unknown": UNKNOWN, "u": UNKNOWN, "not known": UNKNOWN, "មិនដឹង": UNKNOWN,
}
_OUTCOME_WORDS = {
    "convicted": CONVICTED, "conviction": CONVICTED, "guilty": CONVICTED, "ផ្តន្ទាទោស": CONVICTED,
    "ផ្ដន្ទាទោស": CONVICTED, "acquitted": ACQUITTED, "acquittal": ACQUITTED, "not guilty": ACQUITTED,
    "រួចទោស": ACQUITTED, "dismissed": DISMISSED, "dropped": DISMISSED, "withdrawn": DISMISSED,
    "case dismissed": DISMISSED, "លើកលែងចោទប្រកាន់": DISMISSED, "ទម្លាក់ចោល": DISMISSED,
    "pending": PENDING, "ongoing": PENDING, "in progress": PENDING, "awaiting trial": PENDING,
    "កំពុងរង់ចាំ": PENDING, "unknown": UNKNOWN, "u": UNKNOWN, "not known": UNKNOWN, "មិនដឹង": UNKNOWN,
}


def _word(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


def parse_charged(text: str) -> str | None:
    """yes/no/unknown from a cell's text (None when not a known word)."""
    return _CHARGED_WORDS.get(_word(text))


def parse_outcome(text: str) -> str | None:
    """One of :data:`OUTCOMES` from a cell's text (None when not a known word)."""
    return _OUTCOME_WORDS.get(_word(text))


def parse_sentence(text: str) -> float | None:
    """Years as a number from 0 to :data:`MAX_SENTENCE_YEARS` (None when not such a number)."""
    try:
        years = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return years if 0 <= years <= MAX_SENTENCE_YEARS else None


def frame_stages(frame: pd.DataFrame) -> dict[str, object]:
    """The stage columns of the analysis frame (``Dataset.cases``): missing columns become "not recorded" (NA).

    ``charged`` and ``court_outcome`` are categoricals of the stored words, the dates datetime64, the
    sentence float64.
    """
    def column(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)

    return {
        "charged": pd.Categorical(column("charged"), categories=list(CHARGED_VALUES)),
        "charge_date": pd.to_datetime(column("charge_date")).astype("datetime64[ns]").to_numpy(),
        "court_outcome": pd.Categorical(column("court_outcome"), categories=list(OUTCOMES)),
        "outcome_date": pd.to_datetime(column("outcome_date")).astype("datetime64[ns]").to_numpy(),
        "sentence_years": pd.to_numeric(column("sentence_years"), errors="coerce").astype("float64").to_numpy(),
    }
