"""``seaguard alerts``: how a downstream system or a watch officer reads the alert topic.

Reads without joining a consumer group (it assigns partitions itself), so it never disturbs
the service's group or other subscribers. Alerts are deduplicated by ``alert_id``, keeping the
latest status; re-deliveries of the same message after a service restart are dropped.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import orjson
from kafka import TopicPartition

from stream.cise import to_cise
from stream.kafka.clients import make_consumer
from stream.models import severity_rank
from stream.settings import Settings

if TYPE_CHECKING:
    from detectors.geofence import ZoneSet

__all__ = ["AlertFilter", "assign_alerts", "follow_alerts", "read_alerts", "to_geojson"]


class AlertFilter:
    """Which alerts a subscriber asked for. ``zone`` matches every zone an alert involves:
    those it names, those its evidence names (a pattern's steps), and - given the zone set -
    those containing where it happened."""

    def __init__(
        self,
        types: list[str] | None = None,
        min_severity: str | None = None,
        zone: str | None = None,
        zones: ZoneSet | None = None,
    ) -> None:
        self.types = set(types or [])
        self.min_rank = severity_rank(min_severity) if min_severity else 0
        self.zone = zone
        self.zones = zones

    def __call__(self, a: dict[str, Any]) -> bool:
        if self.types and a.get("type") not in self.types:
            return False
        if severity_rank(str(a.get("severity"))) < self.min_rank:
            return False
        return not self.zone or self._involves(a, self.zone)

    def _involves(self, a: dict[str, Any], zone: str) -> bool:
        if zone in (a.get("zone_ids") or []) or zone in _evidence_zones(a.get("evidence")):
            return True
        lat, lon = a.get("lat"), a.get("lon")
        if self.zones is None or zone not in self.zones.index_of or lat is None or lon is None:
            return False
        _, idx = self.zones.contains([float(lon)], [float(lat)])
        return self.zones.index_of[zone] in idx.tolist()


def _evidence_zones(evidence: Any) -> set[str]:
    """Every ``zone`` value in an alert's evidence, at any depth."""
    found: set[str] = set()
    stack = [evidence]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("zone"), str):
                found.add(item["zone"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def assign_alerts(settings: Settings, from_beginning: bool) -> tuple[Any, list[TopicPartition]]:
    """A consumer reading every partition of the alert topic, in no consumer group."""
    c = make_consumer(settings, [], group=None)
    topic = settings.alert_topic
    deadline = time.monotonic() + 15
    parts = None
    while not parts and time.monotonic() < deadline:
        parts = c.partitions_for_topic(topic)
        if not parts:
            time.sleep(0.1)
    tps = [TopicPartition(topic, p) for p in sorted(parts or [])]
    if not tps:  # the topic does not exist yet: nothing has been published
        return c, tps
    c.assign(tps)
    if from_beginning:
        c.seek_to_beginning(*tps)
    else:
        c.seek_to_end(*tps)
    return c, tps


def read_alerts(settings: Settings, flt: AlertFilter | None = None) -> list[dict[str, Any]]:
    """Snapshot: every alert on the topic now, latest status per ``alert_id``."""
    c, tps = assign_alerts(settings, from_beginning=True)
    if not tps:
        c.close()
        return []
    ends = c.end_offsets(tps)
    latest: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 120
    while any(c.position(tp) < ends[tp] for tp in tps) and time.monotonic() < deadline:
        for recs in c.poll(timeout_ms=500).values():
            for m in recs:
                a = orjson.loads(m.value)
                latest[a["alert_id"]] = a
    c.close()
    out = [a for a in latest.values() if flt is None or flt(a)]
    return sorted(out, key=lambda a: (a["ts"], a["alert_id"]))


def follow_alerts(
    settings: Settings, flt: AlertFilter | None = None, from_beginning: bool = False
) -> Iterator[dict[str, Any]]:
    """New and changed alerts as they arrive (an alert repeats only when its status changes)."""
    c, _ = assign_alerts(settings, from_beginning)
    seen: dict[str, str] = {}
    try:
        while True:
            for recs in c.poll(timeout_ms=500).values():
                for m in recs:
                    a = orjson.loads(m.value)
                    if seen.get(a["alert_id"]) == a["status"]:
                        continue  # a re-delivery
                    seen[a["alert_id"]] = a["status"]
                    if flt is None or flt(a):
                        yield a
    finally:
        c.close()


def to_geojson(alerts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [a["lon"], a["lat"]]},
                "properties": {k: v for k, v in a.items() if k not in ("lat", "lon")},
            }
            for a in alerts
        ],
    }


def emit(
    alerts: list[dict[str, Any]] | Iterator[dict[str, Any]], fmt: str, out: IO[str] = sys.stdout
) -> int:
    n = 0
    if fmt == "geojson" and isinstance(alerts, list):
        out.write(orjson.dumps(to_geojson(alerts)).decode() + "\n")
        return len(alerts)
    if fmt == "table":
        out.write(table_header())
    for a in alerts:
        n += 1
        if fmt == "table":
            print_alert_row(a, out)
        elif fmt == "geojson":
            out.write(orjson.dumps(to_geojson([a])["features"][0]).decode() + "\n")
        elif fmt == "cise":
            out.write(orjson.dumps(to_cise(a)).decode() + "\n")
        else:
            out.write(orjson.dumps(a).decode() + "\n")
        out.flush()
    return n


SEV_MARK = {"critical": "!!!", "high": "!! ", "medium": "!  ", "low": ".  ", "info": "   "}
# (heading, width) of the fixed columns; the summary takes the rest of the line. The alert id
# goes first when the terminal is too narrow for a readable summary beside it.
_COLUMNS = (
    ("event time (UTC)", 17),
    ("severity", 12),
    ("type", 19),
    ("status", 7),
    ("alert id", 13),
    ("vessel", 24),
)
_MIN_SUMMARY = 10
_WANT_SUMMARY = 30


def table_width() -> int:
    """The terminal's width; 160 when the output is not a terminal."""
    return shutil.get_terminal_size((160, 24)).columns


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _columns(width: int) -> tuple[tuple[str, int], ...]:
    fixed = sum(w for _, w in _COLUMNS)
    if width - fixed < _WANT_SUMMARY:
        return tuple(c for c in _COLUMNS if c[0] != "alert id")
    return _COLUMNS


def _cells(a: dict[str, Any], width: int) -> tuple[str, int]:
    vessel = a.get("vessel", "") + (f" + {a['other_vessel']}" if a.get("other_vessel") else "")
    sev = str(a.get("severity", ""))
    values = {
        "event time (UTC)": str(a.get("ts", ""))[:16],
        "severity": SEV_MARK.get(sev, "   ") + sev,
        "type": str(a.get("type", "")),
        "status": str(a.get("status", "")),
        "alert id": str(a.get("alert_id", "")),
        "vessel": vessel,
    }
    cols = _columns(width)
    fixed = "".join(f"{_fit(values[name], w - 1):<{w}}" for name, w in cols)
    return fixed, max(_MIN_SUMMARY, width - len(fixed))


def table_header(width: int | None = None) -> str:
    cols = _columns(width or table_width())
    return "".join(f"{name:<{w}}" for name, w in cols) + "summary\n"


def print_alert_row(a: dict[str, Any], out: IO[str] = sys.stdout, width: int | None = None) -> None:
    """One alert as a table row that fits ``width`` (the terminal's): the summary cut with an
    ellipsis, the alert id cut to its type prefix and first hex digits."""
    fixed, room = _cells(a, width or table_width())
    out.write(fixed + _fit(str(a.get("summary", "")), room) + "\n")
    out.flush()
