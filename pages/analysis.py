"""Analysis page: rendered by dashboard.ui.views.analysis."""

from dashboard.ui.views import analysis

analysis.render()
