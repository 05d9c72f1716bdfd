"""Vessel classification helpers shared by detectors (small craft, ship-type groups, night)."""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "SMALL_CRAFT_LENGTH_M",
    "describe_vessel",
    "has_no_identity",
    "identity_expected",
    "is_night",
    "is_small_craft",
    "is_unidentified",
    "ship_type_group",
]

# ISO 8666 defines "small craft" as hull length below 24 m.
SMALL_CRAFT_LENGTH_M = 24.0
_SMALL_TYPES = frozenset({0, 36, 37})  # not available / sailing / pleasure craft
_LARGE_TYPES = range(60, 90)  # passenger, cargo, tanker
_WORKING_TYPES = frozenset([30, 31, 32, 33, 34, 35, *range(50, 60)])


def ship_type_group(ship_type: int | None) -> str:
    if ship_type is None or ship_type == 0:
        return "unknown"
    t = int(ship_type)
    groups = {
        3: "special",
        4: "hsc",
        5: "special",
        6: "passenger",
        7: "cargo",
        8: "tanker",
        2: "wig",
        9: "other",
    }
    if t == 30:
        return "fishing"
    if t in (36, 37):
        return "pleasure"
    if t in (31, 32, 52):
        return "tug"
    return groups.get(t // 10, "other")


# ITU-R M.1371: a Class A station sends its static and voyage data every 6 min, and a Class B
# its static report every 6 min too. A vessel heard for two such cycles without one is not
# sending it; before that, its identity may simply not have arrived yet.
STATIC_CYCLE_S = 360.0


def identity_expected(feed_has_identities: bool, first_ts_ms: int | None, ts_ms: int) -> bool:
    """Whether a vessel's missing static data means something at ``ts_ms``: the feed carries
    identities, and the vessel (first heard at ``first_ts_ms``) has been heard for at least
    two static-report cycles."""
    return (
        feed_has_identities
        and first_ts_ms is not None
        and ts_ms - first_ts_ms >= 2 * STATIC_CYCLE_S * 1000
    )


def has_no_identity(static: dict[str, Any]) -> bool:
    """No identity field at all: no name, no call sign, no IMO, no ship type."""
    return not any(static.get(k) for k in ("name", "callsign", "imo", "ship_type"))


def is_unidentified(static: dict[str, Any], identity_feed: bool = True) -> bool:
    """No identity at all, on a feed that carries identities, from a vessel that is not a
    Class A station: a vessel that does not say what it is. On a feed without static data
    (``identity_feed`` False: anonymised ids, position-only exports) every vessel lacks one;
    its identity is unknown, which says nothing about the vessel. A Class A transponder
    (mandatory on SOLAS ships) sends its static data by itself every 6 min, so its absence
    from the feed is a gap in the feed or a configuration fault, not a boat hiding."""
    return identity_feed and has_no_identity(static) and static.get("ais_class") != "A"


def is_small_craft(static: dict[str, Any], identity_feed: bool = True) -> bool:
    """Small or unidentified craft, the kind that carries people across a sea border: no
    static data at all on a feed that carries it (``is_unidentified``), or Class B /
    pleasure / sailing / unknown type / under 24 m (ISO 8666). Identified working vessels (fishing, tugs, pilots, SAR, law
    enforcement, 30-59) are not: a named trawler crossing a median line while fishing is
    routine. Of unknown identity (``identity_feed`` False, no static data): not small - a
    feed's anonymisation is no evidence of a small boat."""
    if has_no_identity(static):
        return is_unidentified(static, identity_feed)
    st = static.get("ship_type")
    if st in _LARGE_TYPES or (isinstance(st, int) and st in _WORKING_TYPES):
        return False
    length = static.get("length_m")
    if isinstance(length, int | float) and length > 0:
        return bool(length < SMALL_CRAFT_LENGTH_M)
    if static.get("ais_class") == "B":
        return True
    return st is None or st in _SMALL_TYPES


def describe_vessel(vessel: str, static: dict[str, Any], identity_feed: bool = True) -> str:
    name = static.get("name")
    kind = ship_type_group(static.get("ship_type"))
    label = f"{name} ({vessel})" if name else f"vessel {vessel}"
    if kind != "unknown":
        label += f", {kind}"
    elif has_no_identity(static):
        label += (
            ", unidentified" if identity_feed else ", identity unknown (feed without static data)"
        )
    return label


def sun_elevation_deg(ts_ms: int, lat: float, lon: float) -> float:
    """Solar elevation (NOAA's low-precision formulas, error < 1° — enough for day/night)."""
    days = ts_ms / 86_400_000.0 - 10957.5  # days since J2000.0
    g = math.radians((357.529 + 0.98560028 * days) % 360)
    q = (280.459 + 0.98564736 * days) % 360
    lam = math.radians(q + 1.915 * math.sin(g) + 0.020 * math.sin(2 * g))
    eps = math.radians(23.439 - 0.00000036 * days)
    dec = math.asin(math.sin(eps) * math.sin(lam))
    ra = math.degrees(math.atan2(math.cos(eps) * math.sin(lam), math.cos(lam)))
    gmst = (280.46061837 + 360.98564736629 * days) % 360
    ha = math.radians((gmst + lon - ra + 540) % 360 - 180)
    la = math.radians(lat)
    sin_el = math.sin(la) * math.sin(dec) + math.cos(la) * math.cos(dec) * math.cos(ha)
    return math.degrees(math.asin(max(-1.0, min(1.0, sin_el))))


def is_night(ts_ms: int, lat: float, lon: float) -> bool:
    """Night = sun below -6° (civil twilight), when a small boat is hardest to see."""
    return sun_elevation_deg(ts_ms, lat, lon) < -6.0
