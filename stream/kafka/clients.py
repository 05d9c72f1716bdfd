"""kafka-python client factories with settings that are valid on Apache Kafka and fast on
Tansu (see the notes: session_timeout_ms=6000, heartbeat 2000, manual commits)."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from stream.kafka.probe import probe_broker
from stream.settings import Settings

__all__ = [
    "check_reachable",
    "create_topics",
    "make_consumer",
    "make_producer",
    "seaguard_topics",
]

log = logging.getLogger(__name__)


def check_reachable(settings: Settings) -> None:
    """Fail fast, before kafka-python spends 30 s retrying: some bootstrap address answers
    as a Kafka broker (stream/kafka/probe.py), else BrokerUnreachable naming each address."""
    probe_broker(settings.bootstrap_servers, settings.security_protocol, settings.sasl_mechanism)


def make_consumer(
    settings: Settings, topics: list[str], group: str | None = None, **overrides: Any
) -> KafkaConsumer:
    kw: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "group_id": group if group is not None else settings.group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": settings.heartbeat_interval_ms,
        "max_poll_interval_ms": 300_000,
        "max_poll_records": settings.max_poll_records,
        "fetch_max_bytes": 52_428_800,
        "max_partition_fetch_bytes": 8_388_608,
        **settings.kafka_security(),
    }
    kw.update(overrides)
    check_reachable(settings)
    c = KafkaConsumer(**kw)
    if topics:
        c.subscribe(topics)
    return c


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    kw: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "acks": "all",
        "linger_ms": 20,
        "batch_size": 262_144,
        "compression_type": "lz4",
        "retries": 5,
        "request_timeout_ms": 15_000,
        "max_block_ms": 10_000,  # a missing/unusable topic fails the batch in 10 s, not 60
        **settings.kafka_security(),
    }
    kw.update(overrides)
    check_reachable(settings)
    return KafkaProducer(**kw)


def seaguard_topics(settings: Settings) -> dict[str, int]:
    """seaguard's topics (name -> partitions) as the embedded broker's users create them."""
    return {
        settings.input_topic: 4,
        settings.nmea_topic: 4,
        settings.alert_topic: 4,
        settings.dlq_topic: 1,
    }


def create_topics(settings: Settings, topics: dict[str, int]) -> None:
    """Create topics (name → partitions) if missing."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers.split(","), **settings.kafka_security()
    )
    try:
        existing = set(admin.list_topics())
        new = [NewTopic(n, p, 1) for n, p in topics.items() if n not in existing]
        if new:
            try:
                admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()
