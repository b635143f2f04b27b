"""Login page: rendered by dashboard.ui.views.login."""

from dashboard.ui.views import login

login.render()
