"""Khmer in a real browser: every page with ``lang=km``, and proof that Khmer glyphs come from the served font.

Chromium runs with a fontconfig that hides every system font covering Khmer
(fonts-khmeros and the like), so the browser behaves like a machine with no
Khmer font: text the served Noto Sans Khmer does not reach is drawn as boxes.
The glyph check then asks Chromium itself (DevTools ``CSS.getPlatformFontsForNode``)
which font drew each piece of Khmer text (in the app, inside the map iframes, in
the plotly charts, in a map saved as HTML): it must be the web font
'Noto Sans Khmer', never a system font. It also compares the width of a Khmer
string in the element's own font stack with the same stack minus the served
family: equal widths mean the served font did nothing.

Screenshots go to ``$DASHBOARD_SCREENSHOT_DIR/km/`` (a temporary folder unless
set; the lead sets docs/screenshots to refresh the committed ones). Skipped like
tests/test_browser.py when chromium is missing, unless DASHBOARD_REQUIRE_BROWSER
is set.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.chromium import launched
from tests.shotdir import screenshot_dir
from tests.test_browser import MAP_FRAME, READY, UNITS, serving

sync_api = pytest.importorskip("playwright.sync_api")

from dashboard.render import fonts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = screenshot_dir("km")
KHMER = "[\\u1780-\\u17ff\\u19e0-\\u19ff]"
SAMPLE = "ករណីចាប់ខ្លួនក្នុងខេត្តសៀមរាប"  # cases, arrests, province, Siem Reap: subscripts and vowels that need shaping
LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_SCHEMES = ("data:", "blob:", "about:", "file:")
#: Siem Reap (features are in code order): inland, clear of the legend, for hovering a tooltip open.
SIEM_REAP = 16
PAGES = [("/", "overview", True), ("/coverage", "coverage", True), ("/cases", "cases", True),
         ("/arrests", "arrests", False), ("/analysis", "analysis", False), ("/about", "about", False)]


# ---------------------------------------------------------------- a browser with no Khmer system font

def _khmer_system_fonts() -> list[str]:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    out = subprocess.run([fc_list, ":lang=km", "file"], capture_output=True, text=True, check=False).stdout
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


@pytest.fixture(scope="module")
def no_khmer_fontconfig(tmp_path_factory) -> Path:
    """A fontconfig file with the system's fonts and settings, minus every font that covers Khmer."""
    folder = tmp_path_factory.mktemp("fontconfig")
    rejects = "".join(f"<glob>{path}</glob>" for path in _khmer_system_fonts())
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>{folder / "cache"}</cachedir>
  <selectfont><rejectfont>{rejects}</rejectfont></selectfont>
</fontconfig>
""", encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def browser(no_khmer_fontconfig):
    with launched({"FONTCONFIG_FILE": str(no_khmer_fontconfig)}) as b:
        yield b


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("browser_km"), {}) as base:
        yield base


class Visit:
    """A page in a fresh context that records every request and refuses those leaving the machine."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.context.on("request", lambda req: self.requests.append(req.url))
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("DOM.enable")
        self.cdp.send("CSS.enable")

    def _guard(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES) or (urlparse(url).hostname or "") in LOOPBACK:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def outside(self) -> list[str]:
        """Requests that were not for this machine (all of them, page and iframes, font included)."""
        return [u for u in self.requests
                if not u.startswith(LOCAL_SCHEMES) and (urlparse(u).hostname or "") not in LOOPBACK]

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def visit(browser):
    v = Visit(browser)
    yield v
    v.close()


# ---------------------------------------------------------------- which font drew the Khmer

