"""The health/metrics server: truthful readiness and bounded resources."""

from __future__ import annotations

import socket
import threading
import time

from stream.metrics import MAX_HTTP_CONNECTIONS, Metrics, serve_http
from tests.http import http_get


def test_readiness_follows_the_group_and_failing_batches() -> None:
    m = Metrics()
    srv = serve_http(m, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{srv.server_address[1]}/readyz"
    try:
        assert http_get(url)[0] == 503  # no partitions yet
        m.ready = True
        assert http_get(url) == (200, "ready\n")
        for _ in range(3):
            m.batch_failed("KafkaError: broker gone")
        code, body = http_get(url)
        assert code == 503 and "3 batch failures in a row" in body and "broker gone" in body
        m.batch_ok()
        assert http_get(url)[0] == 200
    finally:
        srv.shutdown()


def test_idle_connections_cannot_pile_up_threads() -> None:
    m = Metrics()
    srv = serve_http(m, "127.0.0.1", 0)
    port = srv.server_address[1]
    before = threading.active_count()
    socks = []
    try:
        for _ in range(200):  # connections that never send a request
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        time.sleep(1.0)
        assert threading.active_count() - before <= MAX_HTTP_CONNECTIONS + 2
    finally:
        for s in socks:
            s.close()
    time.sleep(0.5)
    assert http_get(f"http://127.0.0.1:{port}/healthz")[0] == 200  # still serving
    srv.shutdown()


def test_a_busy_port_is_a_configuration_error_naming_it() -> None:
    import pytest

    from stream.errors import ConfigError

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"127.0.0.1:{port}: .*--http-port"):
            serve_http(Metrics(), "127.0.0.1", port)
