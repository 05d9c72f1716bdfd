"""Faults against the real broker and a real Redis the test can stop and start."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_kafka import KafkaEnv, wait_exit
from tests.http import http_get
from tests.stream.kafka.test_service import publish, scenario  # noqa: F401 - fixture

pytestmark = [pytest.mark.kafka, pytest.mark.faults]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnRedis:
    def __init__(self) -> None:
        self.exe = shutil.which("redis-server")
        assert self.exe, "redis-server binary needed (apt-get install redis-server)"
        self.port = _port()
        self.dir = tempfile.mkdtemp(prefix="sg-redis-fault-")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(self.exe),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)


def test_redis_outage_backpressure_then_resume(
    kafka_env: KafkaEnv,
    scenario: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    r = OwnRedis()
    r.start()
    kafka_env.redis_url = f"redis://127.0.0.1:{r.port}/0"
    try:
        publish(kafka_env, scenario["positions"])
        p = kafka_env.start_service(tmp_path, env={"SEAGUARD_MAX_POLL_RECORDS": "300"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not kafka_env.alerts(timeout_s=2):
            time.sleep(0.5)
        r.stop()  # Redis goes away mid-stream (its append-only file keeps the data)
        time.sleep(6)
        log = kafka_env.logs[0].read_text()
        assert "batch failed (StateError" in log and "rolling back" in log
        r.start()  # and comes back
        deadline = time.monotonic() + 180
        ids: set[str] = set()
        while time.monotonic() < deadline and ids != scenario["ids"]:
            time.sleep(2)
            ids = {a["alert_id"] for a in kafka_env.alerts(timeout_s=5)}  # type: ignore[misc]
        assert ids == scenario["ids"]  # nothing lost, nothing invented
        p.terminate()
        assert wait_exit(p, 30) == 0
    finally:
        r.stop()
        shutil.rmtree(r.dir, ignore_errors=True)


def test_broker_unreachable_for_20s_then_back(
    kafka_env: KafkaEnv,
    broker: Any,
    scenario: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    import os
    import signal

    publish(kafka_env, scenario["positions"])
    p = kafka_env.start_service(tmp_path, env={"SEAGUARD_MAX_POLL_RECORDS": "300"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not kafka_env.alerts(timeout_s=2):
        time.sleep(0.5)
    assert broker.proc is not None
    os.kill(broker.proc.pid, signal.SIGSTOP)  # the broker stops answering for 20 s
    try:
        time.sleep(20)
    finally:
        os.kill(broker.proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + 240
    ids: set[str] = set()
    while time.monotonic() < deadline and ids != scenario["ids"]:
        time.sleep(2)
        ids = {a["alert_id"] for a in kafka_env.alerts(timeout_s=10)}  # type: ignore[misc]
    assert ids == scenario["ids"]
    assert p.poll() is None  # still running
    p.terminate()
    assert wait_exit(p, 60) == 0


def test_unusable_alert_topic_commits_no_offsets(
    kafka_env: KafkaEnv,
    scenario: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    from kafka import TopicPartition

    from stream.kafka.clients import make_consumer

    # an invalid MMSI: the very first fix raises an alert that has to be sent
    publish(kafka_env, [r for r in scenario["positions"] if r.get("mmsi") == 12345678])
    # Sends to an illegal topic name fail: every batch must roll back, none may commit.
    http = _port()
    p = kafka_env.start_service(
        tmp_path, "--http-port", str(http), env={"SEAGUARD_ALERT_TOPIC": "no such topic!"}
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and "(failure 3)" not in kafka_env.logs[0].read_text():
        time.sleep(0.5)
    # the service says it is stuck: /readyz is not ready, with the reason, and the metrics
    # count the failures in a row
    code, body = http_get(f"http://127.0.0.1:{http}/readyz")
    assert code == 503 and "batch failures in a row" in body, body
    _, metrics = http_get(f"http://127.0.0.1:{http}/metrics")
    failing = [x for x in metrics.splitlines() if x.startswith("seaguard_batch_consecutive")]
    assert failing and float(failing[0].split()[-1]) >= 3
    p.kill()
    p.wait(10)
    assert "batch failed" in kafka_env.logs[0].read_text()
    c = make_consumer(kafka_env.settings, [])
    tps = [TopicPartition(kafka_env.settings.input_topic, i) for i in range(4)]
    assert all(c.committed(tp) in (None, 0) for tp in tps)
    c.close()
    # with the topic fixed, the same group processes everything and publishes the alerts
    p2 = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p2) == 0
    assert kafka_env.alerts()


def test_broker_restarted_empty_the_service_renews_its_clients_and_alerts_flow_again(
    kafka_env: KafkaEnv,
    scenario: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    """A broker restarted without its data (topics recreated empty) leaves a producer with
    a dead producer id: the service renews it and publishes again, within two minutes."""
    import dataclasses

    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics

    own = EmbeddedBroker().start()  # (not the session's broker: this one is restarted)
    env = dataclasses.replace(
        kafka_env,
        settings=dataclasses.replace(kafka_env.settings, bootstrap_servers=own.bootstrap),
        procs=kafka_env.procs,
    )
    s = env.settings
    topics = {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1}
    try:
        create_topics(s, topics)
        half = scenario["positions"][: len(scenario["positions"]) // 2]
        publish(env, half)
        p = env.start_service(tmp_path, env={"SEAGUARD_MAX_POLL_RECORDS": "300"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not env.alerts(timeout_s=2):
            time.sleep(0.5)
        assert env.alerts(timeout_s=5), env.logs[0].read_text()[-2000:]
        own.stop()
        own.start()  # same port, no data
        create_topics(s, topics)
        publish(env, scenario["positions"])
        deadline = time.monotonic() + 120
        got: list[dict[str, object]] = []
        while time.monotonic() < deadline and not got:
            time.sleep(2)
            got = env.alerts(timeout_s=5)
        log_text = env.logs[0].read_text()
        assert got, log_text[-3000:]
        assert p.poll() is None  # still running
        p.terminate()
        assert wait_exit(p, 60) == 0
    finally:
        own.stop()


def test_redis_emptied_under_the_service_is_detected_and_reported(
    kafka_env: KafkaEnv,
    scenario: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    """Redis restarted without persistence: every vessel's state is gone. The service says
    so once (log and seaguard_state_lost_total) and carries on with empty state."""
    import redis

    r = OwnRedis()
    r.start()
    kafka_env.redis_url = f"redis://127.0.0.1:{r.port}/0"
    positions = scenario["positions"]
    try:
        publish(kafka_env, positions[: len(positions) // 2])
        http = _port()
        p = kafka_env.start_service(
            tmp_path, "--http-port", str(http), env={"SEAGUARD_MAX_POLL_RECORDS": "300"}
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not kafka_env.alerts(timeout_s=2):
            time.sleep(0.5)
        assert "state lost" not in kafka_env.logs[0].read_text()
        redis.Redis(port=r.port).flushall()  # as a restart without AOF or RDB leaves it
        publish(kafka_env, positions[len(positions) // 2 :])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "state lost" not in kafka_env.logs[0].read_text():
            time.sleep(0.5)
        assert "state lost: the Redis state epoch is gone" in kafka_env.logs[0].read_text()
        _, metrics = http_get(f"http://127.0.0.1:{http}/metrics")
        assert "seaguard_state_lost_total 1.0" in metrics
        assert p.poll() is None  # still running
        p.terminate()
        assert wait_exit(p, 30) == 0
    finally:
        r.stop()
        shutil.rmtree(r.dir, ignore_errors=True)
