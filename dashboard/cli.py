"""The one command line: ``python -m dashboard <command> ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dashboard.errors import UserFacingError

Command = Callable[[argparse.Namespace], int]


def _provinces_resolve(args: argparse.Namespace) -> int:
    from dashboard.resolve import resolve

    status = 0
    for name in args.names:
        res = resolve(name)
        if res.code:
            from dashboard.gazetteer import name_en

            print(f"{res.code}\t{name_en(res.code)}")
        else:
            status = 1
            hints = "; ".join(f"{s.name} ({s.score:.0f})" for s in res.suggestions) or "no close match"
            print(f"?\t{name}\t{hints}")
    return status


def _boundaries_check(args: argparse.Namespace) -> int:
    from dashboard.boundaries import load_boundaries

    boundaries = load_boundaries(args.path, args.join_column)
    print(boundaries.report.to_text())
    print(boundaries.vintage_note())
    return 0 if boundaries.report.all_matched else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Child Protection Unit (J646) dashboard tools.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    provinces = commands.add_parser("provinces", help="province gazetteer tools").add_subparsers(dest="action", required=True)
    res = provinces.add_parser("resolve", help="resolve province names, spellings or codes to NCDD codes")
    res.add_argument("names", nargs="+", metavar="NAME")
    res.set_defaults(func=_provinces_resolve)

    boundaries = commands.add_parser("boundaries", help="boundary file tools").add_subparsers(dest="action", required=True)
    check = boundaries.add_parser("check", help="report how a boundary file joins to the provinces")
    check.add_argument("path", nargs="?", help="boundary file (.zip, .shp, .geojson, .gpkg); default: the shipped file")
    check.add_argument("--join-column", help="attribute column to join on (default: detected)")
    check.set_defaults(func=_boundaries_check)

    from dashboard import cli_data

    cli_data.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except UserFacingError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
