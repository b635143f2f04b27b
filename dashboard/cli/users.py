"""CLI commands for the built-in user store. Every change is audited as ``<os user>@cli``."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.cli.common import add_db_arg
from dashboard.i18n import N_, _


def read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")  # for scripted setups: one line on standard input


def _new_password(name: str) -> str:
    """Prompt (twice on a terminal) or read one line from standard input."""
    from dashboard.errors import UserFacingError

    password = read_password(_("Password for {name}: ").format(name=name))
    if sys.stdin.isatty() and read_password(_("Repeat the password: ")) != password:
        raise UserFacingError(_("The two passwords differ."), _("Run the command again."))
    return password


def _confirmed(question: str) -> bool:
    """Ask on a terminal; a scripted run (standard input not a terminal) goes ahead, as `users add` does."""
    if not sys.stdin.isatty():
        return True
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _users_add(args: argparse.Namespace) -> int:
    from dashboard.access import auth, scope
    from dashboard.access.audit import cli_actor
    from dashboard.data.db import open_engine

    engine = open_engine(args.db)
    provinces = scope.parse(args.provinces) if args.provinces is not None else None  # before the password too
    scope.check_role(args.role, provinces)
    try:
        if not args.force:
            auth.refuse_existing_user(engine, args.name)  # before asking for a password
    except auth.UserExistsError as err:
        print(_("error: {message}").format(message=err.message), file=sys.stderr)
        return 1
    password = _new_password(args.name)
    if auth.add_user(engine, args.name, args.role, password, actor=cli_actor(), replace=args.force,
                     provinces=provinces):
        print(_("user {name} replaced, now with role {role}; their sessions were ended").format(
            name=args.name, role=args.role))
    else:
        print(_("user {name} added with role {role}").format(name=args.name, role=args.role))
    if provinces is not None:
        print(_("province scope of {name}: {provinces}").format(name=args.name, provinces=scope.names(provinces)))
    return 0


def _users_scope(args: argparse.Namespace) -> int:
    """Set or clear a user's province scope (audited; holds from their next rerun, in every process)."""
    from dashboard.access import auth, scope
    from dashboard.access.audit import cli_actor
    from dashboard.data.db import open_engine

    engine = open_engine(args.db)
    auth.require_user(engine, args.name)
    provinces = None if args.all else scope.parse(args.provinces)
    auth.set_scope(engine, args.name, provinces, actor=cli_actor())
    print(_("province scope of {name}: {provinces}").format(name=args.name, provinces=scope.names(provinces)))
    return 0


def _users_passwd(args: argparse.Namespace) -> int:
    from dashboard.access import auth
    from dashboard.access.audit import cli_actor
    from dashboard.data.db import open_engine

    engine = open_engine(args.db)
    auth.require_user(engine, args.name)
    auth.set_password(engine, args.name, _new_password(args.name), actor=cli_actor())
    print(_("password of {name} changed; their sessions were ended").format(name=args.name))
    return 0


def _users_switch(args: argparse.Namespace) -> int:
    """disable, enable or remove."""
    from dashboard.access import auth
    from dashboard.access.audit import cli_actor
    from dashboard.data.db import open_engine

    engine = open_engine(args.db)
    auth.require_user(engine, args.name)
    question = {"disable": _("Disable user {name}?"), "enable": _("Enable user {name}?"),
                "remove": _("Remove user {name}?")}[args.action]
    if not _confirmed(question.format(name=args.name)):
        print(_("nothing changed"))
        return 1
    if args.action == "remove":
        auth.remove_user(engine, args.name, actor=cli_actor())
    else:
        auth.set_disabled(engine, args.name, args.action == "disable", actor=cli_actor())
    done = {"disable": _("user {name} disabled; their sessions were ended"), "enable": _("user {name} enabled"),
            "remove": _("user {name} removed; their sessions were ended")}[args.action]
    print(done.format(name=args.name))
    return 0


def _users_unlock(args: argparse.Namespace) -> int:
    from dashboard.access import auth
    from dashboard.access.audit import cli_actor
    from dashboard.data.db import open_engine

    forgotten = auth.unlock(open_engine(args.db), args.name, actor=cli_actor())
    print(_("sign-in for {name} unlocked ({count} counted attempts forgotten)").format(name=args.name,
                                                                                      count=forgotten))
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from dashboard.access import auth, scope
    from dashboard.data.db import open_engine

    for name, role, disabled, provinces in auth.list_users_with_scope(open_engine(args.db)):
        print(f"{name}\t{role}\t{'disabled' if disabled else 'active'}\t{scope.names(provinces)}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.access.auth import ROLES

    users = commands.add_parser("users", help=_("the built-in user store")).add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help=_("create a user; prompts for the password"))
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--force", action="store_true",
                     help=_("replace an existing user of that name (new role and password; ends their sessions)"))
    add.add_argument("--provinces", metavar="NAMES",
                     help=_("limit a leadership or analyst user to these provinces (comma-separated, any spelling): "
                            "other provinces show only public figures"))
    add_db_arg(add)
    add.set_defaults(func=_users_add)
    scoped = users.add_parser("scope", help=_("set or clear a user's province scope (audited; holds from their "
                                              "next page update)"))
    scoped.add_argument("name")
    which = scoped.add_mutually_exclusive_group(required=True)
    which.add_argument("--provinces", metavar="NAMES", help=_("the provinces (comma-separated, any spelling)"))
    which.add_argument("--all", action="store_true", help=_("remove the scope: every province"))
    add_db_arg(scoped)
    scoped.set_defaults(func=_users_scope)
    passwd = users.add_parser("passwd", help=_("set a user's password (prompts); ends their sessions"))
    passwd.add_argument("name")
    add_db_arg(passwd)
    passwd.set_defaults(func=_users_passwd)
    for action, helptext in (("disable", N_("stop a user signing in; ends their sessions")),
                             ("enable", N_("let a disabled user sign in again")),
                             ("remove", N_("delete a user; ends their sessions (their audit entries stay)"))):
        cmd = users.add_parser(action, help=_(helptext) + " " + _("(asks to confirm on a terminal)"))
        cmd.add_argument("name")
        add_db_arg(cmd)
        cmd.set_defaults(func=_users_switch)
    unlock = users.add_parser("unlock", help=_("let a name whose sign-in is paused try again at once (audited)"))
    unlock.add_argument("name")
    add_db_arg(unlock)
    unlock.set_defaults(func=_users_unlock)
    lst = users.add_parser("list", help=_("user names, roles, whether each is active or disabled, and "
                                          "province scopes"))
    add_db_arg(lst)
    lst.set_defaults(func=_users_list)
