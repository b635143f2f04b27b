"""CSV exports that spreadsheet programs cannot execute (formula injection)."""

from __future__ import annotations

import pandas as pd

#: Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Invisible characters a spreadsheet may skip before it looks for a formula (zero-width, BOM, soft hyphen).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def neutralise(value: object) -> object:
    """Prefix a text cell that would start a formula (after any invisible characters) with an apostrophe."""
    if isinstance(value, str) and value.lstrip(INVISIBLE).startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) neutralised; numbers untouched."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]) \
                or isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object).map(neutralise)
    return out


def to_safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so Excel reads Khmer correctly) CSV bytes, formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")
