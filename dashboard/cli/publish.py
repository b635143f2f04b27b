"""CLI command for the public export."""

from __future__ import annotations

import argparse
import sys

from dashboard.cli.common import add_source_args, load_dataset


def _export_public(args: argparse.Namespace) -> int:
    from dashboard.errors import UserFacingError
    from dashboard.publish.public_export import write_export

    if args.k < 2:
        raise UserFacingError(f"--k {args.k} is too small.", "Use a threshold of 2 or more (the default is 11).")
    dataset = load_dataset(args)
    if dataset.cases.empty:
        raise UserFacingError("There are no cases to publish.", "Ingest case data first (python -m dashboard ingest FILE).")
    for path in write_export(dataset, args.out, args.k):
        print(path)
    if dataset.synthetic:
        print("note: the export was made from SYNTHETIC demo data", file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from dashboard.publish.public_export import DEFAULT_K

    export = commands.add_parser("export-public", help="write the aggregated, suppressed files public mode reads")
    add_source_args(export)
    export.add_argument("--out", required=True, metavar="DIR")
    export.add_argument("--k", type=int, default=DEFAULT_K, help=f"suppression threshold (default {DEFAULT_K})")
    export.set_defaults(func=_export_public)
