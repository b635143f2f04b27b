"""CLI command for the configuration: ``python -m dashboard settings`` prints the settings in effect."""

from __future__ import annotations

import argparse

from dashboard.i18n import _

COLUMNS = ("setting", "value", "default", "meaning")


def _settings(args: argparse.Namespace) -> int:
    from dashboard import settings

    rows = settings.table(settings.current())  # a bad value stops here, with the variable named (exit 2)
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join(row))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("settings", help=_("print every setting: its value now, its default and what it means "
                                           "(tab-separated; passwords and keys hidden)")).set_defaults(func=_settings)
