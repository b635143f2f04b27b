"""Arrests page: rendered by dashboard.ui.views.arrests."""

from dashboard.ui.views import arrests

arrests.render()
