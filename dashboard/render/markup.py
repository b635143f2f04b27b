"""Make untrusted text safe to show where Streamlit renders Markdown (st.error, st.warning, st.caption...)."""

from __future__ import annotations

import re

#: Everything Markdown, GitHub-flavoured autolinks, emoji shortcodes, LaTeX or HTML entities could act on.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=\"'])")


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown-active character backslash-escaped: links, images and HTML stay inert."""
    return _SPECIAL.sub(r"\\\1", str(text))
