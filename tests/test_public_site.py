"""The static public site and the donor brief: built from the export only, self-contained, honest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.publish.site import SIZE_LIMIT
from tests.shotdir import screenshot_dir

ROOT = Path(__file__).resolve().parent.parent
SHOTS = screenshot_dir()  # a temporary folder unless DASHBOARD_SCREENSHOT_DIR is set; never docs/screenshots/
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from dashboard.data.demo import write_demo

    base = tmp_path_factory.mktemp("site")
    write_demo(base / "demo")
    assert main(["export-public", "--data", str(base / "demo"), "--site", str(base / "site"),
                 "--ledger", str(base / "ledger.json")]) == 0
    return base / "site"


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append(value)


def _page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="cpu-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def _csv_records(path: Path, columns: list[str]) -> list[dict]:
    frame = pd.read_csv(path, dtype={"quarter": str, "province_code": str, "period": str, "from": str, "to": str,
                                     "arrest_rate_band": str}, keep_default_na=False, na_values={"cases": [""],
                                     "arrests": [""], "arrest_rate": [""], "ci_low": [""], "ci_high": [""]})
    out = []
    for _, r in frame[columns].iterrows():
        out.append({c: (None if pd.isna(r[c]) else (r[c] if isinstance(r[c], str) else
                        (int(r[c]) if c in ("cases", "arrests", "year") else float(r[c])))) for c in columns})
    return out


@pytest.mark.parametrize("page", ["index.html", "km/index.html"])
def test_the_site_holds_exactly_what_the_csvs_hold(site, page):
    data = _page_data(site / page)
    folder = site / "data"
    assert data["national_quarter"] == _csv_records(folder / "national_quarter.csv",
                                                    ["quarter", "cases", "arrests", "arrest_rate_band"])
    assert data["province_year"] == _csv_records(folder / "province_year.csv",
                                                 ["province_code", "year", "cases", "arrests", "arrest_rate_band"])
    assert data["national_totals"] == _csv_records(folder / "national_totals.csv",
                                                   ["period", "from", "to", "cases", "arrests", "arrest_rate", "ci_low",
                                                    "ci_high", "arrest_rate_band"])
    assert data["k"] == json.loads((folder / "metadata.json").read_text())["k"]
    # the map shows a count only where every province drawn in the unit has a published count
    py = pd.read_csv(folder / "province_year.csv", dtype={"province_code": str})
    from dashboard.geo.boundaries import active_boundaries

    b = active_boundaries()
    for year, units in data["map"]["units"].items():
        part = py[py["year"] == int(year)].set_index("province_code")
        for unit, look in units.items():
            members = part.loc[[c for c in part.index if b.unit_for(c) == unit]]
            if members["cases"].isna().any():
                assert look["state"] == "suppressed" and look["cases"] is None and look["fill"] == "hatch"
            else:
                assert look["cases"] == members["cases"].sum()


@pytest.mark.parametrize("page", ["index.html", "km/index.html"])
def test_the_site_requests_nothing_outside_its_folder(site, page):
    path = site / page
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.refs
    for ref in parser.refs:
        assert not re.match(r"^[a-z]+:|^//", ref), ref  # no scheme, no protocol-relative host
        assert (path.parent / ref).resolve().is_file(), ref
        assert site.resolve() in (path.parent / ref).resolve().parents
    css = ("".join(p.read_text(encoding="utf-8") for p in (site / "assets").glob("*.css"))
           + path.read_text(encoding="utf-8"))
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css


def test_the_readme_gives_the_size_of_a_real_build(site):
    """Issue 20: the README's static-site size was stale (522 KB against a real 590 KB)."""
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"site is \*\*\d+ KB \(([\d,]+) bytes\) in (\d+) files\*\*", readme)
    assert match, "the README no longer gives the static site's size"
    stated = int(match.group(1).replace(",", ""))
    assert abs(stated - total) <= total * 0.10, f"README says {stated:,} bytes; a build now has {total:,}"
    assert int(match.group(2)) == len(files)


