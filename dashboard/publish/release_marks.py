"""What a page of the static site shows of its release: the line under the title (its number and the link to
every release) and the figures revised since first published. Used by :mod:`dashboard.publish.site` for each
page and kept apart from :mod:`dashboard.publish.release_site` (which builds the release pages from the site).
"""

from __future__ import annotations

import html

from dashboard.i18n import _, get_language
from dashboard.publish import history


def list_href(lang: str, at_root: bool) -> str:
    """The link from a release's page in ``lang`` to the Releases page in the same language."""
    if at_root:
        return "releases/index.html" if lang == "en" else "../releases/km/index.html"
    return "../index.html" if lang == "en" else "../../km/index.html"


def header_html(info: dict | None) -> str:
    """The line under a release page's title: its number, and the link to every release."""
    if not info:
        return ""
    lang = get_language()
    label = _("Release {number}").format(number=info["number"])
    every = _("All releases")
    return (f'<p class="release">{html.escape(label)} · '
            f'<a href="{list_href(lang, bool(info.get("at_root")))}">{html.escape(every)}</a></p>')


def revisions_html(info: dict | None, tables: tuple[str, ...]) -> str:
    """The revised figures of ``tables`` under a chart ('Q3 2014 (national): revised in release 4')."""
    lines = history.revision_lines(info or {}, tables)
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    summary = _("Figures revised since first published")
    return (f'<details class="revisions"><summary>{html.escape(summary)} '
            f"({len(lines)})</summary><ul>{items}</ul></details>")
