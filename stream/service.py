"""The long-running service: Kafka consumer group in, alert topic out, state in Redis.

Per poll (a micro-batch), the order is enforced here, in ``_commit_batch``:

  1. process   - decode, run each partition's pipeline (state writes are buffered);
  2. produce   - alerts to the alert topic and rejects to the dead-letter topic, then flush
                 and check every send;
  3. persist   - vessel state, timers, pair state and watermarks to Redis in one pipeline;
  4. commit    - consumer offsets.

A failure in 2 or 3 rolls the batch back (seek to its first offsets, drop buffered state,
restore watermarks) and retries with backoff: offsets are never committed past unsent alerts
or unsaved state. At-least-once end to end; alert ids are deterministic, so a reprocessed
batch republishes identical alerts and consumers deduplicate by ``alert_id``.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from kafka import ConsumerRebalanceListener, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from stream.app import build_pipeline
from stream.decode.common import Rejected
from stream.decode.jsondec import decode_json_record
from stream.decode.nmea import NmeaDecoder
from stream.errors import SeaguardError, StateError
from stream.kafka.clients import make_consumer, make_producer
from stream.metrics import Metrics, serve_http
from stream.models import Alert, Position, StaticData
from stream.pipeline import Pipeline
from stream.settings import Settings
from stream.sinks import alert_json
from stream.state.base import StateStore
from stream.state.buffered import BufferedStore
from stream.state.epoch import StateEpoch
from stream.zoneload import load_zoneset

__all__ = ["Service"]

_TS = attrgetter("ts_ms")

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 10.0  # (retries go on; /readyz says not ready while they do)
# A dead letter keeps at most 64 KiB of the original value (an AIS record is under 1 KiB):
# a record too large for the broker's message limit must still leave the partition. Its
# full size and SHA-256 go into the headers so the original can be found upstream.
DLQ_MAX_VALUE_BYTES = 64 * 1024


@dataclass
class _Partition:
    pipeline: Pipeline
    nmea: NmeaDecoder | None
    last_event_ms: int | None = None
    last_record_wall: float = field(default_factory=time.monotonic)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, svc: Service) -> None:
        self.svc = svc

    def on_partitions_revoked(self, revoked: Any) -> None:
        # Batches are committed as a whole before the next poll, so nothing is in flight here.
        for tp in revoked:
            self.svc.parts.pop((tp.topic, tp.partition), None)
        log.info("partitions revoked: %s", sorted(f"{t.topic}/{t.partition}" for t in revoked))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.svc.metrics.assigned.set(len(assigned))
        self.svc.metrics.ready = bool(assigned)
        self.svc.empty_assignment = not assigned
        log.info("partitions assigned: %s", sorted(f"{t.topic}/{t.partition}" for t in assigned))


class Service:
    def __init__(
        self,
        settings: Settings,
        store: StateStore | None = None,
        *,
        live: bool = True,
        exit_when_idle_s: float | None = None,
        on_alert: Callable[[Alert], None] | None = None,
    ) -> None:
        from stream.app import build_store

        self.settings = settings
        self.backend = store if store is not None else build_store(settings, service=True)
        self.store = BufferedStore(self.backend)
        self.live = live
        self.exit_when_idle_s = exit_when_idle_s
        self.on_alert = on_alert
        self.metrics = Metrics()
        self.parts: dict[tuple[str, int], _Partition] = {}
        self.empty_assignment = False
        self._stop = threading.Event()
        self.http: Any = None
        # the shared store's epoch: only a shared (Redis) store can vanish under us
        self.epoch = StateEpoch(self.backend) if settings.state_backend == "redis" else None

    # -- lifecycle --------------------------------------------------------------------------
    def stop(self, *_: Any) -> None:
        self._stop.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self) -> int:
        s = self.settings
        if s.http_port:
            self.http = serve_http(self.metrics, s.http_host, s.http_port)
        topics = [s.input_topic, s.nmea_topic]
        # The zone indexes, built before joining the group: the first batch would otherwise
        # build them (about a second) while its partitions wait.
        t0 = time.perf_counter()
        n_zones = len(load_zoneset(s.zones).prepare())
        log.info("zones ready: %d zones indexed in %.2fs", n_zones, time.perf_counter() - t0)
        if self.epoch is not None:
            self.epoch.claim()
        consumer = make_consumer(s, [])
        _await_metadata(consumer, topics)
        consumer.subscribe(topics, listener=_Rebalance(self))
        producer = make_producer(s)
        log.info(
            "seaguard service: group %s, topics %s -> %s (settings %s)",
            s.group_id,
            topics,
            s.alert_topic,
            s.safe_dict(),
        )
        backoff = 0.5
        idle_since = time.monotonic()
        try:
            while not self._stop.is_set():
                batch = consumer.poll(timeout_ms=s.poll_timeout_ms, max_records=s.max_poll_records)
                self.metrics.last_poll = time.monotonic()
                if self.empty_assignment:
                    # kafka-python can miss the topics' metadata on its first join (seen on
                    # Tansu): rejoin once the metadata is there instead of idling forever.
                    self.empty_assignment = False
                    log.warning("joined the group with no partitions; rejoining")
                    _await_metadata(consumer, topics)
                    consumer.unsubscribe()
                    consumer.subscribe(topics, listener=_Rebalance(self))
                    continue
                if not batch:
                    self._idle_tick(producer)
                    if not self.metrics.ready:
                        idle_since = time.monotonic()  # still joining the group
                    elif (
                        self.exit_when_idle_s is not None
                        and time.monotonic() - idle_since > self.exit_when_idle_s
                    ):
                        log.info("idle for %.0fs: exiting", self.exit_when_idle_s)
                        self._idle_tick(producer, final=True)
                        break
                    continue
                idle_since = time.monotonic()
                t0 = time.perf_counter()
                try:
                    self._commit_batch(consumer, producer, batch)
                    backoff = 0.5
                    self.metrics.batch_ok()
                except Exception as exc:
                    # Broker, Redis or produce errors (and anything unexpected) never commit
                    # offsets past unsent alerts or unsaved state: the batch is retried.
                    why = f"{type(exc).__name__}: {exc}"
                    failures = self.metrics.batch_failed(why)
                    log.error(
                        "batch failed (%s); rolling back and retrying in %.1fs (failure %d)",
                        why,
                        backoff,
                        failures,
                    )
                    self._rollback(consumer, batch)
                    if isinstance(exc, KafkaError):
                        # A producer that hit a fatal error (a restarted broker: unknown
                        # producer id, fenced) stays unusable: start a fresh one.
                        producer = self._renew_producer(producer)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                    continue
                self.metrics.batch_seconds.observe(time.perf_counter() - t0)
                self._update_lag(consumer)
        finally:
            log.info("shutting down: leaving the group")
            try:
                producer.flush(10)
                producer.close(10)
            finally:
                consumer.close()
                if self.http is not None:
                    self.http.shutdown()
        return 0

    def _renew_producer(self, producer: Any) -> Any:
        try:
            producer.close(1)
        except Exception as exc:  # closing a broken client may fail in its own way
            log.debug("closing the old producer: %s", exc)
        try:
            fresh = make_producer(self.settings)
        except (KafkaError, SeaguardError) as exc:
            log.error("producer not renewed (%s); keeping the old one", exc)
            return producer
        log.warning("producer renewed after a broker error")
        return fresh

    # -- one batch --------------------------------------------------------------------------
    def _partition(self, topic: str, partition: int) -> _Partition:
        key = (topic, partition)
        part = self.parts.get(key)
        if part is None:
            scope = f"{topic}:{partition}"
            pl = build_pipeline(self.settings, self.store, scope=scope)
            wm = self.store.get(f"sg:{{t:{scope}}}:wm")
            if wm is not None:
                pl.watermark_ms = int(wm)
            nmea = NmeaDecoder() if topic == self.settings.nmea_topic else None
            part = self.parts[key] = _Partition(pl, nmea, pl.watermark_ms)
        return part

    def _decode(
        self, part: _Partition, msgs: list[Any], dlq: list[tuple[Any, Rejected]]
    ) -> list[Position | StaticData]:
        """The records of a partition's messages, in order; rejects to ``dlq``. A message
        whose record lies beyond ``max_future_ms`` of the wall clock is rejected whole
        (``ts_in_future``): one bad clock must not move event time for everyone. Nothing
        is observed in the future, live or replayed, so the wall clock bounds both modes."""
        records: list[Position | StaticData] = []
        limit_ms = int(time.time() * 1000) + self.settings.max_future_ms
        for m in msgs:
            got = self._decode_one(part, m, dlq)
            newest_ms = max(map(_TS, got)) if got else 0
            if newest_ms > limit_ms:
                ahead_s = (newest_ms - limit_ms + self.settings.max_future_ms) / 1000
                dlq.append((m, Rejected("ts_in_future", f"{ahead_s:.0f} s ahead of the clock")))
                continue
            records += got
        return records

    @staticmethod
    def _decode_one(
        part: _Partition, m: Any, dlq: list[tuple[Any, Rejected]]
    ) -> list[Position | StaticData]:
        if part.nmea is not None:
            out: list[Position | StaticData] = []
            for item in part.nmea.feed(m.value or b"", record_ts_ms=m.timestamp):
                if isinstance(item, Rejected):
                    dlq.append((m, item))
                else:
                    out.append(item)
            return out
        res = decode_json_record(m.value or b"")
        if isinstance(res, Rejected):
            dlq.append((m, res))
            return []
        return res

    def _commit_batch(self, consumer: Any, producer: Any, batch: dict[Any, list[Any]]) -> None:
        s = self.settings
        alerts: list[Alert] = []
        dlq: list[tuple[Any, Rejected]] = []
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        # 1. process
        for tp in sorted(batch, key=lambda t: (t.topic, t.partition)):
            msgs = batch[tp]
            part = self._partition(tp.topic, tp.partition)
            records = self._decode(part, msgs, dlq)
            self.metrics.records_in.labels(tp.topic).inc(len(msgs))
            alerts.extend(part.pipeline.process(records))
            if records:
                part.last_event_ms = max(part.last_event_ms or 0, max(map(_TS, records)))
                part.last_record_wall = time.monotonic()
            offsets[tp] = OffsetAndMetadata(msgs[-1].offset + 1, "", -1)
        # 2. produce alerts and dead letters, flush, check every send
        futures = []
        for a in alerts:
            futures.append(producer.send(s.alert_topic, key=a.vessel.encode(), value=alert_json(a)))
        for m, rej in dlq:
            value, headers = dead_letter(m, rej)
            futures.append(producer.send(s.dlq_topic, key=m.key, value=value, headers=headers))
        producer.flush(30)
        for f in futures:
            f.get(timeout=30)  # raises if any send failed
        # 3. persist state (and per-partition watermarks) in one pipeline
        self._check_epoch()
        for (topic, p), part in self.parts.items():
            if part.pipeline.watermark_ms is not None:
                self.store.set(f"sg:{{t:{topic}:{p}}}:wm", str(part.pipeline.watermark_ms).encode())
        self.store.flush()
        # 4. commit offsets
        consumer.commit(offsets)
        self.metrics.batches.inc()
        for a in alerts:
            self.metrics.alerts.labels(a.type).inc()
            if self.on_alert:
                self.on_alert(a)
        for _, rej in dlq:
            self.metrics.rejects.labels(rej.reason).inc()
        if dlq:
            log.warning(
                "%d records sent to %s (%s)",
                len(dlq),
                s.dlq_topic,
                ", ".join(sorted({r.reason for _, r in dlq})),
            )

    def _check_epoch(self) -> None:
        if self.epoch is None or self.epoch.intact():
            return
        self.metrics.state_lost.inc()
        log.error(
            "state lost: the Redis state epoch is gone (restarted without persistence?); "
            "carrying on with empty state - see docs/operations.md"
        )

    def _rollback(self, consumer: Any, batch: dict[Any, list[Any]]) -> None:
        self.store.discard()
        for tp, msgs in batch.items():
            try:
                consumer.seek(tp, msgs[0].offset)
            except (KafkaError, AssertionError, ValueError) as exc:
                log.warning("seek %s failed: %s", tp, exc)
        # In-memory pipeline state (watermarks, NMEA fragments) is rebuilt from Redis.
        self.parts.clear()

    def _idle_tick(self, producer: Any, final: bool = False) -> None:
        """Nothing came in this poll. A partition quiet for ``idle_watermark_ms`` (wall
        clock) no longer holds its event time back (Kafka Streams' max.task.idle.ms, Flink's
        idleness): it moves to the newest event time of any partition of this instance,
        so a vessel's timer that falls due after its own partition went quiet still fires
        - once the input ends, at the same time as in an offline replay. Live, it also
        follows the wall clock from its last record, so a silent vessel's gap opens while
        it is silent even when every partition is quiet. ``final``: the input has ended
        (the service is leaving when idle): every partition counts as quiet."""
        now = time.monotonic()
        alerts: list[Alert] = []
        newest = [p.last_event_ms for p in self.parts.values() if p.last_event_ms is not None]
        stream_ms = max(newest, default=None)
        for part in self.parts.values():
            if part.last_event_ms is None or stream_ms is None:
                continue
            idle_ms = (now - part.last_record_wall) * 1000
            if idle_ms < self.settings.idle_watermark_ms and not final:
                continue
            target = stream_ms
            if self.live:
                target = max(target, part.last_event_ms + int(idle_ms))
            alerts.extend(part.pipeline.advance(target))
        if not alerts and not self.store.pending:
            return
        try:
            futures = [
                producer.send(self.settings.alert_topic, key=a.vessel.encode(), value=alert_json(a))
                for a in alerts
            ]
            producer.flush(30)
            for f in futures:
                f.get(timeout=30)
            self.store.flush()
            for a in alerts:
                self.metrics.alerts.labels(a.type).inc()
                if self.on_alert:
                    self.on_alert(a)
        except (StateError, KafkaError, OSError) as exc:
            log.error("idle tick failed: %s", exc)
            self.store.discard()
            self.parts.clear()

    def _update_lag(self, consumer: Any) -> None:
        try:
            assigned = consumer.assignment()
            ends = consumer.end_offsets(list(assigned))
            lag: dict[int, int] = defaultdict(int)
            for tp in assigned:
                pos = consumer.position(tp)
                lag[tp.partition] += max(0, ends.get(tp, pos) - pos)
            for p, v in lag.items():
                self.metrics.lag.labels(str(p)).set(v)
        except (KafkaError, AssertionError, ValueError):
            pass


def dead_letter(m: Any, rej: Rejected) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The value and headers a rejected message is dead-lettered with: the original bytes,
    cut to ``DLQ_MAX_VALUE_BYTES`` (with their size and hash) when longer."""
    value: bytes = m.value or b""
    headers = [
        ("seaguard.reason", rej.reason.encode()),
        ("seaguard.detail", rej.detail.encode()[:512]),
        ("seaguard.source", f"{m.topic}/{m.partition}/{m.offset}".encode()),
    ]
    if len(value) > DLQ_MAX_VALUE_BYTES:
        headers += [
            ("seaguard.original_size", str(len(value)).encode()),
            ("seaguard.original_sha256", hashlib.sha256(value).hexdigest().encode()),
        ]
        value = value[:DLQ_MAX_VALUE_BYTES]
    return value, headers


def _await_metadata(consumer: Any, topics: list[str], timeout_s: float = 15.0) -> None:
    """Have the partitions of every topic in the client's metadata before joining the group:
    otherwise kafka-python's range assignor may hand out an empty assignment and never retry
    (seen with Tansu when the client is busy right after start)."""
    deadline = time.monotonic() + timeout_s
    for t in topics:
        while not consumer.partitions_for_topic(t) and time.monotonic() < deadline:
            time.sleep(0.1)
