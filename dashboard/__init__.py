"""Child Protection Unit (J646) dashboard: data, geodata, metrics, maps and CLI.

Core modules in this package never import Streamlit; the Streamlit views
live in ``dashboard.ui``.
"""

from dashboard.geo.gdal_guard import harden_environment as _harden_gdal

# Before anything can import pyogrio: GDAL reads GDAL_SKIP once, when it registers its drivers.
_harden_gdal()

__version__ = "0.1.0"
