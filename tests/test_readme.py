"""The README's examples run as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import orjson

from tests.fixtures_kafka import KafkaEnv

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    first = blocks("sh")[0]
    assert "make demo" in first and "make test" in first
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci  # CI runs the README's test command


def test_python_subscriber_example_runs(kafka_env: KafkaEnv) -> None:
    from stream.kafka.clients import make_producer

    alert = {
        "alert_id": "x-1",
        "type": "encounter",
        "status": "open",
        "severity": "high",
        "summary": "A and B met.",
    }
    prod = make_producer(kafka_env.settings)
    for status in ("open", "open", "closed"):  # a re-delivery, then a status change
        # keyed by vessel like the service's alerts: one partition, in order
        prod.send(
            kafka_env.settings.alert_topic,
            key=b"247000001",
            value=orjson.dumps({**alert, "status": status}),
        )
    prod.flush()
    prod.close()
    (code,) = blocks("python")
    r = subprocess.run(
        [sys.executable, "-c", code],
        env=kafka_env.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["high encounter A and B met."] * 2
