"""CLI commands for the built-in user store."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.cli.common import add_db_arg


def read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")  # for scripted setups: one line on standard input


def _users_add(args: argparse.Namespace) -> int:
    from dashboard.access import auth
    from dashboard.data.db import open_engine
    from dashboard.errors import UserFacingError

    password = read_password(f"Password for {args.name}: ")
    if sys.stdin.isatty() and read_password("Repeat the password: ") != password:
        raise UserFacingError("The two passwords differ.", "Run the command again.")
    auth.add_user(open_engine(args.db), args.name, args.role, password)
    print(f"user {args.name} saved with role {args.role}")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from dashboard.access import auth
    from dashboard.data.db import open_engine

    for name, role in auth.list_users(open_engine(args.db)):
        print(f"{name}\t{role}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.access.auth import ROLES

    users = commands.add_parser("users", help="the built-in user store").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create or replace a user; prompts for the password")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add_db_arg(add)
    add.set_defaults(func=_users_add)
    lst = users.add_parser("list", help="list user names and roles")
    add_db_arg(lst)
    lst.set_defaults(func=_users_list)
