"""CLI commands for provinces and boundaries."""

from __future__ import annotations

import argparse

from dashboard.i18n import _


def _provinces_resolve(args: argparse.Namespace) -> int:
    from dashboard.geo.gazetteer import name_en
    from dashboard.geo.resolve import resolve

    status = 0
    for name in args.names:
        res = resolve(name)
        if res.code:
            print(f"{res.code}\t{name_en(res.code)}")
        else:
            status = 1
            hints = "; ".join(f"{s.name} ({s.score:.0f})" for s in res.suggestions) or _("no close match")
            print(f"?\t{name}\t{hints}")
    return status


def _boundaries_check(args: argparse.Namespace) -> int:
    from dashboard.geo.active_layer import active_boundaries
    from dashboard.geo.boundary_join import load_boundaries
    from dashboard.paths import SHIPPED_BOUNDARIES

    path = SHIPPED_BOUNDARIES.get(args.path, args.path)
    boundaries = load_boundaries(path, args.join_column) if path else active_boundaries()
    print(boundaries.report.to_text())
    if boundaries.attribution:
        print(_("Attribution: {credit}").format(credit=boundaries.attribution))
    if boundaries.map_note():  # only a 24-unit layer needs the Tboung Khmum note
        print(boundaries.map_note())
    return 0 if boundaries.report.all_matched else 1


def register(commands: argparse._SubParsersAction) -> None:
    provinces = commands.add_parser("provinces", help=_("province gazetteer tools")).add_subparsers(dest="action",
                                                                                                  required=True)
    res = provinces.add_parser("resolve", help=_("resolve province names, spellings or codes to NCDD codes"))
    res.add_argument("names", nargs="+", metavar="NAME")
    res.set_defaults(func=_provinces_resolve)

    boundaries = commands.add_parser("boundaries", help=_("boundary file tools")).add_subparsers(dest="action",
                                                                                                 required=True)
    check = boundaries.add_parser("check", help=_("report how a boundary file joins to the provinces"))
    check.add_argument("path", nargs="?",
                       help=_("boundary file (.zip, .shp, .geojson, .gpkg) or a shipped layer (geoboundaries, "
                              "naturalearth); default: the boundaries in use"))
    check.add_argument("--join-column", help=_("attribute column to join on (default: detected)"))
    check.set_defaults(func=_boundaries_check)
