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

app = st.App("app.py", routes=routes.build(config.get_option("server.baseUrlPath") or ""))
