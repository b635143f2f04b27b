"""Data page: rendered by dashboard.ui.views.data."""

from dashboard.ui.views import data

data.render()
