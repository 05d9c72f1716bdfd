"""``seaguard alerts`` against the real broker: dedup by id, filters, formats."""

from __future__ import annotations

import json
import subprocess
import sys

import orjson
import pytest

from stream.kafka.clients import make_producer
from tests.builders import T0, heartbeat, lane, line, run
from tests.fixtures_kafka import KafkaEnv

pytestmark = pytest.mark.kafka


def test_alerts_command_dedups_filters_and_formats(kafka_env: KafkaEnv) -> None:
    # real alerts from the pipeline: an invalid identity and a gap (open, then closed)
    before = line("12345678", 14.5, 35.45, 90, 10, 60, dt_s=60)
    after = line("12345678", 14.9, 35.45, 90, 10, 5, dt_s=60, t0_ms=T0 + 5 * 3600_000)
    busy = lane(14.3, 35.46, 15.6, 35.46, T0, 6)  # covered water: the gap is dark
    alerts = run(before + busy + heartbeat(T0, 6) + after, batch=200)  # type: ignore[operator]
    prod = make_producer(kafka_env.settings)
    for a in alerts + alerts:  # every message delivered twice, as after a service restart
        prod.send(
            kafka_env.settings.alert_topic, key=a.vessel.encode(), value=orjson.dumps(a.to_dict())
        )
    prod.flush()
    prod.close()

    def sg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stream", "alerts", *args],
            env=kafka_env.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = sg("--format", "json")
    assert r.returncode == 0, r.stderr
    got = [json.loads(x) for x in r.stdout.splitlines()]
    ids = {a.alert_id for a in alerts}
    assert len(got) == len(ids)  # deduplicated by alert_id
    gap = [g for g in got if g["type"] == "ais_gap"]
    assert len(gap) == 1 and gap[0]["status"] == "closed"  # latest status kept
    r = sg("--format", "json", "--type", "invalid_identity", "--min-severity", "low")
    assert [json.loads(x)["type"] for x in r.stdout.splitlines()] == ["invalid_identity"]
    assert sg("--format", "json", "--min-severity", "critical").stdout == ""
    r = sg("--format", "geojson")
    fc = json.loads(r.stdout)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(ids)
    assert fc["features"][0]["geometry"]["type"] == "Point"
    r = sg("--format", "table")
    assert "ais_gap" in r.stdout and "closed" in r.stdout
