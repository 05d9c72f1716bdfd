"""A disk cache of the prepared zone set: zones, land, grid covers and coast index.

Building them takes about 3 s at every start (GeoJSON parsing, the covers' cell tables,
the coast KD-tree); unpickling takes a tenth of a second. The cache file is named by a
hash of everything the indexes are built from - the zone and land files' bytes, the
hysteresis, the versions of seaguard, shapely, numpy and scipy, and ``CACHE_FORMAT`` - so a
changed input or upgrade builds afresh; an unreadable cache file is rebuilt, never an
error. Where: ``SEAGUARD_CACHE_DIR`` (``off`` disables it), else ``$XDG_CACHE_HOME/seaguard``
or ``~/.cache/seaguard``. The file is written to a temporary name and renamed, so parallel
starts never read a partial one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy
import scipy
import shapely

from detectors.geofence import ZoneSet

__all__ = ["CACHE_FORMAT", "cache_dir", "cached_zoneset"]

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when ZoneSet's pickled layout changes
_KEEP_FILES = 2  # older cache files (~150 MB each for the bundled zones) are removed


def cache_dir() -> Path | None:
    """Where cache files go, or None when caching is off."""
    given = os.environ.get("SEAGUARD_CACHE_DIR")
    if given:
        return None if given.lower() == "off" else Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seaguard"


def _key(sources: list[Path], hysteresis_m: float) -> str:
    from stream import __version__

    h = hashlib.sha256()
    for part in (CACHE_FORMAT, __version__, shapely.__version__, numpy.__version__):
        h.update(f"{part}|".encode())
    h.update(f"{scipy.__version__}|{hysteresis_m!r}|".encode())
    for f in sources:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:24]


def cached_zoneset(
    sources: list[Path], hysteresis_m: float, build: Callable[[], ZoneSet]
) -> ZoneSet:
    """The prepared zone set built from ``sources`` (the files ``build`` reads): from the
    cache when there, else built, prepared and stored."""
    where = cache_dir()
    if where is None:
        return build().prepare()
    path = where / f"zones-{_key(sources, hysteresis_m)}.pickle"
    try:
        with path.open("rb") as fh:
            zs = pickle.load(fh)  # noqa: S301 - our own cache, named by its inputs' hash
        if isinstance(zs, ZoneSet):
            log.debug("zones from the cache %s (%d zones)", path, len(zs))
            return zs
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged or foreign file: rebuild it
        log.info("zone cache %s unreadable (%s): rebuilding it", path, exc)
    zs = build().prepare()
    _store(zs, where, path)
    log.debug("zones built and cached in %s (%d zones)", path, len(zs))
    return zs


def _store(zs: ZoneSet, where: Path, path: Path) -> None:
    try:
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where, prefix=".zones-", delete=False) as fh:
            pickle.dump(zs, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
        old = sorted(where.glob("zones-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-_KEEP_FILES]:
            stale.unlink(missing_ok=True)
    except OSError as exc:  # a read-only home, a full disk: run without the cache
        log.info("zone cache not written to %s: %s", where, exc)
