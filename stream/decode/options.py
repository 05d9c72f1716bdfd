"""What a user may tell the decoders that a file cannot: its time format, speed unit and,
for NMEA without any time source, when it starts and how fast it was received."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DecodeOptions"]


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    ts_format: str | None = None  # strptime syntax; None: recognise the accepted forms
    sog_unit: str | None = None  # knots, tenths, mps, kmh; None: measure it from the tracks
    start_time_ms: int | None = None  # NMEA: time of the first sentence when nothing tells it
    assume_rate_hz: float | None = None  # NMEA: sentences per second after start_time_ms
