"""CLI commands for case data: validate, ingest, demo-data, summary."""

from __future__ import annotations

import argparse
import json
from datetime import date


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def _options(args: argparse.Namespace):
    from dashboard.schema import load_offence_map
    from dashboard.validation import ValidationOptions

    opts = ValidationOptions(offence_map=load_offence_map(getattr(args, "offence_map", None)))
    if getattr(args, "earliest", None):
        opts.earliest = args.earliest
    return opts


def _validate(args: argparse.Namespace) -> int:
    from dashboard.ingest import validate_file

    report = validate_file(args.file, kind=args.kind, options=_options(args))
    print(report.to_text(limit=args.limit))
    return 0 if report.ok else 1


def _ingest(args: argparse.Namespace) -> int:
    from dashboard.db import open_engine
    from dashboard.ingest import ingest_file

    result = ingest_file(open_engine(args.db), args.file, kind=args.kind, options=_options(args))
    print(result.to_text())
    return 0 if result.written else 1


def _demo_data(args: argparse.Namespace) -> int:
    from dashboard.demo import write_demo

    for path in write_demo(args.out, args.seed):
        print(path)
    return 0


def load_dataset(args: argparse.Namespace):
    """The dataset named by --data DIR, else the database (--db URL or configured)."""
    from dashboard.db import open_engine
    from dashboard.store import load_from_db, load_from_dir

    if getattr(args, "data", None):
        return load_from_dir(args.data)
    return load_from_db(open_engine(args.db))


def filters_from_args(args: argparse.Namespace):
    from dashboard.errors import UserFacingError
    from dashboard.filters import Filters, offence_categories, province_codes
    from dashboard.schema import OFFENCES

    codes, bad = province_codes(args.province or [])
    if bad:
        raise UserFacingError(f"Unknown province(s): {', '.join(bad)}.",
                              "Use 'python -m dashboard provinces resolve NAME' to check a spelling.")
    offences, bad = offence_categories(args.offence or [])
    if bad:
        raise UserFacingError(f"Unknown offence(s): {', '.join(bad)}.", f"Use one of: {', '.join(OFFENCES)}.")
    return Filters(args.date_from, args.date_to, tuple(dict.fromkeys(codes)), tuple(offences))


def _summary(args: argparse.Namespace) -> int:
    from dashboard.metrics import summary

    dataset = load_dataset(args)
    result = summary(dataset.counts, dataset.coverage, filters_from_args(args), census=args.census)
    result["synthetic"] = dataset.synthetic
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def add_source_args(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", metavar="URL", help="database URL (default: DASHBOARD_DB_URL, secrets.toml or var/cases.sqlite3)")
    source.add_argument("--data", metavar="DIR", help="folder with cases*.csv and coverage*.csv (e.g. from demo-data)")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the case-data commands to the top-level parser."""
    for name, func, helptext in (("validate", _validate, "check a case or coverage file; exit 1 if it has problems"),
                                 ("ingest", _ingest, "validate, then write a file to the database in one transaction")):
        cmd = commands.add_parser(name, help=helptext)
        cmd.add_argument("file", metavar="FILE", help="CSV (UTF-8, UTF-16 or Windows-1252) or XLSX")
        cmd.add_argument("--kind", choices=["cases", "coverage"], default="cases", help="what the file holds (default: cases)")
        cmd.add_argument("--earliest", type=_date, help="earliest acceptable date (default: 2013-07-01)")
        cmd.add_argument("--offence-map", metavar="JSON", help="extra offence labels -> categories")
        if name == "validate":
            cmd.add_argument("--limit", type=int, default=500, help="problems to print at most (default 500)")
        else:
            cmd.add_argument("--db", metavar="URL", help="database URL (default: configured or var/cases.sqlite3)")
        cmd.set_defaults(func=func)

    demo_cmd = commands.add_parser("demo-data", help="write the SYNTHETIC demo case file and coverage table")
    demo_cmd.add_argument("--out", required=True, metavar="DIR")
    demo_cmd.add_argument("--seed", type=int, default=646)
    demo_cmd.set_defaults(func=_demo_data)

    summ = commands.add_parser("summary", help="headline figures for a period, provinces and offences")
    add_source_args(summ)
    add_filter_args(summ)
    summ.add_argument("--census", choices=["2008", "2019"], default="2008", help="population denominators (default 2008)")
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.set_defaults(func=_summary)

    from dashboard import cli_public

    cli_public.register(commands)


def add_filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")
    parser.add_argument("--province", action="append", metavar="NAME", help="repeatable")
    parser.add_argument("--offence", action="append", metavar="NAME", help="repeatable")
