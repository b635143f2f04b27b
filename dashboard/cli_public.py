"""CLI commands for the public export and the user store."""

from __future__ import annotations

import argparse
import getpass
import sys


def _export_public(args: argparse.Namespace) -> int:
    from dashboard.cli_data import load_dataset
    from dashboard.errors import UserFacingError
    from dashboard.public_export import write_export

    if args.k < 2:
        raise UserFacingError(f"--k {args.k} is too small.", "Use a threshold of 2 or more (the default is 11).")
    dataset = load_dataset(args)
    for path in write_export(dataset, args.out, args.k):
        print(path)
    if dataset.synthetic:
        print("note: the export was made from SYNTHETIC demo data", file=sys.stderr)
    return 0


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")  # for scripted setups: one line on standard input


def _users_add(args: argparse.Namespace) -> int:
    from dashboard import auth
    from dashboard.db import open_engine
    from dashboard.errors import UserFacingError

    password = _read_password(f"Password for {args.name}: ")
    if sys.stdin.isatty() and _read_password("Repeat the password: ") != password:
        raise UserFacingError("The two passwords differ.", "Run the command again.")
    auth.add_user(open_engine(args.db), args.name, args.role, password)
    print(f"user {args.name} saved with role {args.role}")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from dashboard import auth
    from dashboard.db import open_engine

    for name, role in auth.list_users(open_engine(args.db)):
        print(f"{name}\t{role}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add export-public and users commands."""
    from dashboard.auth import ROLES
    from dashboard.cli_data import add_source_args
    from dashboard.public_export import DEFAULT_K

    export = commands.add_parser("export-public", help="write the aggregated, suppressed files public mode reads")
    add_source_args(export)
    export.add_argument("--out", required=True, metavar="DIR")
    export.add_argument("--k", type=int, default=DEFAULT_K, help=f"suppression threshold (default {DEFAULT_K})")
    export.set_defaults(func=_export_public)

    users = commands.add_parser("users", help="the built-in user store").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create or replace a user; prompts for the password")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--db", metavar="URL")
    add.set_defaults(func=_users_add)
    lst = users.add_parser("list", help="list user names and roles")
    lst.add_argument("--db", metavar="URL")
    lst.set_defaults(func=_users_list)
