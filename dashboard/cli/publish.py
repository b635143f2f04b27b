"""CLI commands for the public side: the export (and its static site) and the donor brief."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_source_args, load_dataset
from dashboard.i18n import _, fmt_int


def _export_public(args: argparse.Namespace) -> int:
    from dashboard.errors import UserFacingError
    from dashboard.publish.public_export import write_export

    if args.k < 2:
        raise UserFacingError(_("--k {k} is too small.").format(k=args.k),
                              _("Use a threshold of 2 or more (the default is 11)."))
    if not args.out and not args.site:
        raise UserFacingError(_("Nowhere to write the export."), _("Give --out DIR, --site DIR or both."))
    dataset = load_dataset(args)
    if dataset.cases.empty:
        raise UserFacingError(_("There are no cases to publish."),
                              _("Ingest case data first (python -m dashboard ingest FILE)."))
    out = Path(args.out) if args.out else Path(args.site) / "data"
    for path in write_export(dataset, out, args.k):
        print(path)
    if args.site:
        from dashboard.publish.site import write_site

        report = write_site(out, args.site)
        print(report.index)
        print(_("static site: {files} files, {size} bytes").format(files=fmt_int(report.files),
                                                                   size=fmt_int(report.total_bytes)), file=sys.stderr)
    if dataset.synthetic:
        print(_("note: the export was made from SYNTHETIC demo data"), file=sys.stderr)
    return 0


def _brief(args: argparse.Namespace) -> int:
    from dashboard import settings
    from dashboard.errors import UserFacingError
    from dashboard.publish.brief import write_brief

    folder = args.public_dir or settings.current().public_dir
    if folder is None:
        raise UserFacingError(_("No public export to make the brief from."),
                              _("Give --public-dir DIR (a folder written by export-public) or set DASHBOARD_PUBLIC_DIR."))
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
    export.add_argument("--site", metavar="DIR", help=_("also write a self-contained static website (English and Khmer)"))
    export.add_argument("--k", type=int, default=DEFAULT_K, help=_("suppression threshold (default {k})").format(k=DEFAULT_K))
    export.set_defaults(func=_export_public)

    brief = commands.add_parser("brief", help=_("write the one-page donor brief (A4 PDF) from a public export"))
    brief.add_argument("--public-dir", metavar="DIR", help=_("folder written by export-public (default: DASHBOARD_PUBLIC_DIR)"))
    brief.add_argument("--lang", choices=list(LANGUAGES), default="en", help=_("language of the brief (default en)"))
    brief.add_argument("--out", required=True, metavar="FILE", help=_("the PDF to write, e.g. brief.pdf"))
    brief.set_defaults(func=_brief)
