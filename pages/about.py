"""About page: rendered by dashboard.ui.views.about."""

from dashboard.ui.views import about

about.render()
