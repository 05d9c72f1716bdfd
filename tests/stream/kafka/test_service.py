"""Integration: the service against the real embedded broker and real Redis, as deployed."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from stream.app import build_pipeline
from stream.kafka.publish import publish_simulated
from stream.replay import load_records, replay
from stream.settings import load_settings
from stream.sim import simulate
from stream.sinks import ListSink
from tests.fixtures_kafka import KafkaEnv, wait_exit

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A simulated scenario and the alert ids an offline replay gives for it."""
    positions, truth = simulate(["all"], seed=3, hours=8)
    d = tmp_path_factory.mktemp("scn")
    f = d / "positions.ndjson"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in positions))
    sink = ListSink()
    replay(load_records([f]), build_pipeline(load_settings(env={})), sink)
    return {
        "positions": positions,
        "truth": truth,
        "ids": {a.alert_id for a in sink.alerts},
        "alerts": sink.alerts,
    }


def publish(env: KafkaEnv, positions: list[dict[str, Any]]) -> int:
    return publish_simulated(positions, env.settings)


def test_end_to_end_same_alert_ids_as_replay(
    kafka_env: KafkaEnv, scenario: dict[str, Any], tmp_path: Path
) -> None:
    publish(kafka_env, scenario["positions"])
    p = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p) == 0, kafka_env.logs[0].read_text()[-2000:]
    alerts = kafka_env.alerts()
    ids = {a["alert_id"] for a in alerts}
    assert scenario["ids"] and ids == scenario["ids"]
    types = {a["type"] for a in alerts}
    assert {"crossing_pattern", "encounter", "ais_gap", "duplicate_identity"} <= types


def test_crash_and_restart_loses_and_invents_nothing(
    kafka_env: KafkaEnv, scenario: dict[str, Any], tmp_path: Path
) -> None:
    publish(kafka_env, scenario["positions"])
    small = {"SEAGUARD_MAX_POLL_RECORDS": "300"}  # many small batches: the kill lands mid-stream
    p = kafka_env.start_service(tmp_path, env=small)
    deadline = time.monotonic() + 120
    before: set[str] = set()  # distinct ids: an alert's open and closed share one
    while time.monotonic() < deadline and len(before) < 3:
        time.sleep(1.0)
        before = {a["alert_id"] for a in kafka_env.alerts(timeout_s=1.0)}
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    assert 3 <= len(before) < len(scenario["ids"])
    p2 = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p2) == 0, kafka_env.logs[-1].read_text()[-2000:]
    ids = {a["alert_id"] for a in kafka_env.alerts()}
    assert ids == scenario["ids"]  # after deduplication by id: nothing lost, nothing invented


def test_two_instances_split_partitions_and_agree(
    kafka_env: KafkaEnv, scenario: dict[str, Any], tmp_path: Path
) -> None:
    publish(kafka_env, scenario["positions"])
    # Small polls keep the two instances close in event time, as a live feed does: a
    # cross-partition encounter is found through the shared view only while both sides'
    # fixes of a bucket are there when either looks (replaying 27 h of history in a few
    # large batches per instance can miss or split one - docs/operations.md).
    small = {"SEAGUARD_MAX_POLL_RECORDS": "300"}
    a = kafka_env.start_service(tmp_path, "--exit-when-idle", "8", env=small)
    b = kafka_env.start_service(tmp_path, "--exit-when-idle", "8", env=small)
    assert wait_exit(a) == 0 and wait_exit(b) == 0
    logs = [lg.read_text() for lg in kafka_env.logs]
    assigned = [[ln for ln in lg.splitlines() if "partitions assigned" in ln] for lg in logs]
    assert all(assigned), "both instances were assigned partitions"
    alerts = kafka_env.alerts()
    assert {x["alert_id"] for x in alerts} == scenario["ids"]
    # the rendezvous vessels sit on different partitions (keys hash to 2 and 0 of 4)
    enc = [x for x in alerts if x["type"] == "encounter"]
    assert {frozenset((e["vessel"], e["other_vessel"])) for e in enc} >= {
        frozenset(("247990003", "538990004"))
    }


