"""AppTest: every page rendered with ``lang=km`` shows Khmer, not the English of the catalog (issue 11).

Each page runs as its viewer would see it (demo visitor, signed-in admin, signed-out visitor, public mode) and
every piece of text it draws is collected: Markdown, captions, titles, headers, alerts, metric labels and
help, widget labels and options, tabs, expanders and table headers. Two checks run on that text:

- no English message of the catalog is shown as it is (whole, or a fragment of three words or more);
- stricter: no run of two or more Latin-script words, once names (provinces, sources, methods), codes,
  file names, command lines in code spans and data values are set aside.

English is checked the other way round (the default shows the catalog's English), so the tests can fail in
both directions, and the switch is followed from ``lang=km`` back to ``lang=en``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n, translations
from dashboard.geo.gazetteer import load_gazetteer
from tests.apphelpers import app, no_errors, shown, signed_in
from tests.test_i18n_catalog import SAME_IN_BOTH

KHMER = re.compile(r"[\u1780-\u17ff]")
#: Runs of two or more Latin-script words (letters, apostrophes and hyphens inside a word).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?:[ \t]+[A-Za-z][A-Za-z'’\-]*)+")
#: Names and terms that stay in Latin script in Khmer text: sources, methods, software, codes and units.
LATIN_NAMES = ["SYNTHETIC", "Natural Earth", "geoBoundaries", "OpenStreetMap contributors", "OpenStreetMap",
               "Kaplan–Meier", "Newcombe", "Poisson", "Wilson", "UTF-8", "UTF-16", "Windows-1252", "XLSX", "CSV",
               "HTML", "PDF", "NIS", "J646", "ODbL 1.0", "GeoJSON", "GeoPackage", "km²", "YYYY-MM-DD", "SHA-256",
               "Cambodian Children's Fund", "Global Development Group", "Open Database License", "KHM ADM1", "NCDD",
               "ISO 3166-2:KH",
               # method names the translations keep in English beside the Khmer, for readers who look them up
               "hybrid score", "linear programming"]
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|json|html|pdf|md|zip|geojson|gpkg|toml|txt|xlsx)\b")
CODE_SPAN = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")

@dataclass
class Shown:
    kind: str
    text: str


def _walk(node, found: list[Shown]) -> None:
    kind = getattr(node, "type", "")
    children = getattr(node, "children", None)
    if kind in ("expander", "tab") or type(node).__name__ in ("Expander", "Tab"):
        found.append(Shown(kind or "block", str(node.label)))
    if children:
        for child in children.values():
            _walk(child, found)
        return
    if kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success",
                "text", "latex"):
        found.append(Shown(kind, shown(str(node.value))))
        return
    if kind == "metric":
        found.append(Shown("metric label", str(node.label)))
        if node.proto.help:
            found.append(Shown("metric help", node.proto.help))
        return
    if kind in ("dataframe", "arrow_data_frame"):
        found.extend(Shown("column header", str(c)) for c in node.value.columns)
        return
    label = getattr(node, "label", None)
    if isinstance(label, str) and kind not in ("code", "component_instance"):
        found.append(Shown(f"{kind} label", label))
        helptext = getattr(node.proto, "help", "") if hasattr(node, "proto") else ""
        if helptext:
            found.append(Shown(f"{kind} help", helptext))
        placeholder = getattr(node.proto, "placeholder", "") if hasattr(node, "proto") else ""
        if placeholder:
            found.append(Shown(f"{kind} placeholder", placeholder))
        options = getattr(node.proto, "options", None) if hasattr(node, "proto") else None
        if options is not None and kind in ("radio", "selectbox", "multiselect", "select_slider"):
            found.extend(Shown(f"{kind} option", str(o)) for o in options)
        if kind == "button_group":
            found.extend(Shown("button_group option", o.content) for o in node.proto.options)


def texts(at: AppTest) -> list[Shown]:
    found: list[Shown] = []
    _walk(at._tree, found)
    return [s for s in found if s.text.strip()]


def _catalog_english() -> list[str]:
    return [m.id for m in translations.read_catalog("km") if m.id and isinstance(m.id, str)
            and m.id not in SAME_IN_BOTH and re.search(r"[A-Za-z]{2}", m.id)]


def _fragments(msgid: str) -> list[str]:
    """The pieces of ``msgid`` between placeholders that are long enough to be recognised inside other text."""
    return [p.strip(" .,:;()*") for p in re.split(r"\{\w*\}", msgid) if len(p.split()) >= 3]


def catalog_english_shown(found: list[Shown]) -> list[tuple[str, str, str]]:
    """(kind, text, msgid) where a catalog message's English is shown whole, or a long piece of it."""
    hits = []
    for msgid in _catalog_english():
        pieces = _fragments(msgid)
        for s in found:
            if s.text.strip() == msgid.strip() or any(p and p in s.text for p in pieces):
                hits.append((s.kind, s.text, msgid))
    return hits


