"""The shared filters: the period and one selection per row of :data:`DIMENSIONS`, and their URL form.

Like datasette's table filters, every filter dimension is one declared row (:class:`Dimension`): its URL
key, its column, how a link's or the command line's text reads into its values and what to say about a bad
one, how a value is shown, its command-line flag, whether the daily counts always carry it, and which roles
may use it. Everything else loops over the table: the fields of :class:`Filters`, ``describe()``,
:func:`filter_mask`, the counts tables (:func:`counts_for`), the arrest-time table, :func:`from_query_params`,
the command line's flags (``dashboard.cli.common``) and the sidebar's widgets. A new dimension is one row here,
its words in the catalog, and its tests.

A copy of a filter is made with ``dataclasses.replace``, never by naming its fields again, so no selection can
be dropped on the way (compare periods, per-year maps). A victim attribute left blank in the case file has the
value ``not recorded`` (:data:`dashboard.data.schema.NOT_RECORDED`): it is counted and can be selected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, make_dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard import i18n
from dashboard.data.dataset import as_counts
from dashboard.data.schema import (
    AGE_BANDS,
    NOT_RECORDED,
    OFFENCES,
    SEX_WORDS,
    SEXES,
    age_band_keys,
    age_band_label,
    offence_label,
    sex_keys,
    sex_label,
)
from dashboard.geo.gazetteer import display_name, load_gazetteer
from dashboard.geo.resolve import resolve
from dashboard.i18n import N_, _, fmt_date

if TYPE_CHECKING:
    from dashboard.data.dataset import Dataset


@dataclass(frozen=True)
class Dimension:
    """One filter dimension: everything the app, the links and the command line need to know about it."""

    key: str  #: the URL key and the sidebar widget's key (``?province=Kep``)
    field: str  #: the :class:`Filters` field holding the selected values (empty = all)
    column: str  #: the column of the counts tables and the arrest-time table
    options: Callable[[], tuple[str, ...]]  #: every value, in the order shown
    label: Callable[[str], str]  #: a value as shown, in the interface language
    derive: Callable[[pd.DataFrame], object]  #: each case row's value, from the case rows' own columns
    title: str  #: the widget's label (msgid)
    placeholder: str  #: the empty widget's text (msgid)
    problem: Callable[[str], str]  #: the notice for a value a link gives that is no value
    none_recognised: str  #: the notice when no value of a link was recognised (msgid)
    cli_flag: str  #: the command-line option (repeatable)
    cli_metavar: str
    cli_help: str  #: (msgid)
    cli_unknown: str  #: the command line's error for unknown values, with ``{names}`` (msgid)
    cli_hint: Callable[[], str]  #: what to do instead
    #: Always a column of the daily counts (``Dataset.counts_by``); otherwise only the counts built for a filter
    #: that selects it carry it (the victim attributes: they would make the everyday table many times bigger).
    counts: bool
    #: The roles that may use it (None: every role); a link's value is ignored for other roles, with a notice.
    roles: tuple[str, ...] | None = None
    spellings: Callable[[str], str | None] = lambda text: None  #: other ways to write a value (not labels)
    link_value: Callable[[str], str] = lambda value: value  #: what a link and the widget carry for a value
    describe_as: str = "{values}"  #: how ``Filters.describe`` names a selection (msgid)
    help: str | None = None  #: the widget's help (msgid)

    def values_in(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's value: the column of a counts table, or derived from case rows."""
        if self.column in frame.columns:
            return frame[self.column]
        if "n" in frame.columns:
            raise ValueError(f"these counts have no '{self.column}' column; take them from counts_for(dataset, "
                             "filters) or count_dimensions(filters)")
        return pd.Series(self.derive(frame), index=frame.index, name=self.column)

    def read(self, texts: Sequence[str]) -> tuple[list[str], list[str]]:
        """The values ``texts`` stand for (the value, its label in any language, another spelling), in the
        dimension's order without repeats, and the texts that stand for none."""
        found, bad = set(), []
        for text in texts:
            value = _spelled(self.key).get(_fold(text)) or self.spellings(text)
            (found.add(value) if value else bad.append(text))
        return [v for v in self.options() if v in found], bad

    def allowed(self, role: str | None) -> bool:
        return self.roles is None or role in self.roles


