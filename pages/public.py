"""Public page: rendered by dashboard.ui.views.public."""

from dashboard.ui.views import public

public.render()
