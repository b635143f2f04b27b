"""Public releases page: rendered by dashboard.ui.views.releases."""

from dashboard.ui.views import releases

releases.render()