def _fold(text: str) -> str:
    """Case, spaces, dashes and Khmer digits ignored: ``Not-Recorded``, ``12 – 14`` and ``១២-១៤`` read alike."""
    return re.sub(r"[\s\-\u2010-\u2015_+]+", " ", str(text).translate(_WESTERN_DIGITS).casefold()).strip()


_WESTERN_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


@lru_cache(maxsize=32)
def _spelled(key: str) -> dict[str, str]:
    """Every value of the dimension ``key`` and its label in each language, folded -> the value."""
    dim = DIMENSION_BY_KEY[key]
    found: dict[str, str] = {}
    for lang in i18n.LANGUAGES:
        with i18n.use_language(lang):
            found.update({_fold(dim.label(v)): v for v in dim.options()})
    found.update({_fold(dim.link_value(v)): v for v in dim.options()})
    found.update({_fold(v): v for v in dim.options()})
    return found


# ---------------------------------------------------------------- the dimensions' own words


def _province_problem(value: str) -> str:
    """What was wrong with a province in a link, and what would have been accepted."""
    suggestions = [display_name(s.code) for s in resolve(value).suggestions]
    if suggestions:
        return _("URL parameter 'province={value}' is not a known province (did you mean {names}?). It was "
                 "ignored.").format(value=value, names=_(" or ").join(suggestions))
    return _("URL parameter 'province={value}' is not a known province; use a name from the Provinces filter "
             "(e.g. Siem Reap) or its code (e.g. 17). It was ignored.").format(value=value)


def _choice_problem(key: str, what: str, dim_options: Callable[[], tuple[str, ...]],
                    label: Callable[[str], str]) -> Callable[[str], str]:
    def problem(value: str) -> str:
        return _("URL parameter '{key}={value}' is not {what}; use one of: {options}. It was ignored.").format(
            key=key, value=value, what=_(what), options=", ".join(label(o) for o in dim_options()))
    return problem


def _sex_spelling(text: str) -> str | None:
    return SEX_WORDS.get(str(text).strip().casefold())


def _sexes() -> tuple[str, ...]:
    return (*SEXES, NOT_RECORDED)


def _age_bands() -> tuple[str, ...]:
    return (*(name for name, _low, _high in AGE_BANDS), NOT_RECORDED)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key="province", field="provinces", column="province_code",
        options=lambda: tuple(load_gazetteer()), label=display_name, derive=lambda cases: cases["province_code"],
        title=N_("Provinces"), placeholder=N_("All provinces"),
        help=N_("Click a province on any map to add or remove it."),
        problem=_province_problem,
        none_recognised=N_("No province in the link was recognised, so the figures shown are the national totals "
                           "(all provinces), not one province's."),
        cli_flag="--province", cli_metavar="NAME", cli_help=N_("a province (any spelling); repeatable"),
        cli_unknown=N_("Unknown province(s): {names}."),
        cli_hint=lambda: _("Use 'python -m dashboard provinces resolve NAME' to check a spelling."),
        counts=True,
        spellings=lambda text: resolve(text).code,
        link_value=lambda code: load_gazetteer()[code].name_en,  # links carry English names, in either language
    ),
    Dimension(
        key="offence", field="offences", column="offence",
        options=lambda: OFFENCES, label=offence_label, derive=lambda cases: cases["offence"],
        title=N_("Offences"), placeholder=N_("All offences"),
        problem=lambda value: _("URL parameter 'offence={value}' is not an offence category; use one of: {options}. "
                                "It was ignored.").format(value=value,
                                                          options=", ".join(offence_label(o) for o in OFFENCES)),
        none_recognised=N_("No offence in the link was recognised, so the figures shown are for all offences."),
        cli_flag="--offence", cli_metavar="NAME", cli_help=N_("an offence category; repeatable"),
        cli_unknown=N_("Unknown offence(s): {names}."),
        cli_hint=lambda: _("Use one of: {options}.").format(options=", ".join(OFFENCES)),
        counts=True,
    ),
    Dimension(
        key="sex", field="sexes", column="sex",
        options=_sexes, label=sex_label, derive=lambda cases: sex_keys(cases["victim_sex"]),
        title=N_("Victim sex"), placeholder=N_("All victims"),
        problem=_choice_problem("sex", N_("a victim sex"), _sexes, sex_label),
        none_recognised=N_("No victim sex in the link was recognised, so the figures shown are for all victims."),
        cli_flag="--sex", cli_metavar="SEX",
        cli_help=N_("a victim sex: female, male, other, unknown or 'not recorded'; repeatable"),
        cli_unknown=N_("Unknown victim sex value(s): {names}."),
        cli_hint=lambda: _("Use female, male, other, unknown or 'not recorded'."),
        counts=False, roles=("analyst", "admin"),
        spellings=_sex_spelling,
        describe_as=N_("victim sex: {values}"),
    ),
    Dimension(
        key="age", field="age_bands", column="age_band",
        options=_age_bands, label=age_band_label, derive=lambda cases: age_band_keys(cases["victim_age"]),
        title=N_("Victim age (years)"), placeholder=N_("All ages"),
        problem=_choice_problem("age", N_("a victim age band"), _age_bands, age_band_label),
        none_recognised=N_("No victim age band in the link was recognised, so the figures shown are for all "
                           "ages."),
        cli_flag="--age", cli_metavar="BAND",
        cli_help=N_("a victim age band: 0-5, 6-11, 12-14, 15-17 or 'not recorded'; repeatable"),
        cli_unknown=N_("Unknown victim age band(s): {names}."),
        cli_hint=lambda: _("Use one of: {options}.").format(options=", ".join(_age_bands())),
        counts=False, roles=("analyst", "admin"),
        describe_as=N_("victim age: {values}"),
    ),
)
DIMENSION_BY_KEY: dict[str, Dimension] = {d.key: d for d in DIMENSIONS}
#: The URL keys of the period, then of every dimension.
PERIOD_KEYS = ("from", "to")
FILTER_KEYS = (*PERIOD_KEYS, *DIMENSION_BY_KEY)


