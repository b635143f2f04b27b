"""Translations and locale-aware formatting: gettext catalogs through Babel (no Streamlit here).

Mark every user-facing string with :func:`_` (or :func:`N_` where the string
is defined before a language is known, then translate it with :func:`_` where
it is shown). Catalogs live in ``dashboard/locale/<lang>/LC_MESSAGES/dashboard.po``
and are extracted with ``pybabel extract -F babel.cfg``. The language of the
current script run (or CLI call) is a context variable: the app sets it on
every run from the URL (``lang=km``) or the session.

Numbers, percentages and dates go through the ``fmt_*`` helpers, which use
Babel's locale data; ``DASHBOARD_KHMER_DIGITS=1`` writes Khmer numerals
(០-៩) in Khmer, Western digits being the default that both audiences read.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {"en": "English", "km": "ខ្មែរ"}
DEFAULT_LANGUAGE = "en"
DOMAIN = "dashboard"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_language: contextvars.ContextVar[str] = contextvars.ContextVar("dashboard_language", default=DEFAULT_LANGUAGE)


def normalise_language(value: object) -> str | None:
    """A supported language code for ``value`` ('km', 'KM', 'km_KH', 'khmer'...), or None."""
    text = str(value or "").strip().lower().replace("-", "_")
    if text in ("khmer", "ខ្មែរ"):
        return "km"
    if text in ("english",):
        return "en"
    code = text.split("_")[0]
    return code if code in LANGUAGES else None


def environment_language() -> str:
    """The language the CLI speaks: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG (``LANG=km_KH.UTF-8``), else English."""
    from babel.core import default_locale

    return normalise_language(default_locale(("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"))) or DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Use ``lang`` for the rest of this script run or command (unknown codes fall back to English)."""
    _language.set(normalise_language(lang) or DEFAULT_LANGUAGE)


def get_language() -> str:
    return _language.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Temporarily render in ``lang`` (e.g. one brief in Khmer while the page is in English)."""
    token = _language.set(normalise_language(lang) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


@lru_cache(maxsize=8)
def translations(lang: str) -> NullTranslations:
    """The compiled catalog for ``lang`` (English is the source language: no catalog needed)."""
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [lang], DOMAIN)


def _(message: str) -> str:
    """The translation of ``message`` in the current language (its digits in Khmer under DASHBOARD_KHMER_DIGITS)."""
    return _digits_in_text(translations(get_language()).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    return _digits_in_text(translations(get_language()).ngettext(singular, plural, n))


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def localized_file(path: Path) -> Path:
    """``about.km.md`` beside ``about.md`` in Khmer, when it exists: long texts are translated as whole files."""
    lang = get_language()
    if lang != DEFAULT_LANGUAGE:
        candidate = path.with_name(f"{path.stem}.{lang}{path.suffix}")
        if candidate.exists():
            return candidate
    return path


# ---------------------------------------------------------------- formatting


def _locale() -> Locale:
    return Locale.parse(get_language())


#: Whether Khmer numerals are wanted (DASHBOARD_KHMER_DIGITS). This module reads no setting: the package root
#: (``dashboard/__init__.py``) tells it with :func:`use_khmer_digits`; until then, Western digits.
def _western_digits() -> bool:
    return False


_khmer_digits: Callable[[], bool] = _western_digits


def use_khmer_digits(wanted: Callable[[], bool]) -> None:
    """Tell this module where the Khmer-digits setting comes from (a function, so a changed setting applies)."""
    global _khmer_digits
    _khmer_digits = wanted


def _digits(text: str) -> str:
    if get_language() == "km" and _khmer_digits():
        return text.translate(_KHMER_DIGITS)
    return text


#: What keeps its Western digits inside a translated string: ``{fields}`` and plotly's ``%{tokens}`` (code, not
#: text), and Latin names with digits in them (J646, UTF-8, SHA-256, EPSG:4326).
_KEEP_DIGITS = re.compile(r"%?\{[^{}]*\}|[A-Za-z][\w\-:.]*\d[\w\-]*")


def _digits_in_text(text: str) -> str:
    """A translated string's own digits (2008, 95%) follow the same rule as formatted numbers (:func:`_digits`)."""
    if get_language() != "km" or not _khmer_digits():
        return text
    out, last = [], 0
    for keep in _KEEP_DIGITS.finditer(text):
        out += [text[last:keep.start()].translate(_KHMER_DIGITS), keep.group()]
        last = keep.end()
    out.append(text[last:].translate(_KHMER_DIGITS))
    return "".join(out)


def fmt_int(value: int | float) -> str:
    """12,345 (grouped per locale)."""
    return _digits(format_decimal(int(round(value)), locale=_locale()))


def fmt_decimal(value: float, places: int = 1) -> str:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return _digits(format_decimal(value, format=pattern, locale=_locale()))


def fmt_percent(value: float | None, places: int = 0) -> str:
    """86% (or '–' for no value)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
    return _digits(format_percent(value, format=pattern, locale=_locale()))


def fmt_date(value: date, style: str = "medium") -> str:
    """A date per locale: ``style`` is a Babel style (short, medium, long) or a pattern such as 'MMM y'."""
    return _digits(format_date(value, format=style, locale=_locale()))


#: How a quarter is written: Babel's "QQQ y" runs two numbers together in Khmer ("ត្រីមាសទី 3 2013"), so the
#: Khmer pattern names the year (ត្រីមាសទី 3 ឆ្នាំ 2013).
QUARTER_PATTERNS = {"en": "QQQ y", "km": "QQQ 'ឆ្នាំ' y"}


def fmt_quarter(value: date) -> str:
    """The quarter holding ``value``, e.g. 'Q3 2013' / 'ត្រីមាសទី 3 ឆ្នាំ 2013'."""
    return fmt_date(value, QUARTER_PATTERNS.get(get_language(), "QQQ y"))


def fmt_month(value: date) -> str:
    """Month and year, e.g. 'Jan 2015' / 'មករា 2015'."""
    return fmt_date(value, "MMM y")
