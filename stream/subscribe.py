"""``seaguard alerts``: how a downstream system or a watch officer reads the alert topic.

Reads without joining a consumer group (it assigns partitions itself), so it never disturbs
the service's group or other subscribers. Alerts are deduplicated by ``alert_id``, keeping the
latest status; re-deliveries of the same message after a service restart are dropped.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import orjson
from kafka import TopicPartition

from stream.cise import to_cise
from stream.kafka.clients import make_consumer
from stream.models import severity_rank
from stream.settings import Settings

__all__ = ["AlertFilter", "assign_alerts", "follow_alerts", "read_alerts", "to_geojson"]


class AlertFilter:
    def __init__(
        self,
        types: list[str] | None = None,
        min_severity: str | None = None,
        zone: str | None = None,
    ) -> None:
        self.types = set(types or [])
        self.min_rank = severity_rank(min_severity) if min_severity else 0
        self.zone = zone

    def __call__(self, a: dict[str, Any]) -> bool:
        if self.types and a.get("type") not in self.types:
            return False
        if severity_rank(str(a.get("severity"))) < self.min_rank:
            return False
        return not (self.zone and self.zone not in (a.get("zone_ids") or []))


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
    from stream.demo import print_alert_row

    n = 0
    if fmt == "geojson" and isinstance(alerts, list):
        out.write(orjson.dumps(to_geojson(alerts)).decode() + "\n")
        return len(alerts)
    if fmt == "table":
        out.write(
            f"{'event time (UTC)':<17} {'severity':<11} {'type':<18} {'status':<6} "
            f"{'vessel':<26} summary\n"
        )
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
