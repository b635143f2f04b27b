"""The about page: row "about" of dashboard.page_table.PAGES (drawn by its view, through the shell)."""

from dashboard.ui import shell

shell.show("about")
