"""Zone model and loader: GeoJSON files (or folders of them) → validated ``Zone`` objects."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from stream.errors import ZoneError

__all__ = ["KINDS", "LINE_KINDS", "Zone", "load_zone_files", "parse_zone_collection", "zone_files"]

log = logging.getLogger(__name__)

KINDS = frozenset(
    {
        "territorial_sea",
        "contiguous_zone",
        "boundary",
        "departure_area",
        "landing_area",
        "port",
        "anchorage",
        "sar_region",
        "waterway",
        "custom",
    }
)
LINE_KINDS = frozenset({"boundary"})
MAX_ZONE_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    kind: str
    geometry: BaseGeometry  # WGS84 lon/lat
    country: str | None = None
    source: str | None = None
    approximate: bool = False
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def is_line(self) -> bool:
        return self.kind in LINE_KINDS


def _feature_zone(feat: Any, where: str) -> Zone:
    if not isinstance(feat, dict) or feat.get("type") != "Feature":
        raise ZoneError(f"{where}: not a GeoJSON Feature")
    props = feat.get("properties") or {}
    if not isinstance(props, dict):
        raise ZoneError(f"{where}: properties is not an object")
    zid = props.get("id")
    if not isinstance(zid, str) or not zid.strip():
        raise ZoneError(f"{where}: missing string property 'id'")
    where = f"{where} (id {zid!r})"
    kind = props.get("kind")
    if kind not in KINDS:
        raise ZoneError(f"{where}: unknown kind {kind!r}; expected one of {sorted(KINDS)}")
    try:
        geom = shapely.geometry.shape(feat.get("geometry"))
    except Exception as exc:  # shapely raises several types on malformed input
        raise ZoneError(f"{where}: invalid geometry: {exc}") from None
    if geom.is_empty:
        raise ZoneError(f"{where}: empty geometry")
    gtype = geom.geom_type
    if kind in LINE_KINDS:
        if gtype not in ("LineString", "MultiLineString"):
            raise ZoneError(f"{where}: kind {kind} needs a LineString, got {gtype}")
    elif gtype == "Point":
        radius = props.get("radius_m")
        if not isinstance(radius, int | float) or radius <= 0:
            raise ZoneError(f"{where}: a Point zone needs a positive 'radius_m'")
        from detectors.projection import buffer_m

        geom = buffer_m(geom, float(radius))
    elif gtype not in ("Polygon", "MultiPolygon"):
        raise ZoneError(f"{where}: kind {kind} needs a Polygon, got {gtype}")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ZoneError(f"{where}: invalid geometry: {reason}")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ZoneError(f"{where}: coordinates outside lon/lat range (expects WGS84 degrees)")
    return Zone(
        id=zid.strip(),
        name=str(props.get("name") or zid),
        kind=kind,
        geometry=geom,
        country=props.get("country"),
        source=props.get("source"),
        approximate=bool(props.get("approximate", False)),
        props={
            k: v
            for k, v in props.items()
            if k not in ("id", "name", "kind", "country", "source", "approximate")
        },
    )


def parse_zone_collection(doc: Any, where: str) -> list[Zone]:
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ZoneError(f"{where}: not a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise ZoneError(f"{where}: 'features' is not a list")
    return [_feature_zone(f, f"{where}: feature #{i}") for i, f in enumerate(feats)]


def zone_files(path: str | Path) -> list[Path]:
    """The files a zone set is read from: ``path`` itself, or every ``*.geojson``/``*.json``
    file of the folder (sorted); ZoneError when there are none."""
    p = Path(path)
    if p.is_dir():
        files = sorted(x for x in p.iterdir() if x.suffix in (".geojson", ".json"))
        if not files:
            raise ZoneError(f"{p}: folder holds no .geojson files")
        return files
    if p.is_file():
        return [p]
    raise ZoneError(f"{p}: no such file or folder")


def load_zone_files(path: str | Path) -> list[Zone]:
    """Load one GeoJSON file or every ``*.geojson``/``*.json`` file of a folder (sorted)."""
    files = zone_files(path)
    zones: list[Zone] = []
    seen: dict[str, str] = {}
    for f in files:
        if f.stat().st_size > MAX_ZONE_FILE_BYTES:
            raise ZoneError(f"{f}: larger than {MAX_ZONE_FILE_BYTES} bytes")
        try:
            doc = json.loads(f.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ZoneError(f"{f}: invalid JSON: {exc}") from None
        for z in parse_zone_collection(doc, str(f)):
            if z.id in seen:
                raise ZoneError(f"{f}: duplicate zone id {z.id!r} (first in {seen[z.id]})")
            seen[z.id] = str(f)
            zones.append(z)
    log.debug("loaded %d zones from %s", len(zones), path)
    return zones
