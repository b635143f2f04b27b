"""The public dashboard's Releases page: every signed release, what changed, how to cite and verify it."""

from __future__ import annotations

import streamlit as st

from dashboard.access import modes
from dashboard.errors import UserFacingError
from dashboard.i18n import LANGUAGES, _
from dashboard.publish import history, signing
from dashboard.render.markup import escape_markdown


def render() -> None:
    from dashboard import settings

    st.title(_("Releases"))
    try:
        if modes.app_mode() != "public":
            st.error(_("The public dashboard runs only with DASHBOARD_MODE=public."))
            st.stop()
        entries = history.read(modes.public_dir())
    except UserFacingError as err:
        st.error(escape_markdown(err.message))
        return
    if not entries:
        st.info(_("This export has no release history: it was written by export-public, not published as a "
                  "signed release (python -m dashboard release)."))
        return
    st.caption(escape_markdown(_("Every public release of these figures, newest first. Each keeps its own address, "
                                 "so a report can link to exactly the figures it quoted.")))
    key = modes.public_dir().parent / signing.PUBLIC_KEY
    if key.is_file():
        fingerprint = signing.fingerprint(signing.load_public(key))
        line = _("Public key fingerprint (SHA-256): {fingerprint}").format(fingerprint=fingerprint)
        st.caption(escape_markdown(line))
    base_url = settings.current().public_url
    for entry in reversed(entries):
        _entry(entry, base_url)


def _entry(entry: dict, base_url: str | None) -> None:
    with st.container(border=True, key=f"release_{int(entry['number'])}"):
        st.subheader(escape_markdown(history.title(entry)))
        rows = [(_("Period covered"), history.period(entry)), (_("Data as of"), history.data_as_of(entry)),
                (_("Approval"), history.approval(entry)), (_("Address"), history.address(entry, base_url))]
        st.markdown("\n".join(f"- **{escape_markdown(label)}:** {escape_markdown(value)}" for label, value in rows))
        st.markdown("**" + escape_markdown(_("What changed")) + "**")
        st.markdown("\n".join(f"- {escape_markdown(line)}" for line in history.change_lines(entry)))
        st.markdown("**" + escape_markdown(_("How to cite this release")) + "**")
        for code, text in history.citations(entry, base_url).items():
            st.caption(f"{LANGUAGES[code]}: {escape_markdown(text)}")


def revised_quarters() -> dict[str, str]:
    """The quarters the latest release revised, each with the words its chart mark says ('revised in release 2')."""
    try:
        entries = history.read(modes.public_dir())
    except UserFacingError:
        return {}
    marks = history.revised(entries[-1], "national_quarter") if entries else {}
    return {quarter: history.mark_text(release) for (quarter, _year), release in marks.items()}


def revision_note(tables: tuple[str, ...]) -> None:
    """Under a chart of the latest release: the figures it shows that were revised, and in which release."""
    try:
        entries = history.read(modes.public_dir())
    except UserFacingError:
        return
    lines = history.revision_lines(entries[-1], tables) if entries else []
    if lines:
        with st.expander(_("Figures revised since first published") + f" ({len(lines)})"):
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines))
