"""What every page needs to be readable with a screen reader, a keyboard and on a phone (issue 28).

Once per run, before the page draws: the document's language (``lang="km"`` in Khmer, so screen readers
read Khmer with a Khmer voice), text colours that meet WCAG AA contrast where Streamlit's theme greys fall
short, segmented controls that wrap on a narrow screen instead of running off it, headline cards two to a
row on a phone, and a visible keyboard focus.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.i18n import get_language

#: Streamlit draws captions at 60% opacity (#737c84 on the sidebar's #f3f6f8: 3.9:1), under WCAG AA's 4.5:1;
#: this grey, fully opaque, reads at 7:1 on both backgrounds.
MUTED_TEXT = "#4a5560"

#: A row of headline cards: columns holding metrics, and no row of columns inside.
CARD_ROW = ('[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])'
            ':not(:has([data-testid="stHorizontalBlock"]))')
PAGE_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="stWidgetLabel"] small, [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {{
  color: {MUTED_TEXT} !important; }}
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
/* a segmented control's options wrap onto a second line rather than leave the screen */
[data-testid="stButtonGroup"] > div, [data-testid="stButtonGroup"] [role="radiogroup"] {{
  flex-wrap: wrap !important; max-width: 100%; }}
[data-testid="stButtonGroup"] {{ max-width: 100%; }}
/* keyboard focus is always visible */
a:focus-visible, button:focus-visible, [role="button"]:focus-visible, [tabindex]:focus-visible,
input:focus-visible, [role="option"]:focus-visible {{
  outline: 3px solid #0b3d45 !important; outline-offset: 2px; }}
/* on a touch screen a table's or chart's toolbar (search, full screen) is always shown, floating over the heading
   or caption above it: there it takes its own line in the page's flow instead */
@media (hover: none) {{
  [data-testid="stElementToolbar"] {{ position: static !important; display: flex; justify-content: flex-end; }}
}}
@media (max-width: 640px) {{
  /* headline cards two to a row, so the Overview's map comes within the first two screens; only a row of
     cards itself, never a block whose columns hold other rows (the Overview's map and chart, with the funnel's
     card inside the chart's column, were squeezed side by side) */
  {CARD_ROW} {{
    flex-wrap: wrap !important; gap: 0.5rem !important; }}
  {CARD_ROW} > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important; }}
  [data-testid="stMetric"] [data-testid="stMetricValue"] {{ font-size: 1.6rem; }}
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
}}
</style>"""


def lang_script(lang: str) -> str:
    """A script that declares the page's language on the document (Streamlit's own page says ``en``)."""
    return (f"<script>document.documentElement.lang = {json.dumps(lang)};"
            f"if (window.parent && window.parent !== window) {{ try {{ window.parent.document.documentElement.lang"
            f" = {json.dumps(lang)}; }} catch (e) {{}} }}</script>")


def page_setup() -> None:
    """Declare the language and add the page-wide styles (app.py, after ``set_page_config``)."""
    st.html(PAGE_CSS + lang_script(get_language()), unsafe_allow_javascript=True)
