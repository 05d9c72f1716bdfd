"""Expected AIS reception, learned from the stream: fixes heard per grid cell and hour.

Every position the pipeline accepts is counted in its cell (``CELL_DEG`` square) and its
event-time hour. The counts live in the state store, shared by every consumer and kept
across restarts; hours older than the store's retention are dropped, so the model follows
receivers that fail or come back. A question about reception is asked only about whole
hours that lie before the asking time, whose counts are complete whatever the batch bounds
- so replay and the service, at any batch size, get the same answer.

Resolution:
- 0.1° cells (about 11 x 9 km here): a coastal VHF receiver's range is 20-40 nm, so a
  vessel heard in a cell is heard all over it; smaller cells would be empty for lack of
  traffic, not of reception. Around a last position a question looks at a 3 x 3 block
  (about 30 km, the area a vessel at 15 kn crosses in an hour); along a path, at the
  cell of each point only.
- one hour: a Class A ship under way reports every 2-10 s and a down-sampled feed every
  1-10 min (ITU-R M.1371, aggregator practice), so an hour of a covered, used block holds
  tens to thousands of fixes; an empty hour means no receiver or no traffic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from detectors.geo import M_PER_NM, destination

__all__ = [
    "CELL_DEG",
    "HOUR_MS",
    "ReceptionParams",
    "ReceptionView",
    "block_cells",
    "cell_id",
    "cells_near",
    "coverage_along",
    "hour_cell_counts",
]

CELL_DEG = 0.1
HOUR_MS = 3_600_000
MAX_HOURS = 48  # the longest span a question looks at (the store's retention)
_COLS = int(round(360 / CELL_DEG))


class ReceptionView(Protocol):
    """The state store's side of the model (``StateStore.reception_*``)."""

    def reception_counts(self, keys: Sequence[tuple[int, int]]) -> list[int]: ...


@dataclass(frozen=True)
class ReceptionParams:
    # A block is "heard" in an hour with at least 4 fixes from it: one vessel reported at
    # least every 15 min over the hour, the slowest routine rate of down-sampled feeds.
    heard_min_fixes: int = 4
    block_radius_cells: int = 1  # around the last position: 3 x 3 cells
    # along the path: the cells within 2 km of the point (a ship keeps to its lane within a
    # mile, and a cell boundary must not decide). A 3 x 3 block would reach ~15 km beyond
    # the water the vessel is in and, at the edge of coverage, into water another receiver
    # hears: a vessel sailing into a hole would look covered.
    path_slack_deg: float = 0.02
    # "Covered along the path": at least two thirds of the (hour, point) samples heard - a
    # majority that one empty block (a receiver's shadow behind an island) does not break.
    path_covered_share: float = 2 / 3
    # Dead reckoning also tries the course 45° either side: a ship's route turns at its
    # waypoints (a channel, a cape), and an hour's run at 10-15 kn reaches the next turn.
    turn_deg: float = 45.0


def cell_id(lat: float, lon: float) -> int:
    row = math.floor((lat + 90.0) / CELL_DEG)
    col = math.floor((lon + 180.0) / CELL_DEG) % _COLS
    return row * _COLS + col


def block_cells(lat: float, lon: float, radius: int) -> list[int]:
    """The cells of the (2 radius + 1)² block centred on the point's cell."""
    row = math.floor((lat + 90.0) / CELL_DEG)
    col = math.floor((lon + 180.0) / CELL_DEG)
    return [
        (row + dr) * _COLS + (col + dc) % _COLS
        for dr in range(-radius, radius + 1)
        for dc in range(-radius, radius + 1)
    ]


def cells_near(lat: float, lon: float, slack_deg: float) -> list[int]:
    """The cells a square of ``slack_deg`` around the point touches (one to four)."""
    return sorted(
        {
            cell_id(lat + dy, lon + dx)
            for dy in (-slack_deg, slack_deg)
            for dx in (-slack_deg, slack_deg)
        }
    )


