"""Event-time helpers: parse feed timestamps to epoch milliseconds, format as ISO-8601 UTC."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

__all__ = ["MAX_TS_MS", "MIN_TS_MS", "iso", "parse_ts_ms"]

UTC = dt.UTC
# AIS did not exist before 1990; anything after 2100 is a broken clock.
MIN_TS_MS = 631_152_000_000  # 1990-01-01
MAX_TS_MS = 4_102_444_800_000  # 2100-01-01

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def iso(ts_ms: int) -> str:
    """Epoch ms → ``2021-03-20T00:22:00Z`` (milliseconds only when non-zero)."""
    s, ms = divmod(ts_ms, 1000)
    if ms:
        return f"{_iso_s(s)}.{ms:03d}Z"
    return _iso_s(s) + "Z"


@lru_cache(maxsize=8192)
def _iso_s(s: int) -> str:
    # Alerts and their evidence format the same few times over and over (a batch's
    # watermark, a vessel's last fix): strftime is the costly part, so it is cached.
    return dt.datetime.fromtimestamp(s, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _from_number(x: float) -> int:
    # Heuristic on magnitude: seconds (≈1e9), milliseconds (≈1e12), microseconds (≈1e15).
    ax = abs(x)
    if ax < 1e11:
        return int(round(x * 1000))
    if ax < 1e14:
        return int(round(x))
    return int(round(x / 1000))


def parse_ts_ms(value: object) -> int:
    """Parse ISO-8601 (naive = UTC), ``dd/mm/YYYY HH:MM``, or epoch s/ms/µs to epoch ms.

    Raises ``ValueError`` with a reason for anything else or for times outside 1990–2100.
    """
    if isinstance(value, bool):
        raise ValueError("timestamp is a boolean")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("timestamp is not finite")
        ts = _from_number(float(value))
    elif isinstance(value, str):
        s = value.strip()
        if not s:
            raise ValueError("timestamp is empty")
        try:
            ts = _from_number(float(s))
        except ValueError:
            ts = _parse_text(s)
    else:
        raise ValueError(f"timestamp has type {type(value).__name__}")
    if not (MIN_TS_MS <= ts <= MAX_TS_MS):
        raise ValueError("timestamp outside 1990-2100")
    return ts


def _parse_text(s: str) -> int:
    m = _DMY.match(s)
    if m:
        day, mon, year, hh, mm, ss = m.groups()
        d = dt.datetime(int(year), int(mon), int(day), int(hh), int(mm), int(ss or 0), tzinfo=UTC)
        return int(d.timestamp() * 1000)
    t = s.replace(" ", "T", 1) if "T" not in s and " " in s else s
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        d = dt.datetime.fromisoformat(t)
    except ValueError as exc:
        raise ValueError(f"unparseable timestamp {s[:40]!r}") from exc
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return int(round(d.timestamp() * 1000))
