"""The public release history (``releases.json`` in each release's data folder), and how it reads.

One entry per published release: its number, when it was published, the period it covers, the
data-as-of dates, the approver's role (never a name), whether it was a one-person release, its
change report and the figures it revised. The static site's Releases page and the public
dashboard's both read it; the words are made here, in the language in use. Streamlit-free.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from dashboard.i18n import LANGUAGES, N_, _, fmt_date, use_language

FILE = "releases.json"
VERSION = 1
PROGRAMME = N_("Child Protection Unit (J646)")


def read(folder: Path | str) -> list[dict]:
    """The entries of ``folder/releases.json``, oldest first; [] when there is none (an export-public folder)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = list(data["releases"])
        for entry in entries:
            int(entry["number"])
        return entries
    except (ValueError, KeyError, TypeError):
        from dashboard.errors import DataFileError

        raise DataFileError(_("The release history '{path}' could not be read.").format(path=path),
                            _("Publish the release again (python -m dashboard release publish).")) from None


def text(entries: list[dict]) -> str:
    return json.dumps({"version": VERSION, "releases": entries}, ensure_ascii=False, indent=1) + "\n"


def release_path(number: int) -> str:
    """Where a release lives below the site root: ``releases/3/``."""
    return f"releases/{int(number)}/"


def _day(stamp: str) -> str:
    return fmt_date(datetime.fromisoformat(stamp).date(), "long")


def title(entry: dict) -> str:
    return _("Release {number}, published {date}").format(number=entry["number"], date=_day(entry["published"]))


def period(entry: dict) -> str:
    from dashboard.publish.public_view import period_text

    p = entry.get("period") or {}
    return period_text(p["from"], p["to"]) if p.get("from") else ""


def data_as_of(entry: dict) -> str:
    """The release's two dates, as the public pages give them (the last closed quarter, and the data's last day)."""
    from dashboard.publish.public_view import dates_text

    return dates_text({"figures_to": entry.get("figures_to"), "data_received_to": entry.get("data_received_to"),
                       "period": entry.get("period") or {}})


def approval(entry: dict) -> str:
    """Who approved, by role only."""
    if entry.get("one_person"):
        return _("One-person release: drafted and approved by the same administrator (this deployment allows "
                 "it), on {date}.").format(date=_day(entry["approved"]))
    return _("Approved by a second administrator (role: admin), who did not draft it, on {date}.").format(
        date=_day(entry["approved"]))


def address(entry: dict, base_url: str | None) -> str:
    path = release_path(entry["number"])
    return (base_url.rstrip("/") + "/" + path) if base_url else path


def citation(entry: dict, base_url: str | None, lang: str) -> str:
    """'Child Protection Unit (J646). Public figures on child protection cases, release 3 (2 December 2026). URL'."""
    with use_language(lang):
        return _("{programme}. Public figures on child protection cases investigated with the Cambodian National "
                 "Police, release {number} ({date}). {address}").format(
                     programme=_(PROGRAMME), number=entry["number"], date=_day(entry["published"]),
                     address=address(entry, base_url))


def citations(entry: dict, base_url: str | None) -> dict[str, str]:
    return {lang: citation(entry, base_url, lang) for lang in LANGUAGES}


def change_lines(entry: dict) -> list[str]:
    from dashboard.publish.changes import report_lines

    return report_lines(entry.get("changes") or {})


def revision_lines(entry: dict, tables: tuple[str, ...]) -> list[str]:
    """The latest release's revised figures in ``tables``, in words ('Siem Reap 2014: revised in release 4')."""
    from dashboard.publish.changes import revision_text

    return [revision_text(r["table"], r["key"], int(r["year"]), int(r["release"]))
            for r in entry.get("revisions") or [] if r["table"] in tables]


def revised(entry: dict | None, table: str) -> dict[tuple[str, int], int]:
    """The latest release's revised cells of ``table`` that a chart draws: (key, year) → the release that revised it."""
    return {(str(r["key"]), int(r["year"])): int(r["release"]) for r in (entry or {}).get("revisions") or []
            if r["table"] == table}


def mark_text(release: int) -> str:
    """The words a chart puts on a revised figure: 'revised in release 4'."""
    return _("revised in release {release}").format(release=release)


NATIONAL = ("national_total", "national_year", "national_quarter")
PROVINCES = ("province_year",)
