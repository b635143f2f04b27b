"""The big headline figures ("21 ក្នុងចំណោម 25") leave room for Khmer subscripts in the brief and the static site.

A subscript consonant (the ្ន of ក្នុង) hangs far below the Latin baseline: in Noto Sans Khmer down to 0.6 em,
while the font's line metrics stop at 0.29 em. With ``line-height: 1.2`` the line box ended about 0.35 em above
the subscript's foot, and the caption line below was drawn over it. The check is geometric: from the served
font's own metrics and the CSS of ``.card .value``, the value's box (line box plus bottom padding) must reach
below the deepest subscript glyph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.render import fonts

ROOT = Path(__file__).resolve().parent.parent
STYLES = {"brief": ROOT / "dashboard" / "publish" / "brief.py",
          "static site": ROOT / "dashboard" / "publish" / "site_assets" / "site.css"}


def _value_rule(text: str) -> dict[str, str]:
    body = re.search(r"\.card \.value \{([^}]*)\}", text).group(1)
    return {k.strip(): v.strip() for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d)}


def _em(value: str | None) -> float:
    if not value:
        return 0.0
    assert value.endswith("em") and not value.endswith("rem"), f"give it in em, relative to the value: {value}"
    return float(value[:-2])


def _deepest_subscript_em() -> tuple[float, float, float]:
    """(ascent, descent, deepest subscript depth) in em, from the font file."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(fonts.font_file())
    upm = font["head"].unitsPerEm
    glyphs = font.getGlyphSet()
    deepest = 0
    for name in font.getGlyphOrder():
        if name.startswith("uni17D2"):  # coeng + consonant: the subscript forms
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            if pen.bounds:
                deepest = min(deepest, pen.bounds[1])
    return font["hhea"].ascent / upm, -font["hhea"].descent / upm, -deepest / upm


@pytest.mark.parametrize("where", list(STYLES))
def test_a_headline_value_holds_the_khmer_subscripts_below_its_line(where):
    rule = _value_rule(STYLES[where].read_text(encoding="utf-8"))
    ascent, descent, subscript = _deepest_subscript_em()
    line_height = float(rule["line-height"])
    below_baseline = descent + (line_height - (ascent + descent)) / 2 + _em(rule.get("padding-bottom"))
    assert subscript > descent  # what makes Khmer different: the subscripts hang below the font's own descent
    assert below_baseline >= subscript, (where, rule, below_baseline, subscript)
