"""Options several commands share, declared once with one help text, and what they resolve to."""

from __future__ import annotations

import argparse
from datetime import date

from dashboard.i18n import _


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{text}' is not a date; use YYYY-MM-DD").format(text=text)) from None


def add_db_arg(parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup) -> None:
    parser.add_argument("--db", metavar="URL",
                        help=_("database URL (default: DASHBOARD_DB_URL, secrets.toml or var/cases.sqlite3)"))


def add_source_args(parser: argparse.ArgumentParser) -> None:
    """--db URL or --data DIR: where a read command takes its cases from."""
    source = parser.add_mutually_exclusive_group()
    add_db_arg(source)
    source.add_argument("--data", metavar="DIR",
                        help=_("folder with cases*.csv and coverage*.csv (e.g. from demo-data)"))


def add_filter_args(parser: argparse.ArgumentParser) -> None:
    """--from, --to and one repeatable flag per filter dimension (``measures.filters.DIMENSIONS``)."""
    from dashboard.measures.filters import DIMENSIONS

    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="YYYY-MM-DD",
                        help=_("first day of the period"))
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="YYYY-MM-DD", help=_("last day of the period"))
    for dim in DIMENSIONS:
        parser.add_argument(dim.cli_flag, dest=f"filter_{dim.key}", action="append", metavar=dim.cli_metavar,
                            help=_(dim.cli_help))


def open_database(url: str | None = None):
    """The database (--db URL or configured), migrated; the app's own default database, when empty, gets the
    SYNTHETIC demo as the app gives it on its first start (so the README's commands work on a fresh clone)."""
    from dashboard.data.db import open_engine, resolve_url
    from dashboard.data.seed import seed_demo_if_empty

    engine = open_engine(url)
    seed_demo_if_empty(engine, resolve_url(url))
    return engine


def load_dataset(args: argparse.Namespace):
    """The dataset named by --data DIR, else the database (:func:`open_database`)."""
    from dashboard.data.store import load_from_db, load_from_dir

    if getattr(args, "data", None):
        return load_from_dir(args.data)
    return load_from_db(open_database(args.db))


def filters_from_args(args: argparse.Namespace):
    """The filters the command line's flags select; an unknown value stops the command with what to use."""
    from dashboard.errors import UserFacingError
    from dashboard.measures.filters import DIMENSIONS, make_filters

    selections = {}
    for dim in DIMENSIONS:
        selections[dim.key], bad = dim.read(getattr(args, f"filter_{dim.key}", None) or [])
        if bad:
            raise UserFacingError(_(dim.cli_unknown).format(names=", ".join(bad)), dim.cli_hint())
    return make_filters(args.date_from, args.date_to, selections)
