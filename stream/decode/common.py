"""Field normalisation shared by every decoder: AIS sentinels, ranges, types, reasons."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stream.errors import DecodeError
from stream.models import Position, StaticData
from stream.timeutil import parse_ts_ms

__all__ = [
    "MAX_RECORD_BYTES",
    "Record",
    "Rejected",
    "available_motion",
    "build_records",
    "parse_ship_type",
]

MAX_RECORD_BYTES = 64 * 1024  # one AIS record is < 1 KiB; anything this large is an attack or a bug
MAX_FIELD_CHARS = 1024  # no AIS field comes near it; beyond it the row is hostile or broken

# ITU-R M.1371 "not available" values.
LAT_NA = 91.0
LON_NA = 181.0
SOG_NA = 102.3
COG_NA = 360.0
HEADING_NA = 511


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be used, with a short reason code and a detail for humans."""

    reason: str
    detail: str = ""
    raw: bytes = b""
    line: int | None = None


Record = Position | StaticData

# Textual ship types (DMA exports, some JSON feeds) → ITU ship-type code.
_SHIP_TYPE_WORDS = {
    "fishing": 30,
    "towing": 31,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "law enforcement": 55,
    "medical": 58,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}


def parse_ship_type(v: Any) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        s = v.strip().lower()
        if not s or s in ("undefined", "unknown", "n/a", "na"):
            return None
        if s.isdigit():
            return int(s)
        for word, code in _SHIP_TYPE_WORDS.items():
            if s.startswith(word):
                return code
        return None
    n = _num(v, "ship_type")
    return int(n) if n is not None and 0 <= n <= 255 else None


