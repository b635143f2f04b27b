"""Validate the stage columns (charge, court outcome, sentence) of a case table.

Each value is checked like the other columns (row, column, value, what to
do), and the consistency rules are errors, never warnings: no charge without
an arrest, no court outcome without a charge, dates in the order report ≤
arrest ≤ charge ≤ outcome, no outcome date on a pending case (nor one
without an outcome), and a sentence only with a conviction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.data import stages
from dashboard.data.parsing import cell_text
from dashboard.data.validation_rules import _add, _blank_mask, _check_dates, _parse_unique
from dashboard.i18n import _


def _before(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    """Rows where both dates are known and ``later`` comes before ``earlier``."""
    return np.array([a is not None and b is not None and a < b for a, b in zip(later, earlier)], dtype=bool)


def _first_known(*columns: pd.Series) -> pd.Series:
    """Per row, the first of ``columns`` that holds a date (the latest stage dated before this one)."""
    out = columns[0].copy()
    for column in columns[1:]:
        out = out.where(out.notna(), column)
    return out


def _empty(length: int) -> pd.Series:
    return pd.Series([None] * length, dtype=object)


def check_stages(report, frame: pd.DataFrame, options, reported: pd.Series, arrests: pd.Series,
                 arrest_dates: pd.Series) -> dict[str, pd.Series]:
    """Report every stage problem; the stage columns the file holds, as records (values in English).

    Columns the file does not hold are left out, so an upsert leaves what is stored for them alone.
    """
    length = len(frame)
    present = [c for c in stages.STAGE_COLUMNS if c in frame]
    if not present:
        return {}
    charged, outcome = _empty(length), _empty(length)
    charge_dates, outcome_dates, sentences = _empty(length), _empty(length), _empty(length)
    if "charged" in frame:
        charged = _parse_unique(frame["charged"], lambda v: stages.parse_charged(cell_text(v)))
        blank = _blank_mask(frame["charged"])
        charged = charged.where(~blank, None)
        _add(report, frame, ~blank & charged.isna(), "charged", _("This is not yes, no or unknown."),
             _("Use yes, no or unknown (also y/n, 1/0, or បាទ/ចាស/ទេ); leave it blank if not recorded."))
        no_arrest = (charged == stages.YES) & (arrests == False)  # noqa: E712 - element-wise
        _add(report, frame, no_arrest, "charged", _("The suspect is recorded as charged but arrest_made is no."),
             _("A charge needs an arrest: set arrest_made to yes, or correct charged."))
    is_charged = (charged == stages.YES).to_numpy()
    if "charge_date" in frame:
        charge_dates = _check_dates(report, frame, "charge_date", False, options)
        _add(report, frame, charge_dates.notna().to_numpy() & ~is_charged, "charge_date",
             _("A charge date is given but charged is not yes."), _("Set charged to yes, or clear the charge date."))
        _add(report, frame, _before(charge_dates, arrest_dates), "charge_date",
             _("The charge date is before the arrest date."),
             _("Check both dates; the charge cannot come before the arrest."))
        _add(report, frame, _before(charge_dates, reported) & ~_before(charge_dates, arrest_dates), "charge_date",
             _("The charge date is before the date the case was reported."),
             _("Check both dates; the charge cannot come before the report."))
    if "court_outcome" in frame:
        outcome = _parse_unique(frame["court_outcome"], lambda v: stages.parse_outcome(cell_text(v)))
        blank = _blank_mask(frame["court_outcome"])
        outcome = outcome.where(~blank, None)
        _add(report, frame, ~blank & outcome.isna(), "court_outcome", _("This court outcome is not recognised."),
             _("Use one of: {options}; leave it blank if not recorded.").format(options=", ".join(stages.OUTCOMES)))
        known = outcome.isin(stages.DECIDED + (stages.PENDING,)).to_numpy()
        _add(report, frame, known & ~is_charged, "court_outcome",
             _("A court outcome is given but charged is not yes."),
             _("A case reaches court only after a charge: set charged to yes (with the charge date), or clear "
               "the outcome."))
    if "outcome_date" in frame:
        outcome_dates = _check_dates(report, frame, "outcome_date", False, options)
        dated = outcome_dates.notna().to_numpy()
        _add(report, frame, dated & (outcome == stages.PENDING).to_numpy(), "outcome_date",
             _("A pending case has an outcome date."),
             _("Clear the outcome date, or set court_outcome to the decision that was made on that day."))
        undecided = ~outcome.isin(stages.OUTCOMES).to_numpy() | (outcome == stages.UNKNOWN).to_numpy()
        _add(report, frame, dated & undecided, "outcome_date",
             _("An outcome date is given but court_outcome is blank or unknown."),
             _("Enter the court outcome (convicted, acquitted or dismissed), or clear the outcome date."))
        earlier = _first_known(charge_dates, arrest_dates, reported)
        _add(report, frame, _before(outcome_dates, earlier), "outcome_date",
             _("The outcome date is before the charge, the arrest or the report."),
             _("Check the dates; they must follow the order report, arrest, charge, outcome."))
    if "sentence_years" in frame:
        blank = _blank_mask(frame["sentence_years"])
        sentences = _parse_unique(frame["sentence_years"], lambda v: stages.parse_sentence(cell_text(v)))
        sentences = sentences.where(~blank, None)
        _add(report, frame, ~blank & sentences.isna(), "sentence_years",
             _("The sentence must be a number of years from 0 to {max}.").format(max=int(stages.MAX_SENTENCE_YEARS)),
             _("Enter the years (e.g. 7 or 2.5; life as 99), or leave it blank."))
        _add(report, frame, sentences.notna().to_numpy() & (outcome != stages.CONVICTED).to_numpy(),
             "sentence_years", _("A sentence is given but court_outcome is not convicted."),
             _("Set court_outcome to convicted, or clear the sentence."))
    values = {"charged": charged, "charge_date": charge_dates, "court_outcome": outcome,
              "outcome_date": outcome_dates, "sentence_years": sentences}
    return {name: values[name] for name in present}

