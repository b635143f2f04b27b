"""``python -m dashboard funnel``: the attrition funnel after the arrest, for a period, provinces and offences."""

from __future__ import annotations

import argparse
import json

from dashboard.cli.common import add_filter_args, add_source_args, filters_from_args, load_dataset
from dashboard.i18n import N_, _, fmt_int, fmt_percent

BY_CHOICES = ("province", "offence", "year")


def _share(value: float | None, ci: list[float] | None) -> str:
    if value is None:
        return "–"
    text = fmt_percent(value, 1)
    return text + (f" ({fmt_percent(ci[0], 1)}–{fmt_percent(ci[1], 1)})" if ci else "")


def stage_lines(rows: list[dict]) -> list[str]:
    """The funnel as text lines for people: each stage's count, shares with intervals, open and not recorded."""
    from dashboard.measures.funnel import STAGE_LABELS

    lines = []
    for row in rows:
        label = _(STAGE_LABELS[row["stage"]])
        if row["count"] is None:
            lines.append(_("{stage}: not recorded").format(stage=label))
            continue
        text = _("{stage}: {count}").format(stage=label, count=fmt_int(row["count"]))
        if row["previous"] is not None:
            text += "; " + _("{share} of the previous stage, {all} of all cases").format(
                share=_share(row["share_of_previous"], row["share_of_previous_ci95"]),
                all=_share(row["share_of_all"], row["share_of_all_ci95"]))
            extra = [(row["still_open"], N_("still open")), (row["unknown"], N_("unknown")),
                     (row["not_recorded"], N_("not recorded"))]
            text += "".join(f"; {_(name)}: {fmt_int(n)}" for n, name in extra if n)
        lines.append(text)
    return lines


def _json_groups(frame, by: str) -> list[dict]:
    groups = []
    for key, part in frame.groupby(by, sort=False):
        entry = {by: key}
        if "province_name" in part:
            entry["province_name"] = part["province_name"].iloc[0]
        entry["funnel"] = [{k: _plain(v) for k, v in row.items() if k not in (by, "province_name")}
                           for row in part.to_dict("records")]
        groups.append(entry)
    return groups


def _plain(value):
    """A value JSON can hold: NaN and pandas' missing become null, numpy numbers plain numbers."""
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _funnel(args: argparse.Namespace) -> int:
    from dashboard.measures import funnel

    dataset = load_dataset(args)
    filters = filters_from_args(args)
    result = {"filters": filters.describe(), "follow_up_end": None, "synthetic": dataset.synthetic,
              "recorded": funnel.recorded_stages(dataset.cases), **funnel.summary_keys(dataset.cases, filters)}
    end = funnel.follow_up_end(dataset.cases)
    result["follow_up_end"] = end.date().isoformat() if end is not None else None
    if args.by:
        result["by"] = args.by
        result["groups"] = _json_groups(funnel.by_group(dataset.cases, filters, args.by), args.by)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(_("Funnel, {filters}:").format(filters=result["filters"]))
    print("\n".join("  " + line for line in stage_lines(result["funnel"])))
    for group in result.get("groups", []):
        name = group.get("province_name") or (_(group[args.by]) if args.by == "offence" else group[args.by])
        print(f"{name}:")
        print("\n".join("  " + line for line in stage_lines(group["funnel"])))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``funnel`` to the top-level parser."""
    cmd = commands.add_parser("funnel", help=_("reported, arrested, charged, tried, convicted: counts, shares and "
                                               "95% intervals").replace("%", "%%"))  # argparse formats help with %
    add_source_args(cmd)
    add_filter_args(cmd)
    cmd.add_argument("--by", choices=BY_CHOICES, help=_("one funnel per province, offence or year of report"))
    cmd.add_argument("--json", action="store_true", help=_("print one JSON object"))
    cmd.set_defaults(func=_funnel)