def _num(v: Any, name: str) -> float | None:
    """A finite float, None for empty, DecodeError for anything else."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise DecodeError(f"bad_type:{name}", f"{name} is a boolean")
    if isinstance(v, int | float):
        f = float(v)
    elif isinstance(v, str):
        s = v.strip()
        if s == "" or s.lower() in ("nan", "null", "none", "n/a", "na"):
            return None
        try:
            f = float(s)
        except ValueError:
            raise DecodeError(f"bad_type:{name}", f"{name}={s[:30]!r} is not a number") from None
    else:
        raise DecodeError(f"bad_type:{name}", f"{name} has type {type(v).__name__}")
    if not math.isfinite(f):
        raise DecodeError(f"not_finite:{name}", f"{name} is {f}")
    return f


def _str(v: Any, name: str, max_len: int = 64) -> str | None:
    if v is None:
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str):
        raise DecodeError(f"bad_type:{name}", f"{name} has type {type(v).__name__}")
    s = v.strip().strip("@").strip()
    return s[:max_len] or None


def _vessel_id(fields: dict[str, Any], mmsi_col: bool) -> tuple[str, int | None]:
    """Vessel key and MMSI. An MMSI column must hold a positive integer."""
    raw = fields.get("vessel")
    if raw is None or raw == "":
        raise DecodeError("missing_field:vessel", "no MMSI / vessel id")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise DecodeError("bad_type:mmsi", f"vessel id has type {type(raw).__name__}")
    if not mmsi_col:
        key = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            key = str(int(raw))
        if not key:
            raise DecodeError("missing_field:vessel", "empty vessel id")
        return key[:80], None
    if isinstance(raw, str):
        s = raw.strip()
        if not s.isdigit():
            raise DecodeError("bad_value:mmsi", f"mmsi {s[:30]!r} is not a positive integer")
        n = int(s)
    elif isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise DecodeError("bad_value:mmsi", f"mmsi {raw!r} is not an integer")
        n = int(raw)
    else:
        n = raw
    # Not-9-digit MMSIs are kept: the identity detector flags them, which is more useful to a
    # watch officer than dropping the track. Only values no AIS field can hold are rejected.
    if n <= 0 or n >= 2**30:
        raise DecodeError("bad_value:mmsi", f"mmsi {n} out of range 1..{2**30 - 1}")
    return str(n), n


def build_records(
    fields: dict[str, Any],
    *,
    mmsi_col: bool,
    parse_ts: Callable[[Any], int] = parse_ts_ms,
    sog_factor: float = 1.0,
) -> list[Record]:
    """Canonical field dict → Position (and StaticData when identity fields are present).

    Canonical keys: vessel, ts, lat, lon, sog, cog, heading, nav_status, ais_class, name,
    callsign, imo, ship_type, length_m, width_m, source. ``parse_ts`` reads the time (the
    file's format), ``sog_factor`` is the speed column's value per knot. Raises DecodeError.
    """
    vessel, mmsi = _vessel_id(fields, mmsi_col)
    ts_raw = fields.get("ts")
    if ts_raw is None or ts_raw == "":
        raise DecodeError("missing_field:ts", "no timestamp")
    try:
        ts_ms = parse_ts(ts_raw)
    except ValueError as exc:
        reason = "ts_out_of_range" if "outside" in str(exc) else "bad_value:ts"
        raise DecodeError(reason, str(exc)) from None

    ais_class = _str(fields.get("ais_class"), "ais_class", 16)
    if ais_class:
        up = ais_class.upper().replace("CLASS", "").strip()
        ais_class = up if up in ("A", "B") else None
    if not any(k in fields for k in _IDENTITY_KEYS):  # a plain position report
        return _position(fields, vessel, ts_ms, mmsi, ais_class, None, sog_factor)
    imo_f = fields.get("imo")
    imo: int | None = None
    if imo_f not in (None, ""):
        s = str(imo_f).upper().replace("IMO", "").strip()
        imo = int(s) if s.isdigit() and 0 < int(s) < 10_000_000 else None
    length = _num(fields.get("length_m"), "length_m")
    width = _num(fields.get("width_m"), "width_m")
    static = StaticData(
        vessel=vessel,
        ts_ms=ts_ms,
        mmsi=mmsi,
        name=_str(fields.get("name"), "name"),
        callsign=_str(fields.get("callsign"), "callsign", 16),
        imo=imo,
        ship_type=parse_ship_type(fields.get("ship_type")),
        length_m=length if length and 0 < length < 600 else None,
        width_m=width if width and 0 < width < 100 else None,
        ais_class=ais_class,
    )

    return _position(fields, vessel, ts_ms, mmsi, ais_class, static, sog_factor)


def available_motion(
    sog: float | None, cog: float | None, hdg: float | None
) -> tuple[float | None, float | None, float | None]:
    """AIS 'not available' values (SOG 102.3, COG 360, heading 511) and impossible ones → None."""
    if sog is not None and (sog >= SOG_NA or sog < 0):
        sog = None
    if cog is not None and not 0 <= cog < COG_NA:
        cog = None
    if hdg is not None and not 0 <= hdg < 360:
        hdg = None
    return sog, cog, hdg


_IDENTITY_KEYS = ("name", "callsign", "imo", "ship_type", "length_m", "width_m")


def _position(
    fields: dict[str, Any],
    vessel: str,
    ts_ms: int,
    mmsi: int | None,
    ais_class: str | None,
    static: StaticData | None,
    sog_factor: float = 1.0,
) -> list[Record]:
    lat = _num(fields.get("lat"), "lat")
    lon = _num(fields.get("lon"), "lon")
    out: list[Record] = []
    if lat is None and lon is None:
        if static is None and ais_class:
            static = StaticData(vessel=vessel, ts_ms=ts_ms, mmsi=mmsi, ais_class=ais_class)
        if static is not None and static.fields():
            return [static]
    if lat is None:
        raise DecodeError("missing_field:lat", "no latitude")
    if lon is None:
        raise DecodeError("missing_field:lon", "no longitude")
    if lat == LAT_NA or lon == LON_NA:
        raise DecodeError("position_unavailable", "AIS 'not available' position (91/181)")
    if not -90.0 <= lat <= 90.0:
        raise DecodeError("lat_out_of_range", f"lat={lat}")
    if not -180.0 <= lon <= 180.0:
        raise DecodeError("lon_out_of_range", f"lon={lon}")

    sog_raw = _num(fields.get("sog"), "sog")
    sog, cog, hdg = available_motion(
        sog_raw / sog_factor if sog_raw is not None and sog_factor != 1.0 else sog_raw,
        _num(fields.get("cog"), "cog"),
        _num(fields.get("heading"), "heading"),
    )
    nav = fields.get("nav_status")
    nav_status: int | None = None
    if isinstance(nav, int | float) and not isinstance(nav, bool) and 0 <= nav <= 15:
        nav_status = int(nav)
    elif isinstance(nav, str) and nav.strip().isdigit() and int(nav) <= 15:
        nav_status = int(nav)
    src = fields.get("source")
    out.append(
        Position(
            vessel=vessel,
            ts_ms=ts_ms,
            lat=lat,
            lon=lon,
            mmsi=mmsi,
            sog_kn=sog,
            cog_deg=cog,
            heading_deg=hdg,
            nav_status=nav_status,
            ais_class=ais_class,
            source=str(src)[:64] if src is not None else None,
        )
    )
    if static is not None and static.fields().keys() - {"ais_class"}:
        out.append(static)
    return out
