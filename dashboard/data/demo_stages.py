"""The SYNTHETIC demo's later stages: charge, court outcome and sentence, all invented.

No published figure exists for these stages; the attrition and the delays
below are plausible, nothing more. They draw on their own random stream
(seed and 24), so the published figures the demo reproduces (cases, dates,
provinces, arrests) are exactly what they were before the stages existed.
A stage whose invented date falls after the demo's last day has not happened
yet: the case is "not charged (yet)" or its outcome "pending", which is what
the funnel's censoring is for.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.data import stages

STREAM = 24
#: Share of arrests that lead to a charge, by offence.
CHARGE_PROPENSITY = {"child rape / sexual abuse": 0.86, "physical abuse": 0.7, "homicide": 0.92,
                     "sexual exploitation / trafficking": 0.76, "other": 0.6}
#: Days from arrest to charge (gamma: shape, scale): most within days, a long tail.
CHARGE_DELAY = (0.7, 25.0)
#: Days from charge to the court's decision (gamma: shape, scale): months, often more than a year.
OUTCOME_DELAY = (2.2, 110.0)
#: Among decided cases: convicted, acquitted, dismissed.
DECISIONS = {stages.CONVICTED: 0.78, stages.ACQUITTED: 0.08, stages.DISMISSED: 0.14}
UNKNOWN_SHARE = 0.03
#: Sentence range in years by offence (uniform whole years).
SENTENCE_YEARS = {"child rape / sexual abuse": (5, 20), "physical abuse": (1, 5), "homicide": (10, 30),
                  "sexual exploitation / trafficking": (7, 15), "other": (1, 5)}


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def add_stages(cases: pd.DataFrame, seed: int, end: date) -> pd.DataFrame:
    """``cases`` (the demo's CSV columns) with charged, charge_date, court_outcome, outcome_date, sentence_years."""
    rng = np.random.default_rng([seed, STREAM])
    n = len(cases)
    offences = cases["offence"].to_numpy()
    arrest_dates = [date.fromisoformat(a) if a else None for a in cases["arrest_date"]]
    arrested = (cases["arrest_made"] == "yes").to_numpy()
    will_charge = rng.random(n) < np.array([CHARGE_PROPENSITY[o] for o in offences])
    charge_delay = np.round(rng.gamma(*CHARGE_DELAY, size=n)).astype(int)
    outcome_delay = np.round(rng.gamma(*OUTCOME_DELAY, size=n)).astype(int) + 14
    decision = rng.choice(list(DECISIONS), size=n, p=list(DECISIONS.values()))
    unknown_charge, unknown_outcome = rng.random(n) < UNKNOWN_SHARE, rng.random(n) < UNKNOWN_SHARE
    sentence_draw = rng.random(n)
    charged, charge_dates, outcomes, outcome_dates, sentences = [], [], [], [], []
    for i in range(n):
        charge_day = outcome_day = None
        outcome = sentence = ""
        if not arrested[i] or arrest_dates[i] is None:
            state = stages.NO
        elif unknown_charge[i]:
            state = stages.UNKNOWN
        elif will_charge[i] and arrest_dates[i] + timedelta(days=int(charge_delay[i])) <= end:
            state, charge_day = stages.YES, arrest_dates[i] + timedelta(days=int(charge_delay[i]))
        else:
            state = stages.NO  # not charged, or not yet by the demo's last day
        if charge_day is not None:
            decided_on = charge_day + timedelta(days=int(outcome_delay[i]))
            if unknown_outcome[i]:
                outcome = stages.UNKNOWN
            elif decided_on <= end:
                outcome, outcome_day = str(decision[i]), decided_on
            else:
                outcome = stages.PENDING
        if outcome == stages.CONVICTED:
            low, high = SENTENCE_YEARS[offences[i]]
            sentence = str(int(low + sentence_draw[i] * (high - low + 1)))
        charged.append(state)
        charge_dates.append(_iso(charge_day))
        outcomes.append(outcome)
        outcome_dates.append(_iso(outcome_day))
        sentences.append(sentence)
    return cases.assign(charged=charged, charge_date=charge_dates, court_outcome=outcomes,
                        outcome_date=outcome_dates, sentence_years=sentences)