def hour_cell_counts(
    ts_ms: npt.NDArray[np.int64], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> dict[tuple[int, int], int]:
    """Fixes per (hour, cell) among the given positions, in one numpy pass."""
    if ts_ms.size == 0:
        return {}
    rows = np.floor((lat + 90.0) / CELL_DEG).astype(np.int64)
    cols = np.floor((lon + 180.0) / CELL_DEG).astype(np.int64) % _COLS
    hours = ts_ms // HOUR_MS
    cells = rows * _COLS + cols
    keys = hours * (180 * _COLS * 10) + cells  # cells < 1800 * 3600 < 180 * _COLS * 10
    uniq, counts = np.unique(keys, return_counts=True)
    span = 180 * _COLS * 10
    return {
        (h, c): n
        for h, c, n in zip(
            (uniq // span).tolist(), (uniq % span).tolist(), counts.tolist(), strict=True
        )
    }


def _heard(view: ReceptionView, hour: int, cells: list[int]) -> int:
    return sum(view.reception_counts([(hour, c) for c in cells]))


def coverage_along(
    view: ReceptionView,
    p: ReceptionParams,
    last: dict[str, Any],
    until_ms: int,
    path_end: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """How well the water around a silent vessel was heard, in the whole hours after the
    hour of its last fix (``last``: ts_ms, lat, lon, sog_kn, cog_deg) and before the hour
    of ``until_ms``. The likely path is dead reckoning from the last fix - on its course
    and ``p.turn_deg`` either side, since ships follow routes that turn (no path without a
    speed and a course) - or the straight line to ``path_end`` (lat, lon) when the vessel
    has reappeared there; each hour is judged at the path's point at the hour's end, the
    best-heard of the courses. Returns the evidence: per hour, fixes heard around the last
    position and along the path; ``at_last`` and ``path`` are True when heard in every
    hour / in ``path_covered_share`` of the hours; ``path_all`` in every hour."""
    end_h = until_ms // HOUR_MS  # (exclusive: the hour of until_ms is not complete)
    # at most the last MAX_HOURS: the store keeps no older counts (RECEPTION_RETENTION_H)
    first_h = max(last["ts_ms"] // HOUR_MS + 1, end_h - MAX_HOURS)
    hours = list(range(first_h, end_h))
    around = block_cells(last["lat"], last["lon"], p.block_radius_cells)
    span_ms = max(until_ms - last["ts_ms"], 1)
    turns = (0.0,) if path_end is not None else (0.0, -p.turn_deg, p.turn_deg)
    at_last: list[int] = []
    on_path: list[int] = []
    for h in hours:
        # where the vessel would be at the hour's end: the farthest it got in that hour, so
        # a vessel sailing out of covered water is not judged by water it already left
        at_last.append(_heard(view, h, around))
        heard = 0
        for turn in turns:
            lat, lon = _path_point(last, (h + 1) * HOUR_MS, span_ms, path_end, turn)
            heard = max(heard, _heard(view, h, cells_near(lat, lon, p.path_slack_deg)))
        on_path.append(heard)
    heard_path = sum(n >= p.heard_min_fixes for n in on_path)
    # Without a speed and course there is no likely path to ask about: not covered.
    known_path = bool(hours) and (path_end is not None or _dead_reckonable(last))
    return {
        "hours": len(hours),
        "fixes_heard_at_last_position": at_last,
        "fixes_heard_along_path": on_path,
        "at_last": bool(hours) and all(n >= p.heard_min_fixes for n in at_last),
        "path": known_path and heard_path >= p.path_covered_share * len(hours),
        "path_all": known_path and heard_path == len(hours),
        "path_kind": "reappearance" if path_end else "dead_reckoning" if known_path else "unknown",
    }


def _dead_reckonable(last: dict[str, Any]) -> bool:
    return last.get("sog_kn") is not None and last.get("cog_deg") is not None


def _path_point(
    last: dict[str, Any],
    at_ms: int,
    span_ms: int,
    path_end: tuple[float, float] | None,
    turn_deg: float = 0.0,
) -> tuple[float, float]:
    lat0, lon0 = last["lat"], last["lon"]
    if path_end is not None:
        f = min(max((at_ms - last["ts_ms"]) / span_ms, 0.0), 1.0)
        return lat0 + (path_end[0] - lat0) * f, lon0 + (path_end[1] - lon0) * f
    sog, cog = last.get("sog_kn"), last.get("cog_deg")
    if sog is None or cog is None or not sog > 0:
        return lat0, lon0
    dist_m = sog * M_PER_NM * (at_ms - last["ts_ms"]) / HOUR_MS
    lon, lat = destination(lon0, lat0, (cog + turn_deg) % 360.0, dist_m)
    return lat, lon