#: Marks every rendered element holding Khmer text with a probe: a span holding only its Khmer characters, set in
#: the element's own computed font (family, weight, style, size) and kept in <body>, so a widget or tooltip that
#: redraws its content cannot take the probe away. Returns [probe id, text, font stack].
MARK_JS = """([prefix, khmer]) => {
  const re = new RegExp(khmer), notKhmer = new RegExp('(?!' + khmer + ').', 'gu');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parents = new Set();
  let node;
  while ((node = walker.nextNode())) {
    if (re.test(node.nodeValue) && node.parentElement && !node.parentElement.closest('[data-km-probe], script, style'))
      parents.add(node.parentElement);
  }
  const out = [];
  for (const el of parents) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const text = [...el.childNodes].filter(c => c.nodeType === 3).map(c => c.nodeValue).join('').replace(notKhmer, '');
    if (!text) continue;
    const id = prefix + out.length, cs = getComputedStyle(el);
    const probe = document.createElement('span');
    probe.style.cssText = 'position:absolute;left:-9999px;top:0;white-space:nowrap';
    for (const prop of ['fontFamily', 'fontWeight', 'fontStyle', 'fontSize', 'fontStretch']) probe.style[prop] = cs[prop];
    probe.textContent = text;
    probe.setAttribute('data-km-probe', id);
    document.body.appendChild(probe);
    out.push([id, text.slice(0, 24), cs.fontFamily]);
  }
  return out;
}"""  # noqa: E501 - JavaScript source: rewrapping would change the string

#: Puts a Khmer string into every plotly chart as a clone of its title (or first) text: it keeps the font
#: plotly gave that text, so the chart's own font stack is tested even where its text is still English.
#: Returns [probe id, text, font stack] per chart, marked in the same script run: plotly can redraw a chart
#: (a late resize as the page settles) between two runs, and took the probes with it, so that a second run
#: found none and the chart went unchecked, or the test failed with "no chart probes".
CHART_PROBE_JS = """(sample) => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"] svg.main-svg')) {
    const text = chart.querySelector('text.gtitle') || chart.querySelector('text');
    if (!text) continue;
    const clone = text.cloneNode(false);
    clone.textContent = sample;
    clone.setAttribute('class', 'km-chart-probe');
    clone.setAttribute('data-km-probe', 'chart' + out.length);
    text.parentNode.appendChild(clone);
    out.push(['chart' + (out.length), sample, getComputedStyle(clone).fontFamily]);
  }
  return out;
}"""

#: The width of a Khmer string in ``el``'s font stack, and in the same stack without the served family.
WIDTH_JS = """(el, [family, sample]) => {
  const doc = el.ownerDocument;
  const stack = getComputedStyle(el).fontFamily;
  const without = stack.split(',').map(s => s.trim()).filter(s => s.replace(/["']/g, '') !== family).join(', ');
  const width = (fam) => {
    const s = doc.createElement('span');
    s.style.cssText = 'position:absolute;left:-9999px;white-space:nowrap;font-size:32px;font-family:' + fam;
    s.textContent = sample;
    el.appendChild(s);
    const w = s.getBoundingClientRect().width;
    s.remove();
    return w;
  };
  return {stack, without, served: width(stack), fallback: width(without || 'sans-serif')};
}"""


def _documents(cdp) -> list[int]:
    """Node ids of the page's document and of every iframe document in it (same origin: the map frames)."""
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    docs, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.get("nodeName") == "#document":
            docs.append(node["nodeId"])
        stack.extend(node.get("children", []))
        if "contentDocument" in node:
            stack.append(node["contentDocument"])
    return docs


def _fonts_of_probes(v: Visit) -> dict[str, list[dict]]:
    """Probe id -> the fonts Chromium drew its text with."""
    found = {}
    for doc in _documents(v.cdp):
        for node in v.cdp.send("DOM.querySelectorAll", {"nodeId": doc, "selector": "[data-km-probe]"})["nodeIds"]:
            attrs = v.cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
            probe = dict(zip(attrs[::2], attrs[1::2]))["data-km-probe"]
            found[probe] = v.cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return found


def _served_only(used: list[dict]) -> bool:
    return bool(used) and all(f["familyName"] == fonts.FAMILY and f["isCustomFont"] for f in used)


