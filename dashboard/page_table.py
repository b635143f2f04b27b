"""The dashboard's pages, declared once: every other list of pages is derived from :data:`PAGES`.

A row names the page (its key, its address and its file ``pages/<name>.py``), its title (a msgid, translated
when it is shown), its icon, the roles that may open it in internal mode, whether the public mode shows it, and
the view that draws it, as ``"module:function"``.

This module is plain data and imports nothing of the app, so both floors can read it without pointing up:
the access layer asks it which pages a role may open (:func:`names_for`), and ``dashboard.ui.shell`` resolves
each row's ``render`` reference to the view's function and builds the navigation from the rows. The rows'
order is the navigation's order; a role's first page is its home.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_

#: Everyone with a role inside (auth.ROLES; a test keeps the two in step).
EVERYONE = ("leadership", "analyst", "admin")
ANALYSTS = ("analyst", "admin")
ADMINS = ("admin",)


@dataclass(frozen=True)
class Page:
    """One page of the dashboard."""

    name: str  # the key, the address (/<name>) and the thin module pages/<name>.py
    title: str  # a msgid: shown through _()
    icon: str
    roles: tuple[str, ...]  # who may open it in internal mode; () = not an internal page
    public: bool  # shown in public mode (DASHBOARD_MODE=public)
    render: str  # the view's render function, "module:function" (resolved by dashboard.ui.shell)

    @property
    def url_path(self) -> str:
        return self.name

    @property
    def file(self) -> str:
        """The page module Streamlit registers, relative to app.py."""
        return f"pages/{self.name}.py"


PAGES: tuple[Page, ...] = (
    Page("overview", N_("Overview"), ":material/space_dashboard:", EVERYONE, False,
         "dashboard.ui.views.overview:render"),
    Page("coverage", N_("Coverage"), ":material/map:", EVERYONE, False, "dashboard.ui.views.coverage:render"),
    Page("cases", N_("Cases"), ":material/folder_open:", EVERYONE, False, "dashboard.ui.views.cases:render"),
    Page("arrests", N_("Arrests"), ":material/gavel:", EVERYONE, False, "dashboard.ui.views.arrests:render"),
    Page("analysis", N_("Analysis"), ":material/query_stats:", ANALYSTS, False, "dashboard.ui.views.analysis:render"),
    Page("quality", N_("Data quality"), ":material/fact_check:", ANALYSTS, False,
         "dashboard.ui.views.quality:render"),
    Page("data", N_("Data"), ":material/upload_file:", ADMINS, False, "dashboard.ui.views.data:render"),
    Page("public", N_("Public dashboard"), ":material/public:", (), True, "dashboard.ui.views.public:render"),
    Page("releases", N_("Releases"), ":material/history:", (), True, "dashboard.ui.views.releases:render"),
    Page("about", N_("About"), ":material/info:", EVERYONE, True, "dashboard.ui.views.about:render"),
)
BY_NAME: dict[str, Page] = {page.name: page for page in PAGES}
#: The pages behind the sign-in (internal mode), in navigation order.
INTERNAL = tuple(page for page in PAGES if page.roles)
#: The public mode's pages, in navigation order (the first is its home).
PUBLIC = tuple(page for page in PAGES if page.public)
#: Internal pages that need no sign-in (they are public too): shown beside the sign-in form.
OPEN = tuple(page for page in INTERNAL if page.public)


def names_for(role: str | None) -> tuple[str, ...]:
    """The pages ``role`` may open in internal mode, in navigation order (none for an unknown role)."""
    return tuple(page.name for page in INTERNAL if role in page.roles)
