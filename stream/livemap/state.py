"""What the live map shows: vessels (latest fix, short history), alerts (latest status).

Thread-safe: the Kafka feed writes, the HTTP handlers read. Changes since the last push are
collected here and drained by the server's broadcaster, so a burst of fixes for one vessel
becomes one update per push interval.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from stream.models import Position, StaticData, severity_rank

__all__ = ["MapState", "VesselTrack"]


@dataclass(slots=True)
class VesselTrack:
    vessel: str
    history: deque[tuple[int, float, float]]  # (ts_ms, lon, lat), thinned to min spacing
    last: tuple[int, float, float]
    sog_kn: float | None = None
    cog_deg: float | None = None
    name: str | None = None
    ship_type: int | None = None
    mmsi: int | None = None

    def summary(self, tail: int) -> dict[str, Any]:
        pts = list(self.history)[-tail:]
        if not pts or pts[-1] != self.last:
            pts.append(self.last)
        return {
            "vessel": self.vessel,
            "mmsi": self.mmsi,
            "name": self.name,
            "ship_type": self.ship_type,
            "sog_kn": self.sog_kn,
            "cog_deg": self.cog_deg,
            "ts_ms": self.last[0],
            "lon": self.last[1],
            "lat": self.last[2],
            "tail": [[p[1], p[2]] for p in pts[-tail:]],
        }


class MapState:
    """Vessels and alerts for the map, bounded in memory.

    ``history_points`` fixes per vessel are kept at least ``history_spacing_s`` apart (the
    default 720 x 60 s is 12 h, enough for the longest crossing window of the Aegean rule);
    at most ``max_vessels`` vessels (least recently heard evicted) and ``max_alerts`` alerts.
    """

    def __init__(
        self,
        *,
        tail_points: int = 12,
        history_points: int = 720,
        history_spacing_s: float = 60.0,
        max_vessels: int = 50_000,
        max_alerts: int = 5_000,
    ) -> None:
        self.tail_points = tail_points
        self.history_points = history_points
        self.spacing_ms = int(history_spacing_s * 1000)
        self.max_vessels = max_vessels
        self.max_alerts = max_alerts
        self._lock = threading.Lock()
        self._vessels: OrderedDict[str, VesselTrack] = OrderedDict()
        self._alerts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._dirty: set[str] = set()
        self._new_alerts: list[dict[str, Any]] = []
        self.watermark_ms = 0
        self.counts = {"positions": 0, "static": 0, "alerts": 0, "rejected": 0}
        # The feed's health, for the page's badge: the broker connection as the feed last
        # found it, and when (wall clock) the newest position arrived.
        self.broker = "connecting"
        self.broker_detail = ""
        self.newest_position_wall: float | None = None

    def set_broker(self, status: str, detail: str = "") -> None:
        with self._lock:
            self.broker, self.broker_detail = status, detail

    def health(self) -> dict[str, Any]:
        """broker: connecting | connected | unreachable; position_age_s: seconds since the
        newest position arrived (None: none yet)."""
        with self._lock:
            newest = self.newest_position_wall
            return {
                "broker": self.broker,
                "detail": self.broker_detail,
                "position_age_s": None if newest is None else int(time.time() - newest),
            }

    # -- writes (the feed) -------------------------------------------------------------
    def add_records(self, records: list[Any]) -> None:
        with self._lock:
            for r in records:
                if isinstance(r, Position):
                    self._add_position(r)
                elif isinstance(r, StaticData):
                    self.counts["static"] += 1
                    v = self._vessels.get(r.vessel)
                    if v is not None:
                        v.name = r.name or v.name
                        v.ship_type = r.ship_type if r.ship_type is not None else v.ship_type
                        self._dirty.add(r.vessel)
                else:
                    self.counts["rejected"] += 1

    def _add_position(self, p: Position) -> None:
        self.counts["positions"] += 1
        self.newest_position_wall = time.time()
        pt = (p.ts_ms, p.lon, p.lat)
        v = self._vessels.get(p.vessel)
        if v is None:
            v = VesselTrack(p.vessel, deque(maxlen=self.history_points), pt, mmsi=p.mmsi)
            self._vessels[p.vessel] = v
            if len(self._vessels) > self.max_vessels:
                old, _ = self._vessels.popitem(last=False)
                self._dirty.discard(old)
        else:
            self._vessels.move_to_end(p.vessel)
            if p.ts_ms < v.last[0]:
                return  # late fix: the map shows the latest place only
        v.last = pt
        v.sog_kn = p.sog_kn
        v.cog_deg = p.cog_deg if p.cog_deg is not None else p.heading_deg
        if not v.history or p.ts_ms - v.history[-1][0] >= self.spacing_ms:
            v.history.append(pt)
        self.watermark_ms = max(self.watermark_ms, p.ts_ms)
        self._dirty.add(p.vessel)

    def add_alert(self, a: dict[str, Any]) -> bool:
        """Keep the latest status per ``alert_id``; False for a re-delivery (no change)."""
        aid = a.get("alert_id")
        if not isinstance(aid, str):
            with self._lock:
                self.counts["rejected"] += 1
            return False
        with self._lock:
            prev = self._alerts.get(aid)
            if (
                prev is not None
                and prev.get("status") == a.get("status")
                and prev.get("ts") == a.get("ts")
            ):
                return False
            self._alerts[aid] = a
            self._alerts.move_to_end(aid)
            if len(self._alerts) > self.max_alerts:
                self._alerts.popitem(last=False)
            self.counts["alerts"] += 1
            self._new_alerts.append(a)
            return True

    # -- reads (the server) ------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "watermark_ms": self.watermark_ms,
                "vessels": [v.summary(self.tail_points) for v in self._vessels.values()],
                "alerts": list(self._alerts.values()),
                "counts": dict(self.counts),
            }

    def drain(self) -> dict[str, Any] | None:
        """Changes since the last drain (vessels' latest fixes, new or changed alerts)."""
        with self._lock:
            if not self._dirty and not self._new_alerts:
                return None
            vessels = [
                self._vessels[k].summary(1) for k in sorted(self._dirty) if k in self._vessels
            ]
            alerts, self._new_alerts = self._new_alerts, []
            self._dirty = set()
            return {
                "watermark_ms": self.watermark_ms,
                "vessels": vessels,
                "alerts": alerts,
                "counts": dict(self.counts),
            }

    def track(
        self, vessel: str, from_ms: int | None = None, to_ms: int | None = None
    ) -> list[list[float]]:
        """The vessel's kept history as ``[lon, lat, ts_ms]`` within [from, to]."""
        with self._lock:
            v = self._vessels.get(vessel)
            if v is None:
                return []
            pts = list(v.history)
            if pts[-1] != v.last:
                pts.append(v.last)
        lo = from_ms if from_ms is not None else -(2**62)
        hi = to_ms if to_ms is not None else 2**62
        return [[p[1], p[2], p[0]] for p in pts if lo <= p[0] <= hi]

    def alerts(self, min_severity: str | None = None) -> list[dict[str, Any]]:
        rank = severity_rank(min_severity) if min_severity else 0
        with self._lock:
            return [
                a for a in self._alerts.values() if severity_rank(str(a.get("severity"))) >= rank
            ]
