"""Make untrusted text safe to show where Streamlit renders Markdown (st.error, st.warning, st.caption...)."""

from __future__ import annotations

import re

#: Everything Markdown, GitHub-flavoured autolinks, emoji shortcodes, LaTeX or HTML entities could act on.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=\"'])")


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown-active character backslash-escaped: links, images and HTML stay inert."""
    return _SPECIAL.sub(r"\\\1", str(text))


def scroll_region(inner_html: str, label: str) -> str:
    """A wide table in a box that scrolls sideways on a narrow screen; a keyboard can reach and scroll it (a
    focusable region named ``label``, as WCAG 2.1.1 and axe-core's scrollable-region-focusable ask)."""
    from html import escape

    return f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(label)}">{inner_html}</div>'
