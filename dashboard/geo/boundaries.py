"""The boundary layer's public names in one place, for the modules that draw or choose a layer.

The work is done in four modules, one job each:

* :mod:`dashboard.geo.boundary_files`: reading a file safely (formats, zip caps, the sandbox, the extent check);
* :mod:`dashboard.geo.boundary_join`: joining its polygons to provinces and simplifying them for the map;
* :mod:`dashboard.geo.active_layer`: which layer is in use (the Data page's saved choice under ``var/``);
* :mod:`dashboard.geo.boundary_layer`: the joined layer itself, its report and its credit.

Patch a limit (e.g. ``MAX_EXTRACTED_BYTES``) in the module that owns it, not here.
"""

from dashboard.geo.active_layer import (
                                        active_boundaries,
                                        active_dir,
                                        active_source,
                                        clear_active,
                                        save_active,
                                        shipped_layer,
)
from dashboard.geo.boundary_files import (
                                        read_boundary_file,
                                        read_metadata,
                                        read_uploaded_boundary_file,
                                        repair_geometries,
)
from dashboard.geo.boundary_join import detect_join_column, join_boundaries, load_boundaries
from dashboard.geo.boundary_layer import SHIPPED_TITLES, Boundaries, JoinReport, attribution, round_coordinates

__all__ = [
    "Boundaries", "JoinReport", "SHIPPED_TITLES", "active_boundaries", "active_dir", "active_source", "attribution",
    "clear_active", "detect_join_column", "join_boundaries", "load_boundaries", "read_boundary_file",
    "read_metadata", "read_uploaded_boundary_file", "repair_geometries", "round_coordinates", "save_active",
    "shipped_layer",
]
