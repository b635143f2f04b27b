"""The shared filters (date range, provinces, offences) and their URL form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dashboard.geo.gazetteer import display_name, load_gazetteer
from dashboard.i18n import _, fmt_date
from dashboard.geo.resolve import resolve
from dashboard.data.schema import OFFENCES, offence_label


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    provinces: tuple[str, ...] = ()  # NCDD codes; empty = all
    offences: tuple[str, ...] = ()  # categories; empty = all

    def describe(self) -> str:
        parts = [_("{start} to {end}").format(start=fmt_date(self.start) if self.start else _("start"),
                                               end=fmt_date(self.end) if self.end else _("latest"))]
        if self.provinces:
            parts.append(", ".join(display_name(c) for c in self.provinces))
        if self.offences:
            parts.append(", ".join(offence_label(o) for o in self.offences))
        return "; ".join(parts)


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
    """Codes for resolvable names, and the names that did not resolve."""
    codes, bad = [], []
    for name in names:
        res = resolve(name)
        (codes.append(res.code) if res.code else bad.append(name))
    return codes, bad


def _province_problem(value: str) -> str:
    """What was wrong with a province in a link, and what would have been accepted."""
    suggestions = [display_name(s.code) for s in resolve(value).suggestions]
    if suggestions:
        return _("URL parameter 'province={value}' is not a known province (did you mean {names}?). It was "
                 "ignored.").format(value=value, names=_(" or ").join(suggestions))
    return _("URL parameter 'province={value}' is not a known province; use a name from the Provinces filter "
             "(e.g. Siem Reap) or its code (e.g. 17). It was ignored.").format(value=value)


def offence_categories(names: list[str]) -> tuple[list[str], list[str]]:
    by_lower = {o.lower(): o for o in OFFENCES}
    good, bad = [], []
    for name in names:
        match = by_lower.get(name.strip().lower())
        (good.append(match) if match else bad.append(name))
    return good, bad


def from_query_params(params: dict[str, str | list[str]]) -> ParsedParams:
    """Filters from URL query parameters, with a message for each bad one.

    Keys: ``from``, ``to`` (YYYY-MM-DD), ``province`` and ``offence`` (repeatable
    or comma-separated). A bad value is dropped and reported, never fatal.
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
    for key in ("from", "to"):
        vals = values(key)
        dates[key] = _parse_iso(vals[0]) if vals else None
        if vals and dates[key] is None:
            problems.append(_("URL parameter '{key}={value}' is not a date; use YYYY-MM-DD. It was ignored.").format(
                key=key, value=vals[0]))
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems.append(_("URL parameter 'from' is after 'to'; the dates were swapped."))
        dates["from"], dates["to"] = dates["to"], dates["from"]
    codes, bad = province_codes(values("province"))
    problems += [_province_problem(b) for b in bad]
    if bad and not codes:
        problems.append(_("No province in the link was recognised, so the figures shown are the national totals "
                          "(all provinces), not one province's."))
    offences, bad = offence_categories(values("offence"))
    problems += [_("URL parameter 'offence={value}' is not an offence category; use one of: {options}. It was "
                   "ignored.").format(value=b, options=", ".join(offence_label(o) for o in OFFENCES)) for b in bad]
    if bad and not offences:
        problems.append(_("No offence in the link was recognised, so the figures shown are for all offences."))
    gaz = load_gazetteer()
    return ParsedParams(Filters(dates["from"], dates["to"], tuple(sorted(set(codes), key=list(gaz).index)),
                                tuple(o for o in OFFENCES if o in offences)), problems)


def choice_problems(key: str, values: list[str], options: list[str]) -> list[str]:
    """Messages for URL values of ``key`` that are not among ``options`` (what a URL-bound widget would drop)."""
    bad = [v for v in values if v not in options]
    return [_("URL parameter '{key}={value}' is not one of: {options}. It was ignored.").format(
        key=key, value=v[:MAX_URL_VALUE_LENGTH], options=", ".join(options)) for v in bad[:3]]
