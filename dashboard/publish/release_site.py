"""The static site's release pages: each release at ``releases/N/``, the latest also at the root, and the
Releases page (``releases/index.html``, ``releases/km/index.html``) listing every release.

A release's own site is built once, when it is drafted (:func:`write_release_site`), exactly as it
will sit at ``releases/N/``; publishing copies it to the root with the root's links
(:func:`write_root_pages`) and writes the Releases page (:func:`write_history_pages`) from the
history. Like the rest of the site, nothing here requests anything outside the folder.
"""

from __future__ import annotations

import html
from pathlib import Path

from dashboard.i18n import LANGUAGES, N_, _, get_language, use_language
from dashboard.publish import history, signing

LIST_TITLE = N_("Releases")


def write_release_site(export_dir: Path, site_dir: Path, number: int, revisions: list[dict]) -> None:
    """Release ``number``'s own site, as it will sit at ``releases/N/`` (the export, pages, briefs, assets)."""
    from dashboard.publish.site import write_site

    write_site(export_dir, site_dir, releases={"number": number, "revisions": revisions, "at_root": False})


def write_root_pages(root: Path, number: int, revisions: list[dict], extra_text: str) -> None:
    """The root's pages of the latest release (its links point into ``releases/``), and the font subset for
    them and for ``extra_text`` (the Releases page)."""
    from dashboard.geo.boundaries import active_boundaries
    from dashboard.publish import site
    from dashboard.publish.public_export import read_export

    data = read_export(root / "data")
    boundaries = active_boundaries()
    info = {"number": number, "revisions": revisions, "at_root": True}
    text = extra_text
    for lang in LANGUAGES:
        with use_language(lang):
            page = site.page_html(data, boundaries, releases=info)
        site.page_path(root, lang).write_text(page, encoding="utf-8")
        text += page
    import json

    site._subset_font(text + json.dumps(boundaries.map_geojson, ensure_ascii=False),
                     root / "assets" / "fonts" / site.FONT_NAME)


def _entry_html(entry: dict, lang: str, base_url: str | None) -> str:
    esc = html.escape
    n = int(entry["number"])
    target = f"{n}/index.html" if lang == "en" else f"../{n}/km/index.html"
    folder = f"{n}/" if lang == "en" else f"../{n}/"
    changes = "".join(f"<li>{esc(line)}</li>" for line in history.change_lines(entry))
    cites = "".join(f'<li lang="{code}">{esc(text)}</li>' for code, text in history.citations(entry, base_url).items())
    files = " · ".join(f'<a href="{folder}{name}">{esc(name)}</a>'
                       for name in (signing.MANIFEST, signing.SIGNATURE, signing.PUBLIC_KEY))
    words = {"period": _("Period covered"), "as_of": _("Data as of"), "approval": _("Approval"),
             "address": _("Address"), "changed": _("What changed"), "cite": _("How to cite this release"),
             "verify": _("Files to verify it:")}
    w = {key: esc(value) for key, value in words.items()}
    return f"""<section class="release-entry" id="release-{n}" data-release="{n}">
<h2><a href="{target}">{esc(history.title(entry))}</a></h2>
<dl>
<dt>{w["period"]}</dt><dd>{esc(history.period(entry))}</dd>
<dt>{w["as_of"]}</dt><dd>{esc(history.data_as_of(entry))}</dd>
<dt>{w["approval"]}</dt><dd>{esc(history.approval(entry))}</dd>
<dt>{w["address"]}</dt><dd><a href="{target}">{esc(history.address(entry, base_url))}</a></dd>
</dl>
<h3>{w["changed"]}</h3>
<ul class="changes">{changes}</ul>
<h3>{w["cite"]}</h3>
<ul class="citation">{cites}</ul>
<p class="verify">{w["verify"]} {files}</p>
</section>"""


def history_page_html(entries: list[dict], base_url: str | None, fingerprint: str) -> str:
    """The Releases page in the language in use: every release, newest first."""
    esc = html.escape
    lang = get_language()
    up = "../" if lang == "en" else "../../"
    other = "km" if lang == "en" else "en"
    other_href = "km/index.html" if lang == "en" else "../index.html"
    latest = "../index.html" if lang == "en" else "../../km/index.html"
    from dashboard.publish.site import FONT_NAME
    from dashboard.render import fonts

    body = "\n".join(_entry_html(e, lang, base_url) for e in reversed(entries))
    title = _(LIST_TITLE)
    key_line = _("Public key fingerprint (SHA-256): {fingerprint}").format(fingerprint=fingerprint)
    latest_text = _("The latest release")
    intro = _("Every public release of these figures, newest first. Each keeps its own address, so a report can "
              "link to exactly the figures it quoted. Each release folder carries SHA256SUMS (the SHA-256 of "
              "every file) and its Ed25519 signature; check them with the programme's public key.")
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{fonts.font_face_css(f"{up}assets/fonts/{FONT_NAME}").replace("format('truetype')", "format('woff2')")}</style>
<link rel="stylesheet" href="{up}assets/site.css">
</head>
<body>
<header>
<div class="lang"><a href="{other_href}" hreflang="{other}">{esc(LANGUAGES[other])}</a></div>
<h1>{esc(title)}</h1>
<p class="sub">{esc(intro)}</p>
<p class="sub">{esc(key_line)}</p>
<p><a href="{latest}">{esc(latest_text)}</a></p>
</header>
<main>
{body}
</main>
</body>
</html>
"""


def write_history_pages(root: Path, entries: list[dict], base_url: str | None, fingerprint: str) -> str:
    """Write ``releases/index.html`` and ``releases/km/index.html``; return their text (for the font subset)."""
    text = ""
    for lang in LANGUAGES:
        with use_language(lang):
            page = history_page_html(entries, base_url, fingerprint)
        target = root / "releases" / "index.html" if lang == "en" else root / "releases" / lang / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        text += page
    return text