def _frames(pg):
    return [f for f in pg.frames if f != pg.main_frame and f.url.startswith("http")]


def _mark(pg) -> dict[str, list]:
    """Probes in the page, each map frame and each chart; old probes are removed first."""
    clear = "() => document.querySelectorAll('[data-km-probe], .km-chart-probe').forEach(e => e.remove())"
    pg.evaluate(clear)
    marked = {"page": pg.evaluate(MARK_JS, ["p", KHMER])}
    for i, frame in enumerate(_frames(pg)):
        frame.evaluate(clear)
        marked[f"frame{i}"] = frame.evaluate(MARK_JS, [f"f{i}_", KHMER])
    marked["charts"] = pg.evaluate(CHART_PROBE_JS, SAMPLE)
    return marked


def assert_khmer_drawn_with_the_served_font(v: Visit, where: str) -> dict[str, int]:
    """Every rendered Khmer text (app, map frames, charts) was drawn by the web font; returns probes per place.

    A map frame (streamlit-folium) or a chart (plotly) may be redrawn between marking and asking Chromium,
    taking its probes with it: probes that vanished are marked again (up to three times), never counted as
    passed.
    """
    for _attempt in range(3):
        marked = _mark(v.page)
        used = _fonts_of_probes(v)
        if all(pid in used for probes in marked.values() for pid, _text, _stack in probes):
            break
        v.page.wait_for_timeout(1000)
    wrong = [(place, text, stack, used.get(pid)) for place, probes in marked.items() for pid, text, stack in probes
             if not _served_only(used.get(pid, []))]
    assert not wrong, f"{where}: Khmer not drawn with the served {fonts.FAMILY}: {wrong[:8]}"
    return {place: len(probes) for place, probes in marked.items()}


def assert_widths_differ(target, selector: str, where: str) -> None:
    """The served font changes how wide Khmer is: same width without it would mean it did nothing."""
    widths = target.locator(selector).first.evaluate(WIDTH_JS, [fonts.FAMILY, SAMPLE])
    assert fonts.FAMILY in widths["stack"], f"{where}: font stack {widths['stack']!r} lacks {fonts.FAMILY}"
    assert abs(widths["served"] - widths["fallback"]) > 2, f"{where}: {widths}"


def _served_font_loaded(target) -> bool:
    return target.evaluate(f"""async () => {{ await document.fonts.ready;
        return [...document.fonts].some(f => f.family.replace(/["']/g, '') === {fonts.FAMILY!r} && f.status === 'loaded'); }}""")  # noqa: E501 - JavaScript source: rewrapping would change the string


# ---------------------------------------------------------------- the pages

def _open(v: Visit, url: str, has_map: bool) -> None:
    v.page.goto(url)
    _wait_drawn(v, has_map)


