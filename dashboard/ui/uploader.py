"""A file uploader whose own words follow the page's language.

Streamlit draws its uploader's button ("Upload") and its size and type line ("200MB per file • CSV, TXT")
in English, with no option to change them. Outside English this wrapper hides that line, shows the same
facts as a translated caption, and draws the button's word in the page's language over Streamlit's own
(a style scoped to this one uploader by its key's CSS class).
"""

from __future__ import annotations

import re

import streamlit as st

from dashboard.i18n import DEFAULT_LANGUAGE, _, fmt_int, get_language


def limits_line(types: list[str], max_mb: int) -> str:
    """The uploader's size and type limits, in this language ("200 MB per file • CSV, TXT, XLSX")."""
    return _("{size} MB per file • {types}").format(size=fmt_int(max_mb), types=", ".join(t.upper() for t in types))


def _css_text(text: str) -> str:
    """``text`` as a CSS string: quotes and backslashes escaped, nothing that could close the style."""
    return '"' + re.sub(r'(["\\])', r"\\\1", text).replace("<", "\\3c ").replace("\n", " ") + '"'


def translated_words_css(box: str, button: str) -> str:
    """The style that hides Streamlit's English limits line and draws ``button`` over its "Upload"."""
    scope = f".st-key-{box}"
    return (f"<style>{scope} [data-testid='stFileUploaderDropzoneInstructions'] {{display: none !important;}}"
            f"{scope} [data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'],"
            f"{scope} [data-testid='stFileUploaderDropzone'] button p {{font-size: 0 !important;}}"
            f"{scope} [data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']::after"
            f"{{content: {_css_text(button)}; font-size: 1rem;}}</style>")


def file_uploader(label: str, types: list[str], key: str):
    """``st.file_uploader`` with its limits line and button word in the page's language; returns the upload."""
    box = f"{key}_box"
    with st.container(key=box):
        upload = st.file_uploader(label, type=types, key=key)
        if get_language() != DEFAULT_LANGUAGE:
            st.html(translated_words_css(box, _("Upload")))
            st.caption(limits_line(types, int(st.get_option("server.maxUploadSize"))))
    return upload