# ---------------------------------------------------------------- Filters, built from the table


def _describe(self) -> str:
    """The filter in words, for page headers and the audit log."""
    parts = [_("{start} to {end}").format(start=fmt_date(self.start) if self.start else _("start"),
                                           end=fmt_date(self.end) if self.end else _("latest"))]
    for dim in DIMENSIONS:
        chosen = getattr(self, dim.field)
        if chosen:
            parts.append(_(dim.describe_as).format(values=", ".join(dim.label(v) for v in chosen)))
    return "; ".join(parts)


def _uses(self, dim: Dimension) -> bool:
    """True when the filter selects values of ``dim``."""
    return bool(getattr(self, dim.field))


#: The selected period (``start``, ``end``: None = open) and, per dimension, the selected values (empty = all).
#: The dimensions' fields are keyword-only: ``Filters(start, end, provinces=("12",))``.
Filters = make_dataclass(
    "Filters",
    [("start", "date | None", field(default=None)), ("end", "date | None", field(default=None)),
     *[(d.field, "tuple[str, ...]", field(default=(), kw_only=True)) for d in DIMENSIONS]],
    frozen=True, namespace={"describe": _describe, "uses": _uses, "__module__": __name__,
                            "__doc__": "The shared filters: the period and a selection per dimension (DIMENSIONS)."},
)


def make_filters(start: date | None = None, end: date | None = None,
                 selections: Mapping[str, Sequence[str]] | None = None) -> Filters:
    """Filters for the period and ``selections`` (URL key -> values), each put in its dimension's order."""
    selections = selections or {}
    unknown = set(selections) - set(DIMENSION_BY_KEY)
    if unknown:
        raise ValueError(f"not a filter dimension: {sorted(unknown)}")
    chosen = {d.field: tuple(v for v in d.options() if v in set(selections.get(d.key, ()))) for d in DIMENSIONS}
    return Filters(start, end, **chosen)


def dimension_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Filters))


# ---------------------------------------------------------------- the mask and the counts tables


def filter_mask(frame: pd.DataFrame, filters: Filters) -> np.ndarray:
    """True for the rows of ``frame`` (case rows, or a counts or arrest-time table) that ``filters`` selects."""
    mask = np.ones(len(frame), dtype=bool)
    dates = frame["date"].to_numpy()
    if filters.start:
        mask &= dates >= np.datetime64(filters.start, "ns")
    if filters.end:
        mask &= dates <= np.datetime64(filters.end, "ns")
    for dim in DIMENSIONS:
        chosen = getattr(filters, dim.field)
        if chosen:
            mask &= dim.values_in(frame).isin(chosen).to_numpy()
    return mask


def count_dimensions(filters: Filters | None = None) -> tuple[Dimension, ...]:
    """The dimensions a counts table for ``filters`` carries: the counts dimensions, or all when it selects another."""
    if filters is not None and any(filters.uses(d) for d in DIMENSIONS if not d.counts):
        return DIMENSIONS
    return tuple(d for d in DIMENSIONS if d.counts)


