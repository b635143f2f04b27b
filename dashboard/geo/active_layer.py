"""Which boundary layer is in use: the one rule for the app, the public page and the CLI.

DASHBOARD_BOUNDARIES if set, else the layer saved on the Data page (under ``var/boundaries/``, already
joined, so it joins on "code"), else the shipped default.
"""

from __future__ import annotations

import json
from pathlib import Path

from dashboard.geo.boundary_join import load_boundaries
from dashboard.geo.boundary_layer import Boundaries
from dashboard.paths import SHIPPED_BOUNDARIES

ACTIVE_FILE = "active.geojson"


def active_dir() -> Path:
    from dashboard import settings

    return settings.current().var_dir / "boundaries"


def active_source() -> tuple[Path | None, str | None]:
    """(file, join column) of the boundaries in use; (None, None) means the shipped default."""
    from dashboard import settings

    configured = settings.current().boundaries
    if configured:
        return configured, None
    saved = active_dir() / ACTIVE_FILE
    return (saved, "code") if saved.is_file() else (None, None)


def active_boundaries() -> Boundaries:
    """The boundaries every map uses now (see :func:`active_source`)."""
    path, join_column = active_source()
    return load_boundaries(path, join_column)


def save_active(joined: Boundaries) -> Path:
    """Make a joined layer the one every map uses; written to a temporary file, then moved into place.

    The layer's metadata (title, attribution) goes with it, so its credit stays on every map.
    """
    folder = active_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ACTIVE_FILE
    tmp = folder / f".{ACTIVE_FILE}.tmp"
    data = json.loads(joined.gdf.to_json(drop_id=True, to_wgs84=True))
    data = {"type": data["type"], "metadata": joined.metadata, "features": data["features"]}
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    return target


def shipped_layer(name: str) -> Boundaries:
    """One of the shipped layers by name (see paths.SHIPPED_BOUNDARIES): 'geoboundaries' or 'naturalearth'."""
    return load_boundaries(SHIPPED_BOUNDARIES[name])


def clear_active() -> None:
    """Go back to the shipped default (DASHBOARD_BOUNDARIES, if set, still wins)."""
    (active_dir() / ACTIVE_FILE).unlink(missing_ok=True)

