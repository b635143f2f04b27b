"""Child Protection Unit (J646) dashboard: data, geodata, metrics, maps and CLI.

Core modules in this package never import Streamlit; the Streamlit views
live in ``dashboard.ui``.
"""

from dashboard.geo.gdal_guard import harden_environment as _harden_gdal

# Before anything can import pyogrio: GDAL reads GDAL_SKIP once, when it registers its drivers.
_harden_gdal()

# The ground floor's three modules know nothing of each other's work: wired here, once, for every entry point.
from dashboard import errors as _errors  # noqa: E402
from dashboard import i18n as _i18n  # noqa: E402
from dashboard import settings as _settings  # noqa: E402

_errors.use_translation(_i18n._)
_i18n.use_khmer_digits(lambda: _settings.current().khmer_digits)

__version__ = "0.1.0"
