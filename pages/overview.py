"""Overview page: rendered by dashboard.ui.views.overview."""

from dashboard.ui.views import overview

overview.render()
