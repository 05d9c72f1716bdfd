"""In-process StateStore for replay and unit tests; TTLs expire in event time."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from detectors.geo import haversine_m
from stream.state.base import RECEPTION_RETENTION_H, StateStore

__all__ = ["BUCKET_RETENTION", "GRID_DEG", "MemoryStore"]

GRID_DEG = 0.02  # ≈ 2.2 km cells: a 500 m search looks at one to four of them
BUCKET_RETENTION = 36  # keep 6 h of 10-minute buckets


class MemoryStore(StateStore):
    """``bucket_retention``: how many 10-minute buckets of the shared view to keep behind the
    newest event time. Replay is in global event-time order, so 6 h is plenty; a service whose
    partitions are consumed hours apart needs more (it passes its own)."""

    def __init__(self, bucket_retention: int = BUCKET_RETENTION) -> None:
        self.bucket_retention = bucket_retention
        self._kv: dict[str, bytes] = {}
        self._exp: dict[str, int] = {}
        # One heap entry per key/member at most (``_queued`` holds its time): rescheduling on
        # every fix must not grow the heaps (a stale entry per fix would be ~100 per vessel).
        self._exp_heap: list[tuple[int, str]] = []
        self._exp_queued: dict[str, int] = {}
        self._now_ms = 0
        self._timers: dict[str, dict[str, int]] = defaultdict(dict)
        self._heaps: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._queued: dict[str, dict[str, int]] = defaultdict(dict)
        self._buckets: dict[
            int, dict[tuple[int, int], dict[str, tuple[float, float, dict[str, Any]]]]
        ]
        self._buckets = defaultdict(lambda: defaultdict(dict))
        self._cell_of: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
        self._pairs: dict[str, dict[str, Any]] = {}
        self._heard: dict[int, dict[int, int]] = {}  # hour -> cell -> fixes

    # key/value
    def get(self, key: str) -> bytes | None:
        return self._kv.get(key)

    def set(self, key: str, value: bytes, ttl_s: int | None = None) -> None:
        # An exact-size copy: orjson.dumps returns bytes with a 4 KiB allocation behind them,
        # whatever their length; kept as is, that is 4 KiB per vessel.
        self._kv[key] = bytes(memoryview(value))
        if ttl_s:
            at = self._now_ms + ttl_s * 1000
            self._exp[key] = at
            q = self._exp_queued.get(key)
            if q is None or at < q:
                heapq.heappush(self._exp_heap, (at, key))
                self._exp_queued[key] = at
        else:
            self._exp.pop(key, None)

    def delete(self, key: str) -> None:
        self._kv.pop(key, None)
        self._exp.pop(key, None)

    def exists(self, key: str) -> bool:
        return key in self._kv

    # timers
    def schedule(self, scope: str, member: str, at_ms: int) -> None:
        self._timers[scope][member] = at_ms
        q = self._queued[scope]
        old = q.get(member)
        if old is None or at_ms < old:  # a later time is picked up when the entry pops
            heapq.heappush(self._heaps[scope], (at_ms, member))
            q[member] = at_ms

    def cancel(self, scope: str, member: str) -> None:
        self._timers[scope].pop(member, None)

    def due(self, scope: str, upto_ms: int) -> list[str]:
        heap, cur, q = self._heaps[scope], self._timers[scope], self._queued[scope]
        out: list[tuple[int, str]] = []
        while heap and heap[0][0] <= upto_ms:
            at, m = heapq.heappop(heap)
            if q.get(m) != at:
                continue  # superseded by an earlier entry for the same member
            del q[m]
            c = cur.get(m)
            if c is None:
                continue  # cancelled
            if c <= upto_ms:
                out.append((c, m))
            else:  # rescheduled later: queue it at its current time
                heapq.heappush(heap, (c, m))
                q[m] = c
        for c, m in out:  # still scheduled until the caller reschedules or cancels it
            heapq.heappush(heap, (c, m))
            q[m] = c
        return [m for _, m in sorted(out)]

    # shared view
    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG))

    def bucket_put(
        self, bucket: int, vessel: str, lat: float, lon: float, data: dict[str, Any]
    ) -> None:
        cells = self._buckets[bucket]
        where = self._cell_of[bucket]
        old = where.get(vessel)  # a vessel sits in one cell per bucket
        if old is not None:
            cells[old].pop(vessel, None)
        cell = where[vessel] = self._cell(lat, lon)
        cells[cell][vessel] = (lat, lon, data)

    def bucket_near(
        self, bucket: int, lat: float, lon: float, radius_m: float
    ) -> list[tuple[str, dict[str, Any]]]:
        cells = self._buckets.get(bucket)
        if not cells:
            return []
        # Only the cells the radius reaches (usually one; any radius, any latitude): degrees
        # per metre from a sphere 0.5 % smaller than the one haversine_m uses.
        dlat = radius_m / 110_640.0
        dlon = dlat / max(math.cos(math.radians(min(89.9, abs(lat) + dlat))), 1e-3)
        i0, j0 = self._cell(lat - dlat, lon - dlon)
        i1, j1 = self._cell(lat + dlat, lon + dlon)
        out = []
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                here = cells.get((i, j))
                if not here:
                    continue
                for v, (la, lo, data) in here.items():
                    if haversine_m(lat, lon, la, lo) <= radius_m:
                        out.append((v, data))
        if len(out) > 1:
            out.sort(key=lambda t: t[0])
        return out

    def bucket_points(self, bucket: int) -> list[tuple[str, float, float]]:
        """Every member of a bucket: (vessel, lat, lon). The whole shared view is local here,
        so a detector may plan a batch from it (a Redis store has no such method)."""
        cells = self._buckets.get(bucket)
        if not cells:
            return []
        return [(v, la, lo) for here in cells.values() for v, (la, lo, _) in here.items()]

    def pair_get(self, key: str) -> dict[str, Any] | None:
        return self._pairs.get(key)

    def pair_set(self, key: str, value: dict[str, Any]) -> None:
        self._pairs[key] = value

    def reception_add(self, counts: Mapping[tuple[int, int], int]) -> None:
        heard = self._heard
        for (hour, cell), n in counts.items():
            cells = heard.get(hour)
            if cells is None:
                cells = heard[hour] = {}
            cells[cell] = cells.get(cell, 0) + n

    def reception_counts(self, keys: Sequence[tuple[int, int]]) -> list[int]:
        empty: dict[int, int] = {}
        return [self._heard.get(hour, empty).get(cell, 0) for hour, cell in keys]

    def advance(self, now_ms: int) -> None:
        self._now_ms = max(self._now_ms, now_ms)
        oldest_h = self._now_ms // 3_600_000 - RECEPTION_RETENTION_H
        for hour in [h for h in self._heard if h < oldest_h]:
            del self._heard[hour]
        oldest = self._now_ms // 600_000 - self.bucket_retention
        for b in [b for b in self._buckets if b < oldest]:
            del self._buckets[b]
            self._cell_of.pop(b, None)
        heap, q = self._exp_heap, self._exp_queued
        while heap and heap[0][0] <= self._now_ms:
            at, key = heapq.heappop(heap)
            if q.get(key) != at:
                continue
            del q[key]
            exp = self._exp.get(key)
            if exp is None:
                continue  # deleted, or set without a TTL since
            if exp <= self._now_ms:
                del self._exp[key]
                self._kv.pop(key, None)
            else:  # refreshed since: queue it at its current expiry
                heapq.heappush(heap, (exp, key))
                q[key] = exp

    def __len__(self) -> int:
        return len(self._kv)
