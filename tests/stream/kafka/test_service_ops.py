"""Operations: health/metrics endpoint, live watermark, publishing recordings to Kafka."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from stream.kafka.publish import publish_json
from tests.builders import T0, line
from tests.fixtures_kafka import KafkaEnv, wait_exit
from tests.http import http_get

pytestmark = pytest.mark.kafka


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_health_metrics_and_live_timer_firing(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    """Live mode: the partition goes quiet, its event time follows the wall clock, and a
    timer that falls due while the vessel is silent fires (a jump confirmed by the vessel
    carrying on from the new place: kinematic_anomaly). Metrics count records and alerts."""
    track = line("247000001", 14.5, 35.45, 90, 10, 190, dt_s=10, t0_ms=T0)  # established
    t_jump = track[-1].ts_ms + 10_000
    jumped = line("247000001", 14.5, 36.0, 90, 10, 3, dt_s=4, t0_ms=t_jump)  # 30 nm north
    bad = [(b"x", b"not json", T0)]
    items = [
        (
            p.vessel.encode(),
            orjson.dumps(
                {"mmsi": p.mmsi, "ts_ms": p.ts_ms, "lat": p.lat, "lon": p.lon, "sog": p.sog_kn}
            ),
            p.ts_ms,
        )
        for p in track + jumped
    ]
    publish_json(items + bad, kafka_env.settings)
    port = _free_port()
    cfg = tmp_path / "seaguard.toml"  # confirmed after 12 s, so the test need not wait 30 min
    cfg.write_text("[detectors.kinematic]\nconfirm_window_s = 12\n")
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stream",
            "--log-level",
            "INFO",
            "run",
            "--http-port",
            str(port),
            "--config",
            str(cfg),
        ],
        env={**kafka_env.env(), "SEAGUARD_IDLE_WATERMARK_MS": "500"},
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "svc.log").open("wb"),
    )
    kafka_env.procs.append(p)
    deadline = time.monotonic() + 60
    jump = []
    while time.monotonic() < deadline and not jump:
        time.sleep(1)
        jump = [a for a in kafka_env.alerts(timeout_s=5) if a["type"] == "kinematic_anomaly"]
    assert jump, (tmp_path / "svc.log").read_text()[-3000:]
    # it fired at its due time (the jump plus 12 s), after the last fix: by the idle clock
    assert jump[0]["evidence"]["returned"] is False
    code, body = http_get(f"http://127.0.0.1:{port}/healthz")
    assert code == 200 and body == "ok\n"
    code, _ = http_get(f"http://127.0.0.1:{port}/readyz")
    assert code == 200
    code, metrics = http_get(f"http://127.0.0.1:{port}/metrics")
    assert code == 200
    assert f'seaguard_records_in_total{{topic="{kafka_env.settings.input_topic}"}} 194.0' in metrics
    assert 'seaguard_records_rejected_total{reason="json_invalid"} 1.0' in metrics
    assert 'seaguard_alerts_total{type="kinematic_anomaly"}' in metrics
    assert "seaguard_batch_seconds_bucket" in metrics and "seaguard_consumer_lag" in metrics
    assert "seaguard_batch_consecutive_failures 0.0" in metrics
    p.terminate()
    assert wait_exit(p, 30) == 0
    assert "redis://" not in (tmp_path / "svc.log").read_text()  # the Redis URL is a secret


def test_replay_to_kafka_publishes_in_event_time_order(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    f = tmp_path / "in.ndjson"
    recs = [
        {"mmsi": 247000000 + i % 3, "ts": 1717236000 + 60 * (20 - i), "lat": 35.4, "lon": 14.5}
        for i in range(20)
    ]
    f.write_text("\n".join(json.dumps(r) for r in recs) + "\nnot json\n")
    r = subprocess.run(
        [sys.executable, "-m", "stream", "replay", str(f), "--to-kafka", "--speed", "600"],
        env=kafka_env.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    msgs = kafka_env.messages(kafka_env.settings.input_topic)
    assert len(msgs) == 20
    for part in {m.partition for m in msgs}:
        ts = [orjson.loads(m.value)["ts_ms"] for m in msgs if m.partition == part]
        assert ts == sorted(ts)  # per key/partition, in event-time order
    assert all(m.key == str(orjson.loads(m.value)["mmsi"]).encode() for m in msgs)
    assert all(m.timestamp == orjson.loads(m.value)["ts_ms"] for m in msgs)


def test_replay_to_kafka_shows_progress_on_a_terminal(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    import os
    import pty

    f = tmp_path / "in.ndjson"
    f.write_text(
        "\n".join(
            json.dumps({"mmsi": 247000001, "ts": 1717236000 + i, "lat": 35.4, "lon": 14.5})
            for i in range(20_000)
        )
        + "\n"
    )
    main_fd, term_fd = pty.openpty()  # stderr a terminal, as a user's is
    p = subprocess.Popen(
        [sys.executable, "-m", "stream", "replay", str(f), "--to-kafka"],
        env=kafka_env.env(),
        stdout=subprocess.DEVNULL,
        stderr=term_fd,
    )
    os.close(term_fd)
    seen = b""
    while True:
        try:
            got = os.read(main_fd, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not got:
            break
        seen += got
    os.close(main_fd)
    assert p.wait(120) == 0
    assert b"publishing to " in seen and b"/20000" in seen
    assert b"published 20000 records" in seen