def test_sigterm_finishes_batch_commits_and_exits_zero(
    kafka_env: KafkaEnv, scenario: dict[str, Any], tmp_path: Path
) -> None:
    publish(kafka_env, scenario["positions"][:2000])
    p = kafka_env.start_service(tmp_path, "--http-port", "0")
    deadline = time.monotonic() + 60  # (start-up builds the zone indexes first)
    while "partitions assigned" not in kafka_env.logs[0].read_text():
        assert time.monotonic() < deadline and p.poll() is None, "never assigned partitions"
        time.sleep(0.5)
    time.sleep(2)  # a batch or two under way
    p.send_signal(signal.SIGTERM)
    assert wait_exit(p, 30) == 0
    log = kafka_env.logs[0].read_text()
    assert "leaving the group" in log
    # the zone indexes are built at start-up, before the first partitions come
    assert log.index("zones ready") < log.index("partitions assigned")


def test_bad_records_go_to_dead_letter_topic(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    import hashlib

    from stream.kafka.clients import make_producer

    prod = make_producer(kafka_env.settings, max_request_size=4_000_000)
    bad = [
        b'{"mmsi": 1, "ts": 17',
        b"\x00\xff garbage",
        b'{"mmsi": 237000001, "lat": 1}',
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": 95, "lon": 1}',
        # a valid record from a clock 75 years fast: it must not move event time
        b'{"mmsi": 237000002, "ts": 4070908800, "lat": 35.4, "lon": 14.4, "sog": 9}',
    ]
    # larger than the broker's default message limit: it must still leave the partition
    huge = b'{"mmsi": 237000003, "pad": "' + b"x" * 1_200_000 + b'"}'
    for v in [*bad, huge]:
        prod.send(kafka_env.settings.input_topic, key=b"k", value=v)
    good = {"mmsi": 123456789, "ts": 1717236000, "lat": 35.45, "lon": 14.5, "sog": 10}
    prod.send(kafka_env.settings.input_topic, key=b"123456789", value=orjson.dumps(good))
    prod.flush()
    prod.close()
    p = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p) == 0
    dlq = kafka_env.messages(kafka_env.settings.dlq_topic)
    small = [m for m in dlq if len(m.value) < 1000]
    assert sorted(m.value for m in small) == sorted(bad)  # original bytes, untouched
    reasons = sorted(dict(m.headers)["seaguard.reason"].decode() for m in dlq)
    assert reasons == [
        "json_invalid",
        "json_invalid",
        "lat_out_of_range",
        "missing_field:ts",
        "record_too_large",
        "ts_in_future",
    ]
    for m in small:
        assert set(dict(m.headers)) == {"seaguard.reason", "seaguard.detail", "seaguard.source"}
    (cut,) = [m for m in dlq if len(m.value) >= 1000]
    headers = dict(cut.headers)
    assert cut.value == huge[: len(cut.value)] and len(cut.value) == 64 * 1024
    assert headers["seaguard.original_size"] == str(len(huge)).encode()
    assert headers["seaguard.original_sha256"] == hashlib.sha256(huge).hexdigest().encode()
    # the service kept going: the good record after the bad ones was processed
    assert [a["type"] for a in kafka_env.alerts()] == ["invalid_identity"]


