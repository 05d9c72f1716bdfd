"""JSON / NDJSON position records → typed records."""

from __future__ import annotations

import math
from typing import Any

import orjson

from stream.decode.common import (
    COG_NA,
    LAT_NA,
    LON_NA,
    MAX_RECORD_BYTES,
    SOG_NA,
    Record,
    Rejected,
    build_records,
)
from stream.errors import DecodeError
from stream.models import Position
from stream.timeutil import MAX_TS_MS, MIN_TS_MS

__all__ = ["JSON_ALIASES", "decode_json_obj", "decode_json_record"]

# Accepted key → canonical key. The first key that is present wins.
JSON_ALIASES: dict[str, str] = {
    "mmsi": "vessel",
    "MMSI": "vessel",
    "vessel": "vessel",
    "id": "vessel",
    "vessel_id": "vessel",
    "ts": "ts",
    "timestamp": "ts",
    "time": "ts",
    "t": "ts",
    "ts_ms": "ts",
    "lat": "lat",
    "latitude": "lat",
    "LAT": "lat",
    "lon": "lon",
    "lng": "lon",
    "longitude": "lon",
    "LON": "lon",
    "sog": "sog",
    "sog_kn": "sog",
    "speed": "sog",
    "cog": "cog",
    "cog_deg": "cog",
    "course": "cog",
    "heading": "heading",
    "heading_deg": "heading",
    "true_heading": "heading",
    "nav_status": "nav_status",
    "status": "nav_status",
    "ship_type": "ship_type",
    "shiptype": "ship_type",
    "name": "name",
    "shipname": "name",
    "vessel_name": "name",
    "callsign": "callsign",
    "call_sign": "callsign",
    "ship_name": "name",
    "vessel_type": "ship_type",
    "navstat": "nav_status",
    "speed_over_ground": "sog",
    "course_over_ground": "cog",
    "timestamp_ms": "ts",
    "epoch": "ts",
    "time_utc": "ts",
    "BaseDateTime": "ts",
    "imo": "imo",
    "length_m": "length_m",
    "length": "length_m",
    "width_m": "width_m",
    "width": "width_m",
    "ais_class": "ais_class",
    "class": "ais_class",
    "source": "source",
}
_MMSI_KEYS = ("mmsi", "MMSI")


_PLAIN_KEYS = frozenset({"mmsi", "ts", "ts_ms", "lat", "lon", "sog", "cog", "heading"})
_INF = math.inf


def _motion(v: Any) -> float | bool | None:
    """A motion value: finite number -> float, null -> None, anything else -> False (the
    general path decides)."""
    t = type(v)
    if t is float:
        return v if -_INF < v < _INF else False
    if t is int:
        return float(v)
    return None if v is None else False


def _plain_position(obj: dict[str, Any]) -> list[Record] | None:
    """The common record - numeric mmsi, time, position and motion, nothing else, every value
    clean - decoded directly. None hands anything else (or any doubt) to the general path,
    which gives the same result for what this accepts (tested on both)."""
    if not obj.keys() <= _PLAIN_KEYS:
        return None
    mmsi = obj.get("mmsi")
    if type(mmsi) is not int or not 0 < mmsi < 1073741824:  # 2**30
        return None
    if "ts" in obj:
        if "ts_ms" in obj:
            return None
        ts = obj["ts"]
    else:
        ts = obj.get("ts_ms")
    if type(ts) is int:
        ts = float(ts)
    elif type(ts) is not float:
        return None
    # parse_ts_ms for a number: magnitude tells seconds, milliseconds or microseconds
    ax = abs(ts)
    if ax < 1e11:
        ts_ms = int(round(ts * 1000))
    elif ax < 1e14:
        ts_ms = int(round(ts))
    elif ax < _INF:
        ts_ms = int(round(ts / 1000))
    else:
        return None
    if not MIN_TS_MS <= ts_ms <= MAX_TS_MS:
        return None
    lat = obj.get("lat")
    lon = obj.get("lon")
    if type(lat) is not float:
        if type(lat) is not int:
            return None
        lat = float(lat)
    if type(lon) is not float:
        if type(lon) is not int:
            return None
        lon = float(lon)
    # NaN and infinities fail these too
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or lat == LAT_NA or lon == LON_NA:
        return None
    sog = _motion(obj.get("sog"))
    cog = _motion(obj.get("cog"))
    hdg = _motion(obj.get("heading"))
    if sog is False or cog is False or hdg is False:
        return None
    # available_motion, inline: AIS 'not available' values and impossible ones -> None
    if sog is not None and not 0.0 <= sog < SOG_NA:
        sog = None
    if cog is not None and not 0.0 <= cog < COG_NA:
        cog = None
    if hdg is not None and not 0.0 <= hdg < 360.0:
        hdg = None
    return [Position(str(mmsi), ts_ms, lat, lon, mmsi, sog, cog, hdg)]


def decode_json_obj(obj: Any) -> list[Record]:
    """A parsed JSON object → records; raises DecodeError."""
    if type(obj) is dict and (plain := _plain_position(obj)) is not None:
        return plain
    return _decode_general(obj)


def _decode_general(obj: Any) -> list[Record]:
    if not isinstance(obj, dict):
        raise DecodeError("not_an_object", f"JSON value is {type(obj).__name__}, not an object")
    fields: dict[str, Any] = {}
    for key, value in obj.items():
        canon = JSON_ALIASES.get(key)
        if canon is not None and canon not in fields:
            if isinstance(value, dict | list):
                raise DecodeError(f"bad_type:{canon}", f"{key} is a nested {type(value).__name__}")
            fields[canon] = value
    # "ts_ms" is always milliseconds; a bare "ts" is guessed by magnitude.
    mmsi_col = any(k in obj for k in _MMSI_KEYS)
    return build_records(fields, mmsi_col=mmsi_col)


def decode_json_record(data: bytes | str, line: int | None = None) -> list[Record] | Rejected:
    """One JSON object (bytes or text) → records, or a Rejected with the reason. Never raises."""
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_RECORD_BYTES:
        return Rejected("record_too_large", f"{len(raw)} bytes > {MAX_RECORD_BYTES}", raw, line)
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Rejected("json_invalid", str(exc)[:120], raw, line)
    try:
        return decode_json_obj(obj)
    except DecodeError as exc:
        return Rejected(exc.reason, exc.detail, raw, line)
    except (ValueError, TypeError, OverflowError) as exc:  # defensive: never raise out
        return Rejected("bad_value", str(exc)[:120], raw, line)
