"""CLI commands for the translation catalogs (maintainers)."""

from __future__ import annotations

import argparse

from dashboard.i18n import _


def _update(args: argparse.Namespace) -> int:
    from dashboard import translations

    for lang, count in translations.update().items():
        print(f"{translations.po_path(lang)}: {count} untranslated")
    return 0


def _compile(args: argparse.Namespace) -> int:
    from dashboard import translations

    for path in translations.compile_all():
        print(path)
    return 0


def _check(args: argparse.Namespace) -> int:
    from dashboard import translations

    status = 0
    for lang in translations.TRANSLATED:
        result = translations.check(lang)
        print(f"{lang}: {len(result.missing)} missing, {len(result.untranslated)} untranslated, "
              f".mo {'current' if result.mo_current else 'stale'}")
        for text in (result.missing + result.untranslated)[:50]:
            print(f"  {text}")
        status |= 0 if result.ok else 1
    return status


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("translations", help=_("keep the Khmer catalog in step with the code (maintainers)"))
    actions = group.add_subparsers(dest="action", required=True)
    actions.add_parser("update", help=_("extract marked strings and merge them into each .po, then compile")) \
        .set_defaults(func=_update)
    actions.add_parser("compile", help=_("compile each .po to its .mo")).set_defaults(func=_compile)
    actions.add_parser("check", help=_("exit 1 if a string lacks a translation or a .mo is stale")) \
        .set_defaults(func=_check)
