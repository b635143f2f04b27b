"""CLI commands for the public side: the export (and its static site) and the donor brief."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.cli.common import add_source_args, load_dataset
from dashboard.i18n import _, fmt_int


def _export_public(args: argparse.Namespace) -> int:
    from dashboard.errors import UserFacingError
    from dashboard.publish import ledger, release

    if args.k < 2:
        raise UserFacingError(_("--k {k} is too small.").format(k=args.k),
                              _("Use a threshold of 2 or more (the default is 11)."))
    if not args.out and not args.site:
        raise UserFacingError(_("Nowhere to write the export."), _("Give --out DIR, --site DIR or both."))
    out = Path(args.out) if args.out else Path(args.site) / "data"
    store = _ledger(args, out)
    if isinstance(store, ledger.DbLedger):
        from dashboard.data.store import load_from_db

        dataset = load_from_db(store.engine)
    else:
        dataset = load_dataset(args)
    if dataset.cases.empty:
        raise UserFacingError(_("There are no cases to publish."),
                              _("Ingest case data first (python -m dashboard ingest FILE)."))
    report = release.write_release(dataset, out, args.k, store)
    for path in report.paths:
        print(path)
    print(release.summary(report), file=sys.stderr)
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    print(public_dates(meta), file=sys.stderr)
    if args.site:
        from dashboard.publish.site import write_site

        site = write_site(out, args.site)
        print(site.index)
        print(_("static site: {files} files, {size} bytes").format(files=fmt_int(site.files),
                                                                   size=fmt_int(site.total_bytes)), file=sys.stderr)
    if dataset.synthetic:
        print(_("note: the export was made from SYNTHETIC demo data"), file=sys.stderr)
    return 0


def _ledger(args: argparse.Namespace, out: Path):
    """The data's release ledger: the database's own, or the file --ledger names for a folder of CSV files."""
    from dashboard.errors import UserFacingError
    from dashboard.publish import ledger

    if getattr(args, "data", None):
        if not args.ledger:
            raise UserFacingError(
                _("An export from --data needs --ledger FILE."),
                _("The ledger records what every earlier release of this data published, so that a new release "
                  "is checked against all of them, whatever folder each went to. Give the same FILE for every "
                  "release of this data ({existing} if an earlier export left one there; a new file for the "
                  "first release).").format(existing=ledger.path_in(out)))
        return ledger.FileLedger(args.ledger)
    if args.ledger:
        raise UserFacingError(_("--ledger is for exports from --data only."),
                              _("An export from the case database keeps its ledger in the database; leave out "
                                "--ledger (a release_ledger.json in --out is migrated into it)."))
    from dashboard.cli.common import open_database

    return ledger.DbLedger(open_database(args.db))


def public_dates(meta: dict) -> str:
    """"figures to 31 March 2015 (closed quarters); data received to 29 April 2015", from an export's metadata."""
    from dashboard.publish.public_view import dates_text

    return dates_text(meta)


def _brief(args: argparse.Namespace) -> int:
    from dashboard import settings
    from dashboard.errors import UserFacingError
    from dashboard.publish.brief import write_brief

    folder = args.public_dir or settings.current().public_dir
    if folder is None:
        raise UserFacingError(_("No public export to make the brief from."),
                              _("Give --public-dir DIR (a folder written by export-public) "
                                "or set DASHBOARD_PUBLIC_DIR."))
    print(write_brief(folder, args.out, args.lang))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.i18n import LANGUAGES
    from dashboard.publish.public_export import DEFAULT_K

    export = commands.add_parser("export-public", help=_("write the aggregated, suppressed files public mode reads, "
                                                         "and optionally a static public website"))
    add_source_args(export)
    export.add_argument("--out", metavar="DIR", help=_("folder for the export files and the release ledger "
                                                       "(default with --site: SITE/data)"))
    export.add_argument("--site", metavar="DIR",
                        help=_("also write a self-contained static website (English and Khmer)"))
    export.add_argument("--ledger", metavar="FILE", help=_("with --data: the release ledger of that data (the same "
                                                         "file for every release; created by the first)"))
    export.add_argument("--k", type=int, default=DEFAULT_K,
                        help=_("suppression threshold (default {k})").format(k=DEFAULT_K))
    export.set_defaults(func=_export_public)

    brief = commands.add_parser("brief", help=_("write the one-page donor brief (A4 PDF) from a public export"))
    brief.add_argument("--public-dir", metavar="DIR",
                       help=_("folder written by export-public (default: DASHBOARD_PUBLIC_DIR)"))
    brief.add_argument("--lang", choices=list(LANGUAGES), default="en", help=_("language of the brief (default en)"))
    brief.add_argument("--out", required=True, metavar="FILE", help=_("the PDF to write, e.g. brief.pdf"))
    brief.set_defaults(func=_brief)
