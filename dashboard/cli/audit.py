"""CLI commands for the audit trail.

``python -m dashboard audit [--since DATE] [--until DATE] [--user NAME] [--action A]`` prints it;
``python -m dashboard audit verify [--anchor ID:HASH]`` checks its hash chain.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.cli.common import add_db_arg, iso_date
from dashboard.i18n import _


def _cell(value: object) -> str:
    """One TSV cell: empty for a missing value, never a tab or a line break."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _print(args: argparse.Namespace) -> int:
    """Tab-separated entries, oldest first, with a header line (machine output: not translated)."""
    from dashboard.access import audit
    from dashboard.data.db import open_engine

    frame = audit.query(open_engine(args.db), since=args.since, until=args.until, user=args.user,
                        actions=args.action).iloc[::-1]
    print("\t".join(audit.COLUMNS))
    for row in frame.itertuples(index=False):
        print("\t".join(_cell(c) for c in (row.at.isoformat(timespec="seconds"), row.user, row.action, row.page,
                                           row.rows, row.detail)))
    return 0


def _anchor(text: str) -> tuple[int, str]:
    entry, _sep, digest = text.partition(":")
    if not entry.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError(_("'{text}' is not ID:HASH (an entry id and its 64-character hash, as "
                                           "'audit verify' prints them)").format(text=text))
    return int(entry), digest.lower()


def _verify(args: argparse.Namespace) -> int:
    """Exit 0 when every entry's hash and link hold (and the anchor, if given, is still there); 1 otherwise."""
    from dashboard.access import audit
    from dashboard.data import audit_chain
    from dashboard.data.db import open_engine

    engine = open_engine(args.db)
    check = audit.verify(engine)
    if not check.intact:
        problems = {
            audit_chain.UNHASHED: _("it has no hash, so it was written around the app"),
            audit_chain.UNLINKED: _("it does not follow the entry before it: an entry was removed, inserted or "
                                    "reordered"),
            audit_chain.EDITED: _("its content no longer matches its hash: it was edited"),
        }
        print(_("The audit trail is broken at entry {id}: {problem}.").format(id=check.broken_id,
                                                                              problem=problems[check.problem]),
              file=sys.stderr)
        return 1
    if args.anchor:
        entry, digest = args.anchor
        if audit.hash_of(engine, entry) != digest:
            print(_("The audit trail was rewritten: entry {id} no longer has the hash noted for it.").format(id=entry),
                  file=sys.stderr)
            return 1
    print(_("The audit trail is intact: {count} entries.").format(count=check.rows))
    if check.head_id is not None:
        print(_("Last entry (note it elsewhere to check later with --anchor): {id}:{hash}").format(
            id=check.head_id, hash=check.head_hash))
    return 0


def _audit(args: argparse.Namespace) -> int:
    return _verify(args) if args.check == "verify" else _print(args)


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.access.audit import ACTIONS

    cmd = commands.add_parser("audit", help=_("print the audit trail (who signed in, downloaded, ingested, changed "
                                              "what), or check it with 'audit verify'"))
    cmd.add_argument("check", nargs="?", choices=["verify"],
                     help=_("verify: check that no entry was edited, removed or inserted (exit 1 names the first "
                            "broken entry)"))
    cmd.add_argument("--anchor", type=_anchor, metavar="ID:HASH",
                     help=_("with verify: an entry id and hash printed by an earlier verify, which must still match"))
    cmd.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help=_("entries from this day on (UTC)"))
    cmd.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help=_("entries up to this day (UTC)"))
    cmd.add_argument("--user", metavar="NAME", help=_("only this user's entries"))
    cmd.add_argument("--action", action="append", choices=ACTIONS, metavar="A",
                     help=_("only this action; repeatable ({actions})").format(actions=", ".join(ACTIONS)))
    add_db_arg(cmd)
    cmd.set_defaults(func=_audit)
