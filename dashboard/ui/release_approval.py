"""The Data page's Releases tab (admins): the pending release candidate, its change report, and Approve for an
admin other than the one who drafted it. Drafting and publishing stay on the command line
(``python -m dashboard release``), where the signing key is."""

from __future__ import annotations

import streamlit as st

from dashboard.errors import UserFacingError
from dashboard.i18n import _
from dashboard.publish import candidates, changes
from dashboard.render.markup import escape_markdown


def render(engine, username: str | None) -> None:
    from dashboard import settings

    st.caption(_("A public release is drafted on the command line (`python -m dashboard release draft --as NAME`), "
                 "approved here or there by a second admin, then published (`python -m dashboard release publish`)."))
    try:
        candidate = candidates.pending()
    except UserFacingError as err:
        st.error(escape_markdown(err.message))
        return
    if candidate is None:
        st.info(_("No release candidate is waiting for approval."))
        return
    st.subheader(_("Candidate {id}: release {number}").format(id=candidate.id, number=candidate.number))
    st.markdown(escape_markdown(candidates.describe(candidate)))
    st.markdown("**" + escape_markdown(_("What changed")) + "**")
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in changes.report_lines(candidate.record["changes"])))
    st.caption(escape_markdown(_("Files: {folder}").format(folder=candidate.folder)))
    if candidate.state != candidates.DRAFTED:
        return
    drafter = candidate.record["drafted_by"]
    if username == drafter and not settings.current().one_person_release:
        st.info(escape_markdown(_("You drafted this candidate: another admin must approve it.")))
        return
    if st.button(_("Approve release {number}").format(number=candidate.number), type="primary",
                 key="release_approve"):
        try:
            candidates.approve(engine, candidate.id, username or "", page="data")
        except UserFacingError as err:
            st.error(escape_markdown(err.message))
            return
        st.success(_("Approved. Publish it with: `python -m dashboard release publish {id} --site DIR "
                     "--as NAME`").format(id=candidate.id))