def _set_aside(text: str, data_values: list[str]) -> str:
    text = LINK_TARGET.sub(" ", CODE_SPAN.sub(" ", text))
    for value in sorted([*data_values, *LATIN_NAMES, *_province_names()], key=len, reverse=True):
        text = text.replace(value, " ")
    return FILE_NAME.sub(" ", text)


def _province_names() -> list[str]:
    names = []
    for p in load_gazetteer().values():
        names.append(p.name_en)
    return names


def english_runs(found: list[Shown], data_values: list[str] = ()) -> list[tuple[str, str, str]]:
    """(kind, text, run) for each run of two or more Latin-script words left after names and codes."""
    hits = []
    for s in found:
        for run in ENGLISH_RUN.findall(_set_aside(s.text, list(data_values))):
            hits.append((s.kind, s.text[:120], run))
    return hits


def english_headers(found: list[Shown]) -> list[str]:
    """Table headers still in Latin letters (a key such as ``arrests_timed`` is one English word to the runs check)."""
    return [s.text for s in found if s.kind == "column header"
            and re.search(r"[A-Za-z]{2}", _set_aside(s.text, []))]


def _boundary_texts() -> list[str]:
    """The boundary layer's title and credit: data from the layer's file, shown as they are written."""
    from dashboard.geo.boundaries import load_boundaries

    b = load_boundaries()
    return [t for t in (b.title, b.attribution, b.map_note()) if t]


def assert_khmer(at: AppTest) -> None:
    no_errors(at)
    found = texts(at)
    assert found, "nothing was collected from the page"
    assert any(KHMER.search(s.text) for s in found)
    assert catalog_english_shown(found) == []
    assert english_runs(found, _boundary_texts()) == []
    assert english_headers(found) == []


KM = {"lang": "km"}
COMPARE = {"period_a": ["2014-05-01", "2014-12-31"], "period_b": ["2015-01-01", "2015-04-29"]}
DEMO_PAGES = [
    ("overview", None, {}),
    ("coverage", "pages/coverage.py", {}),
    ("cases", "pages/cases.py", {}),
    ("cases per year", "pages/cases.py", {"view": "one map per year", "measure": "case count"}),
    ("cases by quarter", "pages/cases.py", {"view": "play by quarter", "measure": "rate per 100,000"}),
    ("cases compare", "pages/cases.py", {"view": "compare two periods", **COMPARE}),
    ("arrests", "pages/arrests.py", {"km_province": "Phnom Penh", "tta_by": "offence"}),
    ("arrests compare", "pages/arrests.py", {"view": "compare two periods", **COMPARE}),
    ("analysis", "pages/analysis.py", {}),
    ("about", "pages/about.py", {}),
]


@pytest.mark.parametrize("name,page,query", DEMO_PAGES, ids=[p[0] for p in DEMO_PAGES])
def test_every_demo_page_in_khmer_shows_no_english(app_db, name, page, query):
    assert_khmer(app(page, query={**KM, **query}))


@pytest.fixture()
def admin(app_db):
    from dashboard.access import auth
    from dashboard.data import db

    engine = db.open_engine(app_db)
    auth.add_user(engine, "admin-user", "admin", "a long enough passphrase")
    return engine


def test_the_data_page_in_khmer_shows_no_english(admin):
    at = app("pages/data.py", query=KM, session=signed_in(admin, "admin-user"))
    assert_khmer(at)
    assert len(at.tabs) == 6 and all(KHMER.search(t.label) for t in at.tabs)
    with i18n.use_language("km"):  # AppTest formats the options in the test's thread: in the page's language
        at.radio(key="boundary_layer").set_value("upload").run()
    assert_khmer(at)
    assert at.file_uploader(key="boundary_file").label != "Boundary file: zipped shapefile, GeoJSON or GeoPackage"


def test_the_sign_in_page_in_khmer_shows_no_english(admin):
    at = app(query=KM)
    assert_khmer(at)
    assert at.text_input(key="login_user").label != "User name"


