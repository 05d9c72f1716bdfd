"""Which unit a file's speed column is in, judged against the speed its positions imply.

Exports disagree: MarineCadastre and most feeds write knots, MarineTraffic's DEBS 2018 files
tenths of a knot (the raw ITU-R M.1371 field), some tools m/s or km/h. A file's own tracks
settle it: over a segment between two fixes of one moving vessel, the reported speed over
ground and the distance over time agree to within the track's curvature and position noise,
so the median ratio reported / implied lands near the unit's factor (1, 10, 0.514, 1.852).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from detectors.geo import KN_PER_MPS, M_PER_NM, haversine_m_vec

__all__ = ["SOG_UNITS", "SpeedSample", "UnitDecision", "infer_sog_unit"]

# Reported value per knot, by unit.
SOG_UNITS: dict[str, float] = {
    "knots": 1.0,
    "tenths": 10.0,
    "mps": 1 / KN_PER_MPS,
    "kmh": M_PER_NM / 1000,
}

# A segment counts when it is long enough that minute-resolution timestamps and ~10 m
# position noise stay small against it, and the vessel clearly moves (≥ 3 kn implied: GPS
# jitter of a moored ship stays far below that over ≥ 2 min).
MIN_DT_S = 120.0
MAX_DT_S = 1800.0  # beyond 30 min a track bends and the straight-line speed underestimates
MIN_IMPLIED_KN = 3.0
MAX_IMPLIED_KN = 60.0  # faster is a position error, not a ship
MIN_SEGMENTS = 20  # fewer and a median says little
# The median must sit within 25 % of a unit's factor: the nearest units (knots and km/h) are
# 1.85x apart, so the bands never overlap, and real tracks (implied ≤ reported on bends)
# give medians of 1.0-1.15 in knots.
TOLERANCE = 1.25


@dataclass(frozen=True, slots=True)
class SpeedSample:
    vessel: str
    ts_ms: int
    lat: float
    lon: float
    speed: float  # as written in the file, unit unknown


@dataclass(frozen=True, slots=True)
class UnitDecision:
    unit: str
    factor: float  # reported value per knot
    median_ratio: float | None
    segments: int
    how: str  # "measured", "assumed" or "given"

    def note(self) -> str:
        if self.how == "given":
            return f"{self.unit} (--sog-unit)"
        if self.median_ratio is None:
            return f"{self.unit} ASSUMED ({self.segments} usable segments; --sog-unit overrides)"
        return (
            f"{self.unit} {self.how}: median reported/implied speed {self.median_ratio:.2f} "
            f"over {self.segments} segments"
        )


def speed_ratios(samples: Iterable[SpeedSample]) -> np.ndarray:
    """Reported speed (mean of a segment's two ends) over implied speed in knots, for each
    usable segment of consecutive fixes of one vessel."""
    tracks: dict[str, list[SpeedSample]] = defaultdict(list)
    for s in samples:
        if math.isfinite(s.speed) and s.speed >= 0:
            tracks[s.vessel].append(s)
    ratios: list[np.ndarray] = []
    for track in tracks.values():
        if len(track) < 2:
            continue
        track.sort(key=lambda s: s.ts_ms)
        arr = np.array([(s.ts_ms, s.lat, s.lon, s.speed) for s in track], dtype=np.float64)
        dt_s = np.diff(arr[:, 0]) / 1000.0
        dist_m = haversine_m_vec(arr[:-1, 1], arr[:-1, 2], arr[1:, 1], arr[1:, 2])
        with np.errstate(divide="ignore", invalid="ignore"):
            implied_kn = dist_m / dt_s * KN_PER_MPS
            reported = (arr[:-1, 3] + arr[1:, 3]) / 2
            ok = (
                (dt_s >= MIN_DT_S)
                & (dt_s <= MAX_DT_S)
                & (implied_kn >= MIN_IMPLIED_KN)
                & (implied_kn <= MAX_IMPLIED_KN)
                & (reported > 0)
            )
            ratios.append(reported[ok] / implied_kn[ok])
    return np.concatenate(ratios) if ratios else np.empty(0)


def infer_sog_unit(samples: Iterable[SpeedSample]) -> UnitDecision:
    """The unit whose factor the median ratio falls within TOLERANCE of; knots, said to be
    assumed, when too few segments or no unit fits."""
    ratios = speed_ratios(samples)
    if ratios.size < MIN_SEGMENTS:
        return UnitDecision("knots", 1.0, None, int(ratios.size), "assumed")
    median = float(np.median(ratios))
    unit, factor = min(SOG_UNITS.items(), key=lambda kv: abs(math.log(median / kv[1])))
    if abs(math.log(median / factor)) > math.log(TOLERANCE):
        return UnitDecision("knots", 1.0, median, int(ratios.size), "assumed (no unit fits)")
    return UnitDecision(unit, factor, median, int(ratios.size), "measured")


def given_unit(unit: str) -> UnitDecision:
    return UnitDecision(unit, SOG_UNITS[unit], None, 0, "given")
