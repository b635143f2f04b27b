"""The one command line, ``python -m dashboard <command> ...``: this hub registers every command group.

Each group lives in its own module with a ``register(commands)`` function;
options that several commands share are declared once in
:mod:`dashboard.cli.common`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dashboard import i18n
from dashboard.cli import (
    audit,
    backup,
    config,
    data,
    docs,
    funnel,
    geo,
    publish,
    quality,
    release,
    screenshots,
    translations,
    users,
)
from dashboard.errors import UserFacingError

Command = Callable[[argparse.Namespace], int]
#: Every command group, in the order ``--help`` lists them.
GROUPS = (geo, data, funnel, quality, publish, release, users, audit, backup, config, translations, screenshots, docs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description=i18n._("Child Protection Unit (J646) dashboard tools."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(commands)
    parser.set_defaults(build_parser=build_parser)  # for `docs cli`, which documents this parser without importing it
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # user messages in Khmer under LANG=km_KH.UTF-8; JSON/TSV stay as they are
    i18n.set_language(i18n.environment_language())
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except UserFacingError as err:
        print(i18n._("error: {message}").format(message=err.message), file=sys.stderr)
        return 2
    except Exception as exc:  # a database write lock held longer than we wait is a message, not a traceback
        from dashboard.data.db import is_busy

        if not is_busy(exc):
            raise
        print(i18n._("error: {message}").format(message=i18n._(
            "The database is busy with another write (an ingest or a migration). Try again in a moment.")),
            file=sys.stderr)
        return 2
