"""Coverage page: rendered by dashboard.ui.views.coverage."""

from dashboard.ui.views import coverage

coverage.render()
