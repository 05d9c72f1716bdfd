"""The start-up probe: a usable broker passes; a port that is not Kafka, or a security
setting the broker does not offer, fails in seconds with one line naming the address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from stream.errors import BrokerUnreachable
from stream.kafka.broker import EmbeddedBroker
from stream.kafka.probe import PROBE_TIMEOUT_S, probe_broker

pytestmark = pytest.mark.kafka


def _listener(reply: bytes | None) -> Iterator[str]:
    """A TCP server on a free port that accepts, then sends ``reply`` (None: says nothing)."""
    srv = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        held = []
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            held.append(conn)
            if reply is not None:
                conn.sendall(reply)
        for c in held:
            c.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield f"127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    t.join()
    srv.close()


@pytest.fixture()
def silent_port() -> Iterator[str]:
    yield from _listener(None)


@pytest.fixture()
def http_port() -> Iterator[str]:
    yield from _listener(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def test_a_kafka_broker_passes(broker: EmbeddedBroker) -> None:
    probe_broker(broker.bootstrap, "PLAINTEXT", None)


def test_a_port_that_never_answers_fails_within_the_probe_timeout(silent_port: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(BrokerUnreachable, match="no Kafka reply") as err:
        probe_broker(silent_port, "PLAINTEXT", None)
    assert time.monotonic() - t0 < PROBE_TIMEOUT_S + 1.0
    assert silent_port in str(err.value)


def test_a_port_that_answers_something_else_is_not_a_kafka_broker(http_port: str) -> None:
    with pytest.raises(BrokerUnreachable, match="not a Kafka broker") as err:
        probe_broker(http_port, "PLAINTEXT", None)
    assert http_port in str(err.value)


def test_sasl_against_a_broker_without_it_is_named(broker: EmbeddedBroker) -> None:
    with pytest.raises(BrokerUnreachable, match="SASL mechanism SCRAM-SHA-512"):
        probe_broker(broker.bootstrap, "SASL_PLAINTEXT", "SCRAM-SHA-512")


def test_a_later_address_that_works_is_enough(silent_port: str, broker: EmbeddedBroker) -> None:
    probe_broker(f"{silent_port},{broker.bootstrap}", "PLAINTEXT", None)


@pytest.mark.parametrize("which", ["silent", "sasl"])
def test_the_service_says_so_in_one_line_within_10s(
    which: str, silent_port: str, broker: EmbeddedBroker
) -> None:
    env = {**os.environ, "SEAGUARD_BOOTSTRAP_SERVERS": silent_port}
    if which == "sasl":
        env |= {
            "SEAGUARD_BOOTSTRAP_SERVERS": broker.bootstrap,
            "SEAGUARD_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "SEAGUARD_SASL_MECHANISM": "PLAIN",
            "SEAGUARD_SASL_USERNAME": "u",
            "SEAGUARD_SASL_PASSWORD": "p",
        }
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "stream", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 1, r.stderr
    assert time.monotonic() - t0 < 10
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("seaguard: no Kafka broker reachable"), lines
    assert "Traceback" not in r.stderr
