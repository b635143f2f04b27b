"""Every URL and widget parameter of the dashboard, declared once: key, option keys, labels, default, validator.

A :class:`Param` is one key of the page address (and of the widget bound to it): its options as stable keys
(the values a link carries), the label an option is shown with in this run's language, the default, and the
validator that explains a bad value from a link. The shared filters (``from``, ``to``, ``province``,
``offence``) and the language apply to every page; the page settings belong to their page and are forgotten
when the viewer opens another (``url_state.forget_on_page_change``). The widgets take their key and options
from here, and ``dashboard.ui.url_state`` applies the table to the address; nothing here imports a view or
Streamlit. The session-state keys the app keeps for itself are named at the end (``SESSION_*``).

An option key is stable: for the translated settings it is the English wording links have always carried
(``view=compare two periods``), for a province its English name (a link may also give its code or any
spelling the gazetteer resolves), for an offence its category code. A bound widget writes its label into the
address (so a Khmer run writes Khmer labels, see ``url_state``); links written with any language's labels are
read back to the keys (:func:`to_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from dashboard import i18n
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_, _
from dashboard.measures.classify import SCHEMES
from dashboard.measures.filters import (
    DIMENSION_BY_KEY,
    DIMENSIONS,
    MAX_URL_VALUE_LENGTH,
    Dimension,
    choice_problems,
    from_query_params,
)

#: A validator: the link's values for the key (read back to option keys) -> what to tell the viewer.
Validator = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Param:
    """One URL and widget key."""

    key: str
    options: Callable[[], Sequence[str]] | None  # the option keys (None: dates, free values)
    label: Callable[[str], str]  # an option's label in this run's language
    default: object  # the value without a link (None: the widget's own, e.g. the data's first day)
    validator: Validator  # problems with a link's values (already read back to option keys)
    page_setting: bool = False  # True: a page's own setting, forgotten when the viewer opens another page
    multi: bool = False  # one value per province or offence, or comma-separated
    doc: str = ""  # what it holds, for developers (README's links section lists every key)
    translated: bool = field(default=False)  # the widget shows labels that change with the language


def _choices(key: str, options: Callable[[], Sequence[str]], label: Callable[[str], str]) -> Validator:
    def validate(values: list[str]) -> list[str]:
        allowed = list(options())
        return choice_problems(key, [v for v in values if v not in allowed], [label(o) for o in allowed])
    return validate


def _filter(key: str) -> Validator:
    return lambda values: from_query_params({key: values}).problems


def _one_of(key: str, options: Callable[[], Sequence[str]], expected: str) -> Validator:
    def validate(values: list[str]) -> list[str]:
        allowed = set(options())
        return [_("URL parameter '{key}={value}' is not {expected}. It was ignored.").format(
            key=key, value=v[:MAX_URL_VALUE_LENGTH], expected=_(expected)) for v in values if v not in allowed][:3]
    return validate


def date_range_problems(key: str, values: list[str], first: date, last: date) -> list[str]:
    """What is wrong with a link's two dates for ``key``: two dates from ``first`` to ``last``, in order."""
    try:
        days = [date.fromisoformat(v) for v in values]
    except ValueError:
        days = []
    shown = ",".join(v[:40] for v in values[:3])
    if len(days) != 2:
        problem = _("needs two dates, YYYY-MM-DD")
    elif not (first <= days[0] <= days[1] <= last):
        problem = _("must run forwards within {first} to {last}").format(first=first.isoformat(),
                                                                          last=last.isoformat())
    else:
        return []
    return [_("URL parameter '{key}={value}' {problem}. It was ignored.").format(key=key, value=shown,
                                                                               problem=problem)]


def _no_check(values: list[str]) -> list[str]:
    return []


def day_problems(key: str, values: list[str], days: Sequence[date]) -> list[str]:
    """What is wrong with a link's day for ``key``: one of ``days``, YYYY-MM-DD."""
    if len(values) == 1 and iso_date(values[0]) in {d.isoformat() for d in days}:
        return []
    return [_("URL parameter '{key}={value}' is not {expected}. It was ignored.").format(
        key=key, value=",".join(v[:40] for v in values[:3]),
        expected=_("a month of the rollout (YYYY-MM-01) or the period's last day"))]


def _province_names() -> tuple[str, ...]:
    return tuple(p.name_en for p in load_gazetteer().values())


def _msgid(option: str) -> str:
    return _(option)


# ---------------------------------------------------------------- the page settings' option keys

#: Cases' map measure: URL value (option key) -> maps measure; the first is the default.
MEASURES = {N_("rate per 100,000 person-years"): "person-time", N_("rate per 100,000"): "rate",
            N_("case count"): "count"}
ONE_MAP, PER_YEAR, PLAY, COMPARE = N_("one map"), N_("one map per year"), N_("play by quarter"), \
    N_("compare two periods")
