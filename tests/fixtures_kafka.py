"""Kafka fixtures: one real embedded broker (Tansu) per test session, fresh topics per test,
and helpers to run ``seaguard run`` as a subprocess, the way it is deployed."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest

from stream.kafka.broker import EmbeddedBroker
from stream.kafka.clients import create_topics, make_consumer
from stream.settings import Settings, load_settings

_counter = itertools.count()
_dbs = itertools.count(10)


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker() as b:
        yield b


@dataclass
class KafkaEnv:
    """Unique topics, group and Redis db for one test."""

    settings: Settings
    redis_url: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        s = self.settings
        e = dict(os.environ)
        e.update(
            {
                "SEAGUARD_BOOTSTRAP_SERVERS": s.bootstrap_servers,
                "SEAGUARD_GROUP_ID": s.group_id,
                "SEAGUARD_INPUT_TOPIC": s.input_topic,
                "SEAGUARD_NMEA_TOPIC": s.nmea_topic,
                "SEAGUARD_ALERT_TOPIC": s.alert_topic,
                "SEAGUARD_DLQ_TOPIC": s.dlq_topic,
                "SEAGUARD_STATE_BACKEND": "redis",
                "SEAGUARD_REDIS_URL": self.redis_url,
            }
        )
        return e

    def start_service(
        self, tmp: Path, *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = tmp / f"service-{len(self.procs)}.log"
        self.logs.append(log)
        p = subprocess.Popen(
            [sys.executable, "-m", "stream", "--log-level", "INFO", "run", "--replay-mode", *extra],
            env={**self.env(), **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        self.procs.append(p)
        return p

    def alerts(self, timeout_s: float = 30.0) -> list[dict[str, object]]:
        return [orjson.loads(m.value) for m in self.messages(self.settings.alert_topic, timeout_s)]

    def messages(self, topic: str, timeout_s: float = 30.0) -> list[object]:
        """Everything on ``topic`` now: read every partition up to its end offset."""
        from kafka import TopicPartition

        c = make_consumer(self.settings, [], group=None)
        deadline = time.monotonic() + timeout_s
        parts = None
        while not parts and time.monotonic() < deadline:
            parts = c.partitions_for_topic(topic)
            time.sleep(0.05) if not parts else None
        tps = [TopicPartition(topic, p) for p in sorted(parts or [])]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        ends = c.end_offsets(tps)
        out: list[object] = []
        while time.monotonic() < deadline and any(c.position(tp) < ends[tp] for tp in tps):
            for recs in c.poll(timeout_ms=500).values():
                out.extend(recs)
        c.close()
        return out


@pytest.fixture()
def kafka_env(broker: EmbeddedBroker, redis_url: str) -> Iterator[KafkaEnv]:
    import redis

    n = next(_counter)
    base = redis_url.rsplit("/", 1)[0]
    db = next(_dbs) % 16
    url = f"{base}/{db}"
    redis.Redis.from_url(url).flushdb()
    s = load_settings(
        env={},
        bootstrap_servers=broker.bootstrap,
        group_id=f"sg-test-{n}",
        input_topic=f"t{n}.positions",
        nmea_topic=f"t{n}.nmea",
        alert_topic=f"t{n}.alerts",
        dlq_topic=f"t{n}.dlq",
    )
    create_topics(s, {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1})
    env = KafkaEnv(s, url)
    yield env
    for p in env.procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def wait_exit(p: subprocess.Popen[bytes], timeout_s: float = 180.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rc = p.poll()
        if rc is not None:
            return rc
        time.sleep(0.2)
    p.kill()
    raise AssertionError("service did not exit in time")
