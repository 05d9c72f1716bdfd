"""Publish recorded tracks to the input topic in event-time order (``replay --to-kafka``),
keyed by vessel so each vessel's fixes stay in order on one partition."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from stream.decode.common import Record
from stream.models import Position, StaticData
from stream.progress import Progress
from stream.settings import Settings

__all__ = ["publish_json", "publish_records", "publish_simulated", "record_to_json"]

log = logging.getLogger(__name__)


def record_to_json(r: Record) -> dict[str, Any]:
    d: dict[str, Any] = {"mmsi": r.mmsi} if r.mmsi is not None else {"id": r.vessel}
    d["ts_ms"] = r.ts_ms
    if isinstance(r, Position):
        d.update(lat=r.lat, lon=r.lon)
        for k, out in (
            ("sog_kn", "sog"),
            ("cog_deg", "cog"),
            ("heading_deg", "heading"),
            ("nav_status", "nav_status"),
            ("ais_class", "class"),
        ):
            v = getattr(r, k)
            if v is not None:
                d[out] = v
    elif isinstance(r, StaticData):
        d.update(r.fields())
    return d


def publish_json(
    items: Iterable[tuple[bytes, bytes, int]],
    settings: Settings,
    topic: str | None = None,
    speed: float = 0.0,
    total: int | None = None,
) -> int:
    """Send (key, value, event ts ms) in order; ``speed`` X real time (0 = flat out);
    ``total``: how many there are, for the progress line on a terminal."""
    from stream.kafka.clients import make_producer

    producer = make_producer(settings)
    topic = topic or settings.input_topic
    prog = Progress(f"publishing to {topic}", total)
    n = 0
    t_wall0 = time.monotonic()
    t_ev0: int | None = None
    try:
        for key, value, ts_ms in items:
            if speed > 0:
                t_ev0 = ts_ms if t_ev0 is None else t_ev0
                wait = (ts_ms - t_ev0) / 1000.0 / speed - (time.monotonic() - t_wall0)
                if wait > 0:
                    time.sleep(min(wait, 5.0))
            producer.send(topic, key=key, value=value, timestamp_ms=ts_ms)
            n += 1
            if n % 1024 == 0:
                prog(n)
        producer.flush(60)
    finally:
        prog.done()
        producer.close(10)
    log.info("published %d records to %s", n, topic)
    return n


def publish_records(
    records: Sequence[Record], settings: Settings, speed: float = 0.0, topic: str | None = None
) -> int:
    return publish_json(
        ((r.vessel.encode(), orjson.dumps(record_to_json(r)), r.ts_ms) for r in records),
        settings,
        topic,
        speed,
        len(records),
    )


def publish_simulated(
    positions: Sequence[dict[str, Any]], settings: Settings, speed: float = 0.0
) -> int:
    """Send ``seaguard simulate``'s JSON records, keyed by vessel, stamped with event time."""
    return publish_json(
        (
            (str(r.get("mmsi", r.get("id"))).encode(), orjson.dumps(r), int(r["ts"] * 1000))
            for r in positions
        ),
        settings,
        speed=speed,
        total=len(positions),
    )
