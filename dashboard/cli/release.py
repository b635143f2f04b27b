"""CLI commands for public releases: draft, approve, publish, verify, list and the signing key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_db_arg, open_database
from dashboard.i18n import _, fmt_int


def _cli(name: str) -> str:
    """How the audit trail names an admin's step taken on the command line."""
    return f"{name}@cli"


def _draft(args: argparse.Namespace) -> int:
    from dashboard.publish import candidates, changes

    engine = open_database(args.db)
    candidate = candidates.draft(engine, args.acting, args.k, actor=_cli(args.acting))
    print(candidate.id)
    print(candidates.describe(candidate), file=sys.stderr)
    for line in changes.report_lines(candidate.record["changes"]):
        print("  " + line, file=sys.stderr)
    print(_("files: {folder}").format(folder=candidate.folder), file=sys.stderr)
    return 0


def _approve(args: argparse.Namespace) -> int:
    from dashboard.publish import candidates

    candidate = candidates.approve(open_database(args.db), args.id, args.acting, actor=_cli(args.acting))
    print(candidates.describe(candidate))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from dashboard.publish import candidates, publishing

    engine = open_database(args.db)
    candidates.require_admin(engine, args.acting)
    report = publishing.publish(engine, args.id, Path(args.site), _cli(args.acting))
    print(report.site / "index.html")
    print(_("release {number} published: {files} files signed; key fingerprint {fingerprint}").format(
        number=report.number, files=fmt_int(report.files), fingerprint=report.fingerprint), file=sys.stderr)
    if report.one_person:
        print(_("note: a one-person release (the same admin drafted and approved it); the release says so"),
              file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from dashboard.publish import signing

    key = signing.load_public(Path(args.key)) if args.key else None
    if key is None:
        own = signing.public_path(signing.default_key_path())
        key = signing.load_public(own) if own.is_file() else None
    result = signing.verify_folder(Path(args.dir), key)
    for problem in result.problems:
        print(problem)
    print(signing.verification_text(result), file=sys.stderr)
    return 0 if result.ok else 1


def _keygen(args: argparse.Namespace) -> int:
    from dashboard.access import audit
    from dashboard.publish import signing

    private, public = signing.keygen(Path(args.key) if args.key else signing.default_key_path(), force=args.force)
    print(public)
    key = signing.load_public(public)
    print(_("private key (keep it secret, outside every public folder): {path}").format(path=private),
          file=sys.stderr)
    print(_("public key fingerprint: {fingerprint}").format(fingerprint=signing.fingerprint(key)), file=sys.stderr)
    try:
        audit.record(open_database(args.db), audit.cli_actor(), audit.RELEASE_KEYGEN,
                     detail={"fingerprint": signing.fingerprint(key)})
    except Exception:  # noqa: BLE001  the key exists either way; a database that cannot be reached is said below
        print(_("note: the audit trail could not be reached to record the new key"), file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from dashboard.publish import candidates

    for candidate in candidates.all_candidates():
        print(f"{candidate.id}\t{candidate.number}\t{candidate.state}\t{candidate.record['drafted_by']}\t"
              f"{candidate.record.get('approved_by') or ''}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.publish.public_export import DEFAULT_K

    release = commands.add_parser("release", help=_("public releases: draft, approve by a second admin, publish "
                                                   "(signed), verify"))
    steps = release.add_subparsers(dest="step", metavar="STEP", required=True)

    def acting(parser: argparse.ArgumentParser, required: bool = True) -> None:
        parser.add_argument("--as", dest="acting", metavar="NAME", required=required,
                            help=_("the admin taking this step (a user of this dashboard with the admin role)"))
        add_db_arg(parser)

    draft = steps.add_parser("draft", help=_("build a candidate (export, site, briefs, change report), audited "
                                             "against every earlier release"))
    acting(draft)
    draft.add_argument("--k", type=int, default=DEFAULT_K,
                       help=_("suppression threshold (default {k})").format(k=DEFAULT_K))
    draft.set_defaults(func=_draft)

    approve = steps.add_parser("approve", help=_("approve a candidate (an admin other than the one who drafted it)"))
    approve.add_argument("id", metavar="ID")
    acting(approve)
    approve.set_defaults(func=_approve)

    publish = steps.add_parser("publish", help=_("publish an approved candidate into the public folder, atomically "
                                                 "and signed"))
    publish.add_argument("id", metavar="ID")
    publish.add_argument("--site", required=True, metavar="DIR", help=_("the public folder (a web server serves it)"))
    acting(publish)
    publish.set_defaults(func=_publish)

    verify = steps.add_parser("verify", help=_("check a release folder against its SHA256SUMS and signature"))
    verify.add_argument("dir", metavar="DIR")
    verify.add_argument("--key", metavar="FILE", help=_("the programme's public key (default: this installation's "
                                                        "key, else the one in the folder)"))
    verify.set_defaults(func=_verify)

    keygen = steps.add_parser("keygen", help=_("make the Ed25519 key that signs releases (once)"))
    keygen.add_argument("--key", metavar="FILE", help=_("where to keep the private key (default: "
                                                        "DASHBOARD_RELEASE_KEY or var/release-signing/release.key)"))
    keygen.add_argument("--force", action="store_true", help=_("replace an existing key"))
    add_db_arg(keygen)
    keygen.set_defaults(func=_keygen)

    listing = steps.add_parser("list", help=_("the candidates: ID, release, state, drafted by, approved by"))
    listing.set_defaults(func=_list)
