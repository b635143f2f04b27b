"""What a viewer may see: the one rule, a function of (role, province scope, data), Streamlit-free.

A viewer without a scope sees what the role sees. A scoped viewer (``dashboard.access.scope``) gets:

- **inside the scope**, the role's view unchanged, computed from a dataset that holds only the scope's case rows
  (:func:`restricted`). Every measure, map, table and download reads that dataset, so no case row, district or
  count from another province can reach the page, whatever a view computes; its caches are keyed apart
  (:attr:`Visible.data_key`). The filters' province selection is the scope's part of what was asked for, or
  the whole scope when nothing (or only provinces outside it) was asked for.
- **outside the scope**, only the public figures (:func:`public_figures`): the public export's tables, built by
  its rules (k, complementary suppression) from the whole dataset and audited together with every release in
  the ledger. National totals come from there too.

The data's last day stays the whole dataset's (it is published as "data received to"), so periods and
censoring are the same for every viewer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.access.scope import Scope
from dashboard.caching import BoundedCache
from dashboard.data.dataset import Dataset
from dashboard.measures.filters import Filters

#: Restricted datasets kept (one per data version and scope in use; each holds a subset of the rows).
_RESTRICTED: BoundedCache[tuple[str, tuple[str, ...]], Dataset] = BoundedCache(lambda: 16, "scoped datasets")


@dataclass(frozen=True)
class Visible:
    """What one run may show: the dataset and filters its measures use, and what lies outside the scope."""

    dataset: Dataset
    data_key: str  #: the key of ``dataset`` for every cache (a scoped dataset's differs from the whole one's)
    filters: Filters
    scope: Scope = None  #: the viewer's province scope (None: every province)
    asked_outside: tuple[str, ...] = ()  #: provinces asked for (filter, link, map click) outside the scope

    @property
    def scoped(self) -> bool:
        return self.scope is not None

    @property
    def only_outside(self) -> bool:
        """The viewer asked only for provinces outside the scope: there is no case data of theirs to show."""
        return bool(self.asked_outside) and not self.asked_inside

    @property
    def asked_inside(self) -> tuple[str, ...]:
        return self.filters.provinces if self.scoped and self.filters.provinces != self.scope else ()


def restricted(dataset: Dataset, data_key: str, scope: tuple[str, ...]) -> Dataset:
    """``dataset`` with only the case rows of ``scope``'s provinces (coverage is public and stays whole).

    Built once per data version and scope. The last day and the first day are the whole dataset's.
    """
    def build() -> Dataset:
        cases = dataset.cases
        inside = cases[cases["province_code"].isin(scope).to_numpy()].reset_index(drop=True)
        part = Dataset(inside, dataset.coverage, dataset.synthetic, dataset.source)
        part.__dict__["as_of"] = dataset.as_of  # cached_property slots: the whole data's days
        part.__dict__["first_day"] = dataset.first_day
        return part

    return _RESTRICTED.get_or_create((data_key, tuple(scope)), build)


def scoped_key(data_key: str, scope: Scope) -> str:
    return data_key if scope is None else f"{data_key}|scope={','.join(scope)}"


def visible(role: str, scope: Scope, dataset: Dataset, data_key: str, filters: Filters) -> Visible:
    """The view ``role`` with ``scope`` may have of ``dataset`` under ``filters`` (see the module's docstring)."""
    if scope is None or role == "admin":  # admins are never scoped
        return Visible(dataset, data_key, filters)
    asked = filters.provinces
    inside = tuple(code for code in asked if code in scope)
    outside = tuple(code for code in asked if code not in scope)
    within = dataclasses.replace(filters, provinces=inside or tuple(scope))
    return Visible(restricted(dataset, data_key, tuple(scope)), scoped_key(data_key, scope), within,
                   tuple(scope), outside)


def within_scope(result: object, scope: Scope) -> object:
    """A measure's result as a scoped viewer may see it: rows of provinces outside ``scope`` dropped from every
    table by province (in lists and tuples too, e.g. one frame per year), so a table or map never lists another
    province with the zero that a scoped dataset would give it."""
    import pandas as pd

    if scope is None:
        return result
    if isinstance(result, pd.DataFrame) and "province_code" in result.columns:
        return result[result["province_code"].astype(str).isin(scope).to_numpy()].reset_index(drop=True)
    if isinstance(result, list | tuple):
        return type(result)(within_scope(item, scope) for item in result)
    return result


def outside_provinces(scope: Scope, all_codes: tuple[str, ...]) -> tuple[str, ...]:
    """The provinces a scoped viewer sees only as public figures."""
    return () if scope is None else tuple(code for code in all_codes if code not in scope)


def public_figures(dataset: Dataset, earlier: list, k: int, incomplete: Callable[[], list] | None = None):
    """The public export's tables for ``dataset`` (a :class:`~dashboard.publish.public_export.PublicData`), built
    by its rules and audited together with the ``earlier`` releases (``ledger.Release``): what a scoped viewer
    sees of the provinces outside the scope, and of the nation."""
    import tempfile
    from pathlib import Path

    from dashboard.publish.candidates import write_parts
    from dashboard.publish.public_export import build_export, read_export, suppressed_cells

    frames = [release.frame() for release in earlier]
    frame = suppressed_cells(dataset, k, frames)
    parts = build_export(dataset, k, frames, frame, incomplete() if incomplete else ())
    with tempfile.TemporaryDirectory(prefix="cpu-scoped-public-") as folder:
        write_parts(parts, Path(folder) / "export")  # read back as public mode reads it: the same types
        return read_export(Path(folder) / "export")