BY_PROVINCE = N_("by province")
#: The views of each page that has a ``view`` setting (the key is shared: each page offers its own).
CASES_VIEWS = (ONE_MAP, PER_YEAR, PLAY, COMPARE)
ARRESTS_VIEWS = (BY_PROVINCE, COMPARE)
CENSUSES = ("2008", "2019")
#: Arrests' "days to arrest by": URL value -> the grouping of time_to_arrest.by_group.
GROUPINGS = {N_("province"): "province", N_("offence"): "offence", N_("quarter"): "quarter"}
#: The names of classify.SCHEMES, shown through _() in the Classes box.
SCHEME_NAMES = (N_("quantiles"), N_("natural breaks"), N_("equal intervals"))


def _views() -> tuple[str, ...]:
    return (*CASES_VIEWS, *[v for v in ARRESTS_VIEWS if v not in CASES_VIEWS])


# ---------------------------------------------------------------- the table

LANG = Param("lang", lambda: tuple(i18n.LANGUAGES), lambda code: i18n.LANGUAGES.get(code, code),
             i18n.DEFAULT_LANGUAGE, _no_check, doc="the interface language: en or km")
FROM = Param("from", None, str, None, _filter("from"), doc="the first day of the period, YYYY-MM-DD")
TO = Param("to", None, str, None, _filter("to"), doc="the last day of the period, YYYY-MM-DD")
def _dimension_param(dim: Dimension) -> Param:
    """A filter dimension's widget and link key (measures.filters.DIMENSIONS): options are what links carry."""
    def by_link() -> dict[str, str]:
        return {dim.link_value(v): v for v in dim.options()}

    def label(option: str) -> str:
        values = by_link()
        return dim.label(values[option]) if option in values else option

    return Param(dim.key, lambda: tuple(by_link()), label, (), _filter(dim.key), multi=True, translated=True,
                 doc=_DIMENSION_DOCS.get(dim.key, dim.title))


#: What each filter dimension's key holds, for the README's links table.
_DIMENSION_DOCS = {
    "province": "provinces, by English name or code (repeat, or separate by commas)",
    "offence": "offence categories (repeat, or separate by commas)",
    "sex": "the victim's sex (analysts and admins): girl, boy, other, unknown, not recorded",
    "age": "the victim's age band (analysts and admins): 0-5, 6-11, 12-14, 15-17, not recorded",
}
DIMENSION_PARAMS: tuple[Param, ...] = tuple(_dimension_param(dim) for dim in DIMENSIONS)
PROVINCE, OFFENCE = (param for param in DIMENSION_PARAMS if param.key in ("province", "offence"))
VIEW = Param("view", _views, _msgid, None, _choices("view", _views, _msgid), page_setting=True, translated=True,
             doc="the page's view (Cases and Arrests)")
MEASURE = Param("measure", lambda: tuple(MEASURES), _msgid, next(iter(MEASURES)),
                _choices("measure", lambda: tuple(MEASURES), _msgid), page_setting=True, translated=True,
                doc="the Cases map's measure")
CLASSES = Param("classes", lambda: tuple(SCHEMES), _msgid, next(iter(SCHEMES)),
                _choices("classes", lambda: tuple(SCHEMES), _msgid), page_setting=True, translated=True,
                doc="the Cases map's classes")
CENSUS = Param("census", lambda: CENSUSES, str, CENSUSES[0], _choices("census", lambda: CENSUSES, str),
               page_setting=True, doc="the census the Cases rates use")
TTA_BY = Param("tta_by", lambda: tuple(GROUPINGS), _msgid, next(iter(GROUPINGS)),
               _choices("tta_by", lambda: tuple(GROUPINGS), _msgid), page_setting=True, translated=True,
               doc="Arrests: days to arrest by province, offence or quarter")
KM_PROVINCE = Param("km_province", _province_names, str, "", _one_of("km_province", _province_names,
                                                                     N_("a province name")),
                    page_setting=True, doc="Arrests: the province the survival curve compares with the rest")
PERIOD_A = Param("period_a", None, str, None, _no_check, page_setting=True,
                 doc="compare two periods: the earlier period, two dates")
PERIOD_B = Param("period_b", None, str, None, _no_check, page_setting=True,
                 doc="compare two periods: the later period, two dates")
#: The Coverage page's slider: the day its map shows (a month's first day, or the period's last day).
COVERAGE_DAY = Param("coverage_month", None, str, None, _no_check,
                     doc="Coverage: the day the map shows, YYYY-MM-DD (its slider; the last day is the default)")

PARAMS: tuple[Param, ...] = (LANG, FROM, TO, *DIMENSION_PARAMS, VIEW, MEASURE, CLASSES, CENSUS, TTA_BY,
                             KM_PROVINCE, PERIOD_A, PERIOD_B, COVERAGE_DAY)
