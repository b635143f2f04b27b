"""CLI commands for case data: validate, ingest, demo-data, summary."""

from __future__ import annotations

import argparse
import json

from dashboard.cli.common import add_db_arg, add_filter_args, add_source_args, filters_from_args, iso_date, load_dataset
from dashboard.i18n import N_, _, fmt_int, fmt_percent

#: The human-readable summary's labels (``--json`` keeps the keys, in English, for scripts).
SUMMARY_LABELS = {
    "cases": N_("Cases"), "arrests": N_("Arrests"), "arrest_rate": N_("Arrest rate"),
    "arrest_rate_ci95": N_("Arrest rate, 95% confidence interval"),
    "provinces_with_cases": N_("Provinces with cases"), "provinces_covered": N_("Provinces covered"),
    "provinces_total": N_("Provinces in all"), "population_covered_share": N_("Share of population covered"),
    "area_covered_share": N_("Share of area covered"), "first_case": N_("First case"),
    "last_case": N_("Last case"), "period_end": N_("Period ends"), "year": N_("Year"),
    "cases_this_year": N_("Cases this year"), "census": N_("Population figures"),
    "median_days_to_arrest": N_("Median days from report to arrest"),
    "arrests_within_7_days_share": N_("Arrests within 7 days"),
    "arrests_within_30_days_share": N_("Arrests within 30 days"),
    "cases_excluded_from_time_to_arrest": N_("Cases left out of time to arrest"),
    "synthetic": N_("SYNTHETIC demo data"),
    "median_days_arrest_to_charge": N_("Median days from arrest to charge"),
    "median_days_charge_to_outcome": N_("Median days from charge to the court's decision"),
    "charged_within_90_days_share": N_("Charged within 90 days of the arrest (Kaplan–Meier)"),
    "charged_within_90_days_ci95": N_("Charged within 90 days, 95% interval"),
    "charged_within_365_days_share": N_("Charged within a year of the arrest (Kaplan–Meier)"),
    "charged_within_365_days_ci95": N_("Charged within a year, 95% interval"),
}


def _options(args: argparse.Namespace):
    from dashboard.data.schema import load_offence_map
    from dashboard.data.validation import ValidationOptions

    opts = ValidationOptions(offence_map=load_offence_map(getattr(args, "offence_map", None)))
    if getattr(args, "earliest", None):
        opts.earliest = args.earliest
    if getattr(args, "coverage", None):
        opts.coverage = _coverage_file(args.coverage, opts)
    return opts


def _coverage_file(path: str, opts):
    """The records of a valid coverage file, to flag cases outside coverage."""
    from dashboard.data.validation import validate_file
    from dashboard.errors import DataFileError

    report = validate_file(path, kind="coverage", options=opts)
    if not report.ok:
        raise DataFileError(_("The coverage file '{path}' is not valid:").format(path=path) + "\n"
                            + report.to_text(limit=20),
                            _("Fix it first: 'python -m dashboard validate FILE --kind coverage'."))
    return report.records


def _validate(args: argparse.Namespace) -> int:
    from dashboard.data.validation import validate_file

    report = validate_file(args.file, kind=args.kind, options=_options(args))
    print(report.to_text(limit=args.limit))
    return 0 if report.ok else 1


def _ingest(args: argparse.Namespace) -> int:
    from dashboard.access import audit
    from dashboard.data.db import open_engine
    from dashboard.data.ingest import ingest_file

    engine = open_engine(args.db)
    result = ingest_file(engine, args.file, kind=args.kind, options=_options(args), actor=audit.cli_actor())
    print(result.to_text())
    return 0 if result.written else 1


def _demo_data(args: argparse.Namespace) -> int:
    from dashboard.data.demo import write_demo

    for path in write_demo(args.out, args.seed):
        print(path)
    return 0


def _summary(args: argparse.Namespace) -> int:
    from dashboard.cli.funnel import stage_lines  # noqa: F401  (kept beside the summary's keys)
    from dashboard.measures import funnel
    from dashboard.measures.filters import counts_for
    from dashboard.measures.metrics import summary
    from dashboard.measures.time_to_arrest import summary_keys, times_of

    dataset = load_dataset(args)
    filters = filters_from_args(args)
    result = summary(counts_for(dataset, filters), dataset.coverage, filters, census=args.census)
    result.update(summary_keys(times_of(dataset), filters))
    result.update(funnel.summary_keys(dataset.cases, filters))
    result["synthetic"] = dataset.synthetic
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            if key == "funnel":
                print("\n".join(stage_lines(value)))
                continue
            print(f"{_(SUMMARY_LABELS[key]) if key in SUMMARY_LABELS else key}: {_summary_value(key, value)}")
    return 0


def _summary_value(key: str, value) -> str:
    """One summary figure for people: numbers, shares and yes/no in the interface language."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_share") or key == "arrest_rate":
        return fmt_percent(value, 1)
    if key == "arrest_rate_ci95" or key.endswith("_ci95"):
        return "–".join(fmt_percent(v, 1) for v in value)
    if key == "census":
        return _(value)
    if isinstance(value, int) and key != "year":
        return fmt_int(value)
    return str(value)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the case-data commands to the top-level parser."""
    from dashboard.data.demo import DEFAULT_SEED

    for name, func, helptext in (
            ("validate", _validate, N_("check a case or coverage file; exit 1 if it has problems")),
            ("ingest", _ingest, N_("validate, then write a file to the database in one transaction"))):
        cmd = commands.add_parser(name, help=_(helptext))
        cmd.add_argument("file", metavar="FILE", help=_("CSV (UTF-8, UTF-16 or Windows-1252) or XLSX"))
        cmd.add_argument("--kind", choices=["cases", "coverage"], default="cases",
                         help=_("what the file holds (default: cases)"))
        cmd.add_argument("--earliest", type=iso_date, help=_("earliest acceptable date (default: 2013-07-01)"))
        cmd.add_argument("--offence-map", metavar="JSON", help=_("extra offence labels -> categories"))
        if name == "validate":
            cmd.add_argument("--limit", type=int, default=500, help=_("problems to print at most (default 500)"))
            cmd.add_argument("--coverage", metavar="FILE",
                             help=_("a coverage table: flag cases reported outside their province's coverage"))
        else:
            add_db_arg(cmd)
        cmd.set_defaults(func=func)

    demo_cmd = commands.add_parser("demo-data", help=_("write the SYNTHETIC demo case file and coverage table"))
    demo_cmd.add_argument("--out", required=True, metavar="DIR")
    demo_cmd.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo_cmd.set_defaults(func=_demo_data)

    summ = commands.add_parser("summary", help=_("headline figures for a period, provinces and offences"))
    add_source_args(summ)
    add_filter_args(summ)
    summ.add_argument("--census", choices=["2008", "2019"], default="2008",
                      help=_("population denominators (default 2008)"))
    summ.add_argument("--json", action="store_true", help=_("print one JSON object"))
    summ.set_defaults(func=_summary)