def test_a_failed_sign_in_in_khmer_says_so_in_khmer(admin):
    at = app(query=KM)
    at.text_input(key="login_user").input("admin-user")
    at.text_input(key="login_password").input("a wrong guess")
    at.button[0].click().run()
    assert at.error and all(KHMER.search(e.value) for e in at.error)




def test_the_public_dashboard_and_about_in_khmer_show_no_english(public_env):
    at = app(query=KM)
    assert_khmer(at)
    assert_khmer(app("pages/about.py", query=KM))


# ---------------------------------------------------------------- the other way round, and switching


def test_english_is_the_default_and_shows_the_catalog_english(app_db):
    at = app()
    no_errors(at)
    found = texts(at)
    assert not any(KHMER.search(s.text) for s in found if s.kind not in ("button_group option",)
                   and "(Khmer)" not in s.text)
    assert catalog_english_shown(found)  # the checks above would catch English: here it must be there
    assert english_runs(found)
    assert at.title[0].value == "Overview"


def test_switching_from_khmer_to_english_follows_the_link(app_db):
    at = app(query={**KM, "province": "Siem Reap", "offence": "homicide"})
    no_errors(at)
    assert KHMER.search(at.title[0].value) and at.query_params["lang"] == "km"
    assert at.multiselect(key="province").value == ["Siem Reap"]  # an English link's filters, read in Khmer
    assert at.query_params["province"] == "សៀមរាប"  # and kept in the address, as the widget's Khmer label
    at.switch_page("pages/cases.py").run()
    assert KHMER.search(at.title[0].value) and at.query_params["lang"] == "km"  # the language follows the pages
    with i18n.use_language("km"):
        at.segmented_control(key="lang").set_value("en").run()
    no_errors(at)
    assert at.title[0].value == "Cases" and "lang" not in at.query_params
    assert at.multiselect(key="province").value == ["Siem Reap"] and at.query_params["province"] == "Siem Reap"
    assert app(query={"lang": "en"}).title[0].value == "Overview"
    assert KHMER.search(app(query={"lang": "km"}).title[0].value)
    khmer_link = app(query={"province": "សៀមរាប", "view": "ប្រៀបធៀបរយៈពេលពីរ"})  # a Khmer link opened in English
    assert khmer_link.multiselect(key="province").value == ["Siem Reap"]
    assert khmer_link.query_params["province"] == "Siem Reap" and len(khmer_link.warning) == 1  # SYNTHETIC only
    khmer_link.switch_page("pages/cases.py").run()
    assert khmer_link.segmented_control(key="view").value == "compare two periods"
    assert khmer_link.query_params["view"] == "compare two periods"


def test_an_english_link_to_a_page_setting_opens_in_khmer_without_a_warning(app_db):
    at = app("pages/cases.py",
             query={**KM, "view": "one map per year", "measure": "case count", "classes": "quantiles"})
    no_errors(at)
    assert not at.warning[1:], [w.value for w in at.warning]  # only the SYNTHETIC banner
    assert at.segmented_control(key="view").value == "one map per year"
    assert at.segmented_control(key="measure").value == "case count"
    assert at.query_params["view"] != "one map per year" and KHMER.search(at.query_params["view"])


def test_a_bad_setting_in_a_khmer_link_is_explained_in_khmer(app_db):
    at = app("pages/cases.py", query={**KM, "view": "3d", "measure": "per goat"})
    no_errors(at)
    problems = [shown(w.value) for w in at.warning if "3d" in shown(w.value) or "per goat" in shown(w.value)]
    assert len(problems) == 2
    for text in problems:  # the valid choices are named as the reader sees them, in Khmer
        assert KHMER.search(text) and english_runs([Shown("warning", text.replace("per goat", ""))]) == []


def test_a_bad_language_in_the_link_says_so_and_shows_english(app_db):
    at = app(query={"lang": "xx"})
    no_errors(at)
    assert at.title[0].value == "Overview" and "lang" not in at.query_params
    assert any("lang=xx" in shown(w.value) for w in at.warning)


def test_the_checks_catch_an_unmarked_string():
    """The collectors flag English from the catalog and any run of English words, and let names through."""
    found = [Shown("caption", "Show data"), Shown("markdown", "ករណី Phnom Penh SYNTHETIC `python -m dashboard`"),
             Shown("info", "ផែនទី: No cases match these filters")]
    assert {h[2] for h in catalog_english_shown(found)} >= {"Show data"}
    runs = english_runs(found)
    assert [r[2] for r in runs] == ["Show data", "No cases match these filters"]
