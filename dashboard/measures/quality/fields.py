"""The optional fields the completeness check looks at, and their labels (shared by
:mod:`.completeness` and :mod:`.findings`, which names a finding's field in the language in use)."""

from __future__ import annotations

from dashboard.i18n import N_, _

#: (column, the column that says whether it applies, label). ``None``: it applies to every record;
#: ``"court_outcome:decided"`` / ``":convicted"``: only where the court outcome is a decision / a conviction.
FIELDS: tuple[tuple[str, str | None, str], ...] = (
    ("district", None, N_("district")),
    ("victim_age", None, N_("victim age")),
    ("victim_sex", None, N_("victim sex")),
    ("arrest_date", "arrest", N_("arrest date (cases with an arrest)")),
    ("charged", None, N_("charged or not")),
    ("charge_date", "charged", N_("charge date (charged cases)")),
    ("court_outcome", "charged", N_("court outcome (charged cases)")),
    # an outcome date only once the court decided (not "pending" or "unknown"); a sentence only on a conviction
    ("outcome_date", "court_outcome:decided", N_("outcome date (cases with a court outcome)")),
    ("sentence_years", "court_outcome:convicted", N_("sentence (cases with a court outcome)")),
)


def field_label(column: str) -> str:
    return _(next((label for name, _when, label in FIELDS if name == column), column))
