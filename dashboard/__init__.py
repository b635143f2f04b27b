"""Child Protection Unit (J646) dashboard: data, geodata, metrics, maps and CLI.

Core modules in this package never import Streamlit; the Streamlit views
live in ``dashboard.ui``.
"""

__version__ = "0.1.0"
