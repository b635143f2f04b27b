"""What an upload must hold, for readers who cannot open docs/data.md: built from the very tables validation uses
(the columns, their header synonyms, the offence labels), so the guide and the check cannot drift apart."""

from __future__ import annotations

import pandas as pd

from dashboard.data.schema import (
    CASE_COLUMNS,
    CASE_REQUIRED,
    COVERAGE_COLUMNS,
    COVERAGE_REQUIRED,
    OFFENCES,
    header_synonyms,
    load_offence_map,
    offence_label,
)
from dashboard.i18n import _

_COLUMNS = {"cases": (CASE_COLUMNS, CASE_REQUIRED), "coverage": (COVERAGE_COLUMNS, COVERAGE_REQUIRED)}


def column_guide(kind: str) -> pd.DataFrame:
    """One row per column of a ``kind`` file: its name, whether it is required, and the other headers accepted."""
    columns, required = _COLUMNS[kind]
    return pd.DataFrame({
        _("column"): list(columns),
        _("required"): [_("yes") if c in required else _("no") for c in columns],
        _("also accepted as header"): [", ".join(header_synonyms(c)) for c in columns],
    })


def offence_guide() -> pd.DataFrame:
    """Every offence label a file may use (the built-in map and DASHBOARD_OFFENCE_MAP), by category."""
    labels = load_offence_map()
    return pd.DataFrame({
        _("offence category"): [offence_label(o) for o in OFFENCES],
        _("labels accepted in a file"): [", ".join(sorted(k for k, v in labels.items() if v == o)) for o in OFFENCES],
    })