def _wait_drawn(v: Visit, has_map: bool, maps: int = 0) -> None:
    """The script has finished, every map frame (``maps`` of them, if given) and every chart is drawn."""
    pg = v.page
    pg.wait_for_selector(READY, timeout=90_000)
    if has_map:
        pg.wait_for_function(
            """([sel, n, m]) => { const fs = [...document.querySelectorAll(sel)];
                   return fs.length > 0 && (!m || fs.length === m) && fs.every(f => f.contentDocument &&
                       f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n); }""",
            arg=[MAP_FRAME, UNITS, maps], timeout=90_000)
        pg.wait_for_selector(READY, timeout=90_000)
    pg.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('svg.main-svg'))
                 && !document.querySelector('[data-testid="stSkeleton"]')""", timeout=60_000)  # noqa: E501 - JavaScript source: rewrapping would change the string
    pg.evaluate("document.fonts.ready")
    pg.wait_for_timeout(800)


def _no_error_shown(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0
    body = pg.locator("body").inner_text()
    assert "Traceback" not in body, body[body.index("Traceback"):][:500]


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _hover_for_tooltip(pg, where, text: str, seconds: float = 20) -> None:
    """Hover Siem Reap until its tooltip shows ``text``. The map fits itself again while its fonts and legend
    settle (up to about a second after it is drawn, later on a busy machine), which can move the province from
    under a pointer that hovered it just before: hover again, as a reader would."""
    import time

    tooltip = where.locator(".leaflet-tooltip")
    deadline = time.monotonic() + seconds
    while True:
        where.locator("path.leaflet-interactive").nth(SIEM_REAP).hover(force=True)
        try:
            sync_api.expect(tooltip).to_contain_text(text, timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            pg.mouse.move(0, 0)  # leave, so the next hover is a new one


def _check_page(v: Visit, base: str, name: str, has_map: bool) -> None:
    pg = v.page
    _no_error_shown(pg)
    assert pg.evaluate("document.documentElement.innerText").count("ខ") > 0, "the page shows no Khmer"
    _shot(pg, name)
    assert _served_font_loaded(pg)
    assert_widths_differ(pg, '[data-testid="stSidebar"]', f"{name}: sidebar")
    if has_map:
        frame = pg.frame_locator(MAP_FRAME).first
        _hover_for_tooltip(pg, frame, "សៀមរាប")
        assert all(_served_font_loaded(f) for f in _frames(pg))
        assert_widths_differ(frame, ".leaflet-container", f"{name}: map frame")
        if frame.locator(".cpu-legend").count():
            assert_widths_differ(frame, ".cpu-legend > div", f"{name}: map legend")
    if pg.locator(".cpu-shared-legend").count():
        assert_widths_differ(pg, ".cpu-shared-legend > div", f"{name}: shared legend")
    counts = assert_khmer_drawn_with_the_served_font(v, name)
    assert counts["page"] > 0
    if has_map:
        assert sum(n for place, n in counts.items() if place.startswith("frame")) > 0  # the tooltip at least
    if pg.locator('[data-testid="stPlotlyChart"]').count():
        assert counts["charts"] >= pg.locator('[data-testid="stPlotlyChart"]').count(), counts  # one per chart at least
    font_requests = [u for u in v.requests if u.endswith(fonts.served_url())]
    assert font_requests and all(u.startswith(base) for u in font_requests), font_requests
    assert v.outside() == [] and v.refused == []


@pytest.mark.parametrize(("path", "name", "has_map"), PAGES)
def test_every_page_in_khmer_draws_khmer_with_the_served_font(server, visit, path, name, has_map):
    _open(visit, f"{server}{path}?lang=km", has_map)
    _check_page(visit, server, name, has_map)


@pytest.mark.parametrize(("option", "name", "maps"), [(1, "cases_per_year", 3), (3, "cases_compare", 2)])
def test_cases_views_with_several_maps_in_khmer(server, visit, option, name, maps):
    """Several map frames, and the legend they share drawn in the app's own document (st.html)."""
    _open(visit, f"{server}/cases?lang=km", has_map=True)
    view = visit.page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first  # the View control
    view.locator("button").nth(option).click()  # by position: its labels are translated
    _wait_drawn(visit, has_map=True, maps=maps)
    assert visit.page.locator(".cpu-shared-legend").count() == 1
    _check_page(visit, server, name, has_map=True)


