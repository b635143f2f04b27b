"""Cases page: rendered by dashboard.ui.views.cases."""

from dashboard.ui.views import cases

cases.render()
