"""Read the position and alert topics for the map, without joining a consumer group.

Partitions are assigned directly (like ``seaguard alerts``), so the map never takes part in
the service's rebalances. Alerts are read from the beginning of the topic (an operator opens
the map to see what is open now); positions from the end, or from the beginning with
``from_beginning`` (a replayed scenario). A bad message is counted and skipped, never fatal.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import orjson
from kafka import TopicPartition

from stream.decode.common import Rejected
from stream.decode.jsondec import decode_json_record
from stream.decode.nmea import NmeaDecoder
from stream.kafka.clients import make_consumer
from stream.livemap.state import MapState
from stream.settings import Settings

__all__ = ["KafkaFeed"]

log = logging.getLogger(__name__)


class KafkaFeed:
    def __init__(
        self, settings: Settings, state: MapState, *, from_beginning: bool = False
    ) -> None:
        self.settings = settings
        self.state = state
        self.from_beginning = from_beginning
        self._stop = threading.Event()
        self._nmea: dict[int, NmeaDecoder] = {}
        self._thread = threading.Thread(target=self._run, name="seaguard-map-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _assign(self, c: Any) -> None:
        s = self.settings
        wanted = [s.alert_topic, s.input_topic, s.nmea_topic]
        # the alert topic must exist; the position topics are optional (NMEA often is)
        while not self._stop.is_set():
            topics = c.topics()
            if s.alert_topic in topics:
                break
            log.info("waiting for topic %s", s.alert_topic)
            self._stop.wait(1.0)
        tps: list[TopicPartition] = []
        for t in wanted:
            for p in sorted(c.partitions_for_topic(t) or []):
                tps.append(TopicPartition(t, p))
        c.assign(tps)
        alert_tps = [tp for tp in tps if tp.topic == s.alert_topic]
        pos_tps = [tp for tp in tps if tp.topic != s.alert_topic]
        if alert_tps:
            c.seek_to_beginning(*alert_tps)
        if pos_tps:
            (c.seek_to_beginning if self.from_beginning else c.seek_to_end)(*pos_tps)
        log.info("map feed reading %s", sorted({tp.topic for tp in tps}))

    def _run(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            c = None
            try:
                c = make_consumer(self.settings, [], group=None)
                self._assign(c)
                self.state.set_broker("connected")
                backoff = 1.0
                while not self._stop.is_set():
                    for tp, msgs in c.poll(timeout_ms=250).items():
                        self._handle(tp, msgs)
            except Exception as e:  # broker gone: keep the page up, reconnect with backoff
                log.warning("map feed: %s; reconnecting in %.0fs", e, backoff)
                self.state.set_broker("unreachable", str(e)[:200])
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                if c is not None:
                    c.close()

    def _handle(self, tp: TopicPartition, msgs: list[Any]) -> None:
        s = self.settings
        if tp.topic == s.alert_topic:
            for m in msgs:
                try:
                    a = orjson.loads(m.value)
                except orjson.JSONDecodeError:
                    self.state.counts["rejected"] += 1
                    continue
                if isinstance(a, dict):
                    self.state.add_alert(a)
            return
        out: list[Any] = []
        if tp.topic == s.nmea_topic:
            dec = self._nmea.setdefault(tp.partition, NmeaDecoder())
            for m in msgs:
                out.extend(dec.feed(m.value or b"", record_ts_ms=m.timestamp))
        else:
            for m in msgs:
                res = decode_json_record(m.value or b"")
                if isinstance(res, Rejected):
                    out.append(res)
                else:
                    out.extend(res)
        self.state.add_records(out)