def counts_for(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """The dataset's daily counts that ``filters`` can be applied to (built once per dataset and dimensions)."""
    return dataset.counts_by(count_dimensions(filters))


def counts_of(frame: pd.DataFrame, filters: Filters | None = None) -> pd.DataFrame:
    """``frame`` as daily counts ``filters`` can be applied to: counts as they are, case rows counted."""
    return frame if "n" in frame.columns else as_counts(frame, count_dimensions(filters))


def filtered_counts(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The daily counts in ``filters``, from a counts table or from case rows."""
    counts = counts_of(frame, filters)
    return counts[filter_mask(counts, filters)]


# ---------------------------------------------------------------- links


#: A link carries at most this many values per key (25 provinces in a few spellings fit easily) ...
MAX_URL_VALUES = 60
#: ... and no value longer than this (no province or offence name comes near it).
MAX_URL_VALUE_LENGTH = 80


@dataclass
class ParsedParams:
    filters: Filters
    problems: list[str] = field(default_factory=list)


def _parse_iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def province_codes(names: list[str]) -> tuple[list[str], list[str]]:
    """Codes for resolvable names (in the order given), and the names that did not resolve."""
    codes, bad = [], []
    for name in names:
        res = resolve(name)
        (codes.append(res.code) if res.code else bad.append(name))
    return codes, bad


def offence_categories(names: list[str]) -> tuple[list[str], list[str]]:
    by_lower = {o.lower(): o for o in OFFENCES}
    good, bad = [], []
    for name in names:
        match = by_lower.get(name.strip().lower())
        (good.append(match) if match else bad.append(name))
    return good, bad


def from_query_params(params: dict[str, str | list[str]], role: str | None = None) -> ParsedParams:
    """Filters from URL query parameters, with a message for each bad one.

    Keys: ``from``, ``to`` (YYYY-MM-DD) and each dimension's key (repeatable or comma-separated). A bad value
    is dropped and reported, never fatal. With a ``role``, a dimension that role may not use is ignored, with a
    notice.
    """
    problems: list[str] = []

    def values(key: str) -> list[str]:
        raw = params.get(key, [])
        items = raw if isinstance(raw, list) else [raw]
        found = [v.strip() for item in items for v in str(item).split(",") if v.strip()]
        if len(found) > MAX_URL_VALUES:
            problems.append(_("URL parameter '{key}' has {count} values; only the first {max} were read.").format(
                key=key, count=len(found), max=MAX_URL_VALUES))
            found = found[:MAX_URL_VALUES]
        long = [v for v in found if len(v) > MAX_URL_VALUE_LENGTH]
        problems.extend(_("URL parameter '{key}={value}…' is too long. It was ignored.").format(key=key, value=v[:40])
                        for v in long)
        return [v for v in found if len(v) <= MAX_URL_VALUE_LENGTH]

    dates: dict[str, date | None] = {}
    for key in PERIOD_KEYS:
        vals = values(key)
        dates[key] = _parse_iso(vals[0]) if vals else None
        if vals and dates[key] is None:
            problems.append(_("URL parameter '{key}={value}' is not a date; use YYYY-MM-DD. It was ignored.").format(
                key=key, value=vals[0]))
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems.append(_("URL parameter 'from' is after 'to'; the dates were swapped."))
        dates["from"], dates["to"] = dates["to"], dates["from"]
    selections: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        texts = values(dim.key)
        if texts and role is not None and not dim.allowed(role):
            problems.append(_("URL parameter '{key}' filters by {what}, which your role does not include. It was "
                              "ignored.").format(key=dim.key, what=_(dim.title).lower()))
            continue
        good, bad = dim.read(texts)
        problems += [dim.problem(b) for b in bad]
        if bad and not good:
            problems.append(_(dim.none_recognised))
        selections[dim.key] = good
    return ParsedParams(make_filters(dates["from"], dates["to"], selections), problems)


def choice_problems(key: str, values: list[str], options: list[str]) -> list[str]:
    """Messages for URL values of ``key`` that are not among ``options`` (what a URL-bound widget would drop)."""
    bad = [v for v in values if v not in options]
    return [_("URL parameter '{key}={value}' is not one of: {options}. It was ignored.").format(
        key=key, value=v[:MAX_URL_VALUE_LENGTH], options=", ".join(options)) for v in bad[:3]]