def test_the_site_is_small_and_ships_its_font_and_licences(site):
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert total < SIZE_LIMIT, total
    assert (site / "assets" / "fonts" / "NotoSansKhmer-subset.woff2").stat().st_size > 10_000
    assert "Open Font License" in (site / "assets" / "fonts" / "OFL.txt").read_text()
    for page in ("index.html", "km/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "Noto Sans Khmer" in text and "Leaflet" in text and "Natural Earth" in text or "Boundaries" in text
    for name in ("brief_en.pdf", "brief_km.pdf", "data/national_totals.csv", "data/metadata.json"):
        assert (site / name).is_file()


def test_under_the_map_each_year_has_a_sentence_that_says_what_the_map_shows(site):
    """The static site's map had no text alternative (issue 28): each year's sentence names the province with the
    most cases and counts the hidden ones, as province_year.csv holds them, and it is shown with that year."""
    text = (site / "index.html").read_text(encoding="utf-8")
    found = dict(re.findall(r'<div data-legend-year="(\d+)"(?: hidden)?>.*?<p class="map-summary">(.*?)</p></div>',
                            text, re.S))
    table = pd.read_csv(site / "data" / "province_year.csv", dtype={"province_code": str})
    assert sorted(found) == sorted(str(y) for y in table["year"].unique())
    for year, rows in table.groupby("year"):
        sentence = found[str(year)]
        shown = rows.dropna(subset=["cases"]).query("cases > 0").sort_values("cases", ascending=False)
        top = shown.iloc[0]
        assert sentence.startswith(f"Map: Cases in {year}")
        assert f"{top['province']} ({int(top['cases'])} cases)" in sentence, sentence
        hidden = int(rows["suppressed"].fillna("").str.contains("cases").sum())
        assert (f"{hidden} hidden" in sentence) if hidden else ("hidden" not in sentence), sentence
    km = (site / "km" / "index.html").read_text(encoding="utf-8")
    assert km.count('<p class="map-summary">ផែនទី៖') == len(found)


def test_the_khmer_page_uses_khmer_province_names(site):
    data = _page_data(site / "km" / "index.html")
    text = (site / "km" / "index.html").read_text(encoding="utf-8")
    assert data["lang"] == "km" and 'lang="km"' in text
    assert "សៀមរាប" in text and "ភ្នំពេញ" in text


def test_the_site_gives_both_dates_and_marks_the_partial_year(site):
    """Issue 20, item 7: the site said "Data as of June 30, 2015" for data that end on 29 April. It now gives
    the figures' end (the last closed quarter) and the data's last day, and marks 2015 (one quarter) as partial."""
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "Figures to March 31, 2015 (closed quarters only); data received to April 29, 2015." in text
    assert "June 30, 2015" not in text and "Data as of" not in text
    figure = re.search(r"<h2>Province totals by year</h2>\s*<figure>(.*?)</figure>", text, re.S).group(1)
    assert "2015 (partial: to 31 Mar)" in figure
    partial_bars = re.findall(r'<rect [^>]*data-partial="true"[^>]*>(?:<title>([^<]*)</title>)?', figure)
    assert partial_bars and all("2015" in t for t in partial_bars if t)
    assert 'data-partial="true"' not in re.sub(r"<title>[^<]*2015 \(partial[^<]*</title>", "", figure).split(
        "2015 (partial", 1)[0].split("2014", 1)[0]  # the legend's 2013 and 2014 are solid
    assert "Cases in 2015 (partial: to 31 Mar)" in text  # the 2015 map's legend
    km = (site / "km" / "index.html").read_text(encoding="utf-8")
    assert "June" not in km and "Figures to" not in km  # translated


def test_the_boundary_credit_from_the_data_page_reaches_the_site_and_the_brief(demo_dataset, tmp_path):
    """The credit an admin types on the Data page (saved in the active layer's metadata) used to be lost:
    the site and the brief said "Boundaries: active.geojson". It is text, so every page escapes it; the
    site's Leaflet control gets it escaped too (site.js)."""
    import html

    from dashboard.geo.boundaries import active_boundaries, attribution, load_boundaries, save_active, shipped_layer
    from dashboard.i18n import use_language
    from dashboard.publish import brief
    from dashboard.publish.public_export import read_export
    from dashboard.publish.release import write_export
    from dashboard.publish.site import page_html

    evil = "Survey Dept. 2012 <img src=x onerror=alert(1)>"
    layer = load_boundaries()
    layer.metadata = {"title": "survey.geojson", "layer": "upload", "attribution": evil}  # as the Data page saves it
    save_active(layer)
    write_export(demo_dataset, tmp_path / "pub")
    data, active = read_export(tmp_path / "pub"), active_boundaries()
    assert attribution(active) == evil
    with use_language("en"):
        page = page_html(data, active)
        sheet = brief.brief_html(data, active, "")
    markup = re.sub(r'<script type="application/json" id="cpu-data">.*?</script>', "", page, flags=re.S)
    for text in (markup, sheet):  # (the JSON payload is script text, never parsed as HTML)
        assert html.escape(evil) in text and "<img src=x" not in text and "active.geojson" not in text
    assert _page_data_text(page)["attribution"] == evil  # the payload holds text; site.js escapes it for Leaflet
    assert "credit.textContent = data.attribution" in (ROOT / "dashboard/publish/site_assets/site.js").read_text()
    assert attribution(shipped_layer("naturalearth")) == "Natural Earth (public domain)"


def _page_data_text(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="cpu-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_exporting_the_site_again_adds_a_release_to_its_ledger(tmp_path):
    from dashboard.data.demo import write_demo

    write_demo(tmp_path / "demo")
    for _ in range(2):
        assert main(["export-public", "--data", str(tmp_path / "demo"), "--site", str(tmp_path / "site"),
                     "--ledger", str(tmp_path / "ledger.json")]) == 0
    ledger = json.loads((tmp_path / "site" / "data" / "release_ledger.json").read_text())
    assert len(ledger["releases"]) == 1  # same data: nothing new to record


def test_export_public_needs_somewhere_to_write(tmp_path, demo_dir, capsys):
    assert main(["export-public", "--data", str(demo_dir)]) == 2
    assert "--out DIR, --site DIR" in capsys.readouterr().err


# ---------------------------------------------------------------- the brief


@pytest.fixture(scope="module")
def briefs(site, tmp_path_factory):
    if not POPPLER:
        if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
            pytest.fail("poppler-utils (pdftotext, pdftoppm, pdfinfo) is required (apt-get install poppler-utils)")
        pytest.skip("brief checks skipped: poppler-utils is not installed (apt-get install poppler-utils)")
    out = tmp_path_factory.mktemp("brief")
    for lang in ("en", "km"):
        assert main(["brief", "--public-dir", str(site / "data"), "--lang", lang,
                     "--out", str(out / f"brief_{lang}.pdf")]) == 0
    return out


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_brief_is_one_a4_page_with_the_headline_and_khmer_names(briefs, lang):
    pdf = briefs / f"brief_{lang}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "595.276 x 841.89" in info  # A4 in points
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "347" in text and "86%" in text and "297" in text and "82%–89%" in text.replace("‑", "–")
    for name in ("សៀមរាប", "ភ្នំពេញ", "បាត់ដំបង"):
        assert name in text, name
    assert "SYNTHETIC" in text and "2015" in text  # the label and the dates
    if lang == "en":  # issue 20, item 7: the figures' end and the data's last day, not the quarter's end
        flat = " ".join(text.split())
        assert "Figures to March 31, 2015 (closed quarters only); data received to April 29, 2015." in flat
        assert "June 30" not in flat and "2015 (partial: to 31 Mar)" in flat
    assert "11" in text  # the threshold, in the note on what is hidden


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_brief_renders_to_png(briefs, lang, tmp_path):
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(briefs / f"brief_{lang}.pdf"),
                    str(tmp_path / f"brief_{lang}")], check=True)
    png = tmp_path / f"brief_{lang}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SHOTS / f"brief_{lang}.png")


def test_the_brief_without_an_export_explains(tmp_path, capsys):
    assert main(["brief", "--out", str(tmp_path / "b.pdf")]) == 2
    assert "--public-dir" in capsys.readouterr().err
    assert main(["brief", "--public-dir", str(tmp_path / "none"), "--out", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert "export-public" in err and "Traceback" not in err
    assert not (tmp_path / "b.pdf").exists()


def test_the_brief_without_pango_explains_what_to_install(tmp_path, monkeypatch, capsys):
    """WeasyPrint raises OSError at import when the system lacks Pango: a message, not a traceback."""
    import builtins

    from dashboard.cli import main
    from dashboard.data.demo import write_demo

    write_demo(tmp_path / "demo")
    assert main(["export-public", "--data", str(tmp_path / "demo"), "--out", str(tmp_path / "pub"),
                 "--ledger", str(tmp_path / "ledger.json")]) == 0
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    capsys.readouterr()
    assert main(["brief", "--public-dir", str(tmp_path / "pub"), "--out", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Pango" in err and "apt-get install" in err and "Traceback" not in err
    assert not (tmp_path / "b.pdf").exists()
