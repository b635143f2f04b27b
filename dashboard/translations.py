"""Keep the gettext catalogs in step with the code: extract, update, compile and check (Babel).

The runtime side is :mod:`dashboard.i18n`; this module is the maintenance side, used by
``python -m dashboard translations ...`` and by the catalog tests.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR
from dashboard.paths import PROJECT_ROOT

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract(root: Path = PROJECT_ROOT) -> Catalog:
    """Every marked string in the code under ``root`` (as its babel.cfg says where to look)."""
    with open(root / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = _new_catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, keywords=DEFAULT_KEYWORDS, strip_comment_tags=True):
        if ".venv" in Path(filename).parts:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _new_catalog(lang: str | None = None) -> Catalog:
    return Catalog(locale=lang, domain=DOMAIN, project="J646 dashboard", version="",
                   copyright_holder="Child Protection Unit (J646)",
                   last_translator="drafted by the development team; awaiting review by a native speaker")


def read_catalog(lang: str) -> Catalog:
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _without_printf_flags(catalog: Catalog) -> Catalog:
    """Drop Babel's ``python-format`` flags: no translated string is ever used with ``%``.

    Babel flags every message in which "95% i..." looks like a printf directive; ``msgfmt -c`` (and so
    Poedit, the editor docs/glossary.md names) then reports the translations of those as errors.
    The ``python-brace-format`` flags stay: they are true, and they let the tools check ``{name}``.
    """
    for message in catalog:
        message.flags.discard("python-format")
    return catalog


def write_template(template: Catalog) -> None:
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATE, "wb") as fh:
        write_po(fh, _without_printf_flags(template), width=100, sort_output=True, omit_header=False)


def write_catalog(lang: str, catalog: Catalog) -> None:
    """Write ``lang``'s .po as translators edit it (sorted, no file:line comments, no printf flags)."""
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        # no file:line comments, so moving code does not churn the file translators edit
        write_po(fh, _without_printf_flags(catalog), width=100, sort_output=True, ignore_obsolete=True,
                 no_location=True)


def update() -> dict[str, int]:
    """Write the template and merge it into each language's .po (new strings untranslated); then compile."""
    template = extract()
    write_template(template)
    untranslated: dict[str, int] = {}
    for lang in TRANSLATED:
        path = po_path(lang)
        catalog = read_catalog(lang) if path.exists() else _new_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True)
        write_catalog(lang, catalog)
        untranslated[lang] = sum(1 for m in catalog if m.id and not m.string)
    compile_all()
    return untranslated


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    """Compile each .po to the .mo the app loads."""
    written = []
    for lang in TRANSLATED:
        mo_path(lang).write_bytes(_mo_bytes(read_catalog(lang)))
        written.append(mo_path(lang))
    return written


@dataclass
class CatalogCheck:
    lang: str
    missing: list[str]  # in the code, not in the catalog
    untranslated: list[str]  # in the catalog with an empty translation
    mo_current: bool  # the committed .mo holds exactly the .po's translations

    @property
    def ok(self) -> bool:
        return not self.missing and not self.untranslated and self.mo_current


def check(lang: str, root: Path = PROJECT_ROOT) -> CatalogCheck:
    """Compare the strings in the code under ``root`` with ``lang``'s catalog and its compiled .mo."""
    code_ids = {m.id for m in extract(root) if m.id}
    catalog = read_catalog(lang)
    translated = {m.id: m.string for m in catalog if m.id}
    with open(mo_path(lang), "rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    expected = {k: v for k, v in translated.items() if v}
    return CatalogCheck(lang, sorted(code_ids - set(translated)),
                        sorted(k for k in code_ids if k in translated and not translated[k]),
                        compiled == expected)
