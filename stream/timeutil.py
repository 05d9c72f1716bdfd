"""Event-time helpers: parse feed timestamps to epoch milliseconds, format as ISO-8601 UTC.

Accepted text forms, as real AIS exports write them:

- ISO-8601 with or without zone, ``T`` or a space, fractional seconds, one-digit hours;
- numeric dates with ``/``, ``-`` or ``.``: ``yyyy/mm/dd``, and ``dd/mm/yyyy``, ``dd-mm-yy``,
  ``dd.mm.yyyy`` (or month first, see ``DateOrder``), with ``H:MM`` or ``H:MM:SS[.f]``;
- epoch seconds, milliseconds or microseconds, told apart by magnitude.

A time without a zone is UTC. Whether ``03/04/2021`` is the 3rd of April or the 4th of March
cannot be told from one value: a file settles it (``DayMonthSurvey``), or the user does
(``--ts-format``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "MAX_FUTURE_MS",
    "MAX_TS_MS",
    "MIN_TS_MS",
    "DateOrder",
    "DayMonthSurvey",
    "TimestampParser",
    "has_zone",
    "iso",
    "parse_ts_ms",
]

UTC = dt.UTC
# AIS did not exist before 1990; anything after 2100 is a broken clock.
MIN_TS_MS = 631_152_000_000  # 1990-01-01
MAX_TS_MS = 4_102_444_800_000  # 2100-01-01
# How far ahead of the wall clock a record may be stamped before it is refused as
# ts_in_future (service and replay): a receiver without NTP may run minutes fast; nothing
# observed can be further ahead, and a time-zone error (whole hours) is refused.
MAX_FUTURE_MS = 600_000

DateOrder = Literal["dmy", "mdy"]

# A numeric date, then an optional time; the same separator between the date's three fields.
_NUMERIC = re.compile(
    r"^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?\s*(Z|UTC|GMT)?$",
    re.IGNORECASE,
)
# Two-digit years: AIS began in the 1990s, so 90-99 are 1990s and the rest 2000s.
_YY_PIVOT = 90


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


def _checked(ts: int) -> int:
    if not (MIN_TS_MS <= ts <= MAX_TS_MS):
        raise ValueError("timestamp outside 1990-2100")
    return ts


def parse_ts_ms(value: object, order: DateOrder = "dmy") -> int:
    """Parse any accepted form (module docstring) to epoch ms; ``order`` reads numeric dates
    whose year comes last. Raises ``ValueError`` with a reason for anything else or for times
    outside 1990–2100."""
    if isinstance(value, bool):
        raise ValueError("timestamp is a boolean")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("timestamp is not finite")
        return _checked(_from_number(float(value)))
    if isinstance(value, str):
        s = value.strip()
        if not s:
            raise ValueError("timestamp is empty")
        return _checked(_parse_text(s, order))
    raise ValueError(f"timestamp has type {type(value).__name__}")


@lru_cache(maxsize=65536)
def _parse_text(s: str, order: DateOrder) -> int:
    # Cached: exports at minute or second resolution repeat the same text across vessels.
    if _is_epoch(s):
        return _from_number(float(s))
    m = _NUMERIC.match(s)
    if m:
        return _numeric(m, order)
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


def _numeric(m: re.Match[str], order: DateOrder) -> int:
    a, _sep, b, c, hh, mi, ss, frac, _zone = m.groups()
    if len(a) == 4:  # yyyy/mm/dd
        year, mon, day = int(a), int(b), int(c)
    elif len(c) in (2, 4) and len(a) <= 2:
        year = int(c) if len(c) == 4 else int(c) + (1900 if int(c) >= _YY_PIVOT else 2000)
        day, mon = (int(a), int(b)) if order == "dmy" else (int(b), int(a))
    else:
        raise ValueError(f"unparseable date {m.group(0)[:40]!r}")
    micro = int((frac or "0").ljust(6, "0")[:6])
    try:
        d = dt.datetime(year, mon, day, int(hh or 0), int(mi or 0), int(ss or 0), micro, tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"impossible date {m.group(0)[:40]!r} ({order}): {exc}") from None
    return int(round(d.timestamp() * 1000))


def _is_epoch(s: str) -> bool:
    """A plain number (epoch seconds, milliseconds or microseconds), not a date."""
    return s.lstrip("+-").replace(".", "", 1).isdigit()


def has_zone(text: str) -> bool:
    """Whether a textual timestamp names its zone (``Z``, ``UTC``, ``+hh:mm``)."""
    s = text.strip()
    if s.endswith(("Z", "z", "UTC", "GMT")):
        return True
    return bool(re.search(r"[+-]\d{2}:?\d{2}$", s)) and ("T" in s or " " in s)


@dataclass
class DayMonthSurvey:
    """Settles a file's day/month order from its values. Only dates with the year last need
    it: there a first field above 12 can only be a day (day first), a second field above 12
    only a day too (month first). Also counts the times that name no zone (read as UTC)."""

    dmy_example: str | None = None
    mdy_example: str | None = None
    year_last: int = 0
    naive: int = 0
    seen: int = 0

    def add(self, text: str) -> None:
        s = text.strip()
        self.seen += 1
        m = _NUMERIC.match(s)
        if m is None:
            if s and not has_zone(s) and not _is_epoch(s):
                self.naive += 1
            return
        if m.group(9) is None:
            self.naive += 1
        a, b, c = m.group(1), m.group(3), m.group(4)
        if len(a) == 4 or len(c) not in (2, 4):
            return
        self.year_last += 1
        if int(a) > 12:
            self.dmy_example = self.dmy_example or s
        elif int(b) > 12:
            self.mdy_example = self.mdy_example or s

    @property
    def settled(self) -> bool:
        return self.year_last == 0 or bool(self.dmy_example or self.mdy_example)

    def decide(self) -> tuple[DateOrder, str | None]:
        """The order to read with, and a sentence for the summary saying why (None when the
        file has no dates with the year last). Raises ValueError when values contradict."""
        if self.dmy_example and self.mdy_example:
            raise ValueError(
                f"dates are neither all day-first ({self.dmy_example!r}) nor all month-first "
                f"({self.mdy_example!r}); pass --ts-format"
            )
        if self.year_last == 0:
            return "dmy", None
        if self.mdy_example:
            return "mdy", f"month first, settled by {self.mdy_example!r}"
        if self.dmy_example:
            return "dmy", f"day first, settled by {self.dmy_example!r}"
        return "dmy", "day first ASSUMED (no value settles the order; --ts-format overrides)"


class TimestampParser:
    """One file's timestamp reader: a strptime format when the user gave one, else the
    accepted forms with the file's day/month order. Naive times are UTC."""

    def __init__(self, order: DateOrder = "dmy", fmt: str | None = None) -> None:
        self.order: DateOrder = order
        self.fmt = fmt

    def __call__(self, value: object) -> int:
        if self.fmt is None or not isinstance(value, str):
            return parse_ts_ms(value, self.order)
        return _checked(_strptime(value.strip(), self.fmt))


@lru_cache(maxsize=65536)
def _strptime(text: str, fmt: str) -> int:
    try:
        d = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - naive means UTC, set below
    except ValueError as exc:
        raise ValueError(f"{text[:40]!r} does not match --ts-format {fmt!r}") from exc
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return int(round(d.timestamp() * 1000))