BY_KEY: dict[str, Param] = {param.key: param for param in PARAMS}
#: The shared filters, in the sidebar's order.
FILTERS = (FROM, TO, *DIMENSION_PARAMS)
FILTER_KEYS = tuple(param.key for param in FILTERS)
#: The date boxes bound to the address: the sidebar's range.
DATE_KEYS = (FROM.key, TO.key)
#: The settings whose options are shown in this run's language (a link may carry any language's label).
TRANSLATED = tuple(param.key for param in PARAMS if param.translated)
LIST_KEYS = tuple(param.key for param in PARAMS if param.multi)
#: The pages' own settings; the filters and the language are shared by every page.
PAGE_SETTINGS = tuple(param.key for param in PARAMS if param.page_setting)
#: What a refused link keeps: the shared filters and the language (the refused page's own settings mean nothing).
KEPT_ON_REFUSAL = (*FILTER_KEYS, LANG.key)

# ---------------------------------------------------------------- widget keys that are not in the address

#: The frame of Cases' ▶ Play (a quarter).
CASES_QUARTER = "cases_quarter"
RESET_FILTERS = "reset_filters"
SIGN_OUT = "sign_out"
LOGIN_USER, LOGIN_PASSWORD = "login_user", "login_password"  # the sign-in form's boxes

# ---------------------------------------------------------------- the session keys the app keeps for itself

SESSION_URL_CHECKED = "_cpu_url_checked"  # the sidebar read this session's link once
SESSION_URL_LOCALIZED = "_cpu_url_localized"  # the values the last address rewrite wrote (it reruns once)
SESSION_SETTINGS_PAGE = "_cpu_settings_page"  # the page whose settings the session holds
SESSION_LANG_PROBLEM = "_cpu_lang_problem"  # a link's unknown lang=, reported once the page is known
SESSION_LINK_NOTICES = "_cpu_link_notices"  # what a link got wrong, kept while the viewer stays
SESSION_LINK_PAGE = "_cpu_link_page"  # the page those notices are for
SESSION_DENIED = "_cpu_denied"  # the OIDC provider's answer for an address with no role
SESSION_SIGN_IN = "_cpu_session"  # a tab-only sign-in's raw session id (no cookie routes)
SESSION_LINK_DONE = "_cpu_link_done"  # the OIDC deep link was followed once
SESSION_SIGN_IN_SUBMITS = "_cpu_sign_in_submits"  # the sign-in form's submits in the last minute
SESSION_VIEW_DEBOUNCE = "_audit_view_debounce"  # when case rows were last recorded as viewed
SESSION_REFUSALS_LOGGED = "_cpu_refusals_logged"  # the Data page's refused files already in the ingest log
SESSION_BOUNDARY_READ = "boundary_read"  # the Data page's last boundary file read (its digest and layer)


def default_memory(key: str) -> str:
    """Where a compare period remembers its last default (it follows the sidebar until someone changes it)."""
    return f"_cpu_default_{key}"


def playing(key: str) -> str:
    """Whether the ▶ Play of slider ``key`` is playing."""
    return f"{key}_playing"


# ---------------------------------------------------------------- option keys and labels


@lru_cache(maxsize=16)
def _lookup(key: str) -> dict[str, str]:
    """Every accepted spelling of ``key``'s options (the key itself, its label in each language) -> the key."""
    param = BY_KEY[key]
    options = tuple(param.options()) if param.options else ()
    found: dict[str, str] = {}
    for lang in i18n.LANGUAGES:
        with i18n.use_language(lang):
            found.update({param.label(option): option for option in options})
    found.update({option: option for option in options})
    return found


@lru_cache(maxsize=16)
def _folded(key: str) -> dict[str, str]:
    """``_lookup`` with case and surrounding spaces ignored."""
    return {spelling.casefold().strip(): option for spelling, option in _lookup(key).items()}


@lru_cache(maxsize=1024)
def _resolved(key: str, value: str) -> str | None:
    """The option a spelling that is no option's label stands for: case ignored, and any spelling a filter
    dimension reads (any province spelling, ``female`` for a girl)."""
    found = _folded(key).get(value.casefold().strip())
    if found is None and key in DIMENSION_BY_KEY:
        dim = DIMENSION_BY_KEY[key]
        values, _bad = dim.read([value])
        found = dim.link_value(values[0]) if values else None
    return found


def to_key(key: str, value: str) -> str:
    """The option key a link's ``value`` stands for (unknown values are returned as they are)."""
    if key not in TRANSLATED:
        return value
    return _lookup(key).get(value) or _resolved(key, value[:200]) or value


def label(key: str, option: str) -> str:
    """How ``option`` of ``key`` is shown in this run's language."""
    return BY_KEY[key].label(option) if key in TRANSLATED else str(option)


def options(key: str) -> list[str]:
    """The option keys of ``key``."""
    param = BY_KEY[key]
    return list(param.options()) if param.options else []


def iso_date(value: str) -> str:
    """A date a link may write in another ISO form (``20150101``) as the date box writes it, YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return value
