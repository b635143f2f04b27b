"""CLI commands that keep the documentation in step with the code (maintainers)."""

from __future__ import annotations

import argparse
import sys

from dashboard.i18n import _


def _cli(args: argparse.Namespace) -> int:
    from dashboard.devtools import cli_docs

    current = cli_docs.update(args.build_parser, check=args.check)
    if current:
        print(_("{path}: the command-line section is current").format(path=cli_docs.README.name))
        return 0
    if args.check:
        print(_("{path}: the command-line section is out of date; run 'python -m dashboard docs cli'").format(
            path=cli_docs.README.name), file=sys.stderr)
        return 1
    print(_("{path}: the command-line section was rewritten").format(path=cli_docs.README.name))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("docs", help=_("regenerate the parts of the documentation made from the code "
                                               "(maintainers)"))
    parts = group.add_subparsers(dest="part", required=True)
    cli = parts.add_parser("cli", help=_("write README's command-line section from this parser"))
    cli.add_argument("--check", action="store_true", help=_("only check it: exit 1 if it is out of date"))
    cli.set_defaults(func=_cli)
