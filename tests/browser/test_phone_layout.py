"""The dashboard on a phone, 390×844 with touch (issue 28): no control off-screen, no plotly toolbar over a chart's
title, the Overview's headline figures and map within the first two screens, charts whose labels, titles and
legends stay readable, and tables whose toolbar covers no text."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.conftest import new_page, open_view

sync_api = pytest.importorskip("playwright.sync_api")

WIDTH, HEIGHT = 390, 844
#: Every option of every segmented control (the sidebar's are checked with the sidebar open).
OPTIONS_OUTSIDE = """(width) => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"] button')]
    .map(b => [b.innerText, b.getBoundingClientRect()]).filter(([t, r]) => r.width && (r.left < 0 || r.right > width))
    .map(([t, r]) => `${t}: ${Math.round(r.left)}–${Math.round(r.right)} px`)"""  # noqa: E501 - JavaScript source: rewrapping would change the string
TOOLBARS = """() => [...document.querySelectorAll('.modebar')].filter(m => m.getBoundingClientRect().width > 0
    && getComputedStyle(m).display !== 'none' && getComputedStyle(m).visibility !== 'hidden').length"""


@pytest.mark.parametrize(("path", "maps"), [("/cases", 1), ("/arrests", None), ("/coverage", 1),
                                            ("/cases?view=compare+two+periods", 2)])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_every_segmented_control_option_is_on_screen(demo_server, a11y_browser, path, maps, lang):
    context, pg = new_page(a11y_browser, "phone")
    try:
        open_view(pg, demo_server, path, lang, maps)
        if path != "/coverage":  # Coverage's controls are a slider and a Play button, no segmented control
            assert pg.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').count() > 0
        assert pg.evaluate(OPTIONS_OUTSIDE, WIDTH) == []
        # nothing makes the page scroll sideways
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        assert pg.evaluate(TOOLBARS) == 0
    finally:
        context.close()


def test_public_year_control_fits_a_phone(public_server, a11y_browser):
    context, pg = new_page(a11y_browser, "phone")
    try:
        open_view(pg, public_server, "/", "km", 1)
        assert pg.evaluate(OPTIONS_OUTSIDE, WIDTH) == []
        assert pg.evaluate(TOOLBARS) == 0
    finally:
        context.close()


def test_overview_shows_headline_and_map_within_two_screens(demo_server, a11y_browser):
    context, pg = new_page(a11y_browser, "phone")
    try:
        open_view(pg, demo_server, "/", "en", 1)
        top = pg.evaluate("""() => document.querySelector('[data-testid="stCustomComponentV1"]')
                                     .getBoundingClientRect().top + window.scrollY""")
        assert top < 2 * HEIGHT, f"the map starts {top:.0f} px down the page"
        # the map and the chart stack, each the page's width: the card row's two-to-a-row rule once caught the
        # block of map and chart too (the funnel's card sits in the chart's column), squeezing the map to 175 px
        widths = pg.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stCustomComponentV1"], [data-testid="stPlotlyChart"]')].map(e => e.getBoundingClientRect().width)""")  # noqa: E501 - JavaScript source
        assert widths and min(widths) > 0.8 * WIDTH, widths
    finally:
        context.close()


#: Each chart's title if it runs past the chart's edge, and its tick labels that lie under its legend or are turned
#: (plotly turns them when they would overlap).
TICKS_IN_TROUBLE = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap(c => {
    const heading = c.querySelector('.gtitle');
    const title = (heading || {}).textContent || '?';
    const edge = c.querySelector('svg.main-svg').getBoundingClientRect().right;
    const legend = c.querySelector('.legend');
    const box = legend && legend.getBoundingClientRect();
    const cut = heading && heading.getBoundingClientRect().right > edge + 1 ? [`${title}: title cut off`] : [];
    return cut.concat([...c.querySelectorAll('.xtick text, .ytick text')].flatMap(t => {
        const r = t.getBoundingClientRect();
        const under = box && r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top;
        const turned = /rotate\\((?!0[,)])/.test(t.getAttribute('transform') || '');
        return under || turned ? [`${title}: ${t.textContent} ${under ? 'under the legend' : 'turned'}`] : [];
    }));
})"""


@contextmanager
def phone_view(browser, server: str, path: str, lang: str, maps: int | None):
    """A page at phone size on ``server``'s ``path`` in ``lang``, drawn; closed afterwards."""
    context, pg = new_page(browser, "phone")
    try:
        open_view(pg, server, path, lang, maps)
        yield pg
    finally:
        context.close()


