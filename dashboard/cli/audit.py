"""CLI command for the audit trail: ``python -m dashboard audit [--since DATE] [--user NAME] [--action A]``."""

from __future__ import annotations

import argparse

from dashboard.i18n import _

from dashboard.cli.common import add_db_arg, iso_date


def _audit(args: argparse.Namespace) -> int:
    """Tab-separated entries, oldest first, with a header line (machine output: not translated)."""
    import pandas as pd

    from dashboard.access import audit
    from dashboard.data.db import open_engine

    frame = audit.query(open_engine(args.db), since=args.since, until=args.until, user=args.user,
                        actions=args.action).iloc[::-1]
    print("\t".join(audit.COLUMNS))
    for row in frame.itertuples(index=False):
        cells = [row.at.isoformat(timespec="seconds"), row.user, row.action, row.page or "",
                 "" if pd.isna(row.rows) else str(row.rows), row.detail or ""]
        print("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.access.audit import ACTIONS

    cmd = commands.add_parser("audit", help=_("print the audit trail (who signed in, downloaded, ingested, changed what)"))
    cmd.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help=_("entries from this day on (UTC)"))
    cmd.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help=_("entries up to this day (UTC)"))
    cmd.add_argument("--user", metavar="NAME", help=_("only this user's entries"))
    cmd.add_argument("--action", action="append", choices=ACTIONS, metavar="A",
                     help=_("only this action; repeatable ({actions})").format(actions=", ".join(ACTIONS)))
    add_db_arg(cmd)
    cmd.set_defaults(func=_audit)
