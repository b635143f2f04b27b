"""CLI commands for backups: ``python -m dashboard backup OUT`` and ``python -m dashboard restore FILE``.

Both work on the configured database (``--db URL``, DASHBOARD_DB_URL or
secrets.toml, else the app's own SQLite file); see :mod:`dashboard.ops.backup`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.cli.common import add_db_arg
from dashboard.i18n import _


def _backup(args: argparse.Namespace) -> int:
    from dashboard.data.db import resolve_url
    from dashboard.ops import backup

    done = backup.backup(resolve_url(args.db), Path(args.out))
    if done.backend == "sqlite":
        print(_("Backup written to {path}: {tables} tables, {rows} rows.").format(path=done.path, tables=done.tables,
                                                                                 rows=done.rows))
    else:
        print(_("Backup written to {path} (pg_dump custom format).").format(path=done.path))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from dashboard.data.db import redact, resolve_url
    from dashboard.ops import backup

    url = resolve_url(args.db)
    done = backup.restore(url, Path(args.file), force=args.force)
    print(_("Restored {path} into {url}: {tables} tables, {rows} rows.").format(path=done.path, url=redact(url),
                                                                              tables=done.tables, rows=done.rows))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("backup", help=_("copy the database to a file while the app runs (SQLite's online "
                                               "backup, or pg_dump for PostgreSQL)"))
    cmd.add_argument("out", metavar="OUT", help=_("the backup file to write (replaced if it exists)"))
    add_db_arg(cmd)
    cmd.set_defaults(func=_backup)

    cmd = commands.add_parser("restore", help=_("restore a backup made by 'backup' into an empty database, then "
                                                "migrate it"))
    cmd.add_argument("file", metavar="FILE", help=_("the backup file"))
    cmd.add_argument("--force", action="store_true",
                     help=_("restore even if the database already holds data (it is replaced)"))
    add_db_arg(cmd)
    cmd.set_defaults(func=_restore)
