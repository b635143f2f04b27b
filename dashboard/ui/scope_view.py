"""What a province-scoped viewer sees beside their own provinces: one line saying so, and the public figures.

The rule itself is :mod:`dashboard.publish.visibility`; this module only draws its outcome. The public figures
are built once per data version and ledger (the same tables a public release would publish, audited with every
earlier release) and hold nothing finer than the public export: per year and province, with k and
complementary suppression.
"""

from __future__ import annotations

import streamlit as st

from dashboard.access.scope import names as scope_names
from dashboard.errors import UserFacingError
from dashboard.geo.gazetteer import display_name
from dashboard.i18n import _
from dashboard.publish import public_view, visibility
from dashboard.publish.public_export import DEFAULT_K, PublicData
from dashboard.render.markup import escape_markdown
from dashboard.ui import components as ui
from dashboard.ui.context import Context


@st.cache_resource(show_spinner=False, max_entries=4)
def _public(whole_key: str, ledger_count: int, _dataset, _engine) -> PublicData:
    from dashboard.publish import ledger
    from dashboard.publish.incomplete import probably_incomplete_months

    earlier = ledger.DbLedger(_engine).releases()
    k = earlier[-1].k if earlier else DEFAULT_K
    return visibility.public_figures(_dataset, earlier, k, lambda: probably_incomplete_months(_engine, _dataset))


def public_figures(whole_dataset, whole_key: str, engine) -> PublicData | None:
    """The public figures of the whole dataset (None, with a message drawn, when there are none yet)."""
    from dashboard.publish import ledger

    try:
        return _public(whole_key, len(ledger.DbLedger(engine).releases()), whole_dataset, engine)
    except UserFacingError as err:  # no closed quarter yet, no cases: there is nothing public to show
        st.info(escape_markdown(err.message))
        return None


def notice(ctx: Context) -> None:
    """One line, above the page, when provinces outside the scope were asked for (a link, the filter, the map)."""
    if ctx.scope is None:
        return
    if ctx.asked_outside:
        outside = ", ".join(display_name(c) for c in ctx.asked_outside)
        st.info(escape_markdown(_("{outside}: outside your provinces ({scope}), so only its public figures are "
                                  "shown, below.").format(outside=outside, scope=scope_names(ctx.scope))),
                icon=":material/lock:")



def outside_part(ctx: Context, whole_dataset, whole_key: str, prominent: bool) -> None:
    """The public figures: the national headline, and the provinces asked for outside the scope (or all of them).

    ``prominent``: the viewer asked only for provinces outside the scope, so this is the page's content."""
    if ctx.scope is None:
        return
    title = _("Public figures: national totals and provinces outside yours")
    if prominent:
        st.subheader(title)
        _draw(ctx, whole_dataset, whole_key)
        return
    st.divider()
    st.caption(escape_markdown(_("Case data for your provinces: {scope}. Other provinces and national totals: "
                                 "public figures only (below).").format(scope=scope_names(ctx.scope))))
    with st.expander(title, icon=":material/public:"):
        _draw(ctx, whole_dataset, whole_key)


def _draw(ctx: Context, whole_dataset, whole_key: str) -> None:
    data = public_figures(whole_dataset, whole_key, ctx.engine)
    if data is None:
        return
    st.caption(escape_markdown(_("The same figures a public release would show, by the same rules: counts under "
                                 "{k} are hidden, and so are counts from which one could be worked out. ")
                               .format(k=data.k) + public_view.dates_text(data.metadata)))
    cards = public_view.headline(data)
    ui.wrap_card_labels()
    for col, card in zip(st.columns(max(len(cards), 1)), cards):
        with col.container(border=True):
            st.metric(card.label, card.value)
            st.caption(escape_markdown(card.detail))
            st.caption(escape_markdown(card.period))
    shown = ctx.asked_outside or visibility.outside_provinces(ctx.scope, tuple(
        str(c) for c in data.province_year["province_code"].drop_duplicates()))
    wide = public_view.province_year_wide(data)
    wide = wide[wide["province_code"].isin(shown)]
    partial = public_view.partial_years(data)
    wide = wide.rename(columns={str(y): public_view.year_label(y, partial) for y in partial})
    st.markdown("**" + escape_markdown(_("Province totals by year")) + "**")
    st.dataframe(ui.localized_columns(wide), hide_index=True, width="stretch")
    st.caption(escape_markdown(public_view.suppression_note(data)))

