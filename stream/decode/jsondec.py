"""JSON / NDJSON position records → typed records."""

from __future__ import annotations

from typing import Any

import orjson

from stream.decode.common import MAX_RECORD_BYTES, Record, Rejected, build_records
from stream.errors import DecodeError

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


def decode_json_obj(obj: Any) -> list[Record]:
    """A parsed JSON object → records; raises DecodeError."""
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
