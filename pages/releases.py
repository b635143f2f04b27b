"""The releases page: row "releases" of dashboard.page_table.PAGES (drawn by its view, through the shell)."""

from dashboard.ui import shell

shell.show("releases")