def test_public_dashboard_in_khmer(tmp_path, browser):
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.release import write_export

    write_demo(tmp_path / "demo")
    write_export(load_from_dir(tmp_path / "demo"), tmp_path / "public")
    with serving(tmp_path, {"DASHBOARD_MODE": "public", "DASHBOARD_PUBLIC_DIR": str(tmp_path / "public"),
                            "DASHBOARD_DB_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}) as base:
        v = Visit(browser)
        try:
            _open(v, f"{base}/?lang=km", has_map=True)
            _check_page(v, base, "public", has_map=True)
            assert _english_words(v.page) == [], "public page"
        finally:
            v.close()


# ---------------------------------------------------------------- the map saved as HTML, and the machine state

def test_standalone_map_draws_khmer_offline_with_the_embedded_font(tmp_path, browser, demo_dataset):
    from datetime import date

    from dashboard.geo.boundaries import load_boundaries
    from dashboard.i18n import use_language
    from dashboard.render import maps

    boundaries = load_boundaries()
    with use_language("km"):
        styles, legend = maps.coverage_styles(boundaries, demo_dataset.coverage, date(2014, 6, 1))
        fmap = maps.build_map(boundaries, styles, "ការគ្របដណ្តប់", legend)
        page_html = maps.standalone_html(fmap)
    path = tmp_path / "map.html"
    path.write_text(page_html, encoding="utf-8")
    v = Visit(browser)
    try:
        pg = v.page
        pg.goto(path.as_uri())
        pg.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive').length === {UNITS}",
                             timeout=30_000)
        _hover_for_tooltip(pg, pg, "សៀមរាប")
        assert _served_font_loaded(pg)
        assert_widths_differ(pg, ".cpu-legend > div", "standalone legend")
        counts = assert_khmer_drawn_with_the_served_font(v, "standalone map")
        assert counts["page"] >= 2  # the legend title and the tooltip
        assert all(u.startswith(("file:", "data:")) for u in v.requests), v.requests
    finally:
        v.close()


def test_the_browser_has_no_system_font_for_khmer(visit):
    """The machine state the glyph checks rely on: without the web font, Khmer gets no real glyphs here."""
    pg = visit.page
    pg.set_content(f"<p style=\"font-family:'NoSuchFont-xyz', sans-serif\">{SAMPLE}</p>"
                   f"<p style=\"font-family:'{fonts.FAMILY}', sans-serif\">{SAMPLE}</p>")
    marked = pg.evaluate(MARK_JS, ["p", KHMER])
    used = _fonts_of_probes(visit)
    system, served_name = (used[pid] for pid, _text, _stack in marked)
    assert system and not any(f["isCustomFont"] for f in system)
    assert not any("khmer" in f["familyName"].lower() for f in system), system  # boxes, not a Khmer system font
    assert not any(f["familyName"] == fonts.FAMILY for f in served_name), served_name  # no @font-face: not installed


# ---------------------------------------------------------------- no English left: every visible text, read

#: Latin-letter words that may stay in Khmer mode (reviewed): proper names, licences, file formats, method names
#: and codes a Khmer reader also sees in Latin letters. Streamlit's own chrome (the header's "Deploy" menu, the
#: "Running…" status) is outside what is read: only the app's main area and its sidebar are ([data-testid=stMain],
#: [data-testid=stSidebar]); icon ligatures (Material Symbols, e.g. "science") are left out by their font; the
#: tables' cells are drawn on a canvas and are not text here; code blocks are left out (the About page's licence
#: notices are quoted verbatim, in English, as the licences require). Province romanisations come from the
#: gazetteer (``ALLOWED``).
LATIN_ALLOWLIST = frozenset({
    "SYNTHETIC", "synthetic",  # always beside its Khmer word ទិន្នន័យប្រឌិត
    "OpenStreetMap", "ODbL", "Leaflet", "geoBoundaries", "Natural", "Earth", "contributors",  # map credits
    "CSV", "HTML", "PDF", "UTF", "JSON", "km", "mi",  # formats, and the map's scale bar
    "Wilson", "score", "Kaplan", "Meier", "log", "rank", "Newcombe", "hybrid", "Poisson", "binomial", "censored",
    "p", "k", "mapclassify", "GIS", "QGIS", "linear", "programming",  # methods, each beside its Khmer wording
    "J646", "CPU", "Cambodian", "Children's", "Fund", "Global", "Development", "Group", "Open", "Database",
    "License", "NCDD", "Noto", "Sans", "Khmer", "English",  # names; "English" names the language switch
    "Greenwood", "SciPy", "lifelines", "logrank", "ecdf", "stats", "matplotlib", "numpy", "pandas",  # libraries
    "ISO", "KH", "KHM", "ADM1", "NOTICE", "geodata", "csv", "geodesic",  # codes, files, glosses
    "python", "m", "dashboard", "users", "add", "NAME", "role", "admin", "YYYY", "MM", "DD", "Qn",  # commands
})
WORD = r"[A-Za-z][A-Za-z0-9'’]*"
FILE_NAME = __import__("re").compile(r"[\w./-]+\.(?:csv|json|md|html|pdf|xlsx|ttf)\b")


def _province_romanisations() -> frozenset[str]:
    """The gazetteer's English province names: the Arrests chart labels each bar 'ស្វាយរៀង (Svay Rieng)'."""
    import csv

    with open(ROOT / "geodata" / "provinces.csv", encoding="utf-8") as fh:
        return frozenset(w for row in csv.DictReader(fh) for w in row["name_en"].replace("-", " ").split())


ALLOWED = LATIN_ALLOWLIST | _province_romanisations()
#: English still shown, known and not yet fixed (each is a defect, listed so the test keeps failing on any other).
#: Empty: the shipped boundary layers' titles are translated now (geo.boundaries.SHIPPED_TITLES).
KNOWN_LEFT: dict[str, set[str]] = {}

#: Every visible text: the app's main area and sidebar (without icon ligatures), each map frame, and the
#: plotly charts' SVG text.
TEXTS_JS = """() => {
  const visible = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
  const textOf = root => {
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const el = node.parentElement;
      if (!el || el.closest('script, style, [data-km-probe], pre, [data-testid="stCode"]') || !visible(el)) continue;
      if (/Material Symbols|Material Icons/.test(getComputedStyle(el).fontFamily)) continue;
      out.push(node.nodeValue);
    }
    return out.join(' ');
  };
  const parts = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')].map(textOf);
  for (const f of document.querySelectorAll('iframe')) {
    try { if (f.contentDocument && f.contentDocument.body) parts.push(textOf(f.contentDocument.body)); } catch (e) {}
  }
  return parts.join('\\n');
}"""


def _english_words(pg) -> list[str]:
    import re

    text = FILE_NAME.sub(" ", pg.evaluate(TEXTS_JS))  # file names (national_totals.csv) are the format
    return sorted({w for w in re.findall(WORD, text) if w not in ALLOWED})


def _slider(pg):
    return pg.locator('[data-testid="stSlider"] input[type=range]').first


def _thumb(pg) -> str:
    return pg.locator('[data-testid="stSliderThumbValue"]').first.inner_text()


def _frame_shown(pg) -> str:
    """What the content says it shows: the frame title above the Cases map, else the coverage map's legend title."""
    titles = [t for t in pg.locator('[data-testid="stMain"] strong').all_inner_texts() if "ត្រីមាស" in t]
    if titles:
        return titles[-1]
    return pg.frame_locator(MAP_FRAME).first.locator(".cpu-legend").first.inner_text().split("\n")[0]


def _settle(v: Visit, has_map: bool) -> None:
    v.page.wait_for_timeout(300)
    _wait_drawn(v, has_map)


VIEWS_TO_READ = [
    ("/", True), ("/coverage", True), ("/cases?view=one+map", True), ("/cases?view=one+map+per+year", True),
    ("/cases?view=compare+two+periods", True), ("/cases?view=play+by+quarter", True),
    ("/arrests?view=by+province", False), ("/arrests?view=compare+two+periods", True), ("/analysis", False),
    ("/about", False)]


@pytest.mark.parametrize(("path", "has_map"), VIEWS_TO_READ)
def test_khmer_mode_shows_no_english_on_any_page_or_view(server, visit, path, has_map):
    sep = "&" if "?" in path else "?"
    _open(visit, f"{server}{path}{sep}lang=km", has_map)
    _no_error_shown(visit.page)
    assert [w for w in _english_words(visit.page) if w not in KNOWN_LEFT.get(path, set())] == [], path
    cut = visit.page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"] *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert cut == [], f"{path}: card labels cut with '…' at 1400 px: {cut}"


@pytest.mark.parametrize(("path", "frames_key"), [("/coverage", "coverage"), ("/cases?view=play+by+quarter", "cases")])
def test_after_a_slider_move_and_two_play_steps_the_text_stays_khmer_and_the_thumb_shows_the_frame(
        server, visit, path, frames_key):
    """Fragment reruns (the slider, ▶ Play) drew English before: the language did not reach them."""
    import re

    pg = visit.page
    sep = "&" if "?" in path else "?"
    _open(visit, f"{server}{path}{sep}lang=km", True)
    _slider(pg).focus()
    pg.keyboard.press("Home")
    _settle(visit, True)
    assert _english_words(pg) == [], "after Home"
    first = _thumb(pg)
    _slider(pg).focus()
    pg.keyboard.press("ArrowRight")
    _settle(visit, True)
    moved = _thumb(pg)
    assert moved != first and _english_words(pg) == [], "after a slider move"
    assert int(_slider(pg).get_attribute("value")) == 1
    assert all(word in _frame_shown(pg) for word in moved.split()), (moved, _frame_shown(pg))
    pg.get_by_role("button", name=re.compile("▶")).first.click()  # plays from the frame shown
    pg.wait_for_function("(v) => { const s = document.querySelector('[data-testid=\"stSlider\"] input[type=range]');"
                         " return s && Number(s.value) >= 3; }", arg=None, timeout=60_000)
    # pause after two steps or more; the quarters (8 frames) may reach their end first on a loaded machine, which
    # stops the timer just as well, so a pause that finds the button gone is not a failure: ▶ must come back
    with contextlib.suppress(sync_api.TimeoutError):
        pg.get_by_role("button", name=re.compile("⏸")).first.click(timeout=5_000)
    sync_api.expect(pg.get_by_role("button", name=re.compile("▶"))).to_have_count(1, timeout=60_000)
    _settle(visit, True)
    assert _english_words(pg) == [], "after Play"
    index = int(_slider(pg).get_attribute("value"))
    assert index >= 3
    for step in ("Play", "move"):
        shown = _frame_shown(pg)
        assert all(word in shown for word in _thumb(pg).split()), (step, _thumb(pg), shown)
        if step == "Play":
            _slider(pg).focus()
            pg.keyboard.press("ArrowLeft")
            _settle(visit, True)
    _shot(pg, f"{frames_key}_after_play")


def test_the_time_to_arrest_view_in_khmer(server, visit):
    """The view where "at risk" and "censored" are shown (it had no Khmer screenshot)."""
    _open(visit, f"{server}/arrests?lang=km", False)
    heading = visit.page.get_by_text("រយៈពេលរហូតដល់ការចាប់ខ្លួន", exact=True).first
    heading.scroll_into_view_if_needed()
    visit.page.wait_for_timeout(500)
    assert _english_words(visit.page) == []
    _shot(visit.page, "arrests_time_to_arrest")


def test_the_sign_in_page_in_khmer(tmp_path, browser):
    from dashboard.access import auth
    from dashboard.data import db

    (tmp_path / "var").mkdir()
    engine = db.open_engine(f"sqlite:///{tmp_path / 'var' / 'cases.sqlite3'}")
    auth.add_user(engine, "lead", "leadership", "a long enough passphrase")
    engine.dispose()
    with serving(tmp_path, {"DASHBOARD_DB_URL": ""}) as base:
        v = Visit(browser)
        try:
            _open(v, f"{base}/?lang=km", has_map=False)
            _no_error_shown(v.page)
            assert v.page.locator('input[type="password"]').count() == 1
            assert _english_words(v.page) == [], "sign-in page"
            _shot(v.page, "signin")
        finally:
            v.close()
