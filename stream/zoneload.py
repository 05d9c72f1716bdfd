"""Load the zone set (bundled or user-supplied) and the bundled land, once per process."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from config import LAND_FILE, ZONES_DIR
from detectors.geofence import HYSTERESIS_M, ZoneSet
from detectors.zones import load_zone_files, zone_files
from stream.zonecache import cached_zoneset

__all__ = ["load_land", "load_zoneset"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def load_land() -> BaseGeometry | None:
    if not LAND_FILE.exists():
        log.warning("bundled land file %s missing: distance to shore unknown", LAND_FILE)
        return None
    # from_geojson parses in C (a shapely.geometry.shape of the 6,000-part GSHHG layer costs
    # seconds); the bundled file holds one feature, so there is nothing to union
    geoms = list(shapely.from_geojson(LAND_FILE.read_text()).geoms)
    return geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)


@lru_cache(maxsize=4)
def _cached(path: str) -> ZoneSet:
    """The prepared zone set of ``path``, from the disk cache when its files are unchanged
    (stream/zonecache.py)."""
    sources = [*zone_files(path), *([LAND_FILE] if LAND_FILE.exists() else [])]
    return cached_zoneset(
        sources, HYSTERESIS_M, lambda: ZoneSet(load_zone_files(path), load_land())
    )


def load_zoneset(path: str | Path | None = None, *, none: bool = False) -> ZoneSet:
    """The zone set at ``path`` (file or folder), or the bundled one; ``none`` → no zones."""
    if none:
        return ZoneSet([], load_land())
    return _cached(str(Path(path).resolve() if path else ZONES_DIR))
