"""Serve the dashboard: ``streamlit run server.py`` (Streamlit finds the ``st.App`` below and runs it).

``app.py`` stays the Streamlit script (navigation, sign-in gate, sidebar);
this file adds the small cookie routes of :mod:`dashboard.access.routes`
beside Streamlit's own, so a sign-in lasts across reloads, tabs and browser
restarts. ``streamlit run app.py`` still works, but then a sign-in lasts
only as long as the browser tab.
"""

import streamlit as st
from streamlit import config

from dashboard.access import routes
from dashboard.render import fonts

# Before the first browser connects: the theme asks for the font as soon as a page opens, before app.py has
# run, and a tab whose font request failed (404) shows Khmer as boxes until it is reloaded.
fonts.ensure_installed()

app = st.App("app.py", routes=routes.build(config.get_option("server.baseUrlPath") or ""))
