"""Fast text keys for the quality checks: a column's values as ``astype(str)`` writes them, as sorted labels and
integer ids, worked out on a categorical column's categories instead of on a million rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def text_ids(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(ids, labels): ``labels`` sorted and distinct, ``labels[ids]`` equal to ``values.astype(str)`` row by row;
    id -1 where a value is missing (astype(str) keeps it missing)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        names = np.array([str(c) for c in values.cat.categories], dtype=object)
        labels, inverse = np.unique(names, return_inverse=True)
        codes = values.cat.codes.to_numpy()
        if not len(names):  # no categories: every value is missing
            return np.full(len(values), -1, dtype=np.int64), labels
        return np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1), labels
    ids, labels = pd.factorize(values.astype(str).to_numpy(dtype=object), sort=True)
    return ids, np.asarray(labels, dtype=object)


def text(values: pd.Series) -> np.ndarray:
    """``values.astype(str)`` as an object array (NaN where missing), fast for a categorical column."""
    ids, labels = text_ids(values)
    return np.where(ids >= 0, np.append(labels, np.nan)[ids], np.nan)


def normalised(values: pd.Series, lower: bool = False) -> np.ndarray:
    """Each value as stripped (and lower-cased) text, "" where it is missing: what
    ``values.astype(object).where(values.notna(), "").astype(str).str.strip()`` gives, without a million strings."""
    missing = values.isna().to_numpy()
    out = np.full(len(values), "", dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(object)).astype(str).str.strip()
        cats = (cats.str.lower() if lower else cats).to_numpy(dtype=object)
        codes = values.cat.codes.to_numpy()
        out[~missing] = cats[codes[~missing]]
        return out
    present = values[~missing].astype(object).astype(str).str.strip()
    out[~missing] = (present.str.lower() if lower else present).to_numpy(dtype=object)
    return out
