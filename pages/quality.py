"""Data quality page: rendered by dashboard.ui.views.quality."""

from dashboard.ui.views import quality

quality.render()