CHART_PAGES = [("demo", "/", 1), ("demo", "/cases", 1), ("demo", "/arrests", None), ("demo", "/analysis", None),
               ("demo", "/coverage", 1), ("public", "/", 1)]


@pytest.mark.parametrize(("where", "path", "maps"), CHART_PAGES)
@pytest.mark.parametrize("lang", ["en", "km"])
def test_chart_tick_labels_stay_level_and_clear_of_the_legend(demo_server, public_server, a11y_browser, where, path,
                                                              maps, lang):
    """On a phone the legend, placed a fixed distance below the plot, lay over the month and quarter labels, which
    plotly had turned on end (Khmer months then read top to bottom); long offence names squeezed their bars, and
    long titles ran off the chart's edge."""
    with phone_view(a11y_browser, demo_server if where == "demo" else public_server, path, lang, maps) as pg:
        assert pg.locator('[data-testid="stPlotlyChart"] svg.main-svg').count() > 0
        assert pg.evaluate(TICKS_IN_TROUBLE) == []


@pytest.mark.parametrize("lang", ["en", "km"])
def test_chart_titles_and_notes_are_inside_their_charts(demo_server, a11y_browser, lang):
    """A wrapped title once rose above its chart's top edge (its first line cut off), and the arrest-rate chart's
    'all selected: 86%' note, centred on its line, ran past the right edge in Khmer."""
    with phone_view(a11y_browser, demo_server, "/arrests", lang, None) as pg:
        outside = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap(c => {
            const box = c.querySelector('svg.main-svg').getBoundingClientRect();
            return [...c.querySelectorAll('.gtitle, .annotation-text')].filter(t => {
                const r = t.getBoundingClientRect();
                return r.width && (r.top < box.top - 1 || r.right > box.right + 1 || r.left < box.left - 1); })
                .map(t => t.textContent); })""")
        assert outside == []


@pytest.mark.parametrize("lang", ["en", "km"])
def test_bar_labels_are_full_size(demo_server, a11y_browser, lang):
    """Plotly shrinks a bar's label to fit inside it: the offence chart's short bars had theirs at a few pixels."""
    with phone_view(a11y_browser, demo_server, "/cases", lang, 1) as pg:
        sizes = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .bartext')]
            .map(t => [t.textContent, t.getBoundingClientRect().height])""")  # shrunk by a transform, not its font
        tallest = max((height for _text, height in sizes), default=0)
        assert sizes and all(height >= 0.9 * tallest for _text, height in sizes), sizes  # one was at 54%


#: The headings, captions and texts that a shown table's or chart's toolbar (always up on a touch screen) lies over.
TOOLBARS_OVER_TEXT = """() => {
  const TEXTS = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], h1, h2, h3';
  return [...document.querySelectorAll('[data-testid="stElementToolbar"]')].flatMap(bar => {
    if (!bar.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) || bar.closest('details:not([open])')) {
        return []; }
    const own = bar.closest('[data-testid="stElementContainer"]');
    return [...bar.querySelectorAll('button')].map(b => b.getBoundingClientRect()).filter(r => r.width).flatMap(r =>
        [...document.querySelectorAll(TEXTS)]
            .filter(t => !own.contains(t)).filter(t => { const q = t.getBoundingClientRect();
                return q.width && r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top; })
            .map(t => t.textContent.slice(0, 40)));
}); }"""


@pytest.mark.parametrize(("where", "path", "maps"), [("demo", "/cases", 1), ("public", "/", 1)])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_table_toolbars_leave_the_text_above_them_readable(demo_server, public_server, a11y_browser, where, path,
                                                           maps, lang):
    """On a touch screen Streamlit shows each table's toolbar all the time, floating above the table: it covered
    the heading or the chart's text alternative before it (public page: 'National totals', 'Province totals')."""
    with phone_view(a11y_browser, demo_server if where == "demo" else public_server, path, lang, maps) as pg:
        assert pg.locator('[data-testid="stDataFrame"]').count() > 0
        assert pg.evaluate(TOOLBARS_OVER_TEXT) == []
