"""``python -m dashboard screenshots``: retake the docs screenshots (maintainers; needs requirements-dev.txt)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.i18n import _
from dashboard.paths import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "docs" / "screenshots"


def _screenshots(args: argparse.Namespace) -> int:
    from dashboard.errors import UserFacingError

    try:
        from dashboard.devtools import screenshots
    except ImportError as err:  # Playwright is a development requirement
        raise UserFacingError(_("This command needs Playwright ({error}).").format(error=err),
                              _("Install the development requirements: pip install -r requirements-dev.txt.")) from None
    languages = screenshots.LANGUAGES if args.lang == "all" else (args.lang,)
    try:
        out = Path(args.out) if args.out else DEFAULT_OUT / "phone" if args.phone else DEFAULT_OUT
        written = screenshots.take(out, languages, tuple(args.only or ()), phone=args.phone)
    except (RuntimeError, ValueError) as err:
        raise UserFacingError(str(err), _("Nothing else was written; fix this and run the command again.")) from None
    for path in written:
        print(path)
    print(_("{n} screenshots written to {out}").format(n=len(written), out=out))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("screenshots", help=_("retake the docs screenshots: the app on demo data, in a real "
                                                    "browser (needs chromium and requirements-dev.txt)"))
    cmd.add_argument("--out", default=None, help=_("folder for the PNGs (default: docs/screenshots; "
                                                               "Khmer ones go to its km/ folder)"))
    cmd.add_argument("--lang", choices=("en", "km", "all"), default="all", help=_("which languages (default: all)"))
    cmd.add_argument("--only", action="append", metavar="NAME",
                     help=_("take only this screenshot (repeatable), e.g. --only overview"))
    cmd.add_argument("--phone", action="store_true",
                     help=_("at a phone's size (390×844, touch), each page whole "
                            "(default out: docs/screenshots/phone)"))
    cmd.set_defaults(func=_screenshots)
