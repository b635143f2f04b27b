"""``python -m dashboard quality``: the data-quality findings; exit 1 when any is red, so a scheduled job can alert."""

from __future__ import annotations

import argparse
import json

from dashboard.cli.common import add_source_args, iso_date, load_dataset
from dashboard.i18n import _, fmt_int

#: How many case ids the text output shows per finding (``--json`` gives them all).
SHOWN_IDS = 10


def quality_report(args: argparse.Namespace):
    """The dataset (--data DIR or the database) and its quality report; ingest days come from the database."""
    from dashboard.measures.quality.report import run

    dataset = load_dataset(args)
    ingested = None
    if not getattr(args, "data", None):
        from dashboard.cli.common import open_database
        from dashboard.data.ingest_days import read_first_ingested

        ingested = read_first_ingested(open_database(args.db), dataset.cases["case_id"])
    return run(dataset.cases, dataset.coverage, ingested).since(args.since)


def _text(report) -> str:
    from dashboard.measures.quality.findings import SEVERITY_LABELS
    from dashboard.measures.quality.report import check_label

    lines = []
    for f in report.findings:
        lines.append(f"[{_(SEVERITY_LABELS[f.severity]).upper()}] {check_label(f.check)}: {f.title()}")
        lines.append("    " + f.explanation())
        lines.append("    " + _("Why this colour: {reason}").format(reason=f.reason()))
        if f.case_ids:
            shown = ", ".join(f.case_ids[:SHOWN_IDS]) + (" …" if len(f.case_ids) > SHOWN_IDS else "")
            lines.append("    " + _("Cases ({n}): {ids}").format(n=fmt_int(len(f.case_ids)), ids=shown))
    if not report.ingest_dates_known:
        lines.append(_("Late records were not checked: ingest days are known only in the database (not with --data)."))
    red = sum(f.severity == "red" for f in report.findings)
    amber = sum(f.severity == "amber" for f in report.findings)
    lines.append(_("{red} red and {amber} amber findings.").format(red=fmt_int(red), amber=fmt_int(amber)))
    return "\n".join(lines)


def _json(report) -> str:
    return json.dumps({"red": sum(f.severity == "red" for f in report.findings),
                       "amber": sum(f.severity == "amber" for f in report.findings),
                       "silence_threshold": report.threshold, "ingest_dates_known": report.ingest_dates_known,
                       "probably_incomplete_months": [m.isoformat()[:7] for m in report.incomplete_months],
                       "fields_not_recorded": report.not_recorded,
                       "findings": [f.to_dict() for f in report.findings]}, ensure_ascii=False, indent=2)


def _quality(args: argparse.Namespace) -> int:
    report = quality_report(args)
    print(_json(report) if args.json else _text(report))
    return 1 if report.has_red else 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "quality", help=_("data-quality findings; exit 1 when any is red"),
        description=_("Completeness, silent provinces, late records, likely duplicates and implausible values, "
                      "each with its severity and the cases it concerns. Exit 0 when nothing is red, 1 when "
                      "something is (for a scheduled job that alerts), 2 on an error."))
    add_source_args(parser)
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD",
                        help=_("only findings about periods that end on or after this day"))
    parser.add_argument("--json", action="store_true", help=_("JSON for scripts (every case id)"))
    parser.set_defaults(func=_quality)