def test_raw_nmea_topic_yields_alerts(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    from pyais.encode import encode_dict

    from stream.kafka.clients import make_producer

    prod = make_producer(kafka_env.settings)
    t0 = 1717236000
    lines: list[tuple[str, int]] = []
    for i in range(30):  # an invalid MMSI, then a ship that jumps 40 nm and back
        lines += [
            (s, (t0 + 60 * i) * 1000)
            for s in encode_dict(
                {
                    "type": 1,
                    "mmsi": 12345678,
                    "lat": 35.45,
                    "lon": 14.5 + 0.003 * i,
                    "speed": 10,
                    "course": 90,
                },
                radio_channel="A",
                talker_id="AI",
            )
        ]
    lines += [
        (s, t0 * 1000)
        for s in encode_dict(
            {
                "type": 5,
                "mmsi": 237000001,
                "shipname": "NMEA TEST",
                "callsign": "SV1",
                "ship_type": 70,
            },
            radio_channel="A",
            talker_id="AI",
            seq_id=1,
        )
    ]
    for s, ts in lines:
        prod.send(kafka_env.settings.nmea_topic, key=b"nmea", value=s.encode(), timestamp_ms=ts)
    prod.flush()
    prod.close()
    p = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p) == 0
    alerts = kafka_env.alerts()
    assert [(a["type"], a["vessel"]) for a in alerts] == [("invalid_identity", "12345678")]
    assert alerts[0]["ts"].startswith("2024-06-01T10:00")  # the Kafka record timestamp


def test_interop_with_librdkafka_client(
    kafka_env: KafkaEnv, scenario: dict[str, Any], tmp_path: Path
) -> None:
    confluent_kafka = pytest.importorskip("confluent_kafka")
    s = kafka_env.settings
    prod = confluent_kafka.Producer({"bootstrap.servers": s.bootstrap_servers})
    vessels = [r for r in scenario["positions"] if r.get("mmsi") == 12345678]
    assert vessels
    for r in vessels:
        prod.produce(s.input_topic, key=str(r["mmsi"]).encode(), value=orjson.dumps(r))
    prod.flush(30)
    p = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p) == 0
    cons = confluent_kafka.Consumer(
        {
            "bootstrap.servers": s.bootstrap_servers,
            "group.id": "interop-reader",
            "auto.offset.reset": "earliest",
        }
    )
    cons.subscribe([s.alert_topic])
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not got:
        m = cons.poll(1.0)
        if m is not None and m.error() is None:
            got.append(orjson.loads(m.value()))
    cons.close()
    assert got and got[0]["type"] == "invalid_identity" and got[0]["mmsi"] == 12345678


def test_a_quiet_partition_does_not_hold_back_its_vessels_timers(
    kafka_env: KafkaEnv, tmp_path: Path
) -> None:
    """A vessel alone on its partition goes dark while the traffic around it, on the other
    partitions, carries on: once the input ends, its gap opens as in an offline replay."""
    from stream.kafka.clients import make_producer
    from stream.models import Position
    from tests.builders import T0, lane, line

    dark = line("247000001", 14.5, 35.46, 90, 10, 60, dt_s=60)  # then silent
    busy = [r for r in lane(14.3, 35.46, 15.6, 35.46, T0, 5) if isinstance(r, Position)]
    rows = sorted([*dark, *busy], key=lambda r: r.ts_ms)

    def value(p: Position) -> bytes:
        return orjson.dumps(
            {
                "mmsi": p.mmsi,
                "ts_ms": p.ts_ms,
                "lat": p.lat,
                "lon": p.lon,
                "sog": p.sog_kn,
                "cog": p.cog_deg,
            }
        )

    prod = make_producer(kafka_env.settings)
    for p in rows:  # the dark vessel alone on partition 0, the traffic on 1-3
        part = 0 if p.vessel == "247000001" else 1 + int(p.vessel) % 3
        prod.send(
            kafka_env.settings.input_topic,
            value=value(p),
            partition=part,
            key=p.vessel.encode(),
            timestamp_ms=p.ts_ms,
        )
    prod.flush()
    prod.close()
    f = tmp_path / "rows.ndjson"
    f.write_bytes(b"".join(value(p) + b"\n" for p in rows))
    sink = ListSink()
    replay(load_records([f]), build_pipeline(load_settings(env={})), sink)
    offline = {a.alert_id for a in sink.alerts if a.type == "ais_gap"}
    assert offline  # the gap opens offline: covered water, event time runs on
    p = kafka_env.start_service(tmp_path, "--exit-when-idle", "4")
    assert wait_exit(p) == 0, kafka_env.logs[0].read_text()[-2000:]
    online = {a["alert_id"] for a in kafka_env.alerts() if a["type"] == "ais_gap"}
    assert online == offline
